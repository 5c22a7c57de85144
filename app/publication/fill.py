"""An edition's gaps, from the reader's side: queued for a background job, never translated in
the request.

A read that finds an edition with untranslated or stale segments, and a model for its pair,
queues a job for it unless one is already queued or running for that version (once per
(article, language, version) and worker, a bounded memory), and serves the source with its
status: ``pending`` while a job owes it, the last job ``error`` if one failed.
"""

from __future__ import annotations

import logging
import threading
from collections import OrderedDict
from dataclasses import dataclass
from typing import Protocol

from app.content.model import Segment
from app.translation.edition import Edition
from app.translation.engine import Engine
from app.translation.packages import InstalledPackage

log = logging.getLogger(__name__)
FillKey = tuple[str, str, int]


@dataclass(frozen=True)
class MachineStatus:
    """Where machine translation of an edition stands."""

    pending: bool = False
    error: str | None = None
    queued: bool = False
    """A job is queued or running for this version already (not shown to readers)."""


def model_stamp(package: InstalledPackage | None) -> str | None:
    """Which install of a model this is: a job that failed with one is tried again with the
    next (a package is installed as a new folder)."""
    if package is None:
        return None
    try:
        installed = package.path.stat().st_mtime_ns
    except OSError:
        installed = 0
    return f"{package.name} {package.version} {installed}"


class Queue(Protocol):
    """What the reader needs of the job queue (``app.jobs.Jobs``)."""

    def queue(self, slug: str, language: str, version: int) -> object: ...

    def status(
        self, slug: str, language: str, version: int, model: str | None, owed: bool
    ) -> MachineStatus: ...


class MachineQueue:
    """Queue editions with gaps, once per (slug, language, version) and worker."""

    def __init__(self, engine: Engine, jobs: Queue | None, max_tried: int = 10_000) -> None:
        self.engine = engine
        self.jobs = jobs
        self.max_tried = max_tried
        self._tried: OrderedDict[FillKey, None] = OrderedDict()
        self._lock = threading.Lock()

    def forget(self) -> None:
        """Queue every edition again (the installed models changed)."""
        with self._lock:
            self._tried.clear()

    def status(self, edition: Edition, extra: tuple[Segment, ...]) -> MachineStatus:
        """The edition's status; queue a job when it has gaps a model could fill."""
        article, language = edition.article, edition.language
        if language == article.language or self.jobs is None:
            return MachineStatus()
        owed = bool(edition.missing(extra))
        model = model_stamp(self.engine.available(article.language, language)) if owed else None
        owed = owed and model is not None  # no model: nothing will come, the source is served
        try:
            found = self.jobs.status(article.slug, language, article.version, model, owed)
            if found.pending and not found.queued:
                self._queue_once(article.slug, language, article.version)
        except Exception:  # the queue is down: readers still get the article
            log.warning("the job queue cannot be reached", exc_info=True)
            return MachineStatus(pending=owed)
        return MachineStatus(found.pending, found.error)

    def _queue_once(self, slug: str, language: str, version: int) -> None:
        key = (slug, language, version)
        with self._lock:
            if key in self._tried:
                return
            self._tried[key] = None
            while len(self._tried) > self.max_tried:
                self._tried.popitem(last=False)
        assert self.jobs is not None
        self.jobs.queue(slug, language, version)
