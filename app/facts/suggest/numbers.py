"""Counts, quantities and durations: "119 vehicles", "plus de 1 500 km", "24 hours".

Digits are read with Babel in the article's locale ("1,500", "25 000" with any kind of space,
"1,5"); numbers in words with text2num, unless they are vague ("several dozen", "hundreds
of", "des centaines de") or too small to be a figure (below 3, as text2num's alpha2digit).
A number that is a bound the facts cannot state ("less than", "up to"), one end of a range, a
time of day, an ordinal or part of a name ("Boeing 737") is left out, never guessed.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import lru_cache

from babel import Locale
from babel.numbers import NumberFormatError, parse_decimal
from text_to_num import text2num

from app.facts.model import Qualifier, ValueType
from app.facts.suggest.lexicon import Lexicon, lexicon
from app.facts.suggest.text import (
    FRENCH_ADJECTIVE,
    SPACE,
    Spans,
    Token,
    phrase_after,
    phrase_before,
    squash,
    tokens,
)
from app.facts.suggest.units import unit_words

_DIGITS = {
    "en": r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?",
    "fr": r"\d{1,3}(?:[ \u00a0\u202f]\d{3})+(?:,\d+)?|\d+(?:,\d+)?",
}
# After the digits: an ordinal ("2nd", "1er"), a time of day ("10:30", "10h30", "11 pm",
# "2211 GMT"), a magnitude or a code ("6.8-magnitude" is not a count).
_NOT_A_FIGURE = re.compile(
    rf"^(?:st|nd|rd|th|er|e|ème)\b|^(?:h|:)\d|^[:.]\d"
    rf"|^{SPACE}*(?:[ap]\.?m\b\.?|GMT|UTC|TU)\b|^-?magnitude",
    re.IGNORECASE,
)
# Before the digits: money (no type states it) or a time ("11:11").
# Before the digits: money (no type states it), a time ("11:11"), a number that names ("No. 5",
# "n° 3", "#2") or an age ("aged 45", "âgé de 45").
_NOT_A_FIGURE_BEFORE = re.compile(
    rf"(?:[$€£¥#:]|\bUS\$|\b[Nn][o°º]\.|\b[Nn]°|\bnumber|\bnuméro|\baged|\bâgée?s?{SPACE}+de)"
    rf"{SPACE}*$"
)
_NUMBER_WORDS = {
    "en": "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen "
    "fifteen sixteen seventeen eighteen nineteen twenty thirty forty fifty sixty seventy eighty "
    "ninety hundred thousand million billion hundreds thousands millions billions dozen dozens",
    "fr": "zéro un une deux trois quatre cinq six sept huit neuf dix onze douze treize quatorze "
    "quinze seize vingt vingts trente quarante cinquante soixante cent cents mille million "
    "millions milliard milliards",
}
_INSIDE = {"en": ("and",), "fr": ("et",)}
_TOO_SMALL = 3  # text2num's alpha2digit leaves "one", "two" as words: they are rarely figures


@dataclass(frozen=True)
class NumberMention:
    type: ValueType
    number: Decimal
    unit: str | None
    qualifier: Qualifier | None
    start: int
    """Start of the qualifier, or of the number."""
    end: int
    """End of the unit, or of the noun counted."""
    noun: str
    """The words counted ("vehicles"), or the words after the unit ("drive")."""
    spelled: bool
    """Written in words ("twelve"): the digits proof cannot find it."""


@lru_cache(maxsize=8)
def _digits(language: str) -> re.Pattern[str]:
    return re.compile(rf"(?<![\w,.\-])(?:{_DIGITS.get(language, _DIGITS['en'])})(?![\d])")


def _words_of(language: str) -> frozenset[str]:
    return frozenset(_NUMBER_WORDS.get(language, _NUMBER_WORDS["en"]).split())


@lru_cache(maxsize=8)
def _locale(language: str) -> Locale:
    return Locale.parse(language)


def parse_number(written: str, language: str) -> Decimal | None:
    """Digits as the locale writes them → Decimal, with Babel; None if they are not a number."""
    try:
        return parse_decimal(written, locale=_locale(language), strict=False)
    except (NumberFormatError, InvalidOperation, ValueError):
        return None


def _spelled(sentence: str, language: str) -> Iterator[tuple[int, int, Decimal]]:
    """Runs of number words that text2num reads as one precise number."""
    vocabulary, inside = _words_of(language), _INSIDE.get(language, ())
    words = lexicon(language)
    run: list[Token] = []
    for token in [*tokens(sentence), Token(".", len(sentence), len(sentence))]:
        parts = token.lower.split("-")
        if token.is_word and all(part in vocabulary for part in parts):
            run.append(token)
            continue
        if run and token.lower in inside:
            run.append(token)
            continue
        while run and run[-1].lower in inside:
            run.pop()
        if run:
            found = _read_run(sentence, run, language, words)
            if found is not None:
                yield found
        run = []


def _read_run(
    sentence: str, run: list[Token], language: str, words: Lexicon
) -> tuple[int, int, Decimal] | None:
    start, end = run[0].start, run[-1].end
    text = squash(sentence[start:end])
    if any(token.lower in words.vague_scales or "dozen" in token.lower for token in run):
        return None
    if phrase_before(sentence, start, words.vague_before) is not None:
        return None
    try:
        value = int(text2num(text, language))
    except ValueError:
        return None
    if len(run) == 1 and value < _TOO_SMALL:
        return None
    return start, end, Decimal(value)


def _noun(sentence: str, position: int, words: Lexicon, language: str) -> tuple[str, int]:
    """The noun counted after *position* and where it ends: "armoured vehicles" (English
    adjectives come first, the plural noun ends it), "réfugiés soudanais" (French adjectives
    follow)."""
    found: list[Token] = []
    for token in tokens(sentence[position : position + 80]):
        if not token.is_word or token.lower in words.stopwords or len(found) == 3:
            break
        if language == "fr" and found and not _postposed(token):
            break
        found.append(token)
        if language != "fr" and token.lower.endswith("s"):
            break
    if not found:
        return "", position
    return " ".join(t.text for t in found), position + found[-1].end


def _postposed(token: Token) -> bool:
    """A French word that goes on a noun phrase: an adjective, or "non" before one."""
    return token.lower == "non" or bool(FRENCH_ADJECTIVE.search(token.lower))


def _in_range(sentence: str, start: int, end: int, words: Lexicon) -> bool:
    """One end of "200 to 300", "between 200 and 300", "de 200 à 300 km"."""
    after = phrase_after(sentence, end, words.range_joiners)
    if after is not None and re.match(rf"{SPACE}*\d", sentence[after[1] :]):
        return True
    before = phrase_before(sentence, start, words.range_joiners)
    if before is not None and re.search(
        rf"\d[\w%]*{SPACE}*$", sentence[max(0, before[1] - 20) : before[1]]
    ):
        return True
    return phrase_before(sentence, start, words.range_openers) is not None and after is not None


_OLD = re.compile(rf"^(?:-old|{SPACE}+old)\b", re.IGNORECASE)
_AGED = re.compile(rf"(?:\bâgée?s?{SPACE}+de|\baged){SPACE}*$", re.IGNORECASE)
_APPOSED = re.compile(rf",{SPACE}*$")


def _is_age(sentence: str, start: int, end: int, words: Lexicon) -> bool:
    """ "a 45-year-old", "34 years old", "âgé de 20 ans", "une femme de 34 ans", "Halima, 34
    ans, …"."""
    before = sentence[max(0, start - 20) : start]
    if _OLD.match(sentence[end : end + 8]) or _AGED.search(before):
        return True
    if phrase_before(
        sentence, start, [f"{noun} {of}" for noun in words.age_nouns for of in ("de", "of")]
    ):
        return True
    return bool(_APPOSED.search(before)) and bool(re.match(r"[,)]|$", sentence[end : end + 1]))


_AT_TIME = re.compile(rf"\b(?:à|vers|dès|avant|après|jusqu'à|at|by|until){SPACE}*$", re.IGNORECASE)


def _is_time(sentence: str, start: int, number: Decimal) -> bool:
    """ "à 15 heures", "vers 8 heures": an hour of the day, not a duration."""
    return number <= 24 and bool(_AT_TIME.search(sentence[max(0, start - 12) : start]))


def _part_of_name(sentence: str, start: int) -> bool:
    """ "Boeing 737", "COVID-19", "Article 5": a number that names, not counts."""
    before = tokens(sentence[max(0, start - 30) : start])
    if not before:
        return False
    last = before[-1]
    return last.text in "-/#№" or (last.is_capitalized and len(before) > 1 and last.is_word)


def find_numbers(sentence: str, language: str, taken: Spans | None = None) -> list[NumberMention]:
    """Every count, quantity and duration in *sentence* outside the *taken* spans (dates)."""
    words = lexicon(language)
    units = unit_words(language)
    taken = taken or Spans()
    found: list[NumberMention] = []
    readings = [
        (m.start(), m.end(), parse_number(m.group(), language), False)
        for m in _digits(language).finditer(sentence)
    ]
    readings += [(s, e, n, True) for s, e, n in _spelled(sentence, language)]
    read_up_to = 0  # "1.5 million": the scale word is not a second number
    for start, end, number, spelled in sorted(readings, key=lambda r: r[0]):
        if number is None or start < read_up_to or taken.overlaps(start, end):
            continue
        if _NOT_A_FIGURE.match(sentence[end : end + 12]) or _part_of_name(sentence, start):
            continue
        if _NOT_A_FIGURE_BEFORE.search(sentence[max(0, start - 12) : start]):
            continue
        if _in_range(sentence, start, end, words):
            continue
        mention = _read(sentence, start, end, number, spelled, language, units)
        if mention is not None:
            found.append(mention)
            read_up_to = mention.end
    return found


def _read(
    sentence: str,
    start: int,
    end: int,
    number: Decimal,
    spelled: bool,
    language: str,
    units: dict[str, str],
) -> NumberMention | None:
    words = lexicon(language)
    qualifier: Qualifier | None = None
    before = phrase_before(sentence, start, words.qualifiers)
    if before is not None:
        if words.qualifiers[before[0]] is None:
            return None  # "less than 300": a bound the facts cannot state
        qualifier = words.qualifiers[before[0]]  # type: ignore[assignment]
    if phrase_before(sentence, start, words.vague_before) is not None:
        return None
    first = before[1] if before is not None else start
    scale = phrase_after(sentence, end, words.scales)
    if scale is not None:
        number, end = number * words.scales[scale[0]], scale[1]
    joined = re.match(r"-(?=[^\W\d_])", sentence[end : end + 2])  # "119-vehicle", "24-hour"
    at = end + 1 if joined else end
    unit = phrase_after(sentence, at, units)
    if unit is not None and re.match(rf"{SPACE}*\d", sentence[unit[1] : unit[1] + 3]):
        return None  # "10 h 30": a time of day
    if unit is not None and units[unit[0]] == "duration-hour" and _is_time(sentence, start, number):
        return None  # "à 15 heures": a time of day
    is_years = unit is not None and units[unit[0]] == "duration-year"
    if unit is not None and is_years and _is_age(sentence, first, unit[1], words):
        return None  # "Halima, 34 ans,", "a 45-year-old man": an age, not a duration
    if unit is not None:
        unit_id, stop = units[unit[0]], unit[1]
        after = phrase_after(sentence, stop, words.qualifiers_after)
        if after is not None and qualifier is None:
            qualifier, stop = words.qualifiers_after[after[0]], after[1]  # type: ignore[assignment]
        noun, _ = _noun(sentence, stop, words, language)
        kind: ValueType = "duration" if unit_id.startswith("duration-") else "quantity"
        return NumberMention(kind, number, unit_id, qualifier, first, stop, noun, spelled)
    noun, stop = _noun(sentence, at, words, language)
    if not noun or noun.split()[0].lower() in words.attribution_nouns:
        return None
    if number != number.to_integral_value() or noun.split()[0].lower() in words.currencies:
        return None  # "1.5 people" is not a count; "500 euros" is money
    return NumberMention("count", number, None, qualifier, first, stop, noun, spelled)
