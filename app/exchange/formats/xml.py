"""XML read safely: defusedxml (no DTD, no entity, no external reference), the bytes given
straight to the parser so the declaration's encoding is honoured, and walks without recursion."""

from __future__ import annotations

import re
from collections.abc import Iterator
from xml.etree.ElementTree import Element, ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring

from app.content.wire import WireStory, parse_wire
from app.exchange.formats.charset import decode
from app.exchange.formats.html import _SPACE, BlockBuilder, story_from_blocks
from app.exchange.formats.item import FormatError

_DECLARED = re.compile(
    rb"<\?xml[^>]{0,200}?encoding\s*=\s*[\"']([A-Za-z][A-Za-z0-9._-]{0,39})[\"']"
)
_BOMS = (b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")


def _check_charset(body: bytes) -> None:
    """Refuse bytes that are not in the encoding the declaration names (400 "charset"), before
    the parser reports them as a bare "invalid token"."""
    if body.startswith(_BOMS[1:]):
        encoding = "utf-16"
    elif match := _DECLARED.match(body.removeprefix(_BOMS[0])):
        encoding = match.group(1).decode("ascii")
    else:
        encoding = "utf-8"
    decode(body, encoding)


def parse_xml(body: bytes) -> Element:
    """Parse an XML document; every failure is a FormatError (400)."""
    _check_charset(body)
    try:
        root: Element = fromstring(
            body, forbid_dtd=True, forbid_entities=True, forbid_external=True
        )
        return root
    except DefusedXmlException as error:
        raise FormatError(400, "DTD", f"refused: {type(error).__name__} ({error})") from error
    except ParseError as error:
        line, column = error.position
        if "encoding" in str(error):
            raise FormatError(400, "charset", str(error)) from error
        raise FormatError(
            400, f"line {line}", f"malformed XML at column {column}: {error}"
        ) from error
    except (LookupError, ValueError) as error:  # an encoding expat cannot use
        raise FormatError(400, "charset", str(error)) from error


def local(tag: object) -> str:
    """The element's name without its namespace."""
    return tag.rpartition("}")[2] if isinstance(tag, str) else ""


def child(element: Element | None, *names: str) -> Element | None:
    """The first element along *names* (local names), one level at a time."""
    for name in names:
        if element is None:
            return None
        element = next((c for c in element if local(c.tag) == name), None)
    return element


def children(element: Element, name: str) -> Iterator[Element]:
    return (c for c in element if local(c.tag) == name)


def text(element: Element | None) -> str | None:
    """All the text inside an element, whitespace runs as one space; None when empty."""
    if element is None:
        return None
    value = _SPACE.sub(" ", "".join(element.itertext())).strip()
    return value or None


def element_blocks(root: Element) -> list[tuple[str, str]]:
    """The blocks of an XHTML or NITF element tree, walked with an explicit stack."""
    builder = BlockBuilder()
    stack: list[tuple[Element, bool]] = [(root, False)]
    while stack:
        element, done = stack.pop()
        name = local(element.tag).lower()
        if done:
            builder.end(name)
            if element.tail:
                builder.data(element.tail)
            continue
        if not name:  # a comment or a processing instruction
            if element.tail:
                builder.data(element.tail)
            continue
        builder.start(name)
        if element.text:
            builder.data(element.text)
        stack.append((element, True))
        stack.extend((c, False) for c in reversed(element))
    return builder.close()


def content_story(container: Element, at: str) -> WireStory:
    """The story inside *container*: XHTML or NITF markup, or plain wire copy."""
    if any(local(c.tag) for c in container):
        story = story_from_blocks(element_blocks(container))
    else:
        story = parse_wire(container.text or "")
    if not story.blocks:
        raise FormatError(422, at, "the content has no paragraph")
    return story


def whole_number(value: str | None, at: str) -> int | None:
    """A version or revision number; anything else is a 422 naming *at*."""
    if value is None:
        return None
    digits = value.strip()
    if not (digits.isascii() and digits.isdigit()) or len(digits) > 18:
        raise FormatError(422, at, f"not a whole number: {value[:40]!r}")
    return int(digits)
