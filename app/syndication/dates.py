"""The article row's dates as feeds, sitemaps and ninjs write them: with a time zone."""

from __future__ import annotations

from datetime import UTC, date, datetime


def aware(value: date | datetime) -> datetime:
    """*value* as an aware datetime: a date is its midnight, a naive time is taken as UTC."""
    if not isinstance(value, datetime):
        return datetime(value.year, value.month, value.day, tzinfo=UTC)
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


def w3c(value: date | datetime) -> str:
    """W3C datetime (RFC 3339), as sitemaps and ninjs want it; a date stays a date."""
    if not isinstance(value, datetime):
        return value.isoformat()
    return aware(value).isoformat(timespec="seconds")
