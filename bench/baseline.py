"""A bare Flask app answering, byte for byte, what our server answers: the `make bench` floor.

Granian builds it with ``--factory baseline:create_app``. At start-up it fetches each benchmarked
path once from our running server (``BENCH_UPSTREAM``) and keeps the status, headers and body; each
route then returns them as they are, with no other logic than the one ETag comparison a 304 needs.
"""

from __future__ import annotations

import os
import urllib.error
import urllib.request
from collections.abc import Callable

from flask import Flask, Response, request

# The URLs `make bench` measures; conditional requests reuse them with If-None-Match.
PATHS = (
    "/api/v1/articles/mali-army-convoy-kidal?lang=fr",
    "/api/v1/articles?lang=fr",
    "/api/v1/articles/mali-army-convoy-kidal/facts?lang=fr",
    "/fr/articles/mali-army-convoy-kidal",
    "/fr/embed/articles/mali-army-convoy-kidal/facts",
)
# Set per response by the server or by werkzeug, or per request (our request id): not copied.
_SKIP = {"date", "server", "content-length", "connection", "transfer-encoding", "x-request-id"}

Stored = tuple[int, list[tuple[str, str]], bytes]


def fetch(url: str, headers: dict[str, str] | None = None) -> Stored:
    """GET *url*; the status, the headers worth replaying, and the body (304s included)."""
    req = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(req, timeout=10) as resp:
            status, head, body = resp.status, resp.headers, resp.read()
    except urllib.error.HTTPError as err:
        status, head, body = err.code, err.headers, err.read()
    return status, [(k, v) for k, v in head.items() if k.lower() not in _SKIP], body


def _view(full: Stored, not_modified: Stored, etag: str) -> Callable[[], Response]:
    def view() -> Response:
        if request.headers.get("If-None-Match") == etag:
            return Response(not_modified[2], not_modified[0], not_modified[1])
        return Response(full[2], full[0], full[1])

    return view


def create_app() -> Flask:
    """One plain GET route per path in PATHS (or ``BENCH_PATHS``), replaying what the upstream
    server sent."""
    upstream = os.environ["BENCH_UPSTREAM"]
    paths = os.environ.get("BENCH_PATHS", "").split() or PATHS  # another bench's own routes
    app = Flask(__name__)
    for i, path in enumerate(paths):
        full = fetch(upstream + path)
        etag = dict((k.lower(), v) for k, v in full[1])["etag"]
        not_modified = fetch(upstream + path, {"If-None-Match": etag})
        rule = path.split("?")[0]
        app.add_url_rule(rule, f"r{i}", _view(full, not_modified, etag), methods=["GET"])
    return app
