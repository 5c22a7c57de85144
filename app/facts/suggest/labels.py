"""Draft labels in the story's language, from the words around the value.

A draft is for an editor to correct: "Convoy left Gao" (the clause before a date), "Vehicles"
(the noun counted), "Distance southwest of Kidal", "Head of the junta" (a person's apposition),
"Alliance of armed groups" (an organisation's), "Camps" (what a list of places locates).
"""

from __future__ import annotations

from app.facts.suggest.lexicon import lexicon
from app.facts.suggest.text import Token, capitalize, clause, phrase_before, tokens
from app.facts.suggest.units import unit_kind

_MAX_WORDS = 6
_BEFORE_WORDS = 8
_KIND = {
    "en": {
        "length": "Distance",
        "area": "Area",
        "mass": "Weight",
        "volume": "Volume",
        "concentr": "Share",
        "speed": "Speed",
        "temperature": "Temperature",
        "duration": "Duration",
    },
    "fr": {
        "length": "Distance",
        "area": "Superficie",
        "mass": "Poids",
        "volume": "Volume",
        "concentr": "Part",
        "speed": "Vitesse",
        "temperature": "Température",
        "duration": "Durée",
    },
}
_GENERIC = {
    "en": {"date": "Date", "places": "Places", "organisation": "Organisation", "count": "Number"},
    "fr": {"date": "Date", "places": "Lieux", "organisation": "Organisation", "count": "Nombre"},
}
_APPOSITION_START = ("the", "a", "an", "le", "la", "les", "l'", "un", "une")


def generic(kind: str, language: str) -> str:
    return _GENERIC.get(language, _GENERIC["en"])[kind]


def _trimmed(words: list[Token], language: str) -> list[Token]:
    """Without function words at either end: "of the Malian army set off on" → "Malian army
    set off"."""
    lex = lexicon(language)
    drop = set(lex.stopwords) | set(lex.determiners) | {"but", "mais", "however", "cependant"}
    while words and (not words[0].is_word or words[0].lower in drop):
        words = words[1:]
    while words and (not words[-1].is_word or words[-1].lower in drop):
        words = words[:-1]
    return words


def _phrase(sentence: str, words: list[Token]) -> str:
    return capitalize(sentence[words[0].start : words[-1].end]) if words else ""


def around(sentence: str, start: int, end: int, language: str) -> str:
    """The words before [start, end) in its clause (the last few), else the words after."""
    left, right = clause(sentence, start, end, max_words=12)
    before = _trimmed(
        [_shift(t, left) for t in tokens(sentence[left:start])][-_BEFORE_WORDS:], language
    )
    if sum(1 for t in before if t.is_word) >= 2:
        return _phrase(sentence, before)
    after = _trimmed([_shift(t, end) for t in tokens(sentence[end:right])][:_MAX_WORDS], language)
    return _phrase(sentence, after)


def _shift(token: Token, by: int) -> Token:
    return Token(token.text, token.start + by, token.end + by)


def date_label(sentence: str, start: int, end: int, language: str) -> str:
    return around(sentence, start, end, language) or generic("date", language)


def count_label(noun: str, language: str) -> str:
    return capitalize(noun) if noun else generic("count", language)


def quantity_label(sentence: str, end: int, unit: str, noun: str, language: str) -> str:
    """ "Distance southwest of Kidal"; a duration is named by what lasts ("Drive")."""
    kinds = _KIND.get(language, _KIND["en"])
    kind = kinds.get(unit_kind(unit), kinds["length"])
    if unit.startswith("duration-"):
        return capitalize(noun) if noun else kind
    _, right = clause(sentence, end, end, max_words=_MAX_WORDS)
    after = [_shift(t, end) for t in tokens(sentence[end:right])]
    if after and after[0].lower in ("and", "or", "et", "ou", "but", "mais"):
        after = []  # "1,500 km and 24 hours": what follows is the next figure
    tail = _trimmed(after, language)
    return f"{kind} {sentence[tail[0].start : tail[-1].end]}" if tail else kind


def apposition_before(sentence: str, start: int, language: str) -> tuple[str, int] | None:
    """ "The head of the junta, Colonel …": the phrase before the comma, and where it starts."""
    window = max(0, start - 80)  # an apposition is a few words: never read the whole prefix
    cut = sentence[window:start].rstrip()
    for word in ("le", "la", "l'", "the"):
        if cut.lower().endswith(" " + word):
            cut = cut[: -len(word)].rstrip()
    if not cut.endswith(","):
        return None
    comma = window + len(cut) - 1
    left, _ = clause(sentence, comma, comma, max_words=_MAX_WORDS)
    words = [_shift(t, left) for t in tokens(sentence[left:comma])]
    if not words or words[0].lower not in _APPOSITION_START:
        return None
    kept = _trimmed(words, language)
    return (_phrase(sentence, kept), left) if kept else None


def apposition_after(sentence: str, end: int, language: str) -> str | None:
    """ "…, an alliance of armed groups": the phrase after the comma."""
    if not sentence.startswith(", ", end):
        return None
    _, right = clause(sentence, end + 2, end + 2, max_words=_MAX_WORDS)
    words = [_shift(t, end + 2) for t in tokens(sentence[end + 2 : right])]
    if not words or words[0].lower not in _APPOSITION_START:
        return None
    kept = _trimmed(words, language)
    return _phrase(sentence, kept) or None


def places_label(sentence: str, start: int, language: str) -> str:
    """What the list locates: "its camps in Kidal, …" → "Camps"."""
    lex = lexicon(language)
    found = phrase_before(sentence, start, lex.locatives)
    if found is not None:
        words = _trimmed(tokens(sentence[max(0, found[1] - 40) : found[1]])[-2:], language)
        if words and all(w.is_word and not w.is_capitalized for w in words):
            return capitalize(" ".join(w.text for w in words))
    return generic("places", language)
