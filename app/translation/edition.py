"""An edition: an article as served in one language, segment by segment, with each status."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum

from app.content.model import Article, Segment
from app.translation.memory import Status, Translation, publishable

Key = tuple[str | None, str]
"""(msgctxt, source text): how the memory finds a segment."""


class Completeness(StrEnum):
    """How far an edition is published in its language."""

    SOURCE = "source"
    """The article's own language: always complete."""
    REVIEWED = "reviewed"
    """Every segment translated and approved by a person."""
    MACHINE = "machine"
    """Every segment publishable, some only by machine (not reviewed yet)."""
    INCOMPLETE = "incomplete"
    """Some segment has nothing fit to publish: the reader gets the original there."""


def completeness(segments: int, counts: Mapping[str, int], source: bool) -> Completeness:
    """The state of an edition of *segments* segments whose memory entries are *counts* by
    status (``Status`` values); *source*: the edition is in the article's own language."""
    if source:
        return Completeness.SOURCE
    fit = sum(n for status, n in counts.items() if publishable(Status(status)))
    if fit < segments or segments == 0:
        return Completeness.INCOMPLETE
    return Completeness.MACHINE if counts.get(Status.MACHINE, 0) else Completeness.REVIEWED


@dataclass(frozen=True)
class Edition:
    """The text a reader of *language* gets for every segment of *article*: an immutable
    value, read from the store in one snapshot."""

    article: Article
    language: str
    memory: Mapping[Key, Translation] = field(default_factory=dict)
    """The article's translation memory in *language* (article, fact and timeline segments)."""

    def translation(self, segment: Segment) -> Translation:
        if self.language == self.article.language:
            return Translation(segment.text, Status.SOURCE)
        found = self.memory.get((segment.msgctxt, segment.text))
        return found if found is not None else Translation(None, Status.UNTRANSLATED)

    def text(self, segment: Segment) -> str:
        """The published text of *segment*: its translation, or the source when there is none."""
        translation = self.translation(segment)
        return translation.text if translation.text is not None else segment.text

    def status(self, segment: Segment) -> Status:
        return self.translation(segment).status

    def counts(self) -> dict[str, int]:
        counted = Counter(self.status(seg) for seg in self.article.segments())
        return {status.value: counted.get(status, 0) for status in Status}

    @property
    def complete(self) -> bool:
        """Every segment is published in this language (reviewed, machine or source)."""
        return self.completeness is not Completeness.INCOMPLETE

    @property
    def completeness(self) -> Completeness:
        segments = list(self.article.segments())
        counted = Counter(
            self.status(seg).value if self.translation(seg).text is not None else "untranslated"
            for seg in segments
        )
        return completeness(len(segments), counted, self.language == self.article.language)

    def missing(self, extra: Sequence[Segment] = ()) -> list[Segment]:
        """Segments (the article's, then *extra*) with nothing fit to publish that a machine
        could fill: a machine translation held back for its risk waits for a person."""
        wanted = [*self.article.segments(), *extra]
        return [
            seg
            for seg in dict.fromkeys(wanted)
            if self.translation(seg).text is None and self.status(seg) is not Status.MACHINE
        ]
