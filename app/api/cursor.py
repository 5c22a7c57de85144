"""Opaque cursors for keyset pagination: where a page of the newest-first list starts."""

from __future__ import annotations

import base64
import binascii
from datetime import date
from typing import Any

from marshmallow import ValidationError, fields

from app.content.repository import Cursor
from app.content.schemas import SLUG

DEFAULT_PAGE_SIZE = 20
MAX_PAGE_SIZE = 100
_MAX_CURSOR = 400


def encode(cursor: Cursor) -> str:
    raw = f"{cursor.published.isoformat()}/{cursor.slug}".encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode(text: str) -> Cursor:
    """The cursor *text* stands for; ValueError when it is not one of ours."""
    if len(text) > _MAX_CURSOR:
        raise ValueError("too long")
    try:
        raw = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4)).decode()
    except (binascii.Error, UnicodeDecodeError, ValueError) as error:
        raise ValueError("not base64") from error
    published, _, slug = raw.partition("/")
    if not SLUG.match(slug):
        raise ValueError("no slug")
    return Cursor(date.fromisoformat(published), slug)


class CursorField(fields.String):
    """A cursor in a query string (a string, in the OpenAPI document), loaded as a Cursor;
    anything else is a 422 naming it."""

    def _deserialize(  # type: ignore[override]
        self, value: Any, attr: str | None, data: Any, **kwargs: Any
    ) -> Cursor:
        if not isinstance(value, str):
            raise ValidationError("Not a string.")
        try:
            return decode(value)
        except ValueError as error:
            raise ValidationError("Not a cursor from this list's `next`.") from error
