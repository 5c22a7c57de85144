"""Filling an edition's gaps by machine translation, stored so every worker serves the same.

A reader's request that finds an edition with untranslated or stale segments, and a model for
its pair, has the gaps translated in one batch — outside any transaction and outside any lock
other readers wait on (only readers of that same edition wait, for the one batch) — and stored
as ``machine`` entries of the article's memory, as a new version. Reviewed work is never
touched. Each (article, language, version) is tried once per worker.
"""

from __future__ import annotations

import logging
import threading
from collections import OrderedDict

from app.content import repository as articles
from app.content.model import Segment
from app.store.database import Database
from app.translation import catalogs
from app.translation.edition import Edition
from app.translation.engine import Engine
from app.translation.packages import PackageError
from app.translation.workflow import machine_fill, update_catalog

log = logging.getLogger(__name__)
FillKey = tuple[str, str, int]


class MachineFill:
    """Fill editions by machine, once per (slug, language, version) and worker."""

    def __init__(self, database: Database, engine: Engine, max_tried: int = 10_000) -> None:
        self.database = database
        self.engine = engine
        self.max_tried = max_tried
        self._tried: OrderedDict[FillKey, None] = OrderedDict()
        self._running: dict[FillKey, threading.Lock] = {}
        self._lock = threading.Lock()

    def forget(self) -> None:
        """Try every edition again (the installed models changed)."""
        with self._lock:
            self._tried.clear()

    def wanted(self, edition: Edition, extra: tuple[Segment, ...]) -> bool:
        """Whether *edition* has gaps a model could fill, not tried yet."""
        article = edition.article
        key = (article.slug, edition.language, article.version)
        if edition.language == article.language or key in self._tried:
            return False
        if not edition.missing(extra):
            return False
        return self.engine.available(article.language, edition.language) is not None

    def fill(self, edition: Edition, extra: tuple[Segment, ...]) -> bool:
        """Fill and store; return whether the store changed (then read the edition again)."""
        article = edition.article
        key = (article.slug, edition.language, article.version)
        with self._lock:
            running = self._running.setdefault(key, threading.Lock())
        with running:  # readers of this edition wait for the one batch; no one else does
            if key in self._tried:
                return True
            try:
                return self._fill(edition, extra)
            finally:
                with self._lock:
                    self._tried[key] = None
                    while len(self._tried) > self.max_tried:
                        self._tried.popitem(last=False)
                    self._running.pop(key, None)

    def _fill(self, edition: Edition, extra: tuple[Segment, ...]) -> bool:
        article, language = edition.article, edition.language
        with self.database.read() as session:
            row = articles.find(session, article.slug)
            if row is None or row.version != article.version:
                return True
            catalog = catalogs.load_catalog(session, row.id, language)
        catalog = update_catalog(catalog, article, language, extra)
        try:
            filled = machine_fill(catalog, self.engine, article.language, language)
        except PackageError as error:
            log.warning(
                "machine translation %s→%s unavailable: %s", article.language, language, error
            )
            return False
        with self.database.write() as session:
            row = articles.find(session, article.slug)
            if row is None or row.version != article.version:
                return True  # changed meanwhile: the next reader fills the new version
            catalogs.save_catalog(session, row.id, language, catalog)
            articles.record(
                session, row, "machine", "machine-fill", {"language": language, "segments": filled}
            )
        log.info("machine-translated %d segments of %s into %s", filled, article.slug, language)
        return True
