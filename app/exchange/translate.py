"""``depeche translate``: an article's translation memory merged with its text, gaps filled."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from app.content import repository as articles
from app.content.folder import ContentError
from app.facts import repository as facts
from app.facts.document import build_facts
from app.store.database import Database
from app.translation import catalogs
from app.translation.engine import Engine, ModelMissing
from app.translation.packages import PackageError
from app.translation.workflow import Report, machine_fill, report, update_catalog


@dataclass(frozen=True)
class Outcome:
    report: Report
    filled: int
    warning: str | None


def translate_article(
    database: Database, settings: Mapping[str, Any], slug: str, target: str, machine: bool = True
) -> Outcome:
    """Merge *slug*'s memory for *target* with its current text (changed sentences become
    stale, new ones untranslated), fill the gaps by machine, store it as a new version."""
    with database.read() as session:
        row = articles.find(session, slug)
        if row is None:
            raise ContentError(f"no article {slug!r}")
        article = articles.load(session, row)
        document = facts.load_document(session, row.id)
        catalog = catalogs.load_catalog(session, row.id, target)
    if target == article.language:
        raise ContentError(f"{slug} is written in {target}: nothing to translate")
    extra = build_facts(document, article, slug).segments() if document else ()
    catalog = update_catalog(catalog, article, target, extra)
    filled, warning = 0, None
    if machine:
        engine = Engine(
            Path(settings["MODELS_DIR"]), settings["BEAM_SIZE"], settings["INTRA_THREADS"]
        )
        try:
            filled = machine_fill(catalog, engine, article.language, target)
        except ModelMissing as error:
            warning = f"{error} — memory merged only"
        except PackageError as error:
            raise ContentError(str(error)) from error
    with database.write() as session:
        row = articles.find(session, slug)
        if row is None or row.version != article.version:
            raise ContentError(f"{slug} changed while it was being translated: run it again")
        if catalogs.save_catalog(session, row.id, target, catalog):
            articles.record(
                session, row, "translate", "translate", {"language": target, "filled": filled}
            )
    return Outcome(report(catalog), filled, warning)
