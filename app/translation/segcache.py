"""Segments answered without the engine: the translation memory, then recent engine output.

A segment already translated — in the memory of the published articles (reviewed entries
first, then machine ones fit to publish; exact source text, same language pair) or recently by
the engine in this worker — is not translated again. The worker's part is a least-recently-used
map bounded by bytes, keyed by everything that changes the engine's output (pair, model and
version, beam size), so a translation never crosses pairs or models.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Sequence

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

    def from_memory(self, segments: Sequence[str], source: str, target: str) -> dict[str, str]:
        if self.memory is None or not segments:
            return {}
        return self.memory(segments, source, target)

    def recent(self, key: EngineKey, segments: Sequence[str]) -> dict[str, str]:
        found: dict[str, str] = {}
        with self._lock:
            for text in segments:
                hit = self._recent.get((key, text))
                if hit is not None:
                    self._recent.move_to_end((key, text))
                    found[text] = hit
        return found

    def remember(self, key: EngineKey, pairs: dict[str, str]) -> None:
        with self._lock:
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

    def __len__(self) -> int:
        return len(self._recent)
