"""Every worker sees committed changes within a second, without a query per article.

Each write takes the next number of the store's change sequence and stamps it on the article
(``articles.seq``). A worker remembers the last number it has seen; when the number moved it
asks which articles changed since, and forgets their versions. Requests then read an
article's version from a small per-worker map, so a hot article costs no query at all.

How a worker learns that the number moved depends on the engine. On PostgreSQL the writer's
NOTIFY wakes the worker's listener thread (app/store/notify.py), and requests ask nothing;
while that listener is not listening (its connection was lost, it is reconnecting), and on
SQLite, which has no notifications, a request reads the one-row sequence at most every
*interval* seconds (0: on every request, on either engine).
"""

from __future__ import annotations

import logging
import threading
import time
from collections import OrderedDict

from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError

from app.store import notify
from app.store.database import Database
from app.store.models import ArticleRow

log = logging.getLogger(__name__)

#: More changes than this since the last look: forget every version rather than list them.
MAX_LISTED_CHANGES = 1_000


class Versions:
    """The versions of articles this worker has looked up, valid as of change ``seq``."""

    def __init__(self, seq: int, max_entries: int = 20_000) -> None:
        self.seq = seq
        self.max_entries = max_entries
        self._versions: OrderedDict[str, int | None] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, slug: str) -> tuple[bool, int | None]:
        """(known, version): version None means "no such article" as of ``seq``."""
        with self._lock:
            if slug not in self._versions:
                return False, None
            self._versions.move_to_end(slug)
            return True, self._versions[slug]

    def remember(self, slug: str, version: int | None, as_of: int) -> None:
        """Keep what a lookup found, unless a change was noticed since it started."""
        with self._lock:
            if as_of != self.seq:
                return
            self._versions[slug] = version
            self._versions.move_to_end(slug)
            while len(self._versions) > self.max_entries:
                self._versions.popitem(last=False)

    def advance(self, seq: int, changed: list[str] | None) -> None:
        """Move to change *seq*, forgetting the *changed* slugs (None: all of them)."""
        with self._lock:
            self.seq = max(self.seq, seq)
            if changed is None:
                self._versions.clear()
            for slug in changed or ():
                self._versions.pop(slug, None)


class ChangeWatcher:
    """Notice changes committed by any process: told by a listener (PostgreSQL), or looking
    at most every *interval* seconds when there is none listening."""

    def __init__(self, database: Database, versions: Versions, interval: float) -> None:
        self.database = database
        self.versions = versions
        self.interval = interval
        self._checked = time.monotonic()
        self._lock = threading.Lock()
        self.listener = notify.listen(database, self) if database.dialect == "postgresql" else None

    def poll(self) -> None:
        """Catch up if nobody tells this worker about changes and the interval has passed
        since the last look (cheap when it has not). A store that does not answer is left to
        the request's own read, which says so; what this worker knows stays as it was."""
        if self.listener is not None and self.listener.live and self.interval > 0:
            return  # told within milliseconds (an interval of 0 asks to look every time)
        if time.monotonic() - self._checked < self.interval:
            return
        if not self._lock.acquire(blocking=False):
            return  # another thread of this worker is looking right now
        try:
            self._checked = time.monotonic()
            self.catch_up()
        except SQLAlchemyError as error:
            log.warning("looking for changes failed: %s", error)
        finally:
            self._lock.release()

    def catch_up(self) -> None:
        """Forget the versions of the articles changed since the last change seen."""
        seen = self.versions.seq
        latest = self.database.seq()
        if latest == seen:
            return
        changed = self.database.reading(
            lambda session: list(
                session.execute(
                    select(ArticleRow.slug)
                    .where(ArticleRow.seq > seen)
                    .limit(MAX_LISTED_CHANGES + 1)
                ).scalars()
            )
        )
        self.versions.advance(latest, None if len(changed) > MAX_LISTED_CHANGES else changed)
