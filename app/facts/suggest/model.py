"""A drafted fact: its typed value, where it was read, how sure the reading is."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from app.content.model import Segment
from app.facts.model import Qualifier, Value
from app.facts.suggest.text import slug


@dataclass(frozen=True)
class Mention:
    """A typed value found in one sentence, before its proof."""

    value: Value
    qualifier: Qualifier | None
    start: int
    """Where the value's words (with their qualifier) start in the sentence."""
    end: int
    label: str
    """A draft label in the sentence's language."""
    confidence: float


@dataclass(frozen=True)
class Suggestion:
    """A fact to offer an editor: a proved value, the quote that supports it, a draft label."""

    id: str
    label: str
    value: Value
    qualifier: Qualifier | None
    segment: Segment
    """The cited sentence (or headline, standfirst, heading)."""
    start: int
    """The quote is ``segment.text[start:end]``."""
    end: int
    confidence: float
    """In [0, 1]: how likely an editor keeps it."""

    @property
    def quote(self) -> str:
        return self.segment.text[self.start : self.end]

    @property
    def segment_id(self) -> str:
        return self.segment.id

    def to_fact(self) -> dict[str, Any]:
        """The fact as ``facts.yaml`` writes it."""
        fact: dict[str, Any] = {"id": self.id, "label": self.label, "value": value_dict(self.value)}
        if self.qualifier is not None:
            fact["qualifier"] = self.qualifier
        fact["quote"] = self.quote
        return fact


def plain_number(number: Decimal) -> int | float:
    """A number as YAML and JSON write it: 119, 1.5."""
    return int(number) if number == number.to_integral_value() else float(number)


def value_dict(value: Value) -> dict[str, Any]:
    """The ``value`` mapping of ``facts.yaml`` for *value*."""
    found: dict[str, Any] = {"type": value.type}
    if value.number is not None:
        found["number"] = plain_number(value.number)
    if value.unit is not None:
        found["unit"] = value.unit
    if value.date is not None:
        found["date"] = value.date.iso
        found["precision"] = value.date.precision
    if value.items:
        found["items"] = [item.text for item in value.items]
    if value.name is not None:
        found["name"] = value.name
    if value.title is not None:
        found["title"] = value.title.text
    return found


def value_key(value: Value) -> tuple[object, ...]:
    """What makes two values the same fact, whatever their label or quote."""
    return (
        value.type,
        value.number.normalize() if value.number is not None else None,
        value.unit,
        (value.date.iso, value.date.precision) if value.date is not None else None,
        tuple(item.text for item in value.items),
        value.name,
    )


def _value_token(value: Value) -> str:
    if value.number is not None:
        unit = (value.unit or "").split("-", 1)[-1]
        return slug(f"{plain_number(value.number)} {unit}".replace(".", " "))
    if value.date is not None:
        return slug(f"{value.date.iso} {value.date.precision.replace('day', '')}")
    if value.items:
        return slug(" ".join(item.text for item in value.items), 3)
    return slug(value.name or value.type, 4)


def fact_id(label: str, value: Value, qualifier: Qualifier | None) -> str:
    """A stable id from the label, the value and the qualifier: "vehicles-119"."""
    parts = [slug(label, 4), _value_token(value), qualifier or ""]
    return "-".join(part for part in parts if part) or value.type
