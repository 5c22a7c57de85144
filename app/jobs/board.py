"""The job board: one record per (article, language) in the job library's key-value store.

The store is the truth about what is owed (an edition with untranslated or stale segments);
the board says what is being done about it: queued (with the huey task id), running (with the
host and process, and a heartbeat), retrying after an error, or failed for good — and the last
error, until a run succeeds. huey drops a task from its queue when a consumer takes it, so a
consumer killed mid-task leaves a *running* record whose process is gone or whose heartbeat has
stopped: ``lost`` tells, and the consumer queues it again (``app.jobs.runner``).
"""

from __future__ import annotations

import os
import socket
import time
from collections.abc import Iterator
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from huey import Huey

PREFIX = "edition:"
QUEUED, RUNNING, RETRYING, FAILED = "queued", "running", "retrying", "failed"
ACTIVE = (QUEUED, RUNNING, RETRYING)
HOST = socket.gethostname()


@dataclass(frozen=True)
class Record:
    slug: str
    language: str
    version: int
    """The article's version when the job was last queued."""
    state: str
    task: str | None = None
    attempts: int = 0
    error: str | None = None
    """The last error, until a run succeeds."""
    updated: float = 0.0
    heartbeat: float = 0.0
    host: str | None = None
    pid: int | None = None
    model: str | None = None
    """The model install a failed run used (``app.publication.fill.model_stamp``)."""

    @property
    def active(self) -> bool:
        return self.state in ACTIVE

    def lost(self, lease: float, now: float | None = None) -> bool:
        """A running record whose process is gone (same host) or silent for *lease* seconds."""
        if self.state != RUNNING:
            return False
        now = time.time() if now is None else now
        if now - self.heartbeat > lease:
            return True
        return self.host == HOST and self.pid is not None and not _alive(self.pid)


def _alive(pid: int) -> bool:
    """Whether process *pid* runs here (a zombie does not: a killed worker whose consumer died
    too may wait a long time for an init that reaps it)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return True  # no /proc: the signal said it exists
    return stat.rpartition(")")[2].split()[:1] not in (["Z"], ["X"])


def key(slug: str, language: str) -> str:
    return f"{PREFIX}{language}:{slug}"


class Board:
    """Records in *huey*'s storage (its key-value API: the same on SQLite, PostgreSQL, Redis)."""

    def __init__(self, huey: Huey) -> None:
        self.huey = huey

    def get(self, slug: str, language: str) -> Record | None:
        found: Any = self.huey.get(key(slug, language), peek=True)
        return Record(**found) if isinstance(found, dict) else None

    def put(self, record: Record) -> Record:
        record = replace(record, updated=time.time())
        self.huey.put(key(record.slug, record.language), asdict(record))
        return record

    def delete(self, slug: str, language: str) -> None:
        self.huey.delete(key(slug, language))

    def queued(self, slug: str, language: str, version: int, task: str) -> Record:
        """Say a task was queued for the edition; the last error is kept until a success."""
        before = self.get(slug, language)
        return self.put(
            Record(
                slug,
                language,
                max(version, before.version if before else 0),
                QUEUED,
                task,
                attempts=before.attempts if before and before.active else 0,
                error=before.error if before else None,
            )
        )

    def running(self, slug: str, language: str, version: int, task: str | None) -> Record:
        before = self.get(slug, language)
        now = time.time()
        return self.put(
            Record(
                slug,
                language,
                max(version, before.version if before else 0),
                RUNNING,
                task,
                attempts=(before.attempts if before else 0) + 1,
                error=before.error if before else None,
                heartbeat=now,
                host=HOST,
                pid=os.getpid(),
            )
        )

    def beat(self, record: Record) -> Record:
        """Refresh a running record's heartbeat (unless another run has taken it over)."""
        now = self.get(record.slug, record.language)
        if now is None or now.state != RUNNING or now.pid != record.pid or now.host != HOST:
            return record
        return self.put(replace(now, heartbeat=time.time()))

    def records(self) -> Iterator[Record]:
        """Every record (for status and recovery)."""
        for name, value in self.huey.all_results().items():
            if not (name.decode() if isinstance(name, bytes) else str(name)).startswith(PREFIX):
                continue
            found = self.huey.serializer.deserialize(value)
            if isinstance(found, dict):
                yield Record(**found)
