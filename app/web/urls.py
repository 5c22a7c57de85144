"""Absolute URLs of our pages, and the way back: which of our pages an absolute URL names.

Links that leave the page (canonical, hreflang, Open Graph, embeds, oEmbed) must be absolute.
They start from ``DEPECHE_PUBLIC_URL`` when it is set, else from the request's host, which
``app.http.hosts`` has checked (well-formed, and one of ``DEPECHE_TRUSTED_HOSTS`` if that is
set). A body that holds one is therefore cached per base URL as well (the memo keys on Host).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from urllib.parse import unquote, urlsplit

from flask import current_app, request, url_for
from werkzeug.exceptions import HTTPException

from app.http.hosts import public_base

__all__ = ["absolute", "public_base", "route_of", "same_site"]

_DEFAULT_PORTS = {"http": 80, "https": 443}


def absolute(base: str, endpoint: str, **values: Any) -> str:
    """The absolute URL of *endpoint* under *base*."""
    return base + url_for(endpoint, **values)


def _host_and_port(url: str) -> tuple[str, int] | None:
    try:
        parts = urlsplit(url)
        port = parts.port or _DEFAULT_PORTS.get(parts.scheme)
    except ValueError:
        return None
    if parts.scheme not in _DEFAULT_PORTS or not parts.hostname or port is None:
        return None
    return parts.hostname.lower(), port


def same_site(url: str, base: str) -> bool:
    """Whether *url* is on our host (http and https on their default ports count as one)."""
    found, ours = _host_and_port(url), _host_and_port(base)
    if found is None or ours is None or found[0] != ours[0]:
        return False
    return found[1] == ours[1] or {found[1], ours[1]} == set(_DEFAULT_PORTS.values())


def route_of(url: str, base: str) -> tuple[str, Mapping[str, Any]] | None:
    """The endpoint and arguments our URL map gives *url*, if it is ours. Fetches nothing."""
    if not same_site(url, base):
        return None
    root = urlsplit(base).path.rstrip("/") + request.script_root
    path = unquote(urlsplit(url).path)
    if not path.startswith(root + "/"):
        return None
    adapter = current_app.url_map.bind(urlsplit(base).netloc)
    try:
        endpoint, arguments = adapter.match(path[len(root) :], method="GET")
    except HTTPException:  # not found, wrong method, or a redirect to another form
        return None
    return str(endpoint), arguments
