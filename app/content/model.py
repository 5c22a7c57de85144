"""The article as the service holds it: immutable, segmented, in its source language."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from typing import Literal

Context = Literal[
    "headline",
    "standfirst",
    "heading",
    "body",
    "related",
    # Added by an article's facts (app/facts): labels, quotes, titles, places, timeline.
    "fact-label",
    "fact-quote",
    "fact-title",
    "place",
    "timeline",
]


@dataclass(frozen=True)
class Segment:
    """One translatable unit: a sentence, a heading, a headline. Its identity is its text."""

    context: Context
    text: str

    @property
    def id(self) -> str:
        """A stable id derived from the context and the source text."""
        digest = hashlib.sha256(f"{self.context}\x04{self.text}".encode()).hexdigest()
        return digest[:12]

    @property
    def msgctxt(self) -> str | None:
        """The gettext context for this segment in a PO catalog (None for body sentences)."""
        return None if self.context == "body" else self.context


@dataclass(frozen=True)
class Paragraph:
    sentences: tuple[Segment, ...]


@dataclass(frozen=True)
class Section:
    heading: Segment | None
    paragraphs: tuple[Paragraph, ...]


@dataclass(frozen=True)
class RelatedLink:
    title: Segment
    url: str | None


@dataclass(frozen=True)
class Article:
    """A structured article in its source language, as the store holds it."""

    slug: str
    language: str
    headline: Segment
    standfirst: Segment
    dateline: str
    published: date
    credit: str
    sections: tuple[Section, ...]
    related: tuple[RelatedLink, ...]
    publisher: str | None = None
    published_at: datetime | None = None
    """When it was published, timezone-aware; None when only the day is known."""
    modified_at: datetime | None = None
    """When the current version was made, timezone-aware, when the item says."""
    version: int = 1
    """Counts the article's changes in the store (0: not stored yet)."""

    def segments(self) -> Iterator[Segment]:
        """Yield every translatable segment in reading order."""
        yield self.headline
        yield self.standfirst
        for section in self.sections:
            if section.heading is not None:
                yield section.heading
            for paragraph in section.paragraphs:
                yield from paragraph.sentences
        for link in self.related:
            yield link.title
