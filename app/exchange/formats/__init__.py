"""Wire formats in: bytes and a content type to one normalised item, or a precise error.

``text/plain`` is wire copy, ``application/json`` an IPTC ninjs item (1.x, 2.x, 3.x),
``application/xml`` or ``text/xml`` a NewsML-G2 newsItem or a NewsML 1.2 document. The format
is recognised from the content type and then the content, never from a file name.
"""

from __future__ import annotations

from app.exchange.formats.item import FORMATS, PUBSTATUSES, FormatError, WireItem
from app.exchange.formats.newsml12 import parse_newsml12
from app.exchange.formats.newsml_g2 import parse_newsml_g2
from app.exchange.formats.ninjs import parse_ninjs
from app.exchange.formats.text import parse_text
from app.exchange.formats.times import parse_time, published_time
from app.exchange.formats.xml import local, parse_xml

__all__ = [
    "FORMATS",
    "PUBSTATUSES",
    "CONTENT_TYPES",
    "FormatError",
    "WireItem",
    "parse_item",
    "parse_time",
    "published_time",
]

#: The media types we take, by family.
CONTENT_TYPES = {
    "text/plain": "text",
    "application/json": "json",
    "application/xml": "xml",
    "text/xml": "xml",
}
_MAX_CONTENT_TYPE = 200


def _media_type(content_type: str) -> tuple[str, str | None]:
    """The media type, lower case, and its charset parameter (None when absent)."""
    if len(content_type) > _MAX_CONTENT_TYPE:
        raise FormatError(415, "Content-Type", "content type too long")
    media, *parameters = content_type.split(";")
    charset = None
    for parameter in parameters:
        name, _, value = parameter.partition("=")
        if name.strip().lower() == "charset":
            charset = value.strip().strip('"').strip() or None
    return media.strip().lower(), charset


def parse_item(body: bytes, content_type: str) -> WireItem:
    """Read one item in the format its content type (and content) says."""
    media, charset = _media_type(content_type)
    family = CONTENT_TYPES.get(media)
    if family is None:
        raise FormatError(
            415, "Content-Type", f"{media[:60]!r} is not one of {', '.join(CONTENT_TYPES)}"
        )
    if family == "text":
        return parse_text(body, charset)
    if family == "json":
        return parse_ninjs(body, charset)
    root = parse_xml(body)
    name = local(root.tag)
    if name in ("newsItem", "newsMessage"):
        return parse_newsml_g2(root, body)
    if name == "NewsML":
        return parse_newsml12(root, body)
    raise FormatError(422, f"/{name[:40]}", "not a NewsML-G2 newsItem nor a NewsML 1.2 document")
