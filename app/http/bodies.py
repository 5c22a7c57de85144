"""Request bodies that come without a Content-Length (chunked, or HTTP/2), held to the limit.

For such a body werkzeug wraps the input in a stream capped at ``MAX_CONTENT_LENGTH`` that
stops at the cap without an error: a longer body was cut there and processed as if whole.
This layer reads the body first, up to one byte past the limit, and hands Flask a sized one:
the body itself when it fits, or a declared length over the limit, which every route then
refuses with 413, exactly as it does a ``Content-Length`` that is too large.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from flask import Flask
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


def buffer_body(environ: dict[str, Any], limit: int) -> None:
    """Replace a streamed body by the bytes read, at most ``limit + 1``, and their length."""
    stream = environ["wsgi.input"]
    chunks: list[bytes] = []
    size = 0
    try:
        while size <= limit:
            chunk = stream.read(limit + 1 - size)
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
        declared = size
    except (OSError, ValueError):
        # The client went away mid-body: declaring more than arrived makes werkzeug report a
        # disconnect, never a short body as a whole one.
        declared = size + 1
    environ["wsgi.input"] = io.BytesIO(b"".join(chunks))
    environ["CONTENT_LENGTH"] = str(declared)
    environ.pop("HTTP_TRANSFER_ENCODING", None)  # the server has de-chunked it already


class BoundedBody:
    """WSGI middleware: streamed request bodies become sized ones, refused over the limit."""

    def __init__(self, app: WSGIApp, config: Mapping[str, Any]) -> None:
        self.app = app
        self.config = config

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        limit = self.config.get("MAX_CONTENT_LENGTH")
        if limit is not None and _streamed(environ):
            buffer_body(environ, int(limit))
        return self.app(environ, start_response)


def init_app(app: Flask) -> None:
    app.wsgi_app = BoundedBody(app.wsgi_app, app.config)  # type: ignore[method-assign]
