"""Refuse writes that any web page could send without asking: forms and text/plain from
another origin (CSRF). A browser sends those without a CORS preflight, so the server must
say no itself; JSON writes from other origins need a preflight, which CORS answers.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Flask, current_app, request
from werkzeug.exceptions import Forbidden

#: The body types a page may POST across origins without a preflight (Fetch standard's
#: CORS-safelisted request header values for Content-Type); no Content-Type at all too.
SIMPLE_TYPES = {"application/x-www-form-urlencoded", "multipart/form-data", "text/plain", ""}
WRITES = {"POST", "PUT", "PATCH", "DELETE"}


def _host(url: str) -> str:
    try:
        return urlsplit(url).netloc.lower()
    except ValueError:
        return ""


def is_own_origin(origin: str) -> bool:
    """The request's own host, or the host of ``PUBLIC_URL``."""
    host = _host(origin)
    ours = {request.host.lower(), _host(str(current_app.config.get("PUBLIC_URL") or ""))}
    return bool(host) and host in ours


def refuse_cross_origin_forms() -> None:
    if request.method not in WRITES or current_app.config["ALLOW_CROSS_ORIGIN_FORMS"]:
        return
    origin = request.headers.get("Origin")
    if origin is None or request.mimetype not in SIMPLE_TYPES or is_own_origin(origin):
        return
    raise Forbidden(
        f"A {request.mimetype or 'body without a type'} write from another origin is refused; "
        "send JSON (browsers ask first, with a CORS preflight)."
    )


def init_app(app: Flask) -> None:
    app.before_request(refuse_cross_origin_forms)
