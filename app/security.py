"""Response headers: a CSP per route, framing, MIME sniffing, referrer, and CORS for JSON.

Every header here depends on the route and the app's config only, never on the request's
other headers, so the response memo (``app/memo.py``) may keep them with the body.
"""

from __future__ import annotations

import base64
import hashlib
import re
from collections.abc import Callable, Mapping
from typing import Any, TypeVar

from flask import Flask, Response, current_app, g, request

View = TypeVar("View", bound=Callable[..., Any])

CORS_PREFIXES = ("/api/", "/oembed")
CORS_REQUEST_HEADERS = "Accept, Accept-Language, Content-Type, If-None-Match"
# Chromium caps a cached preflight at two hours; asking for more would only mislead.
PREFLIGHT_MAX_AGE = 7200
#: flask-smorest's Swagger UI page, whose template carries one inline script we do not own.
DOCS_ENDPOINT = "api-docs.openapi_swagger_ui"
_INLINE_SCRIPT = re.compile(r"<script>(.*?)</script>", re.DOTALL)
# A list of CSP source expressions: one directive's value, no way to start another.
_SOURCE_LIST = re.compile(r"^[\w'*:/.\-+ ]+$")


def csp_hash(text: str) -> str:
    """The CSP source expression that allows exactly this inline script or style."""
    digest = hashlib.sha256(text.encode()).digest()
    return f"'sha256-{base64.b64encode(digest).decode()}'"


def embeddable(view: View) -> View:
    """Let other sites frame this view (``EMBED_FRAME_ANCESTORS``), errors included."""
    view.depeche_embeddable = True  # type: ignore[attr-defined]
    return view


def allow_inline(*, scripts: tuple[str, ...] = (), styles: tuple[str, ...] = ()) -> None:
    """Allow these exact inline scripts and styles in the current response, by hash."""
    g.csp_inline = (tuple(map(csp_hash, scripts)), tuple(map(csp_hash, styles)))


def frame_ancestors(config: Mapping[str, Any]) -> str:
    """Who may frame embed pages: ``EMBED_FRAME_ANCESTORS``, by default anyone."""
    value = str(config.get("EMBED_FRAME_ANCESTORS", "*")).strip()
    if not value or not _SOURCE_LIST.match(value):
        raise ValueError(f"EMBED_FRAME_ANCESTORS is not a CSP source list: {value!r}")
    return value


def _policy(ancestors: str, scripts: tuple[str, ...], styles: tuple[str, ...]) -> str:
    directives = [
        "default-src 'self'",
        "img-src 'self' data:",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        f"frame-ancestors {ancestors}",
    ]
    if scripts:
        directives.append(" ".join(["script-src 'self'", *scripts]))
    if styles:
        directives.append(" ".join(["style-src 'self'", *styles]))
    return "; ".join(directives)


def _html_headers(response: Response) -> None:
    view = current_app.view_functions.get(request.endpoint or "")
    scripts, styles = g.get("csp_inline", ((), ()))
    if request.endpoint == DOCS_ENDPOINT:
        # Swagger UI's bootstrap script comes from flask-smorest's template and holds only our
        # own settings (the spec URL), no request data. Hashing what was rendered allows that
        # one script, on this page only, and survives upgrades that reword it. Its widgets
        # style themselves through the CSSOM, which CSP does not restrict: no 'unsafe-inline'.
        found = _INLINE_SCRIPT.findall(response.get_data(as_text=True))
        scripts = tuple(map(csp_hash, found))
    if getattr(view, "depeche_embeddable", False):
        ancestors = frame_ancestors(current_app.config)
    else:
        ancestors = "'self'"
        # For browsers that predate CSP frame-ancestors; the others ignore it when both exist.
        response.headers["X-Frame-Options"] = "SAMEORIGIN"
    response.headers["Content-Security-Policy"] = _policy(ancestors, scripts, styles)


def _preflight() -> Response | None:
    """Answer a CORS preflight on the JSON routes with what the URL allows."""
    if request.method != "OPTIONS" or not request.path.startswith(CORS_PREFIXES):
        return None
    adapter = current_app.create_url_adapter(request)
    methods = sorted(adapter.allowed_methods()) if adapter is not None else []
    if not methods:
        return None  # an unknown URL: the 404 says so
    response = Response(status=204)
    response.headers["Allow"] = response.headers["Access-Control-Allow-Methods"] = ", ".join(
        methods
    )
    response.headers["Access-Control-Allow-Headers"] = CORS_REQUEST_HEADERS
    response.headers["Access-Control-Max-Age"] = str(PREFLIGHT_MAX_AGE)
    return response


def _secure(response: Response) -> Response:
    if request.path.startswith(CORS_PREFIXES):
        # Public, read-only data: any site may read it, never with the reader's credentials
        # (so no Allow-Credentials, which browsers refuse beside "*" anyway). A 304 needs them
        # too, or a cross-origin script's conditional request fails.
        response.headers["Access-Control-Allow-Origin"] = "*"
        response.headers["Access-Control-Expose-Headers"] = "ETag, Content-Language, Link"
    if response.status_code == 304:
        # A 304 refreshes a stored 200 that has the other headers already (RFC 9111, 4.3.4);
        # the response memo repeats 304s with the same short list.
        return response
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Referrer-Policy"] = "strict-origin-when-cross-origin"
    if response.mimetype == "text/html":
        _html_headers(response)
    return response


def init_app(app: Flask) -> None:
    """Check the framing setting now, then add the headers to every response."""
    frame_ancestors(app.config)
    app.before_request(_preflight)
    app.after_request(_secure)
