"""An edition: an article as served in one language, segment by segment, with each status."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

from babel.messages.catalog import Catalog

from app.content.model import Article, Segment
from app.content.store import ArticleStore
from app.translation.memory import Status, Translation, catalog_path, load_catalog, lookup


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
        counted = Counter(t.status for t in self.translations.values())
        return {status.value: counted.get(status, 0) for status in Status}

    @property
    def complete(self) -> bool:
        """Every segment is published in this language (reviewed, machine or source)."""
        return all(t.text is not None for t in self.translations.values())


def build_edition(article: Article, language: str) -> Edition:
    """Resolve every segment of *article* for *language* from its PO catalog."""
    if language == article.language:
        source = {seg: Translation(seg.text, Status.SOURCE) for seg in article.segments()}
        return Edition(article, language, MappingProxyType(source))
    catalog = load_catalog(catalog_path(article.folder, language), language)
    resolved = {seg: lookup(catalog, seg) for seg in article.segments()}
    return Edition(article, language, MappingProxyType(resolved), catalog)


class EditionStore:
    """Every article in every supported language, built once at start-up."""

    def __init__(self, articles: ArticleStore, languages: tuple[str, ...]) -> None:
        self.articles = articles
        self.languages = languages
        self._editions = MappingProxyType(
            {(a.slug, lang): build_edition(a, lang) for a in articles for lang in languages}
        )

    def get(self, slug: str, language: str) -> Edition | None:
        return self._editions.get((slug, language))
