"""``Authorization: Bearer <token>`` on write routes: 401 without a valid token, 403 without
the scope. A view says what it needs with ``@requires("publish")``; the check runs before the
view and before its body is parsed, so an anonymous client learns nothing about the input."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from flask import Flask, current_app, g, request
from werkzeug.exceptions import HTTPException

from app.auth import tokens
from app.auth.tokens import Token

F = TypeVar("F", bound=Callable[..., Any])
REALM = 'Bearer realm="depeche"'
SCOPE_ATTRIBUTE = "depeche_required_scope"


class AuthError(HTTPException):
    """401 or 403, with the ``WWW-Authenticate`` challenge of RFC 6750."""

    def __init__(self, code: int, description: str, challenge: str) -> None:
        super().__init__(description)
        self.code = code
        self.challenge = challenge

    def get_headers(self, *args: Any, **kwargs: Any) -> list[tuple[str, str]]:
        return [*super().get_headers(*args, **kwargs), ("WWW-Authenticate", self.challenge)]


def requires(scope: str) -> Callable[[F], F]:
    """Mark a view (a function or a MethodView's method) as needing a token with *scope*."""
    if scope not in tokens.SCOPES:
        raise ValueError(f"unknown scope {scope!r}")

    def mark(view: F) -> F:
        setattr(view, SCOPE_ATTRIBUTE, scope)
        return view

    return mark


def required_scope() -> str | None:
    """The scope the view about to answer needs, if any."""
    view = current_app.view_functions.get(request.endpoint or "")
    if view is None:
        return None
    view_class = getattr(view, "view_class", None)
    if view_class is not None:
        method = "get" if request.method == "HEAD" else request.method.lower()
        view = getattr(view_class, method, None)
    return getattr(view, SCOPE_ATTRIBUTE, None)


def _refuse(code: int, reason: str, description: str, challenge: str) -> AuthError:
    current_app.extensions["depeche.metrics"].auth_failures.labels(reason).inc()
    return AuthError(code, description, challenge)


def authenticate(scope: str) -> Token:
    """The request's token, if it is valid and has *scope*; else 401 or 403."""
    scheme, _, value = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not value.strip():
        raise _refuse(
            401, "missing", "This route needs an API token (Authorization: Bearer).", REALM
        )
    database = current_app.extensions["depeche.database"]
    with database.read() as session:
        token = tokens.find(session, value.strip())
    invalid = f'{REALM}, error="invalid_token"'
    if token is None:
        raise _refuse(401, "unknown", "The API token is not valid.", invalid)
    if token.revoked is not None:
        raise _refuse(401, "revoked", "The API token was revoked.", invalid)
    if scope not in token.scopes:
        raise _refuse(
            403,
            "scope",
            f"The API token has no {scope!r} scope.",
            f'{REALM}, error="insufficient_scope", scope="{scope}"',
        )
    return token


def _check() -> None:
    scope = required_scope()
    if scope is not None:
        g.token = authenticate(scope)


def actor() -> str:
    """The name of the token the request was made with (for the revision history)."""
    token: Token = g.token
    return token.name


def init_app(app: Flask) -> None:
    app.before_request(_check)
