"""Typed facts and timeline entries, each with the sentence that supports it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Literal

from app.content.model import Segment

ValueType = Literal["count", "quantity", "duration", "date", "places", "person", "organisation"]
Precision = Literal["day", "month", "year", "early-month", "mid-month", "late-month"]
Qualifier = Literal["about", "more-than", "at-least", "by", "since"]

VALUE_TYPES: tuple[str, ...] = ValueType.__args__  # type: ignore[attr-defined]
PRECISIONS: tuple[str, ...] = Precision.__args__  # type: ignore[attr-defined]
QUALIFIERS: tuple[str, ...] = Qualifier.__args__  # type: ignore[attr-defined]


@dataclass(frozen=True)
class PartialDate:
    """A date known to a precision: a day, a month, a year, or part of a month."""

    iso: str
    """As written: "2023-10-02", "2023-08", "2012"."""
    precision: Precision

    @property
    def first_day(self) -> date:
        parts = [int(p) for p in self.iso.split("-")] + [1, 1]
        return date(parts[0], parts[1], parts[2])


@dataclass(frozen=True)
class Value:
    """A typed value; which fields are set depends on ``type``."""

    type: ValueType
    number: Decimal | None = None
    unit: str | None = None
    """A CLDR unit id, e.g. length-kilometer, duration-hour."""
    date: PartialDate | None = None
    items: tuple[Segment, ...] = ()
    """Places, translated through the article's catalog (msgctxt "place")."""
    name: str | None = None
    title: Segment | None = None
    """A person's title, translated (msgctxt "fact-title")."""


@dataclass(frozen=True)
class Provenance:
    """The source sentence that supports a fact, and the exact words quoted from it."""

    sentence: Segment
    quote: Segment
    """msgctxt "fact-quote"; its text appears verbatim in ``sentence``."""


@dataclass(frozen=True)
class Fact:
    id: str
    label: Segment
    value: Value
    qualifier: Qualifier | None
    provenance: Provenance


@dataclass(frozen=True)
class TimelineEntry:
    date: PartialDate
    qualifier: Qualifier | None
    text: Segment
    provenance: Provenance


@dataclass(frozen=True)
class ArticleFacts:
    slug: str
    facts: tuple[Fact, ...]
    timeline: tuple[TimelineEntry, ...]

    def segments(self) -> tuple[Segment, ...]:
        """Every translatable segment the facts add to the article's catalog."""
        found: list[Segment] = []
        for fact in self.facts:
            found += [fact.label, fact.provenance.quote, *fact.value.items]
            if fact.value.title is not None:
                found.append(fact.value.title)
        for entry in self.timeline:
            found += [entry.text, entry.provenance.quote]
        return tuple(dict.fromkeys(found))
