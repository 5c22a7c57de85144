"""Render typed values for a locale with Babel (CLDR): never glue numbers into strings."""

from __future__ import annotations

from datetime import date

from babel import Locale
from babel.dates import format_date

DateStyle = str  # "short" | "medium" | "long" | "full"


def display_date(value: date, locale: Locale, style: DateStyle = "long") -> str:
    """A date as the locale writes it: "2 October 2023", "2 octobre 2023"."""
    return format_date(value, format=style, locale=locale)
