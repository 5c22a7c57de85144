"""One bounded cache of rendered bodies per app, keyed by everything that changes a body.

A key names the resource, the article (or the list page), the negotiated locale, the scheme and
host base the body's absolute links start from, and the version of what it shows: a new
version is a new key, so a change is never served from an old body. Entries are evicted least
recently used first once their bytes pass the budget.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass

from app.caching import content_etag


@dataclass(frozen=True)
class RenderKey:
    resource: str
    """What is rendered: "api.article", "web.index", "embed.facts"…"""
    slug: str
    """The article, or the list page's position ("" for the first page)."""
    variant: Hashable
    """The negotiated language and locale."""
    base: str
    """Scheme and host the body's absolute links start from."""
    version: Hashable
    """The article's version, or the store's change number for lists (with the installed
    models' generation: a model installed can fill gaps in a body)."""


@dataclass(frozen=True)
class Rendered:
    body: bytes
    etag: str


class RenderCache:
    """Rendered bodies by key, at most *max_bytes* of them."""

    def __init__(self, max_bytes: int) -> None:
        self.max_bytes = max_bytes
        self.size = 0
        self._entries: OrderedDict[RenderKey, Rendered] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: RenderKey) -> Rendered | None:
        with self._lock:
            found = self._entries.get(key)
            if found is not None:
                self._entries.move_to_end(key)
            return found

    def put(self, key: RenderKey, body: bytes) -> Rendered:
        rendered = Rendered(body, content_etag(body))
        cost = len(body) + 200  # the key and the entry's own bookkeeping
        if cost > self.max_bytes:
            return rendered
        with self._lock:
            old = self._entries.pop(key, None)
            if old is not None:
                self.size -= len(old.body) + 200
            self._entries[key] = rendered
            self.size += cost
            while self.size > self.max_bytes:
                _, evicted = self._entries.popitem(last=False)
                self.size -= len(evicted.body) + 200
        return rendered

    def render(self, key: RenderKey, make: Callable[[], bytes]) -> Rendered:
        """The cached body for *key*, rendered by *make* when absent."""
        return self.get(key) or self.put(key, make())

    def __len__(self) -> int:
        return len(self._entries)
