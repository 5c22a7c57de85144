"""Put the numbers and dates of a source segment into a translation as the target writes them.

An engine copies "1,500" or "31 December" as it saw them; after translation, each number of
the source written with a group or decimal separator, and each day-and-month date, is found in
the output and, unless the engine already wrote it the target's way, re-rendered with Babel for
the target locale: "1,500 km" → "1 500 km", "31 December" → "31 décembre". Plain integers such
as 119 or 2015 read the same in both languages and are left alone.
"""

from __future__ import annotations

import re
from datetime import date as date_type
from decimal import Decimal, InvalidOperation
from functools import lru_cache

from babel import Locale
from babel.dates import format_skeleton, get_month_names
from babel.numbers import NumberFormatError, format_decimal, parse_decimal

_SPACE = "[ \u00a0\u202f]"
_DIGIT = re.compile(r"\d")
# A number with group and/or decimal separators, in English or French form.
_FORMATTED = re.compile(
    rf"(?<![\d,.])\d{{1,3}}(?:(?:,|{_SPACE})\d{{3}})+(?:[.,]\d+)?(?![\d])|"
    r"(?<![\d,.])\d+[.,]\d+(?![\d])"
)


@lru_cache(maxsize=8)
def _months(language: str) -> dict[str, int]:
    names = get_month_names("wide", locale=Locale.parse(language))
    return {str(name).lower(): number for number, name in names.items()}


@lru_cache(maxsize=8)
def _date_pattern(languages: tuple[str, ...]) -> re.Pattern[str]:
    names = sorted({name for lang in languages for name in _months(lang)}, key=len, reverse=True)
    month = "(?P<month>" + "|".join(re.escape(name) for name in names) + ")"
    day = r"(?P<day>\d{1,2})(?:st|nd|rd|th|er)?"
    return re.compile(
        rf"\b(?:{day}{_SPACE}+{month}|{month.replace('month', 'month2')}{_SPACE}+"
        rf"{day.replace('day', 'day2')})\b",
        re.IGNORECASE,
    )


def _same_but_spaces(a: str, b: str) -> bool:
    """Whether *a* and *b* differ only in the kind of space (keep the typographer's choice)."""
    return re.sub(_SPACE, " ", a) == re.sub(_SPACE, " ", b)


def _numbers(text: str, language: str) -> list[Decimal]:
    found = []
    for match in _FORMATTED.finditer(text):
        try:
            found.append(parse_decimal(match.group(), locale=Locale.parse(language), strict=False))
        except (NumberFormatError, InvalidOperation):
            continue
    return found


def _as_decimal(written: str) -> Decimal | None:
    """Read a number whatever its convention: '1,500', '1 500', '1.5', '1,5'."""
    compact = re.sub(_SPACE, "", written)
    if re.fullmatch(r"\d{1,3}(,\d{3})+(\.\d+)?", compact):
        compact = compact.replace(",", "")
    compact = compact.replace(",", ".")
    try:
        return Decimal(compact)
    except InvalidOperation:
        return None


def _dates(text: str, language: str) -> list[tuple[int, int]]:
    months = _months(language)
    found = []
    for match in _date_pattern((language,)).finditer(text):
        day = match.group("day") or match.group("day2")
        month = (match.group("month") or match.group("month2")).lower()
        found.append((int(day), months[month]))
    return found


def localize_numbers(source: str, translation: str, source_lang: str, target: Locale) -> str:
    """Re-render in *translation* the numbers and dates found in *source* for *target*."""
    if not _DIGIT.search(source):
        return translation  # no figure, no date: most sentences stop here
    wanted = set(_numbers(source, source_lang))
    if wanted:

        def number(match: re.Match[str]) -> str:
            value = _as_decimal(match.group())
            if value not in wanted:
                return match.group()
            rendered = format_decimal(value, locale=target)
            return match.group() if _same_but_spaces(rendered, match.group()) else rendered

        translation = _FORMATTED.sub(number, translation)
    dates = set(_dates(source, source_lang))
    if dates:
        months = {**_months(source_lang), **_months(target.language)}
        pattern = _date_pattern(tuple(dict.fromkeys((source_lang, target.language))))

        def date(match: re.Match[str]) -> str:
            day = int(match.group("day") or match.group("day2"))
            name = (match.group("month") or match.group("month2")).lower()
            if (day, months[name]) not in dates or name in _months(target.language):
                return match.group()  # not ours, or the engine already wrote it the target's way
            month = months[name]
            rendered = format_skeleton("MMMMd", date_type(2000, month, day), locale=target)
            return match.group() if _same_but_spaces(rendered, match.group()) else rendered

        translation = pattern.sub(date, translation)
    return translation
