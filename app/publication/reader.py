"""What readers get: an article's edition and facts in one language, read from the store in
one snapshot, and pages of the newest-first list."""

from __future__ import annotations

from collections.abc import Callable, Hashable
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.content import repository as articles
from app.content.model import Article, Segment
from app.facts import repository as facts
from app.facts.document import build_facts
from app.facts.model import ArticleFacts
from app.http.rendercache import RenderCache, Rendered, RenderKey
from app.publication.fill import MachineFill
from app.publication.models import ModelsWatcher
from app.store.changes import ChangeWatcher, Versions
from app.store.database import Database
from app.store.models import ArticleRow
from app.translation import catalogs
from app.translation.catalogs import Key
from app.translation.edition import Edition
from app.translation.engine import Engine
from app.translation.memory import Translation

Rows = tuple[Article, dict[Key, Translation], dict[str, Any] | None]
"""An article, its memory in one language and its facts document, as read in one snapshot."""

Stamp = tuple[int, int]
"""(models epoch, article version or change number): what a rendered body depends on."""


@dataclass(frozen=True)
class Reading:
    """An edition and the article's facts, as of one version."""

    edition: Edition
    facts: ArticleFacts | None

    @property
    def extra(self) -> tuple[Segment, ...]:
        return self.facts.segments() if self.facts else ()


@dataclass(frozen=True)
class Page:
    """One page of the list, and where the next one starts (None: this is the last)."""

    editions: tuple[Edition, ...]
    next: articles.Cursor | None


class Publication:
    """The per-worker reading side of the store, with its render cache."""

    def __init__(
        self,
        database: Database,
        engine: Engine,
        languages: tuple[str, ...],
        cache_bytes: int,
        check_interval: float,
    ) -> None:
        self.database = database
        self.languages = languages
        self.versions = Versions(database.seq())
        self.watcher = ChangeWatcher(database, self.versions, check_interval)
        self.cache = RenderCache(cache_bytes)
        self.filler = MachineFill(database, engine)
        self.models = ModelsWatcher(engine.models_dir, 4 * check_interval)

    def _poll(self) -> None:
        self.watcher.poll()
        if self.models.changed():
            self.filler.forget()

    def seq(self) -> Stamp:
        """The store's change number as this worker knows it (lists are rendered per number)."""
        self._poll()
        return (self.models.epoch, self.versions.seq)

    def version(self, slug: str) -> Stamp | None:
        """What a body of article *slug* depends on — the installed models and the article's
        version — or None when there is no such article."""
        self._poll()
        known, version = self.versions.get(slug)
        if not known:
            as_of = self.versions.seq
            version = self.database.reading(
                lambda session: session.execute(
                    select(ArticleRow.version).where(ArticleRow.slug == slug)
                ).scalar_one_or_none()
            )
            self.versions.remember(slug, version, as_of)
        return None if version is None else (self.models.epoch, version)

    def read(self, slug: str, language: str) -> Reading | None:
        """The edition of *slug* in *language*, its gaps filled by machine when a model can."""
        reading = self._read(slug, language)
        if reading is not None and self.filler.wanted(reading.edition, reading.extra):
            if self.filler.fill(reading.edition, reading.extra):
                self.watcher.catch_up()
                reading = self._read(slug, language)
        return reading

    def _read(self, slug: str, language: str) -> Reading | None:
        return read_edition(self.database, slug, language)

    def page(
        self,
        language: str,
        limit: int,
        after: articles.Cursor | None = None,
        written_in: str | None = None,
        since: date | None = None,
    ) -> Page:
        """Up to *limit* editions in *language*, newest first, after *after* (only articles
        *written_in* a language, published *since* a date, when given)."""

        def query(session: Session) -> Page:
            rows = articles.page(session, limit + 1, after, written_in, since)
            shown = rows[:limit]
            memory = catalogs.headlines(session, [r.id for r in shown], language)
            editions = tuple(
                Edition(articles.article_from_rows(row, ()), language, memory[row.id])
                for row in shown
            )
            last = shown[-1] if len(rows) > limit else None
            following = articles.Cursor(last.published, last.slug) if last else None
            return Page(editions, following)

        return self.database.reading(query)

    def render(
        self,
        resource: str,
        slug: str,
        variant: Hashable,
        base: str,
        version: Stamp,
        make: Callable[[], bytes],
    ) -> Rendered:
        """The body of *resource*, rendered once per key."""
        return self.cache.render(RenderKey(resource, slug, variant, base, version), make)


def read_edition(database: Database, slug: str, language: str) -> Reading | None:
    """Article *slug*, its memory in *language* and its facts, from one snapshot."""

    def query(session: Session) -> Rows | None:
        row = articles.find(session, slug)
        if row is None:
            return None
        article = articles.load(session, row)
        memory = (
            catalogs.translations(session, row.id, language) if language != article.language else {}
        )
        return article, memory, facts.load_document(session, row.id)

    found_rows = database.reading(query)
    if found_rows is None:
        return None
    article, memory, document = found_rows
    found = build_facts(document, article, f"article {slug}") if document else None
    return Reading(Edition(article, language, memory), found)
