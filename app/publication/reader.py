"""What readers get: an article's edition and facts in one language, read from the store in
one snapshot, and pages of the newest-first list."""

from __future__ import annotations

import threading
from collections.abc import Callable, Hashable
from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.clock import Clock, system_clock
from app.content import repository as articles
from app.content.model import Article, Segment
from app.facts import repository as facts
from app.facts.check import proven_facts
from app.facts.document import build_facts
from app.facts.model import ArticleFacts
from app.http.rendercache import RenderCache, Rendered, RenderKey
from app.publication.fill import MachineQueue, MachineStatus, Queue
from app.publication.killed import Kills
from app.publication.models import ModelsWatcher
from app.store.changes import ChangeWatcher, Versions
from app.store.database import Database
from app.store.models import ArticleRow
from app.translation import catalogs
from app.translation.catalogs import Key
from app.translation.edition import Edition
from app.translation.engine import Engine
from app.translation.memory import Translation
from app.translation.risk import DEFAULT_MAX_RISK

Rows = tuple[Article, dict[Key, Translation], dict[str, Any] | None]
"""An article, its memory in one language and its facts document, as read in one snapshot."""

Stamp = tuple[int, ...]
"""What a rendered body depends on: (models epoch, article change number) for an article,
(models epoch, store change number, embargoes lifted) for a list."""


@dataclass(frozen=True)
class Reading:
    """An edition and the article's facts, as of one version."""

    edition: Edition
    facts: ArticleFacts | None
    """The facts readers of this edition get: those proven in its language."""
    all_facts: ArticleFacts | None = None
    """Every fact of the article, proven here or not (their segments still need translating)."""
    machine: MachineStatus = MachineStatus()
    """Whether a machine-translation job owes this edition, and its last error."""

    @property
    def extra(self) -> tuple[Segment, ...]:
        found = self.all_facts or self.facts
        return found.segments() if found else ()


@dataclass(frozen=True)
class Page:
    """One page of the list, and where the next one starts (None: this is the last)."""

    editions: tuple[Edition, ...]
    next: articles.Cursor | None


class Embargoes:
    """When embargoes lift, as this worker knows: a list shown at a time depends on the last
    embargo lifted by then, so a lift changes the lists' keys without anyone writing."""

    def __init__(self, database: Database, clock: Clock) -> None:
        self.database = database
        self.clock = clock
        self._seq = -1
        self._next: datetime | None = None
        self._last: datetime | None = None
        self._lock = threading.Lock()

    def lifted(self, seq: int) -> int:
        """The last embargo lifted by now (microseconds since the epoch; 0: none), looked up
        again only after a change (*seq*) or once the next known embargo has passed."""
        now = self.clock()
        with self._lock:
            if seq != self._seq or (self._next is not None and now >= self._next):
                with self.database.read() as session:
                    self._next = articles.next_lift(session, now)
                    self._last = articles.last_lift(session, now)
                self._seq = seq
            last = self._last
        return 0 if last is None else int(last.timestamp() * 1_000_000)


class Publication:
    """The per-worker reading side of the store, with its render cache. Readers see only
    what ``repository.visible`` lets them at the clock's time: an embargoed article does not
    exist for them until its time, then appears by itself."""

    def __init__(
        self,
        database: Database,
        engine: Engine,
        languages: tuple[str, ...],
        cache_bytes: int,
        check_interval: float,
        jobs: Queue | None = None,
        max_risk: float = DEFAULT_MAX_RISK,
        clock: Clock = system_clock,
    ) -> None:
        self.database = database
        self.max_risk = max_risk
        self.kills = Kills(database)
        self.clock = clock
        self.embargoes = Embargoes(database, clock)
        self.languages = languages
        self.versions = Versions(database.seq())
        self.watcher = ChangeWatcher(database, self.versions, check_interval)
        self.cache = RenderCache(cache_bytes)
        self.filler = MachineQueue(engine, jobs)
        self.models = ModelsWatcher(engine.models_dir, 4 * check_interval)

    def _poll(self) -> None:
        self.watcher.poll()
        if self.models.changed():
            self.filler.forget()

    def seq(self) -> Stamp:
        """The store's change number as this worker knows it, and the last embargo lifted
        (lists are rendered per both)."""
        self._poll()
        seq = self.versions.seq
        return (self.models.epoch, seq, self.embargoes.lifted(seq))

    def version(self, slug: str) -> Stamp | None:
        """What a body of article *slug* depends on — the installed models and the article's
        last change number (a new version, or a job's state that its API body shows) — or None
        when there is no such article."""
        self._poll()
        known, version = self.versions.get(slug)
        if not known:
            as_of = self.versions.seq
            found = self.database.reading(
                lambda session: session.execute(
                    select(ArticleRow.seq, articles.visible(self.clock())).where(
                        ArticleRow.slug == slug
                    )
                ).one_or_none()
            )
            if found is not None and not found[1]:
                return None  # embargoed: not remembered, so its lift is seen at once
            version = None if found is None else found[0]
            self.versions.remember(slug, version, as_of)
        return None if version is None else (self.models.epoch, version)

    def killed(self, slug: str, version: Stamp) -> bool:
        """Whether article *slug*, at *version* (from ``version``), is killed: gone for readers."""
        return self.kills.killed(slug, version[1])

    def read(self, slug: str, language: str) -> Reading | None:
        """The edition of *slug* in *language*; gaps a model could fill are queued for a job
        (never translated here) and the reading says so."""
        reading = self._read(slug, language)
        if reading is None:
            return None
        return replace(reading, machine=self.filler.status(reading.edition, reading.extra))

    def _read(self, slug: str, language: str) -> Reading | None:
        return read_edition(self.database, slug, language, self.max_risk, self.clock())

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
            rows = articles.page(session, limit + 1, after, written_in, since, self.clock())
            shown = rows[:limit]
            memory = catalogs.headlines(session, [r.id for r in shown], language, self.max_risk)
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


def read_edition(
    database: Database,
    slug: str,
    language: str,
    max_risk: float = DEFAULT_MAX_RISK,
    visible_at: datetime | None = None,
) -> Reading | None:
    """Article *slug*, its memory in *language* (machine translations below *max_risk*) and
    its facts, from one snapshot; with *visible_at*, only if readers may see it then (None:
    the newsroom's own reads)."""

    def query(session: Session) -> Rows | None:
        row = articles.find(session, slug, visible_at)
        if row is None:
            return None
        article = articles.load(session, row)
        memory = (
            catalogs.translations(session, row.id, language, max_risk)
            if language != article.language
            else {}
        )
        return article, memory, facts.load_document(session, row.id)

    found_rows = database.reading(query)
    if found_rows is None:
        return None
    article, memory, document = found_rows
    found = build_facts(document, article, f"article {slug}") if document else None
    edition = Edition(article, language, memory)
    return Reading(edition, proven_facts(found, edition) if found else None, all_facts=found)
