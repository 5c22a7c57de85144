"""A kill purges the killed article's sentences from every worker's segment cache.

The memory side already answers nothing from a killed story (``catalogs.memory_matches``);
this drops what a worker's engine translated of it — when a job or a reader filled it, or
anyone asked for one of its sentences — from the least-recently-used part. A change watcher of
the cache's own (app/store/changes.py) notices kills as it notices any change: at once through
the PostgreSQL listener, else at most every change interval, asked before each lookup. Every
source text of the killed article goes: its segments, and its memory's sources and
translations (a translation asked back into the source language is the article's too).
"""

from __future__ import annotations

from sqlalchemy import select

from app.store.changes import ChangeWatcher, Versions
from app.store.database import Database
from app.store.models import ArticleRow, SegmentRow, TranslationRow
from app.translation.segcache import SegmentCache


class KilledSegments(Versions):
    """The change number this cache is valid at; moving past a kill purges that article."""

    def __init__(self, database: Database, cache: SegmentCache) -> None:
        super().__init__(database.seq(), max_entries=0)
        self.database = database
        self.cache = cache

    def advance(self, seq: int, changed: list[str] | None) -> None:
        """Purge the killed articles among *changed* (None: too many to list, purge all)."""
        if changed is None:
            self.cache.forget(None)
        elif changed:
            sources = self.sources(changed)
            if sources:
                self.cache.forget(sources)
        super().advance(seq, changed)

    def sources(self, slugs: list[str]) -> set[str]:
        """Every source text of the killed articles among *slugs*."""
        killed = select(ArticleRow.id).where(
            ArticleRow.slug.in_(slugs), ArticleRow.killed.is_not(None)
        )
        with self.database.read() as session:
            found = set(
                session.execute(
                    select(SegmentRow.text).where(SegmentRow.article_id.in_(killed))
                ).scalars()
            )
            for source, text in session.execute(
                select(TranslationRow.source, TranslationRow.text).where(
                    TranslationRow.article_id.in_(killed)
                )
            ):
                found.add(source)
                found.add(text)
        found.discard("")
        return found


def follow_kills(database: Database, cache: SegmentCache, interval: float) -> ChangeWatcher:
    """Have *cache* purge killed articles, looking for changes before each lookup."""
    watcher = ChangeWatcher(database, KilledSegments(database, cache), interval)
    cache.refresh = watcher.poll
    cache.follower = watcher
    return watcher
