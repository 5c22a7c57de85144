"""An edition: an article as served in one language, segment by segment, with each status."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from app.content.model import Article, Segment
from app.translation.memory import Status, Translation

Key = tuple[str | None, str]
"""(msgctxt, source text): how the memory finds a segment."""


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
        return all(self.translation(seg).text is not None for seg in self.article.segments())

    def missing(self, extra: Sequence[Segment] = ()) -> list[Segment]:
        """Segments (the article's, then *extra*) with nothing fit to publish that a machine
        could fill: a machine translation held back for its risk waits for a person."""
        wanted = [*self.article.segments(), *extra]
        return [
            seg
            for seg in dict.fromkeys(wanted)
            if self.translation(seg).text is None and self.status(seg) is not Status.MACHINE
        ]
