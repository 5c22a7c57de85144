"""``depeche ingest``: wire copy into the store, as a new article or a new version."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from app.content import repository as articles
from app.content.ingest import Ingested, ingest
from app.facts import repository as facts
from app.store.database import Database


@dataclass(frozen=True)
class IngestResult:
    ingested: Ingested
    changed: bool
    dropped_facts: tuple[str, ...]
    """Facts whose quote the new text no longer has (they are removed, not left unproven)."""


def ingest_wire(database: Database, raw: bytes, slug: str, **fields: Any) -> IngestResult:
    """Ingest wire copy *raw* as article *slug*, in one transaction."""
    with database.write() as session:
        row = articles.find(session, slug)
        existing = articles.load(session, row) if row is not None else None
        ingested = ingest(raw, slug, existing, **fields)
        row, changed = articles.save(session, ingested.article, ingested.source)
        dropped: list[str] = []
        document = facts.load_document(session, row.id)
        if document is not None:
            text = [s.text for s in ingested.article.segments()]
            kept = {
                key: [item for item in document[key] if any(item["quote"] in t for t in text)]
                for key in ("facts", "timeline")
            }
            dropped = [f["id"] for f in document["facts"] if f not in kept["facts"]]
            dropped += [
                f"timeline.{i}"
                for i, e in enumerate(document["timeline"])
                if e not in kept["timeline"]
            ]
            changed = facts.save_document(session, row.id, kept) or changed
        if changed:
            articles.record(session, row, "ingest", "ingest", {"dropped_facts": dropped})
    return IngestResult(ingested, changed, tuple(dropped))
