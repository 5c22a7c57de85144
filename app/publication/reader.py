"""What readers get: an article's edition and facts in one language, read from the store in
one snapshot, and pages of the newest-first list."""

from __future__ import annotations

from collections.abc import Callable, Hashable
from dataclasses import dataclass, replace
from datetime import date

from sqlalchemy import select

from app.content import repository as articles
from app.content.model import Segment
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
from app.translation.edition import Edition
from app.translation.engine import Engine
from app.translation.risk import DEFAULT_MAX_RISK

Stamp = tuple[int, int]
"""(models epoch, article or store change number): what a rendered body depends on."""


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


class Publication:
    """The per-worker reading side of the store, with its render cache."""

    def __init__(
        self,
        database: Database,
        engine: Engine,
        languages: tuple[str, ...],
        cache_bytes: int,
        check_interval: float,
        jobs: Queue | None = None,
        max_risk: float = DEFAULT_MAX_RISK,
    ) -> None:
        self.database = database
        self.max_risk = max_risk
        self.kills = Kills(database)
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
        """The store's change number as this worker knows it (lists are rendered per number)."""
        self._poll()
        return (self.models.epoch, self.versions.seq)

    def version(self, slug: str) -> Stamp | None:
        """What a body of article *slug* depends on — the installed models and the article's
        last change number (a new version, or a job's state that its API body shows) — or None
        when there is no such article."""
        self._poll()
        known, version = self.versions.get(slug)
        if not known:
            as_of = self.versions.seq
            with self.database.read() as session:
                version = session.execute(
                    select(ArticleRow.seq).where(ArticleRow.slug == slug)
                ).scalar_one_or_none()
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
        return read_edition(self.database, slug, language, self.max_risk)

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
        with self.database.read() as session:
            rows = articles.page(session, limit + 1, after, written_in, since)
            shown = rows[:limit]
            memory = catalogs.headlines(session, [r.id for r in shown], language, self.max_risk)
            editions = tuple(
                Edition(articles.article_from_rows(row, ()), language, memory[row.id])
                for row in shown
            )
            last = shown[-1] if len(rows) > limit else None
            following = articles.Cursor(last.published, last.slug) if last else None
        return Page(editions, following)

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
    database: Database, slug: str, language: str, max_risk: float = DEFAULT_MAX_RISK
) -> Reading | None:
    """Article *slug*, its memory in *language* (machine translations below *max_risk*) and
    its facts, from one snapshot."""
    with database.read() as session:
        row = articles.find(session, slug)
        if row is None:
            return None
        article = articles.load(session, row)
        memory = (
            catalogs.translations(session, row.id, language, max_risk)
            if language != article.language
            else {}
        )
        document = facts.load_document(session, row.id)
    found = build_facts(document, article, f"article {slug}") if document else None
    edition = Edition(article, language, memory)
    return Reading(edition, proven_facts(found, edition) if found else None, all_facts=found)
