"""Dates in running text, resolved against the day the story was published.

"on Monday (October 2nd)", "2 October 2023", "le 2 octobre", "mardi 14 novembre", "late
August", "fin août", "mi-juillet", "in 2015", "depuis 2012", "d'ici au 31 décembre", "on Monday",
"hier". Month and weekday names are CLDR's (Babel). A date without its year takes its year from
the published date (see ``resolve_year``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cached_property, lru_cache

from babel import Locale
from babel.dates import get_day_names, get_month_names

from app.facts.model import PartialDate, Precision, Qualifier
from app.facts.suggest.lexicon import Lexicon, lexicon
from app.facts.suggest.text import SPACE, Spans, phrase_after, phrase_before, squash
from app.facts.suggest.units import unit_words

_S = SPACE + "+"
_YEAR = r"(?P<year>(?:19|20)\d\d)(?![\d,.]\d)"
_DAY = r"(?P<day>[0-3]?\d)(?:st|nd|rd|th|er|e)?"
# Words after which a month name alone is a date ("in August", "depuis mars"), not a name.
_MONTH_ALONE_AFTER = {
    "en": ("in", "since", "by", "until", "from", "during", "last", "next", "this", "of"),
    "fr": ("en", "depuis", "d'ici", "de", "d'", "dès", "jusqu'en", "mois de", "mois d'"),
}
# A date that is one end of a range ("October 2-3", "2 and 3 October", "2022-2023", "from 2012
# to 2015") is not one date: it is claimed, so no other reader takes its digits, and left out.
_RANGE_AFTER = re.compile(rf"^{SPACE}*(?:[-–]|to|au|à){SPACE}*\d", re.IGNORECASE)
_RANGE_BEFORE = re.compile(
    rf"(?:\d{SPACE}*(?:[-–]|to|au|à)|(?<!\d)\d{{1,2}}{SPACE}+(?:and|et)){SPACE}*$", re.IGNORECASE
)
# A month or a year alone is background more often than a key fact, unless it starts or ends a
# period ("since", "by"), recurs, or stands in the headline (the orchestrator raises those).
VAGUE = 0.5
DAY = 0.85
# Days: with no word for past or future, a date without its year this recent is the past one.
_RECENT = 270
_PAST_FUTURE = {"en": ("last", "next"), "fr": ("dernier", "prochain")}


@dataclass(frozen=True)
class DateMention:
    when: PartialDate
    qualifier: Qualifier | None
    start: int
    end: int
    confidence: float


@dataclass(frozen=True)
class _Names:
    months: dict[str, int]
    weekdays: dict[str, int]
    day_month: re.Pattern[str]
    in_parens: re.Pattern[str]
    month: re.Pattern[str]
    year: re.Pattern[str]
    weekday: re.Pattern[str]
    relative: re.Pattern[str]


def _alternation(names: list[str]) -> str:
    escaped = (re.escape(n).replace(r"\.", r"\.?") for n in sorted(names, key=len, reverse=True))
    return "|".join(e.replace("'", "['’]") for e in escaped)


@lru_cache(maxsize=8)
def _names(language: str) -> _Names:
    locale = Locale.parse(language)
    months: dict[str, int] = {}
    for width in ("wide", "abbreviated"):
        for context in ("format", "stand-alone"):
            for number, name in get_month_names(width, context, locale).items():
                months.setdefault(str(name).lower().rstrip("."), number)
    if language == "en":
        months["sept"] = 9
    weekdays = {
        str(name).lower(): number for number, name in get_day_names("wide", locale=locale).items()
    }
    # English capitalizes months and weekdays: "may" and "march" are verbs.
    flags = 0 if language == "en" else re.IGNORECASE
    month_names = [m.capitalize() if language == "en" else m for m in months]
    day_names = [d.capitalize() if language == "en" else d for d in weekdays]
    month = rf"(?P<month>{_alternation(month_names)})\.?"
    weekday = rf"(?P<weekday>{_alternation(day_names)})"
    year = rf"(?:,?{_S}{_YEAR})?"
    if language == "en":
        day_month = (
            rf"\b(?:{weekday},?{_S})?(?:{month}{_S}{_DAY}\b{year}"
            rf"|(?:the{_S})?{_DAY.replace('day', 'day2')}(?:{_S}of)?{_S}"
            rf"{month.replace('month', 'month2')}{year.replace('year', 'year2')})\b"
        )
    else:
        day_month = rf"\b(?:{weekday}{_S})?{_DAY}{_S}{month}{year}\b"
    in_parens = rf"\b{weekday}{SPACE}*\((?P<inner>[^()]{{3,40}})\)"
    return _Names(
        months=months,
        weekdays=weekdays,
        day_month=re.compile(day_month, flags),
        in_parens=re.compile(in_parens, flags),
        month=re.compile(rf"\b{month}(?:{_S}{_YEAR})?\b", flags),
        year=re.compile(rf"(?<![\d,.\-]){_YEAR}\b"),
        weekday=re.compile(rf"\b{weekday}\b", flags),
        relative=re.compile(
            r"\b(?:" + _alternation(list(lexicon(language).relative_days)) + r")\b",
            re.IGNORECASE,
        ),
    )


def resolve_year(
    month: int,
    day: int,
    published: date,
    weekday: int | None = None,
    direction: int = 0,
    whole_month: bool = False,
) -> date:
    """The year of a date written without one: with a weekday, one where it agrees; then the
    last one on or before *published* when the words say past (*direction* -1: "since",
    "last"), the next one when they say future (+1: "by", "will"); with neither, the last one
    if it is recent, else the next one."""
    candidates = []
    for year in (published.year - 1, published.year, published.year + 1):
        try:
            candidates.append(date(year, month, day))
        except ValueError:
            continue
    if not candidates:
        raise ValueError(f"no day {day} in month {month} near {published.year}")
    agreeing = [c for c in candidates if weekday is not None and c.weekday() == weekday]
    candidates = agreeing or candidates

    def key(when: date) -> tuple[int, int, int]:
        return (when.year, when.month, 0 if whole_month else when.day)

    now = key(published)
    past = [c for c in candidates if key(c) <= now]
    future = [c for c in candidates if key(c) >= now]
    last, following = (max(past) if past else None), (min(future) if future else None)
    if direction < 0 and last is not None:
        return last
    if direction > 0 and following is not None:
        return following
    if last is not None and ((published - last).days <= _RECENT or following is None):
        return last
    return following or candidates[0]


def resolve_weekday(weekday: int, published: date, future: bool, strict: bool = False) -> date:
    """The last *weekday* on or before *published* (the coming one when *future*);
    *strict*: never the published day itself ("last Monday", "lundi prochain")."""
    if future:
        ahead = (weekday - published.weekday()) % 7 or (7 if strict else 0)
        return published + timedelta(days=ahead)
    back = (published.weekday() - weekday) % 7 or (7 if strict else 0)
    return published - timedelta(days=back)


def _future(sentence: str, words: Lexicon) -> bool:
    text = f" {squash(sentence)} "
    return any(f" {marker} " in text for marker in words.future_markers)


class _Reader:
    """One sentence's dates, claimed left to right so no two overlap."""

    def __init__(self, sentence: str, language: str, published: date) -> None:
        self.text = sentence
        self.language = language
        self.words = lexicon(language)
        self.names = _names(language)
        self.published = published
        self.taken = Spans()
        self.found: list[DateMention] = []

    @cached_property
    def future(self) -> bool:
        """Whether the sentence speaks of the future ("will", "va", "doit")."""
        return _future(self.text, self.words)

    def free(self, start: int, end: int) -> bool:
        return not self.taken.overlaps(start, end)

    def add(self, when: PartialDate, start: int, end: int, confidence: float) -> None:
        """Claim [start, end), then add the date with the qualifier written before it."""
        if not self.taken.add(start, end):
            return
        if _RANGE_AFTER.match(self.text[end : end + 8]) or _RANGE_BEFORE.search(
            self.text[max(0, start - 12) : start]
        ):
            return
        qualifier: Qualifier | None = None
        before = phrase_before(self.text, start, self.words.date_qualifiers)
        if before is not None:
            phrase, start = before
            found = self.words.date_qualifiers[phrase]
            if found is None:
                return  # "until", "avant": a bound the facts cannot state
            qualifier = found  # type: ignore[assignment]
        elif self._after_taking_power(start):
            qualifier = "since"
        self.found.append(DateMention(when, qualifier, start, end, confidence))

    def direction(self, start: int, end: int) -> int:
        """-1 when the words say past ("since", "last"), +1 future ("by", "will"), else 0."""
        before = phrase_before(self.text, start, self.words.date_qualifiers)
        if before is not None and self.words.date_qualifiers[before[0]] == "since":
            return -1
        if before is not None and self.words.date_qualifiers[before[0]] == "by":
            return 1
        past, coming = _PAST_FUTURE[self.language]
        said = phrase_after(self.text, end, (past, coming)) or phrase_before(
            self.text, start, (past, coming)
        )
        if said is not None:
            return -1 if said[0] == past else 1
        return 1 if self.future else 0

    def _after_taking_power(self, start: int) -> bool:
        window = squash(self.text[max(0, start - 40) : start])
        return any(phrase in window for phrase in self.words.power_phrases)

    def part_before(self, start: int) -> tuple[str, int] | None:
        found = phrase_before(self.text, start, self.words.part_of_month)
        if found is None:
            return None
        return self.words.part_of_month[found[0].replace("’", "'")], found[1]

    def day_dates(self) -> None:
        for match in self.names.in_parens.finditer(self.text):
            inner = self.names.day_month.search(match.group("inner"))
            if inner is None:
                continue
            weekday = self.names.weekdays[match.group("weekday").lower()]
            self._day(inner, match.start(), match.end(), weekday)
        for match in self.names.day_month.finditer(self.text):
            if self.free(match.start(), match.end()):
                self._day(match, match.start(), match.end(), None)

    def _day(self, match: re.Match[str], start: int, end: int, weekday: int | None) -> None:
        groups = match.groupdict()
        month = self.names.months[(groups["month"] or groups.get("month2") or "").lower()]
        day = int(groups["day"] or groups.get("day2") or 0)
        year = groups["year"] or groups.get("year2")
        named = groups.get("weekday")
        if named:
            weekday = self.names.weekdays[named.lower()]
        try:
            when = date(int(year), month, day) if year else None
        except ValueError:
            return
        if when is None:
            try:
                direction = self.direction(start, end)
                when = resolve_year(month, day, self.published, weekday, direction)
            except ValueError:
                return  # no such day in any nearby year
        confidence = DAY
        if weekday is not None:
            confidence += 0.05 if when.weekday() == weekday else -0.3
        self.add(PartialDate(when.isoformat(), "day"), start, end, confidence)

    def months(self) -> None:
        for match in self.names.month.finditer(self.text):
            start, end = match.start(), match.end()
            if not self.free(start, end):
                continue
            month = self.names.months[match.group("month").lower().rstrip(".")]
            part = self.part_before(start)
            if part is None and match.group("year") is None and not self._month_context(start):
                continue
            year = match.group("year")
            if year:
                first = date(int(year), month, 1)
            else:
                direction = self.direction(part[1] if part else start, end)
                first = resolve_year(month, 1, self.published, None, direction, whole_month=True)
            iso = first.isoformat()[:7]
            if part is not None:
                precision: Precision = f"{part[0]}-month"  # type: ignore[assignment]
                self.add(PartialDate(iso, precision), part[1], end, VAGUE)
            else:
                self.add(PartialDate(iso, "month"), start, end, VAGUE)

    def _month_context(self, start: int) -> bool:
        return phrase_before(self.text, start, _MONTH_ALONE_AFTER[self.language]) is not None

    def years(self) -> None:
        units = unit_words(self.language)
        for match in self.names.year.finditer(self.text):
            start, end = match.start(), match.end()
            if not self.free(start, end) or phrase_after(self.text, end, units) is not None:
                continue
            if phrase_before(self.text, start, ("années", "decade of the")) is not None:
                self.taken.add(start, end)  # "les années 1990": a decade
                continue
            part = self.part_before(start)  # "fin 2023", "late 2023": the year is what we know
            self.add(
                PartialDate(match.group("year"), "year"), part[1] if part else start, end, VAGUE
            )

    def weekdays(self) -> None:
        future = self.future
        for match in self.names.weekday.finditer(self.text):
            start, end = match.start(), match.end()
            if not self.free(start, end):
                continue
            weekday = self.names.weekdays[match.group("weekday").lower()]
            past, coming = _PAST_FUTURE[self.language]
            after = phrase_after(self.text, end, (past, coming))
            before = phrase_before(self.text, start, (past, coming))
            said = (after or before or ("", 0))[0]
            when = resolve_weekday(weekday, self.published, future or said == coming, bool(said))
            self.add(PartialDate(when.isoformat(), "day"), start, end, 0.6)

    def relative_days(self) -> None:
        for match in self.names.relative.finditer(self.text):
            if self.free(match.start(), match.end()):
                offset = self.words.relative_days[squash(match.group())]
                when = self.published + timedelta(days=offset)
                self.add(PartialDate(when.isoformat(), "day"), match.start(), match.end(), 0.6)


def find_dates(sentence: str, language: str, published: date) -> tuple[list[DateMention], Spans]:
    """Every date in *sentence* (none overlapping), and the spans read as dates, with those
    dropped for a bound the facts cannot state ("until 2015")."""
    reader = _Reader(sentence, language, published)
    reader.day_dates()
    reader.months()
    reader.years()
    reader.weekdays()
    reader.relative_days()
    return sorted(reader.found, key=lambda found: found.start), reader.taken
