"""Unit words as each language writes them, from CLDR: "km", "kilomètres" → length-kilometer."""

from __future__ import annotations

import re
from functools import lru_cache

from babel import Locale
from babel.units import format_unit, get_unit_name

from app.i18n.locales import REGIONAL_LOCALES

#: The units a news story gives figures in, in order of preference when two share a symbol.
UNITS: tuple[str, ...] = (
    "length-kilometer",
    "length-meter",
    "length-mile",
    "area-square-kilometer",
    "area-hectare",
    "mass-kilogram",
    "mass-tonne",
    "volume-liter",
    "concentr-percent",
    "speed-kilometer-per-hour",
    "temperature-celsius",
    "duration-minute",
    "duration-hour",
    "duration-day",
    "duration-week",
    "duration-month",
    "duration-year",
)
# Symbols CLDR gives that read as something else in running text ("a", "d", "mi-", "mille").
_AMBIGUOUS = frozenset(
    {"a", "c", "d", "j", "l", "s", "t", "w", "y", "mi", "dec", "mille", "milles"}
)
# Written forms CLDR does not list.
_EXTRA: dict[str, dict[str, str]] = {
    "en": {
        "kms": "length-kilometer",
        "km2": "area-square-kilometer",
        "sq km": "area-square-kilometer",
    },
    "fr": {"km2": "area-square-kilometer", "année": "duration-year", "années": "duration-year"},
}
_NUMBER = re.compile(r"^[\d.,\s\u00a0\u202f]+|[\d.,\s\u00a0\u202f]+$")


def _forms(unit: str, locale: Locale) -> set[str]:
    found = set()
    for length in ("long", "short", "narrow"):
        name = get_unit_name(unit, length=length, locale=locale)
        if name:
            found.add(name)
        for number in (1, 2, 1.5):
            found.add(_NUMBER.sub("", format_unit(number, unit, length=length, locale=locale)))
    return {form.replace("’", "'") for form in found if form and form != unit}


@lru_cache(maxsize=8)
def unit_words(language: str) -> dict[str, str]:
    """Every written form of a unit in *language*, lower case → CLDR unit id."""
    table: dict[str, str] = {}
    for tag in REGIONAL_LOCALES.get(language, (language,)):
        locale = Locale.parse(tag)
        for unit in UNITS:
            for form in _forms(unit, locale):
                key = form.lower()
                if key not in _AMBIGUOUS and key not in table:
                    table[key] = unit
    table.update(_EXTRA.get(language, {}))
    return table


def unit_kind(unit: str) -> str:
    """The CLDR category of *unit*: "length", "duration", "concentr"…"""
    return unit.split("-", 1)[0]
