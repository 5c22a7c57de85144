"""An edition: an article as served in one language, segment by segment, with each status."""

from __future__ import annotations

import logging
import threading
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType

from babel.messages.catalog import Catalog

from app.content.model import Article, Segment
from app.content.store import ArticleStore
from app.translation.engine import Engine
from app.translation.memory import Status, Translation, catalog_path, load_catalog, lookup
from app.translation.packages import PackageError
from app.translation.text import translate_segments

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Edition:
    """The text a reader of *language* gets for every segment of *article*."""

    article: Article
    language: str
    translations: Mapping[Segment, Translation]
    """The article's own segments, resolved at start-up."""
    catalog: Catalog | None = None
    """The catalog, for segments other modules add (fact labels, quotes, timeline)."""

    def translation(self, segment: Segment) -> Translation:
        found = self.translations.get(segment)
        if found is not None:
            return found
        if self.language == self.article.language:
            return Translation(segment.text, Status.SOURCE)
        return lookup(self.catalog, segment)

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
        """Segments (the article's, then *extra*) with nothing fit to publish."""
        wanted = [*self.article.segments(), *extra]
        return [seg for seg in dict.fromkeys(wanted) if self.translation(seg).text is None]

    def with_machine(self, filled: Mapping[Segment, str]) -> Edition:
        """A copy with *filled* segments published as machine translations."""
        merged = dict(self.translations)
        merged.update({seg: Translation(text, Status.MACHINE) for seg, text in filled.items()})
        return Edition(self.article, self.language, MappingProxyType(merged), self.catalog)


def build_edition(article: Article, language: str) -> Edition:
    """Resolve every segment of *article* for *language* from its PO catalog."""
    if language == article.language:
        source = {seg: Translation(seg.text, Status.SOURCE) for seg in article.segments()}
        return Edition(article, language, MappingProxyType(source))
    catalog = load_catalog(catalog_path(article.folder, language), language)
    resolved = {seg: lookup(catalog, seg) for seg in article.segments()}
    return Edition(article, language, MappingProxyType(resolved), catalog)


class EditionStore:
    """Every article in every supported language, built once at start-up.

    When an edition lacks translations and a model for its pair is installed, the first
    request for it fills the gaps with machine translation, in one batch, and keeps the result
    for the life of the process (``generation`` changes, so rendered bodies are redone).
    """

    def __init__(
        self,
        articles: ArticleStore,
        languages: tuple[str, ...],
        engine: Engine | None = None,
        extra: Mapping[str, Sequence[Segment]] | None = None,
    ) -> None:
        self.articles = articles
        self.languages = languages
        self.engine = engine
        self.extra = extra or {}
        self.generation = 0
        self._editions = {
            (a.slug, lang): build_edition(a, lang) for a in articles for lang in languages
        }
        self._tried: set[tuple[str, str]] = set()
        self._lock = threading.Lock()

    def get(self, slug: str, language: str) -> Edition | None:
        edition = self._editions.get((slug, language))
        if edition is None or self.engine is None or (slug, language) in self._tried:
            return edition
        with self._lock:
            if (slug, language) not in self._tried:
                self._editions[(slug, language)] = self._fill(edition)
                self._tried.add((slug, language))
                self.generation += 1
        return self._editions[(slug, language)]

    def _fill(self, edition: Edition) -> Edition:
        assert self.engine is not None
        missing = edition.missing(self.extra.get(edition.article.slug, ()))
        source, target = edition.article.language, edition.language
        if not missing or self.engine.available(source, target) is None:
            return edition
        try:
            texts = translate_segments(self.engine, [s.text for s in missing], source, target)
        except PackageError as error:
            log.warning("machine translation %s→%s unavailable: %s", source, target, error)
            return edition
        log.info(
            "machine-translated %d segments of %s into %s",
            len(missing),
            edition.article.slug,
            target,
        )
        return edition.with_machine(dict(zip(missing, texts, strict=True)))
