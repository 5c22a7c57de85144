"""Request bodies held to ``MAX_CONTENT_LENGTH``: refused with a 413 the client gets to read.

A body without a Content-Length (chunked, or HTTP/2) is one werkzeug reads through a stream
capped at the limit that stops at the cap without an error: a longer body was cut there and
processed as if whole. This layer reads such a body first, up to one byte past the limit, and
hands Flask a sized one: the body itself when it fits, or a declared length over the limit,
which every route then refuses with 413, as it does a ``Content-Length`` that is too large.

A 413 sent while the client still sends its body made granian close the connection under it,
most often before the client had read the answer (35 times in 40 for a 64 KiB JSON body with
a Content-Length, over HTTP/1.1). So a body over the limit by at most another limit's worth is
read to its end and dropped before Flask answers; a larger one is refused at once.

A route that takes larger bodies (agency items) names its own setting with ``larger_bodies``;
its path is then held to that limit instead, by this layer, the API's check and Flask alike.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from flask import Flask, request
from werkzeug.wsgi import get_content_length

StartResponse = Callable[..., Any]
WSGIApp = Callable[[dict[str, Any], StartResponse], Iterable[bytes]]

#: Methods whose requests carry no body unless they say so with Transfer-Encoding.
BODILESS = frozenset({"GET", "HEAD", "OPTIONS"})


def _streamed(environ: Mapping[str, Any]) -> bool:
    """Whether werkzeug would read this body as a stream (no usable Content-Length)."""
    return (
        get_content_length(environ) is None  # type: ignore[arg-type]
        and bool(environ.get("wsgi.input_terminated"))  # else werkzeug reads nothing at all
        and ("HTTP_TRANSFER_ENCODING" in environ or environ.get("REQUEST_METHOD") not in BODILESS)
    )


def _read(stream: Any, most: int, keep: bool = True) -> list[bytes]:
    """The chunks of *stream* up to *most* bytes in all, or to its end (none if not *keep*)."""
    chunks: list[bytes] = []
    size = 0
    while size < most:
        chunk = stream.read(min(most - size, 64 * 1024))
        if not chunk:
            break
        size += len(chunk)
        if keep:
            chunks.append(chunk)
    return chunks


def buffer_body(environ: dict[str, Any], limit: int) -> None:
    """Replace a streamed body by the bytes read, at most ``limit + 1``, and their length."""
    stream = environ["wsgi.input"]
    try:
        chunks = _read(stream, limit + 1)
        size = sum(map(len, chunks))
        if size > limit:
            _read(stream, limit, keep=False)
    except (OSError, ValueError):
        # The client went away mid-body: an empty body that claims a byte makes werkzeug
        # report a disconnect (400), never a short body as a whole one.
        chunks, size = [], 1
    environ["wsgi.input"] = io.BytesIO(b"".join(chunks))
    environ["CONTENT_LENGTH"] = str(size)
    environ.pop("HTTP_TRANSFER_ENCODING", None)  # the server has de-chunked it already


def drain_declared(environ: dict[str, Any], limit: int) -> None:
    """Read and drop a declared body a little over the limit; the 413 follows from its length."""
    length = get_content_length(environ)
    if length is None or not limit < length <= 2 * limit:
        return
    try:
        _read(environ["wsgi.input"], length, keep=False)
    except (OSError, ValueError):
        pass  # the client went away: the 413 is for nobody
    environ["wsgi.input"] = io.BytesIO()


def larger_bodies(app: Flask, path: str, setting: str) -> None:
    """Hold bodies sent to *path* to the setting *setting* instead of MAX_CONTENT_LENGTH.
    *path* may be ``METHOD /prefix/*``: that method, on any path under the prefix."""
    app.extensions["depeche.body_limits"][path] = setting


def _setting(method: str, path: str, limits: Mapping[str, str]) -> str | None:
    """The setting that holds a *method* request to *path*, when it is not MAX_CONTENT_LENGTH."""
    found = limits.get(path)
    if found is not None:
        return found
    for key, setting in limits.items():
        wanted, _, prefix = key.partition(" ")
        if prefix.endswith("/*") and wanted == method and path.startswith(prefix[:-1]):
            return setting
    return None


def body_limit(
    path: str, config: Mapping[str, Any], limits: Mapping[str, str], method: str = "GET"
) -> int | None:
    """The largest body a *method* request to *path* may have (None: no limit)."""
    limit = config.get(_setting(method, path, limits) or "MAX_CONTENT_LENGTH")
    return None if limit is None else int(limit)


class BoundedBody:
    """WSGI middleware: bodies held to the limit, and refused in a way the client can read."""

    def __init__(
        self, app: WSGIApp, config: Mapping[str, Any], limits: Mapping[str, str] | None = None
    ) -> None:
        self.app = app
        self.config = config
        self.limits = limits if limits is not None else {}

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        limit = body_limit(
            environ.get("PATH_INFO", ""),
            self.config,
            self.limits,
            environ.get("REQUEST_METHOD", "GET"),
        )
        if limit is not None and _streamed(environ):
            buffer_body(environ, limit)
        elif limit is not None:
            drain_declared(environ, limit)
        return self.app(environ, start_response)


def init_app(app: Flask) -> None:
    limits: dict[str, str] = {}
    app.extensions["depeche.body_limits"] = limits
    app.wsgi_app = BoundedBody(app.wsgi_app, app.config, limits)  # type: ignore[method-assign]

    @app.before_request
    def _own_limit() -> None:
        # Flask reads a body up to MAX_CONTENT_LENGTH: a route with a larger one says so.
        if _setting(request.method, request.path, limits) is not None:
            request.max_content_length = body_limit(
                request.path, app.config, limits, request.method
            )
