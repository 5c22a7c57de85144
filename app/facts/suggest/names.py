"""People with a title ("Colonel Assimi Goïta", "le général Abdel Fattah al-Burhane") and
organisations: a name with its acronym ("Coordination of Azawad Movements (CMA)"), a name
headed by an organisation noun ("Coordination des mouvements de l'Azawad"), or an acronym
alone ("MINUSMA").
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_left
from dataclasses import dataclass
from functools import lru_cache

from app.facts.suggest.lexicon import LEXICONS, lexicon
from app.facts.suggest.places import gazetteer
from app.facts.suggest.text import (
    FRENCH_ADJECTIVE,
    SPACE,
    Spans,
    Token,
    phrase_before,
    phrase_pattern,
    tokens,
)

_PARTICLE = re.compile(r"^(?:al|el|ad|ag|ould|ben|bin|ibn|abu|van|von|da|di|de|du|dos|der)$")
_PARTICLE_JOINED = re.compile(r"^(?:al|el|ad|ould|ben|bin|ibn|abu)-[^\W\d_]")
# "(CMA)", "(MINUSMA)", "(Cédéao)": one word in parentheses, capitalized.
_ACRONYM = re.compile(r"\((?P<acronym>[A-ZÀ-Ý][^\W_]{1,11})\)")
_ROMAN = re.compile(r"^[IVXLCDM]+$")
_DETERMINERS = frozenset({"the", "le", "la", "les", "l'", "a", "an", "un", "une"})
#: News agencies are the source of a story, not a fact in it.
AGENCIES = frozenset({"AFP", "AP", "ANSA", "DPA", "EFE", "REUTERS", "UPI", "ATS", "APS"})
#: Acronyms that are common nouns, not names: "NGOs", "les ONG", "GDP".
COMMON_ACRONYMS = frozenset(
    "NGO NGOS ONG GDP PIB CEO PDG TV HIV VIH SMS VIP IDP IDPS GMT UTC USD EUR CFA".split()
)
_AS_SOURCE = 0.2
_MAX_NAME = 16  # words in an organisation's name


@dataclass(frozen=True)
class NameMention:
    name: str
    title: str | None
    """A person's title as written, or None for an organisation."""
    start: int
    end: int
    confidence: float


@lru_cache(maxsize=1)
def _connectors() -> frozenset[str]:
    """Small words inside names, in any of our languages (French names stand in English copy)."""
    return frozenset(c for lex in LEXICONS.values() for c in lex.connectors)


def _plain(letter: str) -> str:
    """ "é" → "E": initials compared without accents or case."""
    return unicodedata.normalize("NFKD", letter)[:1].upper()


@lru_cache(maxsize=1)
def _heads() -> frozenset[str]:
    return frozenset(h for lex in LEXICONS.values() for h in lex.org_heads)


def _capitalized(token: Token) -> bool:
    return token.is_word and token.is_capitalized


def find_people(sentence: str, language: str) -> list[NameMention]:
    """People named after a title; the title as written."""
    words = lexicon(language)
    pattern = phrase_pattern(words.titles, "^").pattern[1:]  # unanchored
    found: list[NameMention] = []
    for match in re.finditer(rf"(?<![\w\-]){pattern}{SPACE}+", sentence, re.IGNORECASE):
        title_end = match.end()
        title_start = match.start() + len(match.group()) - len(match.group().lstrip())
        if language == "en" and not sentence[title_start].isupper():
            continue  # English capitalizes a title before a name
        after = tokens(sentence[title_end : title_end + 100])
        adjectives = _leading_adjectives(after) if language == "fr" else 0
        if adjectives:  # "le président nigérian Bola Tinubu"
            title_end += after[adjectives - 1].end
            after = tokens(sentence[title_end : title_end + 80])
        title = re.sub(SPACE + "+", " ", sentence[title_start:title_end].strip())
        name_tokens = _person_name(after)
        if not name_tokens:
            continue
        name_start = title_end + name_tokens[0].start
        end = title_end + name_tokens[-1].end
        name = re.sub(SPACE + "+", " ", sentence[name_start:end])
        if name in gazetteer():
            continue  # "President of Mali"-like phrases stop before; a bare place is not a person
        words_in_name = sum(1 for t in name_tokens if t.is_word and not _PARTICLE.match(t.lower))
        confidence = 0.85 if words_in_name >= 2 else 0.65
        found.append(NameMention(name, title, title_start, end, confidence))
    return found


def _leading_adjectives(found: list[Token]) -> int:
    """How many lower-case adjectives (at most two) come first: "nigérian", "malien"."""
    count = 0
    while count < min(2, len(found)) and found[count].is_word and not found[count].is_capitalized:
        if not FRENCH_ADJECTIVE.search(found[count].lower):
            break
        count += 1
    return count if count < len(found) and _capitalized(found[count]) else 0


def _person_name(found: list[Token]) -> list[Token]:
    """The capitalized words (and particles: al-, ould, van) of a name, up to four."""
    name: list[Token] = []
    for token in found:
        if len(name) == 5 or not token.is_word:
            break
        joined = _PARTICLE_JOINED.match(token.text)
        if _capitalized(token) and not token.text.isupper() and token.lower not in _heads():
            name.append(token)
        elif name and (joined or _PARTICLE.match(token.lower)):
            name.append(token)
        else:
            break
    while name and not _capitalized(name[-1]) and not _PARTICLE_JOINED.match(name[-1].text):
        name.pop()
    following = found[len(name)] if name and len(name) < len(found) else None
    if following is not None and _ROMAN.match(following.text) and len(following.text) <= 4:
        name.append(following)  # "Mohammed VI", "Charles III"
    return name


def find_organisations(sentence: str, language: str, exclude: frozenset[str]) -> list[NameMention]:
    """Organisations in *sentence*; acronyms in *exclude* (the credit line) are left out."""
    found = tokens(sentence)
    named = _with_acronym(sentence, found)
    taken = Spans((m.start, m.end) for m in named)
    headed = [m for m in _headed(sentence, found, language) if taken.add(m.start, m.end)]
    alone = [
        NameMention(t.text, None, t.start, t.end, 0.65)
        for t in found
        if _is_acronym(t, exclude) and not taken.overlaps(t.start, t.end)
    ]
    attributions = lexicon(language).attributions
    return sorted(
        (_as_source(m, sentence, attributions) for m in named + headed + alone),
        key=lambda m: m.start,
    )


def _as_source(mention: NameMention, sentence: str, attributions: tuple[str, ...]) -> NameMention:
    """ "according to the UN", "selon l'ONU": a source of the story, less likely a key fact."""
    if phrase_before(sentence, mention.start, attributions) is None:
        return mention
    confidence = round(mention.confidence - _AS_SOURCE, 2)
    return NameMention(mention.name, None, mention.start, mention.end, confidence)


def _is_acronym(token: Token, exclude: frozenset[str]) -> bool:
    text = token.text
    return (
        len(text) >= 3
        and text.isalpha()
        and text.isupper()
        and text not in exclude
        and text not in AGENCIES
        and text not in COMMON_ACRONYMS
        and not _ROMAN.match(text)
    )


def _with_acronym(sentence: str, found: list[Token]) -> list[NameMention]:
    """ "Full Name (ACR)": the name read back from the parenthesis."""
    mentions = []
    starts = [t.start for t in found]
    for match in _ACRONYM.finditer(sentence):
        acronym = match.group("acronym")
        # The name is read back from the parenthesis, a few words at most.
        before = found[
            max(0, bisect_left(starts, match.start()) - _MAX_NAME) : bisect_left(
                starts, match.start()
            )
        ]
        name = _name_back(before, acronym)
        if len(name) < 2 or not _initials_fit(acronym, name):
            continue
        start = name[0].start
        mentions.append(NameMention(sentence[start : match.end()], None, start, match.end(), 0.9))
    return mentions


def _name_back(before: list[Token], acronym: str) -> list[Token]:
    """The words of a proper name that ends at the last of *before*: the longest that reads as
    a name and starts with the acronym's first letter, else the longest that reads as one."""
    span: list[Token] = []
    lower_run = 0
    for token in reversed(before):
        if not token.is_word or lower_run > 2:
            break
        plain = not _capitalized(token) and token.lower not in _connectors()
        lower_run = lower_run + 1 if plain else 0
        span.insert(0, token)
    starts = [
        first
        for first, token in enumerate(span)
        if _capitalized(token) and token.lower not in _DETERMINERS and _reads_as_name(span[first:])
    ]
    fitting = [first for first in starts if _plain(span[first].text[0]) == _plain(acronym[0])]
    return span[(fitting or starts)[0] :] if starts else []


def _reads_as_name(span: list[Token]) -> bool:
    """Every lower-case word follows a connector ("des mouvements") or is an adjective after
    a name word ("Programme alimentaire mondial"): no verb or common noun inside."""
    previous: Token | None = None
    after_connector = 0  # plain words since the last connector: "de soutien rapide"
    for token in span:
        plain = not _capitalized(token) and token.lower not in _connectors()
        if token.lower in _connectors():
            after_connector = 1
        elif plain and after_connector and after_connector < 3:
            after_connector += 1
        elif plain and previous is not None and not FRENCH_ADJECTIVE.search(token.lower):
            return False
        elif not plain:
            after_connector = 0
        previous = token
    return True


def _initials_fit(acronym: str, name: list[Token]) -> bool:
    initials = [_plain(t.text[0]) for t in name if t.lower not in _connectors()]
    letters = [_plain(c) for c in acronym if c.isalpha()]
    shared = sum(1 for c in letters if c in initials)
    return bool(letters) and letters[0] in initials and shared * 2 >= len(letters)


def _headed(sentence: str, found: list[Token], language: str) -> list[NameMention]:
    """Names that an organisation noun heads: "Security Council", "Union africaine"."""
    mentions = []
    index = 0
    while index < len(found):
        token = found[index]
        if not (_capitalized(token) and token.lower in _heads()):
            index += 1
            continue
        first = index
        while first > max(0, index - _MAX_NAME) and _capitalized(found[first - 1]):
            first -= 1  # "United Nations Security Council"
        if found[first].lower in _DETERMINERS or found[first].lower in lexicon(language).stopwords:
            first += 1  # "The Security Council": the sentence's first word
        last = _name_forward(found, index, language)
        words_in = [t for t in found[first : last + 1] if t.is_word]
        if len(words_in) >= 2:
            start, end = found[first].start, found[last].end
            mentions.append(NameMention(sentence[start:end], None, start, end, 0.7))
        index = last + 1
    return mentions


def _name_forward(found: list[Token], head: int, language: str) -> int:
    """The index of the last word of the name that starts at *head*."""
    last = head
    at = head + 1
    after_connector = False
    adjectives = 0
    while at < len(found) and found[at].is_word and at - head < 10:
        token = found[at]
        if _capitalized(token):
            last, after_connector, adjectives = at, False, 0
        elif token.lower in _connectors():
            after_connector = True
        elif after_connector:
            after_connector = False  # "des mouvements", "pour les réfugiés"
        elif language == "fr" and adjectives < 2 and FRENCH_ADJECTIVE.search(token.lower):
            adjectives += 1
            if at == last + 1 or adjectives == 2:
                last = at  # "Union africaine", "Programme alimentaire mondial"
        else:
            break
        at += 1
    return last
