"""Per-client rate limits on translation (flask-limiter), and who the client is.

The client is the socket's peer, unless ``TRUSTED_PROXIES`` says how many proxies in front
append to ``X-Forwarded-For``: then werkzeug's ``ProxyFix`` takes the address they saw, and
nothing a client writes in that header can choose its own bucket. Loopback clients (health
checks, the local CLI, a proxy that is not declared) are exempt unless
``RATE_LIMIT_EXEMPT_LOOPBACK`` is off. Limits are counted per worker with the default storage.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Callable
from typing import Any

from flask import Flask, current_app, request
from flask_limiter import Limiter
from werkzeug.middleware.proxy_fix import ProxyFix

#: Views that translate: one budget per client across both.
TRANSLATE_ENDPOINTS = ("translate.Translate", "libretranslate.translate")


def client_address() -> str:
    return request.remote_addr or "unknown"


def is_loopback(address: str | None) -> bool:
    try:
        return address is not None and ipaddress.ip_address(address).is_loopback
    except ValueError:
        return False


def _exempt() -> bool:
    return bool(current_app.config["RATE_LIMIT_EXEMPT_LOOPBACK"]) and is_loopback(
        request.remote_addr
    )


def _rate() -> str:
    return str(current_app.config["TRANSLATE_RATE_LIMIT"])


def init_app(app: Flask) -> None:
    """Trust the configured proxies, and limit the translate views per client."""
    proxies = int(app.config["TRUSTED_PROXIES"])
    if proxies > 0:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies)  # type: ignore[method-assign]
    limiter = Limiter(
        client_address,
        app=app,
        storage_uri=str(app.config["RATE_LIMIT_STORAGE"]),
        headers_enabled=True,
    )
    # A request filter runs before any limit is resolved: exempt clients cost nothing.
    limiter.request_filter(_exempt)
    shared = limiter.shared_limit(
        _rate,
        scope="translate",
        error_message="Too many translations from this client address; see Retry-After.",
    )
    for endpoint in TRANSLATE_ENDPOINTS:
        view: Callable[..., Any] = app.view_functions[endpoint]
        app.view_functions[endpoint] = shared(view)
