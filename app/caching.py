"""HTTP caching for rendered bodies: content ETags, Cache-Control, conditional GET → 304."""

from __future__ import annotations

import hashlib
from collections.abc import Hashable
from datetime import datetime

from flask import Response, current_app, request


def content_etag(body: bytes) -> str:
    """An ETag derived from the bytes only: identical across processes, replicas, restarts."""
    return hashlib.sha256(body).hexdigest()[:32]


def cached_response(
    body: bytes, mimetype: str, etag: str | None = None, last_modified: datetime | None = None
) -> Response:
    """Wrap a rendered body with its ETag (and Last-Modified, when given) and Cache-Control;
    answer 304 when it matches."""
    response = Response(body, mimetype=mimetype)
    response.set_etag(etag or content_etag(body))
    if last_modified is not None:
        response.last_modified = last_modified
    response.cache_control.public = True
    response.cache_control.max_age = current_app.config["CACHE_MAX_AGE"]
    # Shared caches keep it briefly and then revalidate by ETag (a 304 costs the app little):
    # a kill or a correction reaches every reader behind them within this many seconds.
    response.cache_control.s_maxage = current_app.config["CACHE_SHARED_MAX_AGE"]
    response.make_conditional(request)
    return response


#: Where a view says which article version (or list change number) its body shows, so that
#: the response memo in front can tell when the body is out of date.
RENDER_TAG = "depeche.render_tag"
RenderTag = tuple[str | None, Hashable]


def tag_render(slug: str | None, version: Hashable) -> None:
    """Say that this response shows article *slug* at *version* (None: a list at change N)."""
    request.environ[RENDER_TAG] = (slug, version)
