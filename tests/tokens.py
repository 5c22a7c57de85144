"""API tokens for tests: made in the app's own database, as `depeche tokens create` does."""

from __future__ import annotations

import itertools

from flask import Flask

from app.auth import tokens

_names = itertools.count(1)


def issue_token(app: Flask, *scopes: str, name: str | None = None) -> str:
    """A new token with *scopes* in *app*'s database."""
    with app.extensions["depeche.database"].write() as session:
        return tokens.create(session, name or f"test-{next(_names)}", scopes)


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}
