"""Serve repeat GETs of rendered resources from memory, before Flask runs.

Pages and API answers are rendered once per article, language and locale (see
``app.caching``), but a Flask request still costs routing, hooks and argument parsing around
those bytes. This WSGI layer remembers each cacheable 200 — one with an ETag and
``Cache-Control: public`` — by everything that can change it: host, path, query string,
``Accept-Language`` and ``Accept``. A repeat request is answered from memory, with a 304
when its ``If-None-Match`` matches. Anything else (other methods, request bodies, errors,
first sight of a URL) goes through Flask, where schemas validate it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from werkzeug.http import parse_etags

StartResponse = Callable[..., Any]
WSGIApp = Callable[[dict[str, Any], StartResponse], Iterable[bytes]]
ROUTE_KEY = "depeche.route"
Key = tuple[str | None, str, str, str | None, str | None]

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


def _entry(headers: list[tuple[str, str]], body: bytes, route: str | None) -> Entry | None:
    """An Entry for a response that any client may reuse, or None."""
    named = {name.lower(): value for name, value in headers}
    etag = named.get("etag")
    if etag is None or "public" not in named.get("cache-control", "") or "set-cookie" in named:
        return None
    kept = [(n, v) for n, v in headers if n.lower() in _NOT_MODIFIED_HEADERS]
    return Entry(headers, kept, etag.strip('"'), body, route, etag)


class ResponseMemo:
    """A bounded memo of cacheable responses in front of a WSGI app."""

    def __init__(self, app: WSGIApp, max_entries: int = 512, max_body: int = 256 * 1024) -> None:
        self.app = app
        self.max_entries = max_entries
        self.max_body = max_body
        self._entries: dict[Key, Entry] = {}

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        method = environ["REQUEST_METHOD"]
        if method not in ("GET", "HEAD") or environ.get("CONTENT_LENGTH") not in (None, "", "0"):
            return self.app(environ, start_response)
        key = (
            environ.get("HTTP_HOST"),
            environ.get("PATH_INFO", ""),
            environ.get("QUERY_STRING", ""),
            environ.get("HTTP_ACCEPT_LANGUAGE"),
            environ.get("HTTP_ACCEPT"),
        )
        entry = self._entries.get(key)
        if entry is None:
            return self._render(key, environ, start_response)
        environ[ROUTE_KEY] = entry.route
        if_none_match = environ.get("HTTP_IF_NONE_MATCH")
        if if_none_match and (
            if_none_match == entry.quoted_etag
            or parse_etags(if_none_match).contains_weak(entry.etag)
        ):
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
        entry = _entry(list(seen["headers"]), body, environ.get(ROUTE_KEY))
        if entry is not None:
            if len(self._entries) >= self.max_entries:
                self._entries.pop(next(iter(self._entries)), None)
            self._entries[key] = entry
        return [body]
