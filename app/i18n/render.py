"""Render typed values for a locale with Babel (CLDR): never glue numbers into strings."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, tzinfo
from decimal import Decimal
from functools import lru_cache
from typing import Literal

from babel import Locale
from babel.dates import (
    format_date,
    format_datetime,
    format_skeleton,
    get_date_format,
    get_datetime_format,
    get_time_format,
)
from babel.lists import format_list
from babel.numbers import format_decimal
from babel.support import NullTranslations, Translations
from babel.units import format_unit

from app.config import PROJECT_ROOT

UnitLength = Literal["long", "short", "narrow"]
DateStyle = Literal["full", "long", "medium", "short"]


@lru_cache(maxsize=64)
def ui_translations(locale: Locale) -> NullTranslations:
    """The compiled UI catalog (locales/) for *locale*, falling back to its language."""
    return Translations.load(PROJECT_ROOT / "locales", [locale])


def display_date(value: date, locale: Locale, style: str = "long") -> str:
    """A date as the locale writes it: "2 October 2023", "2 octobre 2023"."""
    return format_date(value, format=style, locale=locale)


@lru_cache(maxsize=64)
def _datetime_pattern(locale: Locale, style: DateStyle) -> str:
    """The locale's own way to join a date (in *style*) and a short time with its zone."""
    joined = str(get_datetime_format(style, locale=locale))
    day = get_date_format(style, locale=locale).pattern
    time = get_time_format("short", locale=locale).pattern
    return joined.replace("{1}", day).replace("{0}", f"{time} z")


def display_datetime(
    value: datetime, locale: Locale, zone: tzinfo, style: DateStyle = "long"
) -> str:
    """An aware time as the locale writes it, in *zone*: "2 octobre 2023, 16:05 +0200"."""
    return format_datetime(value, _datetime_pattern(locale, style), tzinfo=zone, locale=locale)


def display_number(value: Decimal | int, locale: Locale) -> str:
    """1500 → "1,500" (en), "1 500" (fr, narrow no-break space)."""
    return format_decimal(value, locale=locale)


def display_quantity(
    value: Decimal | int, unit: str, locale: Locale, length: UnitLength = "short"
) -> str:
    """300 length-kilometer → "300 km"; long: "300 kilometres", "300 kilomètres"."""
    return format_unit(value, unit, length=length, locale=locale)


def display_list(items: Sequence[str], locale: Locale) -> str:
    """["Kidal", "Aguelhok", "Tessalit"] → "Kidal, Aguelhok et Tessalit"."""
    return format_list(list(items), locale=locale)


def display_month(value: date, locale: Locale, with_year: bool = True) -> str:
    """ "August 2023", "août 2023"; without the year, the stand-alone month name."""
    if with_year:
        return format_skeleton("yMMMM", value, locale=locale)
    return format_date(value, "LLLL", locale=locale)


def display_day_month(value: date, locale: Locale) -> str:
    """ "October 2" (en), "2 October" (en-GB), "2 octobre" (fr): a date in running text."""
    return format_skeleton("MMMMd", value, locale=locale)


def display_year(value: date, locale: Locale) -> str:
    return format_skeleton("y", value, locale=locale)


def display_part_of_month(part: str, month: str, locale: Locale) -> str:
    """ "late August 2023", "fin août 2023": *month* is already rendered."""
    gettext = ui_translations(locale).gettext
    if part == "early":
        return gettext("early %(month)s") % {"month": month}
    if part == "mid":
        return gettext("mid-%(month)s") % {"month": month}
    return gettext("late %(month)s") % {"month": month}


def qualify(qualifier: str | None, text: str, locale: Locale) -> str:
    """Put a qualifier around a rendered value: "about 300 km", "plus de 1 500 km"."""
    gettext = ui_translations(locale).gettext
    templates = {
        "about": gettext("about %(value)s"),
        "more-than": gettext("more than %(value)s"),
        "at-least": gettext("at least %(value)s"),
        "by": gettext("by %(value)s"),
        "since": gettext("since %(value)s"),
    }
    return templates[qualifier] % {"value": text} if qualifier in templates else text
