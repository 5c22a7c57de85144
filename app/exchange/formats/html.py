"""Body HTML (or XHTML, or NITF) reduced to our blocks: paragraphs and subheadings, text only.

p/div and other block elements end a paragraph, h1-h6 (NITF hl1/hl2) are headings, br is a
space, script/style/iframe/object and the like are dropped with their content, entities are
decoded and whitespace runs become one space. Nothing of the markup is kept. The stdlib
tokenizer and one pass over its events keep this linear in the input.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from html.parser import HTMLParser

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


class _Tokenizer(HTMLParser):
    def __init__(self, builder: BlockBuilder) -> None:
        super().__init__(convert_charrefs=True)
        self.builder = builder

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.builder.start(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in DROPPED:  # <iframe/> holds nothing to drop
            self.builder.start(tag)
            self.builder.end(tag)

    def handle_endtag(self, tag: str) -> None:
        self.builder.end(tag)

    def handle_data(self, data: str) -> None:
        self.builder.data(data)


def html_blocks(html: str) -> list[tuple[str, str]]:
    """The paragraphs and headings of an HTML fragment, in order."""
    builder = BlockBuilder()
    tokenizer = _Tokenizer(builder)
    tokenizer.feed(html)
    tokenizer.close()
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
