"""Serve repeat GETs of rendered resources from memory, before Flask runs.

Bodies are rendered once per key in the render cache (``app.http.rendercache``), but a Flask
request still costs routing, hooks and argument parsing around those bytes. This WSGI layer is
a thin front of that cache: it remembers each cacheable 200 — one with an ETag and
``Cache-Control: public`` — by what can change it (scheme, host, path, query string,
``Accept-Language``, ``Accept``) together with the article version or list change number the
body shows. A repeat request whose version is still current is answered from memory, with a
304 when its ``If-None-Match`` matches; anything else goes through Flask, where schemas
validate it. Keys are capped (a request with a longer header or query is simply not
remembered) and the memo is bounded by bytes.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass
from typing import Any, Protocol

from werkzeug.http import parse_date, parse_etags

from app.caching import RENDER_TAG, RenderTag

StartResponse = Callable[..., Any]
WSGIApp = Callable[[dict[str, Any], StartResponse], Iterable[bytes]]
ROUTE_KEY = "depeche.route"
Key = tuple[str, ...]
#: Longest key part remembered: real Accept-Language and Accept headers are far shorter.
MAX_KEY_PART = 256
_ENTRY_OVERHEAD = 512

#: Headers a 304 repeats from its 200 (RFC 9110, 15.4.5), as werkzeug does, plus CORS.
_NOT_MODIFIED_HEADERS = {
    "cache-control",
    "content-location",
    "etag",
    "vary",
    "expires",
    "access-control-allow-origin",
    "access-control-expose-headers",
}


class Versions(Protocol):
    """What the memo asks the store: is the version a body shows still the current one?"""

    def seq(self) -> Hashable: ...

    def version(self, slug: str) -> Hashable | None: ...


@dataclass(frozen=True)
class Entry:
    headers: list[tuple[str, str]]
    not_modified_headers: list[tuple[str, str]]
    etag: str
    body: bytes
    route: str | None
    """The Flask route template that made it, for logs and metrics."""
    quoted_etag: str
    """The ETag header as sent: the common If-None-Match, compared without parsing."""
    tag: RenderTag | None
    """The article version (or list change number) shown; None for fixed resources."""
    cost: int


def _entry(
    headers: list[tuple[str, str]], body: bytes, route: str | None, tag: RenderTag | None, key: Key
) -> Entry | None:
    """An Entry for a response that any client may reuse, or None."""
    named = {name.lower(): value for name, value in headers}
    etag = named.get("etag")
    if etag is None or "public" not in named.get("cache-control", "") or "set-cookie" in named:
        return None
    kept = [(n, v) for n, v in headers if n.lower() in _NOT_MODIFIED_HEADERS]
    cost = len(body) + sum(len(n) + len(v) for n, v in headers) + sum(map(len, key))
    return Entry(headers, kept, etag.strip('"'), body, route, etag, tag, cost + _ENTRY_OVERHEAD)


def _not_modified_since(entry: Entry, environ: dict[str, Any]) -> bool:
    """If-Modified-Since (only read without If-None-Match, RFC 9110 13.1.3) is not older than
    the entry's Last-Modified."""
    since = parse_date(environ.get("HTTP_IF_MODIFIED_SINCE"))
    modified = parse_date(next((v for n, v in entry.headers if n.lower() == "last-modified"), None))
    return since is not None and modified is not None and modified <= since


class ResponseMemo:
    """A memo of cacheable responses in front of a WSGI app, at most *max_bytes* of them."""

    def __init__(
        self,
        app: WSGIApp,
        versions: Versions,
        max_bytes: int = 32 * 1024 * 1024,
        max_body: int = 256 * 1024,
    ) -> None:
        self.app = app
        self.versions = versions
        self.max_bytes = max_bytes
        self.max_body = max_body
        self.size = 0
        self._entries: OrderedDict[Key, Entry] = OrderedDict()
        self._lock = threading.Lock()

    def _key(self, environ: dict[str, Any]) -> Key | None:
        parts = (
            environ.get("wsgi.url_scheme", "http"),
            environ.get("HTTP_HOST", ""),
            environ.get("SCRIPT_NAME", ""),
            environ.get("PATH_INFO", ""),
            environ.get("QUERY_STRING", ""),
            environ.get("HTTP_ACCEPT_LANGUAGE", "\x00"),
            environ.get("HTTP_ACCEPT", "\x00"),
        )
        return None if any(len(part) > MAX_KEY_PART for part in parts) else parts

    def _current(self, entry: Entry) -> bool:
        if entry.tag is None:
            return True
        slug, version = entry.tag
        try:
            return (self.versions.seq() if slug is None else self.versions.version(slug)) == version
        except Exception:  # the store does not answer: the app does, with a 503
            return False

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        method = environ["REQUEST_METHOD"]
        if method not in ("GET", "HEAD") or environ.get("CONTENT_LENGTH") not in (None, "", "0"):
            return self.app(environ, start_response)
        if environ.get("HTTP_TRANSFER_ENCODING"):
            return self.app(environ, start_response)
        key = self._key(environ)
        if key is None:
            return self.app(environ, start_response)
        with self._lock:
            entry = self._entries.get(key)
            if entry is not None:
                self._entries.move_to_end(key)
        if entry is None or not self._current(entry):
            return self._render(key, environ, start_response)
        environ[ROUTE_KEY] = entry.route
        if_none_match = environ.get("HTTP_IF_NONE_MATCH")
        if if_none_match and (
            if_none_match == entry.quoted_etag
            or parse_etags(if_none_match).contains_weak(entry.etag)
        ):
            start_response("304 NOT MODIFIED", entry.not_modified_headers)
            return []
        if not if_none_match and _not_modified_since(entry, environ):
            start_response("304 NOT MODIFIED", entry.not_modified_headers)
            return []
        start_response("200 OK", entry.headers)
        return [] if method == "HEAD" else [entry.body]

    def _render(
        self, key: Key, environ: dict[str, Any], start_response: StartResponse
    ) -> Iterable[bytes]:
        seen: dict[str, Any] = {}

        def capture(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
            seen.update(status=status, headers=headers)
            return start_response(status, headers, exc_info)

        chunks = self.app(environ, capture)
        if environ["REQUEST_METHOD"] != "GET" or not seen.get("status", "").startswith("200 "):
            return chunks
        length = dict((n.lower(), v) for n, v in seen["headers"]).get("content-length", "")
        if not length.isdigit() or int(length) > self.max_body:
            return chunks
        try:
            body = b"".join(chunks)
        finally:
            close = getattr(chunks, "close", None)
            if close is not None:
                close()
        entry = _entry(
            list(seen["headers"]), body, environ.get(ROUTE_KEY), environ.get(RENDER_TAG), key
        )
        if entry is not None:
            self._remember(key, entry)
        return [body]

    def _remember(self, key: Key, entry: Entry) -> None:
        with self._lock:
            old = self._entries.pop(key, None)
            if old is not None:
                self.size -= old.cost
            self._entries[key] = entry
            self.size += entry.cost
            while self.size > self.max_bytes:
                _, evicted = self._entries.popitem(last=False)
                self.size -= evicted.cost

    def __len__(self) -> int:
        return len(self._entries)
