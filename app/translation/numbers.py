"""Put the numbers and dates of a source segment into a translation as the target writes them.

An engine copies "1,500" or "31 December" as it saw them. After translation, each number of the
source written with a group or decimal separator that the engine copied, and each day-and-month
date of the source, is re-rendered with Babel for the target locale: "1,500 km" → "1 500 km",
"31 December" → "31 décembre". Numbers are read with the source language's conventions (its
Babel number symbols): "2,125" is 2125 in English and 2.125 in French, where groups are set off
by a space, a no-break space or a narrow one. Plain integers such as 119 or 2015 read the same
in both languages and are left alone, and so is anything that is not a number or a date as the
source writes them ("192.168.0.1", "1,5" in English, "31 February", a 60-digit figure).

Total on any text, and linear in its length: each figure (digit runs joined by single
separators) is found once and read left to right, never going back more than a group, and no
number longer than ``MAX_DIGITS`` digits reaches Babel.
"""

from __future__ import annotations

import calendar
import copy
import re
from collections.abc import Iterator
from datetime import date as date_type
from decimal import Decimal, localcontext
from functools import lru_cache
from typing import NamedTuple

from babel import Locale, UnknownLocaleError
from babel.dates import format_skeleton, get_month_names
from babel.numbers import format_decimal, get_decimal_symbol, get_group_symbol

#: Longer figures are left as written: no news figure has that many digits, and a bound on each
#: keeps the whole pass linear (Babel's grouping of one figure is not).
MAX_DIGITS = 40

_SPACES = " \u00a0\u202f"
_SPACE = f"[{_SPACES}]"
_ANY_SPACE = re.compile(_SPACE)
_DIGIT = re.compile(r"[0-9]")
_NOT_DIGIT = re.compile(r"[^0-9]")


class _Symbols(NamedTuple):
    """How a language writes numbers, as two patterns that never go back more than a group."""

    figure: re.Pattern[str]
    """Digit runs joined by single separators: one figure, to be read as a whole or not at all."""
    number: re.Pattern[str]
    """A number as the language writes it, from the start of a figure or after a space in it."""


class _Number(NamedTuple):
    """A number written with a group or a decimal separator, where it is in the text."""

    start: int
    end: int
    value: Decimal
    fraction: int


@lru_cache(maxsize=16)
def _symbols(language: str) -> _Symbols | None:
    try:
        locale = Locale.parse(language)
    except (UnknownLocaleError, ValueError, TypeError):
        return None
    group, decimal = get_group_symbol(locale), get_decimal_symbol(locale)
    # French sets groups off with a narrow no-break space in CLDR; writers and engines use a
    # no-break space or a plain one as well.
    groups = _SPACE if group in _SPACES or group.isspace() else re.escape(group)
    size = locale.decimal_formats[None].grouping[0]
    joiners = "".join(sorted({*_SPACES, group, decimal, ",", "."}))
    figure = re.compile(rf"[0-9]+(?:[{re.escape(joiners)}][0-9]+)*")
    number = re.compile(
        rf"(?P<integer>[1-9][0-9]{{0,{size - 1}}}(?![0-9])(?:{groups}[0-9]{{{size}}}(?![0-9]))*"
        rf"|[0-9]+)(?:{re.escape(decimal)}(?P<fraction>[0-9]+))?"
    )
    return _Symbols(figure, number)


def _numbers(text: str, symbols: _Symbols) -> Iterator[_Number]:
    """The separated numbers of *text* as *symbols* write them, in order.

    Plain integers ("119", "2015") are not reported, nor figures we cannot read: each figure is
    read left to right, a number at a time, and one that goes on in a way the language does not
    write ("1,5" or "1.2.3" in English) is skipped up to its next space.
    """
    for figure in symbols.figure.finditer(text):
        at, end = figure.span()
        if at and (text[at - 1].isalnum() or text[at - 1] in ",._"):  # "v1.2", ".5"
            at = _past_space(text, at, end)
        while at < end:
            number = symbols.number.match(text, at, end)
            if number is None:  # never: each part of a figure starts with a digit
                break
            stop = number.end()
            if stop < end and text[stop] not in _SPACES:  # the figure goes on
                at = _past_space(text, stop, end)
                continue
            integer, fraction = number.group("integer"), number.group("fraction") or ""
            if (fraction or not integer.isdigit()) and stop - at <= 2 * MAX_DIGITS:
                digits = _NOT_DIGIT.sub("", integer)
                if len(digits) + len(fraction) <= MAX_DIGITS:
                    written = digits + ("." + fraction if fraction else "")
                    yield _Number(at, stop, Decimal(written), len(fraction))
            at = stop + 1


def _past_space(text: str, at: int, end: int) -> int:
    """Where reading resumes in a figure after what cannot be read from *at*: its next space."""
    space = _ANY_SPACE.search(text, at, end)
    return space.end() if space else end


def _same_but_spaces(a: str, b: str) -> bool:
    """Whether *a* and *b* differ only in the kind of space (keep the typographer's choice)."""
    return _ANY_SPACE.sub(" ", a) == _ANY_SPACE.sub(" ", b)


def _render(number: _Number, target: Locale) -> str:
    """The number as *target* writes it, with as many decimals as the source wrote."""
    pattern = copy.copy(target.decimal_formats[None])
    pattern.frac_prec = (number.fraction, number.fraction)
    with localcontext() as context:
        context.prec = MAX_DIGITS + 2  # Babel normalizes in the current context: no rounding
        return format_decimal(number.value, format=pattern, locale=target)


def _localize_figures(source: str, translation: str, symbols: _Symbols, target: Locale) -> str:
    """Re-render the separated numbers of *source* that the engine copied into *translation*."""
    copied = {_ANY_SPACE.sub(" ", source[n.start : n.end]) for n in _numbers(source, symbols)}
    if not copied:
        return translation
    out: list[str] = []
    done = 0
    for number in _numbers(translation, symbols):
        written = translation[number.start : number.end]
        if _ANY_SPACE.sub(" ", written) not in copied:
            continue
        rendered = _render(number, target)
        if not _same_but_spaces(rendered, written):
            out += (translation[done : number.start], rendered)
            done = number.end
    return "".join(out) + translation[done:] if out else translation


@lru_cache(maxsize=8)
def _months(language: str) -> dict[str, int]:
    try:
        names = get_month_names("wide", locale=Locale.parse(language))
    except (UnknownLocaleError, ValueError, TypeError):
        return {}
    return {str(name).lower(): number for number, name in names.items()}


@lru_cache(maxsize=8)
def _date_pattern(languages: tuple[str, ...]) -> re.Pattern[str]:
    names = sorted({name for lang in languages for name in _months(lang)}, key=len, reverse=True)
    month = "(?P<month>" + "|".join(re.escape(name) for name in names) + ")"
    day = r"(?P<day>[0-9]{1,2})(?:st|nd|rd|th|er)?"
    return re.compile(
        rf"\b(?:{day}{_SPACE}+{month}|{month.replace('month', 'month2')}{_SPACE}+"
        rf"{day.replace('day', 'day2')})\b",
        re.IGNORECASE,
    )


def _day_and_month(match: re.Match[str], months: dict[str, int]) -> tuple[int, int] | None:
    """The date a match names, or None when it names none ("31 February", a case-folded name)."""
    day = int(match.group("day") or match.group("day2"))
    month = months.get((match.group("month") or match.group("month2")).lower())
    if month is None or not 1 <= day <= calendar.monthrange(2000, month)[1]:  # a leap year
        return None
    return day, month


def _localize_dates(source: str, translation: str, source_lang: str, target: Locale) -> str:
    """Re-render the day-and-month dates of *source* that the engine left in source words."""
    if not _months(source_lang):
        return translation
    pattern = _date_pattern((source_lang,))
    dates = {d for m in pattern.finditer(source) if (d := _day_and_month(m, _months(source_lang)))}
    if not dates:
        return translation
    months = {**_months(source_lang), **_months(target.language)}
    target_names = _months(target.language)

    def date(match: re.Match[str]) -> str:
        found = _day_and_month(match, months)
        name = (match.group("month") or match.group("month2")).lower()
        if found is None or found not in dates or name in target_names:
            return match.group()  # not ours, or the engine already wrote it the target's way
        day, month = found
        rendered = format_skeleton("MMMMd", date_type(2000, month, day), locale=target)
        return match.group() if _same_but_spaces(rendered, match.group()) else rendered

    languages = tuple(dict.fromkeys((source_lang, target.language)))
    return _date_pattern(languages).sub(date, translation)


def localize_numbers(source: str, translation: str, source_lang: str, target: Locale) -> str:
    """Re-render in *translation* the numbers and dates found in *source* for *target*."""
    if not _DIGIT.search(source):
        return translation  # no figure, no date: most sentences stop here
    symbols = _symbols(source_lang)
    if symbols is None:
        return translation  # a language we cannot read numbers in: leave them
    translation = _localize_figures(source, translation, symbols, target)
    return _localize_dates(source, translation, source_lang, target)
