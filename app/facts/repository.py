"""An article's facts document in the store: one row per fact and per timeline entry."""

from __future__ import annotations

from typing import Any, cast

from sqlalchemy import Table, delete, insert, select
from sqlalchemy.orm import Session

from app.store.models import FactRow

_KINDS = {"fact": "facts", "timeline": "timeline"}


def load_document(session: Session, article_id: int) -> dict[str, Any] | None:
    """The facts document (facts.yaml's shape), or None when the article has no facts."""
    rows = session.execute(
        select(FactRow.kind, FactRow.data)
        .where(FactRow.article_id == article_id)
        .order_by(FactRow.kind, FactRow.position)
    ).all()
    if not rows:
        return None
    document: dict[str, Any] = {"facts": [], "timeline": []}
    for kind, data in rows:
        document[_KINDS[kind]].append(data)
    return document


def save_document(
    session: Session, article_id: int, document: dict[str, Any] | None, new: bool = False
) -> bool:
    """Store *document* (None: no facts) as the article's facts; return whether it changed.
    *new*: the article was just created (nothing stored to compare with or replace)."""
    stored = None if new else load_document(session, article_id)
    if stored == _normal(document):
        return False
    if not new:
        session.execute(delete(FactRow).where(FactRow.article_id == article_id))
    insert_rows(session, article_id, fact_rows(document))
    return True


def fact_rows(document: dict[str, Any] | None) -> list[dict[str, Any]]:
    """The document's facts and timeline entries as rows (without the article's id)."""
    return [
        {"kind": kind, "position": position, "data": data}
        for kind, key in _KINDS.items()
        for position, data in enumerate((document or {}).get(key) or [])
    ]


def insert_rows(session: Session, article_id: int, rows: list[dict[str, Any]]) -> None:
    """Insert ``fact_rows`` for a new article (or one whose facts were just deleted)."""
    if rows:
        session.execute(
            insert(cast(Table, FactRow.__table__)), [{"article_id": article_id, **r} for r in rows]
        )


def _normal(document: dict[str, Any] | None) -> dict[str, Any] | None:
    if not document or not (document.get("facts") or document.get("timeline")):
        return None
    return {
        "facts": list(document.get("facts") or []),
        "timeline": list(document.get("timeline") or []),
    }
