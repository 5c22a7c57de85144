"""Notice, cheaply, when translation models are installed or removed while the service runs.

A model installed after start-up can fill an edition's gaps, so bodies rendered without it are
out of date: the models folder's listing (names and modification times) is looked at at most
every few seconds, and a change starts a new epoch that every render key carries.
"""

from __future__ import annotations

import os
import threading
import time
from pathlib import Path


def _fingerprint(folder: Path) -> tuple[tuple[str, int], ...]:
    try:
        with os.scandir(folder) as entries:
            return tuple(sorted((e.name, e.stat().st_mtime_ns) for e in entries))
    except OSError:
        return ()


class ModelsWatcher:
    """The models folder's epoch: it moves on when the folder's listing changes."""

    def __init__(self, folder: Path, interval: float) -> None:
        self.folder = folder
        self.interval = interval
        self.epoch = 0
        self._seen = _fingerprint(folder)
        self._checked = time.monotonic()
        self._lock = threading.Lock()

    def changed(self) -> bool:
        """Look again if the interval has passed; return whether a new epoch began."""
        if time.monotonic() - self._checked < self.interval:
            return False
        if not self._lock.acquire(blocking=False):
            return False
        try:
            self._checked = time.monotonic()
            found = _fingerprint(self.folder)
            if found == self._seen:
                return False
            self._seen = found
            self.epoch += 1
            return True
        finally:
            self._lock.release()
