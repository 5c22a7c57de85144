"""Times as the formats give them: ISO 8601 / RFC 3339, with an offset, as aware datetimes."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime

from app.exchange.formats.item import FormatError

#: Extended (2023-10-02T10:00:00+02:00) or basic (20231002T100000+0200, NewsML 1.2) form; the
#: whole value is matched first, so fromisoformat never sees week dates or odd lengths.
_DATETIME = re.compile(
    r"\d{4}(-?)\d{2}\1\d{2}T\d{2}(:?)\d{2}(?:\2\d{2}(?:[.,]\d{1,6})?)?"
    r"(?P<offset>Z|[+-]\d{2}(?::?\d{2})?)?"
)
_DATE = re.compile(r"\d{4}(-?)\d{2}\1\d{2}")
_MAX_LENGTH = 40


def parse_time(value: str, field: str, *, date_only: bool = False) -> datetime:
    """Read an aware datetime; a time without offset is an error (422 naming *field*).

    With *date_only*, a bare date is taken as 00:00 UTC (NewsML 1.2 allows a date alone).
    """
    text = value.strip()
    if len(text) <= _MAX_LENGTH:
        if match := _DATETIME.fullmatch(text):
            if match.group("offset") is None:
                raise FormatError(422, field, f"time {text!r} has no UTC offset")
            try:
                return datetime.fromisoformat(text.replace(",", "."))
            except ValueError:
                pass
        elif date_only and _DATE.fullmatch(text):
            try:
                return datetime.combine(date.fromisoformat(text), datetime.min.time(), UTC)
            except ValueError:
                pass
    raise FormatError(422, field, f"not an ISO 8601 time with offset: {text[:_MAX_LENGTH]!r}")


def published_time(value: str) -> datetime:
    """The ``published`` field of plain wire copy: a date (00:00 UTC) or an aware datetime."""
    return parse_time(value, "published", date_only=True)
