"""The job itself: fill an edition's gaps by machine, idempotently.

It recomputes what is missing when it runs — the article's current segments merged into its
memory (changed sentences stale, new ones untranslated) — translates only that, and stores it
in one transaction that checks the article's version: a second run, or a run after a crash
that had stored already, finds nothing to do and stores nothing (one revision per fill).
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import update

from app.content import repository as articles
from app.facts import repository as facts
from app.facts.document import build_facts
from app.store.database import Database
from app.store.models import ArticleRow
from app.translation import catalogs
from app.translation.engine import Engine, ModelMissing
from app.translation.packages import PackageError
from app.translation.workflow import machine_fill, update_catalog

log = logging.getLogger(__name__)
#: Times a run starts again when the article changed while it translated.
MAX_ROUNDS = 3


class FillError(Exception):
    """The model could not translate; the message is for readers (no path, no library text:
    those are in the log)."""


@dataclass(frozen=True)
class Filled:
    version: int
    """The article's version after the run (None of it stored: the version it found)."""
    segments: int
    """Segments translated and stored (0: there was nothing to do)."""


def fill_edition(
    database: Database, engine: Engine, slug: str, language: str, hold: str = ""
) -> Filled | None:
    """Translate what *slug* lacks in *language* and store it; None when there is no such
    article, or it is written in *language*). Raises ModelMissing when no model is installed
    for the pair, FillError when the one installed fails."""
    for _ in range(MAX_ROUNDS):
        with database.read() as session:
            row = articles.find(session, slug)
            if row is None:
                return None
            article = articles.load(session, row)
            document = facts.load_document(session, row.id)
            catalog = catalogs.load_catalog(session, row.id, language)
        if article.language == language:
            return None
        extra = build_facts(document, article, slug).segments() if document else ()
        catalog = update_catalog(catalog, article, language, extra)
        try:
            filled = machine_fill(catalog, engine, article.language, language)
        except ModelMissing:
            raise
        except PackageError as error:
            pair = f"{article.language}→{language}"
            log.warning("machine translation %s of %s failed: %s", pair, slug, error)
            loaded = engine.is_loaded(article.language, language)
            state = "failed to translate" if loaded else "cannot be loaded"
            raise FillError(f"the {pair} translation model {state}") from error
        if hold:
            _hold(Path(hold), slug, language)
        with database.write() as session:
            row = articles.find(session, slug)
            if row is None:
                return None
            if row.version != article.version:
                continue  # changed while we translated: start again from the new text
            if not catalogs.save_catalog(session, row.id, language, catalog):
                return Filled(row.version, 0)
            articles.record(
                session, row, "machine", "machine-fill", {"language": language, "segments": filled}
            )
            version = row.version
        log.info("machine-translated %d segments of %s into %s", filled, slug, language)
        return Filled(version, filled)
    log.warning(
        "%s kept changing while it was translated into %s: left to a next run", slug, language
    )
    return None


def _hold(hold: Path, slug: str, language: str) -> None:
    """Tests only: say where we are, then wait while the hold file exists."""
    if not hold.exists():
        return
    import os

    hold.with_name(hold.name + ".reached").write_text(f"{os.getpid()} {slug} {language}\n")
    while hold.exists():
        time.sleep(0.02)


def touch(database: Database, slug: str) -> None:
    """Give the article a new change number, not a new version: every worker renders its
    bodies again (a job's state, shown in the API, changed without the article changing)."""
    with database.write() as session:
        seq = Database.next_seq(session)
        session.execute(update(ArticleRow).where(ArticleRow.slug == slug).values(seq=seq))
