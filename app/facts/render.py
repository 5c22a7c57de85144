"""Facts and timeline as a reader of one locale sees them, rendered with Babel."""

from __future__ import annotations

from typing import Any

from babel import Locale

from app.facts.model import ArticleFacts, Fact, PartialDate, TimelineEntry, Value
from app.i18n import render
from app.translation.edition import Edition


def display_partial_date(when: PartialDate, locale: Locale) -> str:
    """A date to its precision: "2 octobre 2023", "août 2023", "2012", "fin août 2023"."""
    first = when.first_day
    if when.precision == "day":
        return render.display_date(first, locale)
    if when.precision == "year":
        return render.display_year(first, locale)
    month = render.display_month(first, locale)
    if when.precision == "month":
        return month
    return render.display_part_of_month(when.precision.split("-")[0], month, locale)


def display_value(value: Value, edition: Edition, locale: Locale, long: bool = False) -> str:
    """The value alone, as *locale* writes it (no qualifier)."""
    if value.type == "count" and value.number is not None:
        return render.display_number(value.number, locale)
    if value.type in ("quantity", "duration") and value.number is not None and value.unit:
        length: render.UnitLength = "long" if long or value.type == "duration" else "short"
        return render.display_quantity(value.number, value.unit, locale, length)
    if value.type == "date" and value.date is not None:
        return display_partial_date(value.date, locale)
    if value.type == "places":
        return render.display_list([edition.text(item) for item in value.items], locale)
    if value.type == "person" and value.title is not None:
        template = render.ui_translations(locale).gettext("%(title)s %(name)s")
        return template % {"title": edition.text(value.title), "name": value.name}
    return value.name or ""


def raw_value(value: Value) -> dict[str, Any]:
    """The typed value as the API gives it: numbers, CLDR unit ids, ISO dates."""
    raw: dict[str, Any] = {"type": value.type}
    if value.number is not None:
        integral = value.number == value.number.to_integral_value()
        raw["number"] = int(value.number) if integral else float(value.number)
    if value.unit:
        raw["unit"] = value.unit
    if value.date is not None:
        raw.update(date=value.date.iso, precision=value.date.precision)
    if value.items:
        raw["places"] = [item.text for item in value.items]
    if value.name:
        raw["name"] = value.name
    if value.title is not None:
        raw["title"] = value.title.text
    return raw


def _provenance(item: Fact | TimelineEntry, edition: Edition) -> dict[str, str]:
    return {
        "segment": item.provenance.sentence.id,
        "quote": edition.text(item.provenance.quote),
        "sentence": edition.text(item.provenance.sentence),
    }


def render_facts(facts: ArticleFacts, edition: Edition, locale: Locale) -> dict[str, Any]:
    """Every fact and timeline entry for one edition and locale, ready for JSON or HTML."""
    return {
        "facts": [
            {
                "id": fact.id,
                "label": edition.text(fact.label),
                "value": raw_value(fact.value),
                "qualifier": fact.qualifier,
                "display": render.qualify(
                    fact.qualifier, display_value(fact.value, edition, locale), locale
                ),
                "display_long": render.qualify(
                    fact.qualifier, display_value(fact.value, edition, locale, long=True), locale
                ),
                "provenance": _provenance(fact, edition),
            }
            for fact in facts.facts
        ],
        "timeline": [
            {
                "date": {"date": entry.date.iso, "precision": entry.date.precision},
                "qualifier": entry.qualifier,
                "display": render.qualify(
                    entry.qualifier, display_partial_date(entry.date, locale), locale
                ),
                "text": edition.text(entry.text),
                "provenance": _provenance(entry, edition),
            }
            for entry in facts.timeline
        ],
    }
