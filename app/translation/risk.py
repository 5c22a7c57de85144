"""How likely a translation is wrong, and whether a machine one may be published unreviewed.

A pair (source, target) is scored from what an engine gets wrong and a reader would notice:
a number of the source missing from the target or one the source does not have (each read as
its language writes it: "1,500" in English is "1 500" in French), a month or weekday of the
source missing, a name of the source (a capitalised word inside the sentence, an acronym)
missing, the target identical to the source (not translated at all), and a length ratio out
of range. Each problem found has a weight; the risk is 1 - Π(1 - weight), a number in 0..1
that several small doubts raise as much as one large one. The reasons say what was found.

``publishable(status, risk, max_risk)`` is the one rule for what readers get: reviewed work,
or machine work whose risk is below ``DEPECHE_MT_PUBLISH_MAX_RISK``. Linear in the text.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import lru_cache

from babel import Locale
from babel.dates import get_day_names, get_month_names
from babel.numbers import get_decimal_symbol, get_group_symbol

from app.translation.memory import Status

#: Weight of each kind of problem: a wrong number or date alone is enough to hold a segment
#: back at the default threshold (0.5); a name or two is not (a demonym, "UN" → "ONU").
WEIGHTS = {"number": 0.6, "date": 0.6, "identical": 0.8, "length": 0.4, "name": 0.25}
#: Target/source length in characters outside this range is suspect (measured on the seed's
#: 69 reviewed English → French pairs: 0.86-1.54, none of them at 0.5 or more in all; an
#: engine that drops a clause or repeats itself falls outside).
LENGTH_RANGE = (0.5, 2.2)
#: Shorter sources are not judged on length or identity (a place name, "MINUSMA").
MIN_JUDGED_CHARS = 20
DEFAULT_MAX_RISK = 0.5

_SPACES = " \u00a0\u202f"
_WORD = re.compile(r"\w+")
_SENTENCE_END = re.compile(r"[.!?«»\"“”(:;]\s*$")


@dataclass(frozen=True)
class Risk:
    """A score in 0..1 and what raised it."""

    score: float
    reasons: tuple[str, ...] = ()


def publishable(status: Status | str, risk: float | None, max_risk: float) -> bool:
    """Whether readers get this translation: reviewed, or machine with risk below *max_risk*
    (a machine row scored before risks were stored, ``None``, is served as it was)."""
    if status == Status.REVIEWED:
        return True
    if status != Status.MACHINE:
        return False
    return risk is None or float(risk) < max_risk


@lru_cache(maxsize=8)
def _figure(language: str) -> re.Pattern[str]:
    """Digit runs joined by single separators the language writes inside a number."""
    separators = {_decimal_symbol(language), *_group_symbols(language)}
    joined = "".join(re.escape(s) for s in sorted(separators))
    return re.compile(rf"[0-9]+(?:[{joined}][0-9]+)*")


# Cached: a memory import scores tens of thousands of pairs, and CLDR look-ups cost more
# than the scoring itself.
@lru_cache(maxsize=8)
def _decimal_symbol(language: str) -> str:
    return str(get_decimal_symbol(Locale.parse(language)))


@lru_cache(maxsize=8)
def _group_symbols(language: str) -> frozenset[str]:
    group = get_group_symbol(Locale.parse(language))
    # A language that groups with a space writes any of them (typed, no-break, narrow).
    return frozenset(_SPACES) if group.isspace() else frozenset({group})


def numbers(text: str, language: str) -> Counter[Decimal]:
    """The numbers of *text*, read as *language* writes them ("1,5" is 1.5 in French)."""
    decimal = _decimal_symbol(language)
    groups = _group_symbols(language)
    found: Counter[Decimal] = Counter()
    for match in _figure(language).finditer(text):
        figure = match.group()
        plain = "".join("" if c in groups else "." if c == decimal else c for c in figure)
        try:
            found[Decimal(plain).normalize()] += 1
        except InvalidOperation:  # two decimal marks: separate figures, as a reader sees them
            for part in re.split(r"[^0-9]+", figure):
                found[Decimal(part).normalize()] += 1
    return found


@lru_cache(maxsize=8)
def _calendar_words(language: str) -> dict[str, str]:
    """Month and weekday names (wide, as written in running text) → a language-free key."""
    locale = Locale.parse(language)
    words: dict[str, str] = {}
    for context in ("format", "stand-alone"):
        for number, name in get_month_names("wide", context, locale).items():
            words[_fold(name)] = f"month {number}"
        for number, name in get_day_names("wide", context, locale).items():
            words[_fold(name)] = f"weekday {number}"
    return words


@lru_cache(maxsize=8)
def _capitalises_months(language: str) -> bool:
    january = str(get_month_names("wide", "format", Locale.parse(language))[1])
    return january[:1].isupper()


def _fold(word: str) -> str:
    """Compare words without case or accents ("Goïta" is "goita")."""
    if word.isascii():
        return word.casefold()  # nothing to strip: most words, at a fraction of the cost
    stripped = unicodedata.normalize("NFKD", word)
    return "".join(c for c in stripped if not unicodedata.combining(c)).casefold()


def calendar(text: str, language: str) -> Counter[str]:
    """The months and weekdays *text* names."""
    words = _calendar_words(language)
    capital = _capitalises_months(language)
    found: Counter[str] = Counter()
    for word in _WORD.findall(text):
        key = words.get(_fold(word))
        if key is not None and (word[:1].isupper() or not capital):
            found[key] += 1
    return found


def names(text: str, language: str) -> list[str]:
    """Capitalised words inside the sentence and acronyms: names a translation keeps."""
    calendar_words = _calendar_words(language)
    found: list[str] = []
    for match in _WORD.finditer(text):
        word = match.group()
        if not word[:1].isupper() or word.isdigit() or _fold(word) in calendar_words:
            continue
        start = match.start()
        initial = start == 0 or bool(_SENTENCE_END.search(text, max(0, start - 3), start))
        acronym = len(word) >= 2 and word.isupper()
        if acronym or (not initial and len(word) >= 2):
            found.append(word)
    return found


def _has_name(name: str, target_words: set[str], prefixes: set[str]) -> bool:
    folded = _fold(name)
    # "Malian" → "malienne": a name's adjective shares its stem in the other language.
    return folded in target_words or (len(folded) >= 5 and folded[:4] in prefixes)


def assess(source: str, target: str, source_lang: str, target_lang: str) -> Risk:
    """The risk that *target* is a wrong translation of *source*, and why."""
    if not target.strip():
        return Risk(1.0, ("empty",))
    reasons: list[tuple[str, str]] = []
    wanted, got = numbers(source, source_lang), numbers(target, target_lang)
    for value in sorted((wanted - got).elements()):
        reasons.append(("number", f"number {value:f} of the source is missing"))
    for value in sorted((got - wanted).elements()):
        reasons.append(("number", f"number {value:f} is not in the source"))
    for key in sorted(calendar(source, source_lang) - calendar(target, target_lang)):
        reasons.append(("date", f"{key} of the source is missing"))
    target_words = {_fold(w) for w in _WORD.findall(target)}
    prefixes = {w[:4] for w in target_words if len(w) >= 4}
    for name in dict.fromkeys(names(source, source_lang)):
        if not _has_name(name, target_words, prefixes):
            reasons.append(("name", f"name {name!r} of the source is missing"))
    if len(source) >= MIN_JUDGED_CHARS:
        if source_lang != target_lang and target.strip() == source.strip():
            reasons.append(("identical", "identical to the source"))
        ratio = len(target) / len(source)
        if not LENGTH_RANGE[0] <= ratio <= LENGTH_RANGE[1]:
            reasons.append(("length", f"length ratio {ratio:.2f} is out of range"))
    keep = 1.0
    for kind, _ in reasons:
        keep *= 1 - WEIGHTS[kind]
    return Risk(round(1 - keep, 4), tuple(reason for _, reason in reasons))


def score(source: str, target: str, source_lang: str, target_lang: str) -> float:
    """``assess(...).score``."""
    return assess(source, target, source_lang, target_lang).score
