"""Rule-based sentence segmentation for English and French, offline, in linear time.

A sentence ends at ``.``, ``!``, ``?`` or ``…`` (with up to 8 closing quotes or brackets after
it) when whitespace and the start of a new sentence (a capital or a digit) follow. Decimals
(``1.5``, ``2,5``) never split because no space follows their separator. A single ``.`` after
an abbreviation ends the sentence only in these cases:

* *before-number* words (``No.``, ``art.``, ``vol.``, months) are abbreviations only when a
  number follows: "No. 5", "art. 3", "2 oct. 2023"; "The answer was no. Then…" splits;
* *titles* (``Col.``, ``Gen.``, ``Dr.``, ``St.``, ``Co.``) stay with the name after them unless a
  word that opens sentences follows ("Col. Assimi Goïta", but "Acme Co. The firm…");
* a single letter or a dotted initialism (``J.``, ``U.S.``) is an initial, except a lower-case
  one after a number, which is a unit ("Il est 8 h. Le convoi…"), and one after a lower-case
  word when a word that opens sentences follows ("plan B. It…", "in the U.S. The talks…").
  "J. R. R. Tolkien", "met J. Doe.", "En 2017 M. Macron" and French "M. Le Pen" (``M.`` is a
  French title) do not split;
* *always* abbreviations (``e.g.``, ``i.e.``, ``cf.``) never end a sentence.

Checked against pysbd on the seed and on AFP-style copy (tests/test_segment.py), we differ on
purpose in three places: pysbd splits between a before-number word and its number ("vol. | 2",
"31 déc. | 2023", "l’art. | 3"), splits before a lower-case word ("le 1er oct. | près de"),
and keeps "plan B. It…" and "next gen. The…" whole.

Linear time: candidates start only at the first terminator of a run, and each test of a
candidate reads the word before it and the word after it, which no other candidate reads.
"""

from __future__ import annotations

import re


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


_MONTHS = "jan janv feb fév févr mar apr avr jun jul juil aug sep sept oct nov dec déc"
#: Abbreviations only when a number follows ("No. 5", "art. 3"); else ordinary words.
BEFORE_NUMBER: dict[str, frozenset[str]] = {
    "en": _words(f"no nos art vol ch approx {_MONTHS}"),
    "fr": _words(f"no art vol ch env {_MONTHS}"),
}
_RANKS = "col gen brig lt capt cpt maj sgt cpl adm cmdr dr prof st vs"
#: Titles and name parts: they stay with the name that follows.
TITLES: dict[str, frozenset[str]] = {
    "en": _words(f"{_RANKS} mr mrs ms jr sr gov sen rep pres inc ltd co corp mt ft"),
    "fr": _words(f"{_RANKS} m mm mme mmes mlle me mgr pr av bd cie"),
}
#: Never the end of a sentence.
ALWAYS: dict[str, frozenset[str]] = {"en": _words("e.g i.e cf"), "fr": _words("cf")}
#: Words that open sentences far more often than they start a name (lower-cased).
SENTENCE_OPENERS: dict[str, frozenset[str]] = {
    "en": _words(
        "the a an it its he she they we i you this that these those there here his her their"
        " our my but and or so yet then in on at for with after before when while as if some"
        " many most all one two three however meanwhile also by from to of what who why how"
        " where according since during under last earlier later now such each both other"
        " another several among despite although though because even no not"
    ),
    "fr": _words(
        "le la les l’ un une des du de d’ il elle ils elles on nous vous je j’ ce cet cette ces"
        " c’ ça cela ceci mais et ou donc or car puis ensuite alors selon pour dans en au aux à"
        " après avant depuis lors pendant sur sous avec sans par si s’ quand lorsque lorsqu’"
        " comme son sa ses leur leurs notre nos mon ma mes aucun aucune plusieurs tous tout"
        " toute toutes certains cependant toutefois pourtant néanmoins enfin aussi ainsi déjà"
        " qui que qu’ quel quelle ne n’ y"
    ),
}
#: Openers that also start surnames: after a title they belong to the name ("Col. Le Roux").
_PARTICLES = _words("le la les l’ de du des d’ van von der den di da del al el")

_OPENING = "\"'“‘«([¿¡"
_CLOSING = "\"'”’»)]"
# A terminator run (only from its first character: a match tried inside a run would rescan
# its tail, which is quadratic on "....."), up to 8 closing marks (French puts a narrow space
# before ? ! »; the bound keeps the regex's backtracking memory small on "x.)))…"), then
# whitespace.
_BOUNDARY = re.compile(
    rf"(?<![.!?…])(?P<end>[.!?…]++(?:\s?[{re.escape(_CLOSING)}]){{0,8}})(?P<gap>\s+)"
)
_LEAD = re.compile(rf"[{re.escape(_OPENING)}\s]*")
_NEXT_WORD = re.compile(r"[^\W\d_]+['’]?")
#: What may stand right before an abbreviation, besides whitespace: an opening mark or an
#: elision ("l’art. 3"); "Jean-M." is no abbreviation.
_WORD_START = frozenset("([«\"“'‘’")
_INITIALISM = re.compile(r"(?:[^\W\d_]\.)*[^\W\d_]")
_LONGEST_INITIALISM = 15  # "U.S", "J.R.R": the regex then has little to backtrack


def _word_before(text: str, end: int) -> str | None:
    """The word of letters, digits and dots that ends at *end*, or None if it is glued on."""
    start = end
    while start > 0 and (text[start - 1].isalnum() or text[start - 1] in "._"):
        start -= 1
    glued = start > 0 and not text[start - 1].isspace() and text[start - 1] not in _WORD_START
    if start == end or glued:
        return None
    return text[start:end]


def _char_before_word(text: str, word_start: int) -> str:
    """The last character of the previous word (skipping spaces), or "" at the start."""
    index = word_start
    while index > 0 and text[index - 1].isspace():
        index -= 1
    return text[index - 1] if index > 0 else ""


def _opens_sentence(text: str, start: int, language: str, after_title: bool) -> bool:
    """Whether the word at *start* is one that commonly opens a sentence ("It", "Le")."""
    match = _NEXT_WORD.match(text, start)
    if match is None or text.startswith(".", match.end()):
        return False  # "A." after "J." is another initial, not the article
    word = match.group().lower().replace("'", "’")
    # After a title, particles are part of the name: "Col. Le Roux", "Gen. De Gaulle".
    if after_title and word in _PARTICLES:
        return False
    return word in SENTENCE_OPENERS.get(language, SENTENCE_OPENERS["en"])


def _is_abbreviation(text: str, dot: int, after: int, language: str) -> bool:
    """Whether the ``.`` at *dot* belongs to an abbreviation; *after* starts the next word."""
    word = _word_before(text, dot)
    if word is None:
        return False
    lowered = word.lower()
    next_is_number = text[after : after + 1].isdigit()
    if lowered in ALWAYS.get(language, ALWAYS["en"]):
        return True
    if lowered in BEFORE_NUMBER.get(language, BEFORE_NUMBER["en"]):
        return next_is_number
    previous = _char_before_word(text, dot - len(word))
    if len(word) <= _LONGEST_INITIALISM and _INITIALISM.fullmatch(word):
        if previous.isdigit() and word.islower():
            return False  # a unit: "8 h.", "100 m." (but "En 2017 M. Macron")
        if lowered in TITLES.get(language, TITLES["en"]):
            return True  # French "M. Le Pen"
        return not (previous.islower() and _opens_sentence(text, after, language, False))
    if lowered in TITLES.get(language, TITLES["en"]):
        return not _opens_sentence(text, after, language, True)
    return False


def split_sentences(text: str, language: str) -> list[str]:
    """Split a paragraph into sentences; the pieces joined by single spaces give the text."""
    sentences: list[str] = []
    start = 0
    for match in _BOUNDARY.finditer(text):
        lead = _LEAD.match(text, match.end())
        after = lead.end() if lead else match.end()
        first = text[after : after + 1]
        if not (first.isupper() or first.isdigit()):
            continue
        if match.group("end") == "." and _is_abbreviation(text, match.start(), after, language):
            continue
        sentences.append(text[start : match.end("end")].strip())
        start = match.end()
    tail = text[start:].strip()
    if tail:
        sentences.append(tail)
    return sentences
