"""Drafted facts for a stored article, and accepting some of them into its facts."""

from __future__ import annotations

from typing import Any

from app.content import repository as articles
from app.content.folder import ContentError
from app.facts import repository as facts
from app.facts.document import build_facts
from app.facts.suggest import Suggestion, suggest_facts
from app.store.database import Database


def suggestions(database: Database, slug: str) -> list[Suggestion]:
    """Candidate facts for article *slug*, in its source language (nothing is stored)."""
    with database.read() as session:
        row = articles.find(session, slug)
        if row is None:
            raise ContentError(f"no article {slug!r}")
        article = articles.load(session, row)
    return suggest_facts(article)


def as_data(suggestion: Suggestion) -> dict[str, Any]:
    """A suggestion as facts.yaml writes a fact, with where its quote is and how sure it is."""
    return {
        **suggestion.to_fact(),
        "confidence": round(suggestion.confidence, 2),
        "segment": suggestion.segment_id,
        "start": suggestion.start,
        "end": suggestion.end,
    }


def accept(database: Database, slug: str, ids: list[str], actor: str = "cli") -> list[str]:
    """Add the suggestions *ids* to the article's facts (same id: replaced), as a new version.
    Ids are stable, so a label or quote already translated keeps its translation."""
    offered = {s.id: s for s in suggestions(database, slug)}
    unknown = [i for i in ids if i not in offered]
    if unknown:
        raise ContentError(f"{slug}: no suggestion {', '.join(map(repr, unknown))}")
    with database.write() as session:
        row = articles.find(session, slug)
        if row is None:
            raise ContentError(f"no article {slug!r}")
        article = articles.load(session, row)
        document = facts.load_document(session, row.id) or {"facts": [], "timeline": []}
        chosen = {i: offered[i].to_fact() for i in ids}
        kept = [f for f in document["facts"] if f["id"] not in chosen]
        document = {"facts": kept + list(chosen.values()), "timeline": document["timeline"]}
        build_facts(document, article, f"article {slug}")  # proved against the text, again
        if facts.save_document(session, row.id, document):
            articles.record(session, row, actor, "facts-accept", {"accepted": ids})
    return ids
