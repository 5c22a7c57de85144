"""Every worker sees committed changes within a second, without a query per article.

Each write takes the next number of the store's change sequence and stamps it on the article
(``articles.seq``). A worker remembers the last number it has seen; at most every *interval*
seconds, on a request, it reads the one-row sequence, and when it moved asks which articles
changed since, and forgets their versions. Requests then read an article's version from a
small per-worker map, so a hot article costs no query at all.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict

from sqlalchemy import select

from app.store.database import Database
from app.store.models import ArticleRow

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
    """Notice changes committed by any process, at most every *interval* seconds."""

    def __init__(self, database: Database, versions: Versions, interval: float) -> None:
        self.database = database
        self.versions = versions
        self.interval = interval
        self._checked = time.monotonic()
        self._lock = threading.Lock()

    def poll(self) -> None:
        """Catch up if the interval has passed since the last look (cheap when it has not)."""
        if time.monotonic() - self._checked < self.interval:
            return
        if not self._lock.acquire(blocking=False):
            return  # another thread of this worker is looking right now
        try:
            self._checked = time.monotonic()
            self.catch_up()
        finally:
            self._lock.release()

    def catch_up(self) -> None:
        seen = self.versions.seq
        latest = self.database.seq()
        if latest == seen:
            return
        with self.database.read() as session:
            changed = list(
                session.execute(
                    select(ArticleRow.slug)
                    .where(ArticleRow.seq > seen)
                    .limit(MAX_LISTED_CHANGES + 1)
                ).scalars()
            )
        self.versions.advance(latest, None if len(changed) > MAX_LISTED_CHANGES else changed)
