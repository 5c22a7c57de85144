"""Segments answered without the engine: the translation memory, then recent engine output.

A segment already translated — in the memory of the published articles (reviewed entries
first, then machine ones fit to publish; exact source text, same language pair) or recently by
the engine in this worker — is not translated again. The worker's part is a least-recently-used
map bounded by bytes, keyed by everything that changes the engine's output (pair, model and
version, beam size), so a translation never crosses pairs or models. A kill purges the killed
article's sentences from it (app/translation/kills.py): before answering, the cache lets the
change watcher look for kills (at most every change interval; at once on PostgreSQL).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Collection, Sequence

#: (source text, source language, target language) → the memory's text for each found.
MemoryLookup = Callable[[Sequence[str], str, str], dict[str, str]]
EngineKey = tuple[str, str, str, str, int]
"""(source, target, model name, model version, beam size)."""
_OVERHEAD = 100


class SegmentCache:
    """The memory lookup, and this worker's recent engine output, at most *max_bytes*."""

    def __init__(self, memory: MemoryLookup | None, max_bytes: int) -> None:
        self.memory = memory
        self.max_bytes = max_bytes
        self.size = 0
        self._recent: OrderedDict[tuple[EngineKey, str], str] = OrderedDict()
        self._lock = threading.Lock()
        self.refresh: Callable[[], None] | None = None
        """Called before each lookup of recent output: notices kills (set by make_engine)."""
        self.follower: object = None
        """What ``refresh`` belongs to, kept alive here (a listener holds it only weakly)."""
        self.purges = 0
        """How many purges so far: output translated before one is not remembered after it."""

    def from_memory(self, segments: Sequence[str], source: str, target: str) -> dict[str, str]:
        if self.memory is None or not segments:
            return {}
        return self.memory(segments, source, target)

    def recent(self, key: EngineKey, segments: Sequence[str]) -> dict[str, str]:
        if self.refresh is not None:
            self.refresh()
        found: dict[str, str] = {}
        with self._lock:
            for text in segments:
                hit = self._recent.get((key, text))
                if hit is not None:
                    self._recent.move_to_end((key, text))
                    found[text] = hit
        return found

    def remember(self, key: EngineKey, pairs: dict[str, str], as_of: int | None = None) -> None:
        """Keep *pairs*, unless a purge happened since *as_of* (``purges`` when the engine
        started on them): a sentence of an article killed meanwhile is never kept."""
        with self._lock:
            if as_of is not None and as_of != self.purges:
                return
            for text, translated in pairs.items():
                cost = len(text) + len(translated) + _OVERHEAD
                if cost > self.max_bytes:
                    continue
                old = self._recent.pop((key, text), None)
                if old is not None:
                    self.size -= len(text) + len(old) + _OVERHEAD
                self._recent[(key, text)] = translated
                self.size += cost
            while self.size > self.max_bytes:
                (_, text), old = self._recent.popitem(last=False)
                self.size -= len(text) + len(old) + _OVERHEAD

    def forget(self, sources: Collection[str] | None) -> int:
        """Drop every entry whose source text is one of *sources*, in any pair (None: all);
        how many were dropped."""
        with self._lock:
            self.purges += 1
            if sources is None:
                dropped = len(self._recent)
                self._recent.clear()
                self.size = 0
                return dropped
            gone = [entry for entry in self._recent if entry[1] in sources]
            for entry in gone:
                old = self._recent.pop(entry)
                self.size -= len(entry[1]) + len(old) + _OVERHEAD
            return len(gone)

    def __len__(self) -> int:
        return len(self._recent)
