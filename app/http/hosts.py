"""The Host headers we answer, and the base URL of our absolute links and redirects.

A Host header is refused with a 400 when it is not a host name or address (a character
outside ``[a-z0-9.-]``, a label IDNA cannot encode: 64 characters, or the empty one in
``a..b``, a bad port), and when ``TRUSTED_HOSTS`` is set and does not list it. Flask has a
``TRUSTED_HOSTS`` check of its own, but it runs while the URL adapter is built, before any
route: an untrusted Host could not even reach ``/healthz`` and ``/readyz``, which Docker and
Kubernetes probe by address. Here those two answer any well-formed Host; they build no URL.

Links that leave the page start from ``PUBLIC_URL`` when it is set, else from the request's
host, which is then one of ``TRUSTED_HOSTS`` — or any well-formed host when that is empty, as
suits a developer's machine (production start-up warns when neither is set). Redirects never
carry the Host header: they are relative, or start from ``PUBLIC_URL``.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable

from flask import Flask, Response, abort, current_app, redirect, request
from flask.globals import request_ctx

PROBES = frozenset({"/healthz", "/readyz"})
_NAME = re.compile(r"[a-z0-9.-]{1,253}", re.IGNORECASE)
_IPV6 = re.compile(r"\[[0-9a-f:.]{2,45}\]", re.IGNORECASE)
_PORT = re.compile(r"[1-9][0-9]{0,4}")
_EXTENSION = "depeche.trusted_hosts"

log = logging.getLogger("depeche.startup")


def host_name(value: str) -> str | None:
    """The lower-case name or address of a well-formed ``Host`` value, without its port."""
    if value.startswith("["):
        name, bracket, rest = value.partition("]")
        name += bracket
        if not _IPV6.fullmatch(name) or (rest and not rest.startswith(":")):
            return None
        port = rest[1:] if rest else None
    else:
        name, colon, port_text = value.partition(":")
        port = port_text if colon else None
        if not _NAME.fullmatch(name):
            return None
        try:
            name.encode("idna")  # what werkzeug does to bind URLs: a label of 1-63 characters
        except UnicodeError:
            return None
    if port is not None and not (_PORT.fullmatch(port) and int(port) <= 65535):
        return None
    return name.lower()


def trusted_hosts(values: str | Iterable[str]) -> tuple[str, ...]:
    """The ``TRUSTED_HOSTS`` patterns: names, addresses, or ``.domain`` for it and below."""
    patterns = []
    for value in values.split() if isinstance(values, str) else values:
        suffix = value.startswith(".")
        given = value[1:] if suffix else value
        try:  # a Host header is ASCII: "dépêche.example" arrives as "xn--dpche-bsai.example"
            name = host_name(given if given.startswith("[") else given.encode("idna").decode())
        except UnicodeError:
            name = None
        if name is None:
            raise ValueError(f"TRUSTED_HOSTS: not a host name or address: {value!r}")
        patterns.append("." + name if suffix else name)
    return tuple(patterns)


def is_trusted(name: str, patterns: tuple[str, ...]) -> bool:
    """Whether *name* (from :func:`host_name`) is one of *patterns*; any name if there are none."""
    name = name.rstrip(".")
    return not patterns or any(
        name == pattern or (pattern.startswith(".") and f".{name}".endswith(pattern))
        for pattern in patterns
    )


def public_base() -> str:
    """The site's base URL, without a trailing slash."""
    configured = str(current_app.config.get("PUBLIC_URL") or "")
    # Host names are case-blind: one spelling, one set of links, one cache entry.
    return (configured or request.host_url.lower()).rstrip("/")


def _check_host() -> None:
    """Refuse a Host we cannot or will not build URLs from, before anything else reads it."""
    value = request.environ.get("HTTP_HOST")
    if value is None:
        return  # HTTP/1.0 without Host: werkzeug takes the server's own address
    name = host_name(value)
    if request_ctx.url_adapter is None:
        # werkzeug could not bind this Host (IDNA); a link-only adapter lets the error page
        # render its relative links, as werkzeug itself does for a Host with bad characters.
        request_ctx.url_adapter = current_app.url_map.bind(
            "", script_name=request.script_root or "/", url_scheme=request.scheme
        )
    if name is None:
        abort(400, description="The Host header is not a host name or an address.")
    if request.path not in PROBES and not is_trusted(name, current_app.extensions[_EXTENSION]):
        abort(400, description="This service does not answer for that host.")


def _own_location(response: Response) -> Response:
    """Start a ``Location`` on our site from ``PUBLIC_URL``, or make it relative."""
    location = response.headers.get("Location")
    if location is None:
        return response
    own = request.host_url  # werkzeug's slash redirects start with it
    if location[: len(own)].lower() == own.lower():
        path = location[len(own) - 1 :]
    elif location.startswith("/") and not location.startswith("//"):
        path = location
    else:
        return response  # another site's address: not ours to change
    target = str(current_app.config.get("PUBLIC_URL") or "").rstrip("/") + path
    if target == location:
        return response
    response.headers["Location"] = target
    if 300 <= response.status_code < 400:
        # werkzeug's redirect page names the old address in its link: say the new one.
        response.set_data(redirect(target, response.status_code).get_data())
    return response


def init_app(app: Flask) -> None:
    """Read ``TRUSTED_HOSTS``, check every request's Host first, and keep redirects on our base."""
    patterns = trusted_hosts(app.config.get("TRUSTED_HOSTS") or ())
    app.extensions[_EXTENSION] = patterns
    app.config["TRUSTED_HOSTS"] = None  # checked here, not by Flask (see the module docstring)
    if not (app.testing or app.debug or app.config.get("PUBLIC_URL") or patterns):
        log.warning(
            "neither DEPECHE_PUBLIC_URL nor DEPECHE_TRUSTED_HOSTS is set: canonical, hreflang, "
            "Open Graph and embed links follow whatever Host header a client sends",
            extra={
                "hint": "set DEPECHE_PUBLIC_URL=https://your.site (behind a proxy) or "
                "DEPECHE_TRUSTED_HOSTS to the names the service is reached by"
            },
        )
    # Registered right after language negotiation (a refusal is a page in the reader's
    # language) and before every other hook.
    app.before_request(_check_host)
    app.after_request(_own_location)
