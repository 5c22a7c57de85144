"""Which articles are killed, as this worker serves them.

A kill is a new version of the article (``repository.kill`` records it), and it is never
undone: whether (slug, version) is killed never changes once known, so each pair is asked of
the store once per worker, when the change watcher has already made that version current.
"""

from __future__ import annotations

import threading
from collections import OrderedDict

from sqlalchemy import select

from app.store.database import Database
from app.store.models import ArticleRow


class Kills:
    """Killed or not, by (slug, version), for at most *max_entries* pairs."""

    def __init__(self, database: Database, max_entries: int = 20_000) -> None:
        self.database = database
        self.max_entries = max_entries
        self._known: OrderedDict[tuple[str, int], bool] = OrderedDict()
        self._lock = threading.Lock()

    def killed(self, slug: str, version: int) -> bool:
        key = (slug, version)
        with self._lock:
            found = self._known.get(key)
            if found is not None:
                self._known.move_to_end(key)
                return found
        with self.database.read() as session:
            when = session.execute(
                select(ArticleRow.killed).where(ArticleRow.slug == slug)
            ).scalar_one_or_none()
        # Read after the version: a kill committed since is seen here (and answered at once).
        killed = when is not None
        with self._lock:
            self._known[key] = killed
            while len(self._known) > self.max_entries:
                self._known.popitem(last=False)
        return killed
