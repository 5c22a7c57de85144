"""Marshmallow schemas for ``facts.yaml``: typed values, qualifiers, quotes."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from babel.units import UnknownUnitError, get_unit_name
from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from app.facts.model import PRECISIONS, QUALIFIERS, VALUE_TYPES

FACT_ID = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_ISO_BY_PRECISION = {"day": 3, "month": 2, "year": 1}
_TEXT = validate.Length(min=1, max=500)

REQUIRED_BY_TYPE: dict[str, tuple[str, ...]] = {
    "count": ("number",),
    "quantity": ("number", "unit"),
    "duration": ("number", "unit"),
    "date": ("date", "precision"),
    "places": ("items",),
    "person": ("name",),
    "organisation": ("name",),
}


def check_partial_date(iso: str, precision: str) -> None:
    """Raise ValidationError unless *iso* is a real date written to *precision*."""
    parts = iso.split("-")
    wanted = _ISO_BY_PRECISION.get(precision, 2)  # early/mid/late-month: a month
    # ASCII digits only: str.isdigit() also takes "³" or "٣", which int() refuses.
    if len(parts) != wanted or not all(p.isascii() and p.isdigit() for p in parts):
        raise ValidationError(f"{iso!r} is not a {precision} date (YYYY[-MM[-DD]]).", "date")
    numbers = [int(p) for p in parts] + [1, 1]
    try:
        date(numbers[0], numbers[1], numbers[2])
    except ValueError as error:
        raise ValidationError(f"{iso!r} is not a real date: {error}.", "date") from error


class PartialDateSchema(Schema):
    date = fields.String(required=True)
    precision = fields.String(required=True, validate=validate.OneOf(PRECISIONS))

    @validates_schema
    def _real_date(self, data: dict[str, Any], **_: Any) -> None:
        check_partial_date(data["date"], data["precision"])


class ValueSchema(Schema):
    type = fields.String(required=True, validate=validate.OneOf(VALUE_TYPES))
    number = fields.Decimal(validate=validate.Range(min=0))
    unit = fields.String()
    date = fields.String()
    precision = fields.String(validate=validate.OneOf(PRECISIONS))
    items = fields.List(fields.String(validate=_TEXT), validate=validate.Length(min=1))
    name = fields.String(validate=_TEXT)
    title = fields.String(validate=_TEXT)

    @validates_schema
    def _fields_of_the_type(self, data: dict[str, Any], **_: Any) -> None:
        for name in REQUIRED_BY_TYPE.get(data.get("type", ""), ()):
            if name not in data:
                raise ValidationError(f"Required for a {data['type']}.", name)
        if "unit" in data:
            try:
                get_unit_name(data["unit"], locale="en")
            except UnknownUnitError as error:
                raise ValidationError(f"{data['unit']!r} is not a CLDR unit.", "unit") from error
        if data.get("type") == "date":
            check_partial_date(data["date"], data["precision"])


class FactSchema(Schema):
    id = fields.String(required=True, validate=validate.Regexp(FACT_ID))
    label = fields.String(required=True, validate=_TEXT)
    value = fields.Nested(ValueSchema, required=True)
    qualifier = fields.String(load_default=None, validate=validate.OneOf(QUALIFIERS))
    quote = fields.String(required=True, validate=_TEXT)


class TimelineEntrySchema(Schema):
    date = fields.Nested(PartialDateSchema, required=True)
    qualifier = fields.String(load_default=None, validate=validate.OneOf(QUALIFIERS))
    text = fields.String(required=True, validate=_TEXT)
    quote = fields.String(required=True, validate=_TEXT)


class FactsFileSchema(Schema):
    facts = fields.List(fields.Nested(FactSchema), required=True)
    timeline = fields.List(fields.Nested(TimelineEntrySchema), load_default=list)

    @validates_schema
    def _unique_ids(self, data: dict[str, Any], **_: Any) -> None:
        ids = [fact["id"] for fact in data.get("facts", [])]
        duplicates = sorted({i for i in ids if ids.count(i) > 1})
        if duplicates:
            raise ValidationError(f"Duplicate fact ids: {', '.join(duplicates)}.", "facts")
