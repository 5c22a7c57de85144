"""Body HTML (or XHTML, or NITF) reduced to our blocks: paragraphs and subheadings, text only.

p/div and other block elements end a paragraph, h1-h6 (NITF hl1/hl2) are headings, br is a
space, script/style/iframe/object and the like are dropped with their content, entities are
decoded and whitespace runs become one space. Nothing of the markup is kept. A tokenizer that
reads each character once keeps this linear in the input, whatever the input.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from html import unescape

from app.content.wire import CREDIT, PROMO_LINES, SEE_ALSO, WireStory

HEADINGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6", "hl1", "hl2"})
#: Elements that end the text before them and start new text (HTML's block elements, NITF's).
BLOCKS = frozenset(
    {
        "p", "div", "li", "ul", "ol", "dl", "dt", "dd", "blockquote", "pre", "section",
        "article", "aside", "header", "footer", "main", "nav", "figure", "figcaption",
        "table", "tr", "td", "th", "caption", "address", "hr", "body", "block", "body.content",
        "body.end", "tagline", "bq", "media", "fieldset", "form",
        "details", "summary",
    }
)  # fmt: skip
#: Dropped with everything inside: code, embedded objects, and what is not body text (NITF's
#: body.head holds the headline, byline, dateline and abstract, which the item gives anyway).
DROPPED = frozenset(
    {
        "script", "style", "iframe", "object", "embed", "applet", "template", "noscript",
        "noembed", "noframes", "frameset", "frame", "svg", "math", "head", "title", "canvas",
        "audio", "video", "select", "textarea", "button", "body.head", "media-metadata",
        "media-producer", "media-caption",
    }
)  # fmt: skip
_SPACE = re.compile(r"[ \t\n\r\f]+")  # HTML's whitespace: a no-break space is text


class BlockBuilder:
    """Collects blocks from start/end/data events, whatever tokenizer sends them."""

    def __init__(self) -> None:
        self.blocks: list[tuple[str, str]] = []
        self._text: list[str] = []
        self._dropping = 0
        self._heading = 0

    def _flush(self, kind: str) -> None:
        text = _SPACE.sub(" ", "".join(self._text)).strip()
        self._text.clear()
        if text:
            self.blocks.append((kind, text))

    def start(self, tag: str) -> None:
        if tag in DROPPED:
            self._dropping += 1
        elif self._dropping:
            return
        elif tag in HEADINGS:
            if not self._heading:
                self._flush("paragraph")
            self._heading += 1
        elif tag == "br":
            self._text.append(" ")
        elif tag in BLOCKS and not self._heading:
            self._flush("paragraph")

    def end(self, tag: str) -> None:
        if tag in DROPPED:
            self._dropping = max(0, self._dropping - 1)
        elif self._dropping:
            return
        elif tag in HEADINGS:
            if self._heading:
                self._heading -= 1
                if not self._heading:
                    self._flush("heading")
        elif tag in BLOCKS and not self._heading:
            self._flush("paragraph")

    def data(self, text: str) -> None:
        if not self._dropping:
            self._text.append(text)

    def close(self) -> list[tuple[str, str]]:
        self._flush("heading" if self._heading else "paragraph")
        return self.blocks


#: Elements whose content is raw text up to their end tag (all of them dropped).
RAW_TEXT = frozenset(
    {"script", "style", "textarea", "title", "xmp", "iframe", "noembed", "noframes", "noscript"}
)
_RAW_END = {tag: re.compile(rf"</{tag}(?=[\t\n\f\r />]|\Z)", re.IGNORECASE) for tag in RAW_TEXT}
_NAME = re.compile(r"[A-Za-z][^\t\n\f\r />]{0,63}")
_UNQUOTED = re.compile(r"[^>\"']*")


def _tag_end(html: str, start: int) -> int:
    """The index of the ">" ending the tag whose attributes begin at *start* (quotes may hold
    ">"), or -1. Each character is scanned once: the caller resumes after it, or stops."""
    position = start
    while True:
        position = _UNQUOTED.match(html, position).end()  # type: ignore[union-attr]
        if position >= len(html):
            return -1
        if html[position] == ">":
            return position
        closing = html.find(html[position], position + 1)
        if closing < 0:  # an unterminated quote: the tag ends at the next ">"
            return html.find(">", position + 1)
        position = closing + 1


def _tokenize(html: str, builder: BlockBuilder) -> None:
    """Feed *builder* the tags and text of *html*, in one pass.

    Our own tokenizer, not html.parser: the stdlib one (3.11) rescans the rest of the input for
    each unterminated construct ("<![CDATA[<p>" * n, "<!--<p>" * n are quadratic) and raises
    AssertionError on some inputs. Anything unterminated ends the document, as HTML's
    end-of-file rules mostly do; comments, doctypes, CDATA and processing instructions are
    skipped; text is unescaped with html.unescape.
    """
    length = len(html)
    position = 0
    while position < length:
        opening = html.find("<", position)
        if opening < 0:
            builder.data(unescape(html[position:]))
            return
        if opening > position:
            builder.data(unescape(html[position:opening]))
        if html.startswith("<!--", opening):
            end = html.find("-->", opening + 4)
            if end < 0:
                return
            position = end + 3
            continue
        closing = html.startswith("</", opening)
        name = _NAME.match(html, opening + (2 if closing else 1))
        if name is None:
            if closing or html.startswith(("<!", "<?"), opening):
                end = html.find(">", opening + 2)  # a bogus comment, a doctype, CDATA, a PI
                if end < 0:
                    return
                position = end + 1
            else:
                builder.data("<")
                position = opening + 1
            continue
        end = _tag_end(html, name.end())
        if end < 0:
            return
        tag = name.group().lower()
        position = end + 1
        if closing:
            builder.end(tag)
        elif html[end - 1] == "/" and tag in DROPPED:
            continue  # <object/> holds nothing to drop
        elif tag in RAW_TEXT:
            builder.start(tag)
            found = _RAW_END[tag].search(html, position)
            if found is None:
                return
            end = _tag_end(html, found.end())
            if end < 0:
                return
            builder.end(tag)
            position = end + 1
        else:
            builder.start(tag)


def html_blocks(html: str) -> list[tuple[str, str]]:
    """The paragraphs and headings of an HTML fragment, in order."""
    builder = BlockBuilder()
    _tokenize(html, builder)
    return builder.close()


def html_text(html: str) -> str:
    """All the text of an HTML fragment on one line (a description, a headline in HTML)."""
    return " ".join(text for _, text in html_blocks(html))


def story_from_blocks(blocks: Iterable[tuple[str, str]]) -> WireStory:
    """Read blocks as parse_wire reads wire copy: "See also" lines become related links, "With
    AFP" the credit, promotions are dropped. Headings are the markup's, none is guessed; a
    heading before the first paragraph (a repeated headline, a kicker) is dropped: the lede
    comes first."""
    story = WireStory()
    for kind, text in blocks:
        if any(pattern.search(text) for pattern in PROMO_LINES):
            story.dropped.append(text)
        elif see_also := SEE_ALSO.match(text):
            story.related.append(see_also.group("title"))
        elif credit := CREDIT.match(text):
            story.agency = credit.group("agency")
        elif kind == "heading" and not story.blocks:
            story.dropped.append(text)
        else:
            story.blocks.append((kind, text))
    return story
