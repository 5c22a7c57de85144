"""Split HTML into the text a translator may change and the markup kept byte for byte.

A small tokenizer after the HTML standard's, not a parser: it never builds a tree and never
rewrites what it reads, so joining the ``raw`` of every piece gives back the document exactly.
Doctypes, processing instructions, comments, CDATA sections, tags with their attributes as
written, and the contents of script, style, textarea and the like are markup. Text nodes, a
``title`` element's text and ``title``/``alt`` attribute values are text, decoded (entities
resolved) for the engine, unless they are inside ``code``, ``pre`` or an element marked
``translate="no"`` (``translate="yes"`` turns translation back on inside one). Every construct
ends at its terminator or at the end of the document, and the scan only goes forward: linear
in the length of the document.
"""

from __future__ import annotations

import html
import re
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache
from typing import NamedTuple

#: Elements whose contents are not HTML: kept as they are, up to their end tag.
_RAW_TEXT = frozenset({"script", "style", "xmp", "iframe", "noembed", "noframes", "textarea"})
_VOID = frozenset(
    "area base br col embed hr img input keygen link meta param source track wbr".split()
)
_NOT_TRANSLATED = frozenset({"code", "pre"})
_TRANSLATED_ATTRIBUTES = frozenset({"title", "alt"})

_TAG_NAME = re.compile(r"[a-zA-Z][^\t\n\f\r />]*")
_GAP = re.compile(r"[\t\n\f\r /]*")
_ATTRIBUTE = re.compile(
    r"(?P<name>[^\t\n\f\r />][^\t\n\f\r />=]*)"
    r"(?:[\t\n\f\r ]*=[\t\n\f\r ]*"
    r"""(?:"(?P<double>[^"]*)(?:"|\Z)|'(?P<single>[^']*)(?:'|\Z)|(?P<bare>[^\t\n\f\r >]*)))?"""
)
_COMMENT_END = re.compile(r"--!?>")


@lru_cache(maxsize=16)
def _end_tag(name: str) -> re.Pattern[str]:
    return re.compile(rf"</{re.escape(name)}(?=[\t\n\f\r />]|\Z)", re.IGNORECASE)


class Piece(NamedTuple):
    """A run of the document: markup (``text`` is None) or text to translate."""

    raw: str
    text: str | None = None
    """The decoded text, for the engine; None for what is kept as written."""
    quote: str | None = None
    """For an attribute value: its quote, "" when unquoted; None for a text node."""

    def render(self, translated: str) -> str:
        """The piece with *translated* in place of its text, escaped for where it stands."""
        if translated == self.text:
            return self.raw  # the engine changed nothing: keep the references as written
        if self.quote is None:
            return html.escape(translated, quote=False)
        value = html.escape(translated, quote=True)
        return value if self.quote else f'"{value}"'


class _Tag(NamedTuple):
    name: str
    end: int
    closed: bool
    """Whether the tag ends with ">" (and not with the end of the document)."""
    attributes: list[re.Match[str]]


@dataclass
class _Scanner:
    """Reads one document forward, appending its pieces and tracking where translation is off."""

    document: str
    pieces: list[Piece] = field(default_factory=list)
    open: Counter[str] = field(default_factory=Counter)
    # Elements that switch translation off or on: (name, how many were open, translating).
    switches: list[tuple[str, int, bool]] = field(default_factory=list)

    @property
    def translating(self) -> bool:
        return self.switches[-1][2] if self.switches else True

    def text(self, start: int, end: int) -> None:
        if start < end:
            raw = self.document[start:end]
            self.pieces.append(Piece(raw, html.unescape(raw) if self.translating else None))

    def markup(self, start: int, end: int) -> int:
        if start < end:
            self.pieces.append(Piece(self.document[start:end]))
        return end

    def until(self, at: int, terminator: str, start: int) -> int:
        """Markup from *at* up to *terminator* (searched from *start*), or to the end."""
        found = self.document.find(terminator, start)
        return self.markup(at, found + len(terminator) if found >= 0 else len(self.document))

    def construct(self, at: int, text_start: int) -> int | None:
        """Read the construct at *at* after the text before it; None when this "<" is text."""
        doc = self.document
        second, third = doc[at + 1 : at + 2], doc[at + 2 : at + 3]
        name = _TAG_NAME.match(doc, at + 1) or (second == "/" and _TAG_NAME.match(doc, at + 2))
        if not name and second not in ("!", "?") and not (second == "/" and third):
            return None
        self.text(text_start, at)
        if name:
            return self.end_tag(at, name) if second == "/" else self.start_tag(at, name)
        if second == "/":  # "</>" or "</3": not a tag, kept as it is
            return self.until(at, ">", at + 2)
        if doc.startswith("<!--", at):
            for empty in ("<!-->", "<!--->"):
                if doc.startswith(empty, at):
                    return self.markup(at, at + len(empty))
            end = _COMMENT_END.search(doc, at + 4)
            return self.markup(at, end.end() if end else len(doc))
        if doc.startswith("<![CDATA[", at):
            return self.until(at, "]]>", at + 9)
        return self.until(at, ">", at + 2)  # a doctype, a declaration, a processing instruction

    def tag(self, name: re.Match[str]) -> _Tag:
        """The tag whose name is *name*, up to its ">" or the end of the document."""
        doc, position = self.document, name.end()
        attributes: list[re.Match[str]] = []
        while True:
            gap = _GAP.match(doc, position)
            position = gap.end() if gap else position
            if position >= len(doc):
                return _Tag(name.group().lower(), len(doc), False, attributes)
            if doc[position] == ">":
                return _Tag(name.group().lower(), position + 1, True, attributes)
            attribute = _ATTRIBUTE.match(doc, position)
            if attribute is None:  # never: any character but a space, "/" or ">" starts one
                return _Tag(name.group().lower(), len(doc), False, attributes)
            attributes.append(attribute)
            position = attribute.end()

    def start_tag(self, at: int, name: re.Match[str]) -> int:
        tag = self.tag(name)
        mode = False if tag.name in _NOT_TRANSLATED else None
        for attribute in tag.attributes:
            if attribute.group("name").lower() == "translate":
                value = _value(attribute).strip().lower()
                mode = {"no": False, "yes": True, "": True}.get(value, mode)
        raw, void = tag.name in _RAW_TEXT, tag.name in _VOID
        if raw or void:
            translating = self.translating if mode is None else mode
        else:
            self.open[tag.name] += 1
            if mode is not None:
                self.switches.append((tag.name, self.open[tag.name], mode))
            translating = self.translating
        self.attributes(at, tag, translating)
        if not tag.closed:
            return tag.end
        if raw or tag.name == "title":
            return self.raw_text(tag.name, tag.end)
        if tag.name == "plaintext":  # the rest of the document is its text, as it is
            return self.markup(tag.end, len(self.document))
        return tag.end

    def attributes(self, at: int, tag: _Tag, translating: bool) -> None:
        """The tag as markup, but for the values of the attributes that are translated."""
        done = at
        for attribute in tag.attributes:
            kind = next((k for k in ("double", "single", "bare") if attribute.group(k)), None)
            name = attribute.group("name").lower()
            if translating and tag.closed and kind and name in _TRANSLATED_ATTRIBUTES:
                start, end = attribute.span(kind)
                self.markup(done, start)
                raw = self.document[start:end]
                quote = {"double": '"', "single": "'"}.get(kind, "")
                self.pieces.append(Piece(raw, html.unescape(raw), quote))
                done = end
        self.markup(done, tag.end)

    def raw_text(self, name: str, start: int) -> int:
        """The contents of a raw-text element, up to its end tag; a title's are text."""
        end = _end_tag(name).search(self.document, start)
        stop = end.start() if end else len(self.document)
        if name == "title":
            self.text(start, stop)
        else:
            self.markup(start, stop)
        return stop

    def end_tag(self, at: int, name: re.Match[str]) -> int:
        tag = self.tag(name)
        if self.open[tag.name]:
            self.open[tag.name] -= 1
        # Close the switches of elements no longer open (with those opened inside them).
        while self.switches and self.open[self.switches[-1][0]] < self.switches[-1][1]:
            self.switches.pop()
        return self.markup(at, tag.end)


def _value(attribute: re.Match[str]) -> str:
    return attribute.group("double") or attribute.group("single") or attribute.group("bare") or ""


def pieces(document: str) -> list[Piece]:
    """The document as pieces of markup and text; their ``raw`` joined is the document."""
    scanner = _Scanner(document)
    position = text_start = 0
    while (at := document.find("<", position)) >= 0:
        end = scanner.construct(at, text_start)
        if end is None:  # a "<" that opens nothing ("a < b") is text
            position = at + 1
        else:
            position = text_start = end
    scanner.text(text_start, len(document))
    return scanner.pieces
