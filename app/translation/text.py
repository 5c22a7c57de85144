"""Translate free text and HTML: segment with our own splitter, one batch, numbers re-rendered."""

from __future__ import annotations

import html
import re
from collections.abc import Sequence
from html.parser import HTMLParser

from babel import Locale

from app.content.segment import split_sentences
from app.translation.engine import Engine
from app.translation.numbers import localize_numbers

_PARAGRAPH_BREAK = re.compile(r"(\n\s*\n)")
_SKIP_TAGS = {"script", "style", "code", "pre"}


def _pieces(text: str, language: str) -> list[str]:
    """Split text into sentences and the separators between them, keeping every character."""
    out: list[str] = []
    for chunk in _PARAGRAPH_BREAK.split(text):
        if not chunk.strip() or _PARAGRAPH_BREAK.fullmatch(chunk):
            out.append(chunk)
            continue
        lead = chunk[: len(chunk) - len(chunk.lstrip())]
        trail = chunk[len(chunk.rstrip()) :]
        sentences = split_sentences(chunk.strip(), language)
        out.append(lead)
        for index, sentence in enumerate(sentences):
            out.append("\x00" + sentence)
            if index < len(sentences) - 1:
                out.append(" ")
        out.append(trail)
    return out


def translate_texts(engine: Engine, texts: Sequence[str], source: str, target: str) -> list[str]:
    """Translate plain texts: every sentence of every text in one engine batch."""
    layouts = [_pieces(text, source) for text in texts]
    sentences = [p[1:] for layout in layouts for p in layout if p.startswith("\x00")]
    translated = iter(translate_segments(engine, sentences, source, target))
    return [
        "".join(next(translated) if p.startswith("\x00") else p for p in layout)
        for layout in layouts
    ]


def translate_segments(
    engine: Engine, segments: Sequence[str], source: str, target: str
) -> list[str]:
    """Translate segments in one batch, then put their numbers and dates in target form."""
    locale = Locale.parse(target)
    raw = engine.translate(segments, source, target)
    return [localize_numbers(s, t, source, locale) for s, t in zip(segments, raw, strict=True)]


class _TextNodes(HTMLParser):
    """Record an HTML fragment as markup and text nodes, in order."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[tuple[bool, str]] = []
        self._skipping = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.parts.append((False, self.get_starttag_text() or ""))
        if tag in _SKIP_TAGS:
            self._skipping += 1

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.parts.append((False, self.get_starttag_text() or ""))

    def handle_endtag(self, tag: str) -> None:
        self.parts.append((False, f"</{tag}>"))
        if tag in _SKIP_TAGS and self._skipping:
            self._skipping -= 1

    def handle_data(self, data: str) -> None:
        translatable = not self._skipping and bool(data.strip())
        self.parts.append((translatable, data if translatable else html.escape(data, quote=False)))

    def handle_comment(self, data: str) -> None:
        self.parts.append((False, f"<!--{data}-->"))


def translate_html(engine: Engine, fragments: Sequence[str], source: str, target: str) -> list[str]:
    """Translate the text nodes of HTML fragments, keeping the markup as it is."""
    parsed = []
    for fragment in fragments:
        parser = _TextNodes()
        parser.feed(fragment)
        parser.close()
        parsed.append(parser.parts)
    texts = [text for parts in parsed for translatable, text in parts if translatable]
    translated = iter(translate_texts(engine, texts, source, target))
    return [
        "".join(html.escape(next(translated), quote=False) if t else text for t, text in parts)
        for parts in parsed
    ]
