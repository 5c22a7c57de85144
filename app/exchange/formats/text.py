"""text/plain: wire copy as we always read it (editorial fields come with the request)."""

from __future__ import annotations

from app.content.wire import parse_wire
from app.exchange.formats.charset import decode
from app.exchange.formats.item import FormatError, WireItem


def parse_text(body: bytes, charset: str | None) -> WireItem:
    """Decode with the content type's charset (default UTF-8), then read it with parse_wire."""
    copy = decode(body, charset or "utf-8", unknown_status=415)
    story = parse_wire(copy)
    if not story.blocks:
        raise FormatError(422, "body", "the wire copy has no paragraph")
    return WireItem(
        format="text",
        uri=None,
        version=None,
        headline=None,
        standfirst=None,
        story=story,
        language=None,
        firstcreated=None,
        versioncreated=None,
        embargoed=None,
        pubstatus=None,
        byline=None,
        credit=story.agency,
        dateline=None,
        slugline=None,
        source=body,
    )
