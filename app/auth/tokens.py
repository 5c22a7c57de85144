"""API tokens: made at random, shown once, stored as a digest, revoked by name.

A token is 256 random bits, so a plain SHA-256 digest is enough to make a stolen database
useless (there is no password to guess); the digest is what is looked up, and compared in
constant time.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.store.models import TokenRow

SCOPES = ("publish", "review", "admin")
#: What a token looks like: a prefix secret scanners can find, then 43 URL-safe characters.
PREFIX = "dpc_"
NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$")
#: Longer Authorization values are not looked up (a real token is 47 characters).
MAX_TOKEN_LENGTH = 200


class TokenError(ValueError):
    """A token cannot be made or revoked as asked; the message says why."""


@dataclass(frozen=True)
class Token:
    name: str
    scopes: tuple[str, ...]
    created: datetime
    revoked: datetime | None


def digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def parse_scopes(text: str) -> tuple[str, ...]:
    """``publish,review`` → ("publish", "review"); unknown or no scope is an error."""
    scopes = tuple(dict.fromkeys(s.strip() for s in text.split(",") if s.strip()))
    unknown = [s for s in scopes if s not in SCOPES]
    if unknown or not scopes:
        raise TokenError(
            f"unknown scope {', '.join(map(repr, unknown))}: choose among {', '.join(SCOPES)}"
            if unknown
            else f"give at least one scope among {', '.join(SCOPES)}"
        )
    return scopes


def create(session: Session, name: str, scopes: Iterable[str]) -> str:
    """Make a token called *name*; return it (the only time it is seen)."""
    if not NAME.match(name):
        raise TokenError(
            "a token name is 1-100 letters, digits, '.', '_' or '-',"
            " starting with a letter or a digit"
        )
    if session.execute(select(TokenRow.id).where(TokenRow.name == name)).first():
        raise TokenError(f"a token called {name!r} exists (names stay unique, even revoked)")
    token = PREFIX + secrets.token_urlsafe(32)
    session.add(
        TokenRow(
            name=name, digest=digest(token), scopes=",".join(scopes), created=datetime.now(UTC)
        )
    )
    return token


def revoke(session: Session, name: str) -> None:
    row = session.execute(select(TokenRow).where(TokenRow.name == name)).scalar_one_or_none()
    if row is None:
        raise TokenError(f"no token called {name!r}")
    if row.revoked is None:
        row.revoked = datetime.now(UTC)


def listing(session: Session) -> list[Token]:
    rows = session.execute(select(TokenRow).order_by(TokenRow.name)).scalars()
    return [Token(r.name, tuple(r.scopes.split(",")), r.created, r.revoked) for r in rows]


def find(session: Session, token: str) -> Token | None:
    """The token *token* is, revoked or not; None when it is no token of ours."""
    if not token.startswith(PREFIX) or len(token) > MAX_TOKEN_LENGTH:
        return None
    wanted = digest(token)
    row = session.execute(select(TokenRow).where(TokenRow.digest == wanted)).scalar_one_or_none()
    if row is None or not hmac.compare_digest(row.digest, wanted):
        return None
    return Token(row.name, tuple(row.scopes.split(",")), row.created, row.revoked)
