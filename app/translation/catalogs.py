"""The translation memory in rows: a PO catalog ↔ the ``catalogs`` and ``translations`` tables.

Rows keep what a PO catalog says — each entry's context, source, text, state, its notes — so
that an exported catalog is the one imported. The state is explicit per row: *reviewed* (with
who and when: the catalog's Last-Translator and revision date unless the entry's own
``reviewed:`` note says otherwise), *machine* (engine, model, version and date, from the
``machine:`` note), *stale* (fuzzy, with the source it translated), *untranslated*, and
*obsolete* (gone from the source, kept as PO keeps it).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, datetime
from typing import Any, cast

from babel.messages.catalog import Catalog, Message
from sqlalchemy import Table, delete, insert, select
from sqlalchemy.orm import Session

from app.content.repository import visible
from app.store.models import ArticleRow, CatalogRow, TranslationRow
from app.translation.memory import MACHINE_COMMENT, Status, Translation, status_of
from app.translation.risk import DEFAULT_MAX_RISK, publishable, score

REVIEW_NOTE = "reviewed:"
OBSOLETE = "obsolete"
_REVIEW = re.compile(r"^reviewed: (?P<at>\S+) by (?P<by>.+)$")
_PO_DATE = "%Y-%m-%d %H:%M%z"
Key = tuple[str | None, str]
"""(msgctxt, msgid): how a segment is found in a catalog."""


def header_of(catalog: Catalog) -> dict[str, Any]:
    def when(value: Any) -> str | None:
        return value.strftime(_PO_DATE) if isinstance(value, datetime) else None

    return {
        "comment": catalog.header_comment,
        "project": catalog.project,
        "version": catalog.version,
        "bugs": catalog.msgid_bugs_address,
        "created": when(catalog.creation_date),
        "revised": when(catalog.revision_date),
        "last_translator": catalog.last_translator,
        "language_team": catalog.language_team,
    }


def _machine_note(message: Message) -> list[str] | None:
    for comment in message.user_comments:
        if comment.startswith(MACHINE_COMMENT):
            return comment[len(MACHINE_COMMENT) :].split()
    return None


def _row(message: Message, header: Mapping[str, Any], obsolete: bool = False) -> dict[str, Any]:
    """One catalog entry as a row (without ids)."""
    status = OBSOLETE if obsolete else status_of(message).value
    row: dict[str, Any] = {
        "context": message.context,
        "source": str(message.id),
        "text": str(message.string or ""),
        "status": status,
        "engine": None,
        "model": None,
        "model_version": None,
        "translated": None,
        "reviewed_by": None,
        "reviewed_at": None,
        "previous_source": (message.previous_id[0] if message.previous_id else None),
        "comments": [],
    }
    for comment in message.user_comments:
        review = _REVIEW.match(comment)
        if comment.startswith(MACHINE_COMMENT):
            continue
        if review:
            row["reviewed_by"], row["reviewed_at"] = review["by"], review["at"]
        else:
            row["comments"].append(comment)
    note = _machine_note(message)
    if note:
        row["engine"] = note[0]
        row["model"] = note[1] if len(note) > 1 else None
        row["model_version"] = note[2] if len(note) > 2 else None
        row["translated"] = note[3] if len(note) > 3 else None
    if status == Status.REVIEWED and row["reviewed_by"] is None:
        row["reviewed_by"], row["reviewed_at"] = header["last_translator"], header["revised"]
    return row


def catalog_rows(catalog: Catalog) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """The catalog's header and its entries as rows, in the catalog's order."""
    header = header_of(catalog)
    rows = [_row(m, header) for m in catalog if m.id]
    rows += [_row(m, header, obsolete=True) for m in catalog.obsolete.values()]
    for position, row in enumerate(rows):
        row["position"] = position
    return header, rows


def _message(row: Mapping[str, Any], header: Mapping[str, Any]) -> Message:
    comments = list(row["comments"])
    status = row["status"]
    if status == Status.MACHINE:
        note = [row["engine"], row["model"], row["model_version"], row["translated"]]
        comments.append(" ".join([MACHINE_COMMENT, *(part for part in note if part)]))
    if status == Status.REVIEWED and row["reviewed_by"] is not None:
        own = (row["reviewed_by"], row["reviewed_at"])
        if own != (header["last_translator"], header["revised"]):
            comments.append(f"{REVIEW_NOTE} {row['reviewed_at']} by {row['reviewed_by']}")
    return Message(
        row["source"],
        row["text"],
        flags=("fuzzy",) if status == Status.STALE else (),
        user_comments=comments,
        previous_id=row["previous_source"] or (),
        context=row["context"],
    )


def rows_catalog(
    header: Mapping[str, Any], rows: Iterable[Mapping[str, Any]], language: str
) -> Catalog:
    """Rebuild the PO catalog from its rows."""

    def when(value: str | None) -> datetime | None:
        return datetime.strptime(value, _PO_DATE) if value else None

    catalog = Catalog(
        locale=language,
        header_comment=header["comment"],
        project=header["project"],
        version=header["version"],
        msgid_bugs_address=header["bugs"],
        creation_date=when(header["created"]),
        revision_date=when(header["revised"]),
        last_translator=header["last_translator"],
        language_team=header["language_team"],
        fuzzy=False,
    )
    catalog.msgid_bugs_address = header["bugs"]  # an empty one is not Babel's default
    for row in sorted(rows, key=lambda r: r["position"]):
        message = _message(row, header)
        if row["status"] == OBSOLETE:
            key: Any = (message.id, message.context) if message.context else message.id
            catalog.obsolete[key] = message
        else:
            catalog[message.id] = message
    return catalog


_COLUMNS = (
    "position",
    "context",
    "source",
    "text",
    "status",
    "engine",
    "model",
    "model_version",
    "translated",
    "reviewed_by",
    "reviewed_at",
    "previous_source",
    "comments",
)


def stored_rows(session: Session, article_id: int, language: str) -> list[dict[str, Any]]:
    found = session.execute(
        select(TranslationRow)
        .where(TranslationRow.article_id == article_id, TranslationRow.language == language)
        .order_by(TranslationRow.position)
    ).scalars()
    return [{name: getattr(row, name) for name in _COLUMNS} for row in found]


def load_catalog(session: Session, article_id: int, language: str) -> Catalog | None:
    """The article's catalog for *language*, or None when it has none."""
    header = session.get(CatalogRow, (article_id, language))
    if header is None:
        return None
    return rows_catalog(header.header, stored_rows(session, article_id, language), language)


def source_key(text: str) -> str:
    """The indexed digest the memory finds a source sentence by."""
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def save_catalog(
    session: Session, article_id: int, language: str, catalog: Catalog, new: bool = False
) -> bool:
    """Store *catalog* as the article's memory for *language*; return whether it changed.
    *new*: the article was just created (nothing stored to compare with or replace)."""
    header, rows = catalog_rows(catalog)
    stored = None if new else session.get(CatalogRow, (article_id, language))
    before = stored_rows(session, article_id, language) if stored is not None else None
    if stored is not None and stored.header == header and before == rows:
        return False
    written_in = session.execute(
        select(ArticleRow.language).where(ArticleRow.id == article_id)
    ).scalar_one()
    rows = scored(rows, written_in, language)
    if stored is None:
        session.add(CatalogRow(article_id=article_id, language=language, header=header))
    else:
        stored.header = header
    if not new:
        session.execute(
            delete(TranslationRow).where(
                TranslationRow.article_id == article_id, TranslationRow.language == language
            )
        )
    insert_rows(session, article_id, language, rows)
    return True


def scored(rows: list[dict[str, Any]], written_in: str, language: str) -> list[dict[str, Any]]:
    """*rows* (``catalog_rows``) as stored: with the digest the memory finds each source by,
    and each machine text's risk — scored once, as it is stored, for the publish rule
    (``risk.publishable``). A person's translation is published whatever its score, and the
    review desk scores what it shows as it shows it: reviewed rows store none."""
    stored = []
    for row in rows:
        machine = row["status"] == Status.MACHINE and row["text"]
        risk = score(row["source"], row["text"], written_in, language) if machine else None
        stored.append({**row, "source_key": source_key(row["source"]), "risk": risk})
    return stored


def insert_rows(
    session: Session, article_id: int, language: str, rows: list[dict[str, Any]]
) -> None:
    """Insert the article's memory entries (``scored`` rows) for *language*."""
    if rows:
        session.execute(
            insert(cast(Table, TranslationRow.__table__)),
            [{"article_id": article_id, "language": language, **r} for r in rows],
        )


def insert_catalog(
    session: Session,
    article_id: int,
    language: str,
    header: dict[str, Any],
    rows: list[dict[str, Any]],
) -> None:
    """Insert a new article's memory for *language*: its header and ``scored`` rows."""
    session.execute(
        insert(cast(Table, CatalogRow.__table__)),
        {"article_id": article_id, "language": language, "header": header},
    )
    insert_rows(session, article_id, language, rows)


def memory_matches(
    session: Session,
    segments: Sequence[str],
    source: str,
    target: str,
    max_risk: float = DEFAULT_MAX_RISK,
) -> dict[str, str]:
    """What the memory of articles written in *source* says for each segment in *target*:
    a reviewed translation first, else a machine one fit to publish (``risk.publishable``).
    A killed article's memory answers nothing, nor an embargoed one's before its time."""
    keys = {source_key(text): text for text in segments}
    found = session.execute(
        select(
            TranslationRow.source, TranslationRow.text, TranslationRow.status, TranslationRow.risk
        )
        .join(ArticleRow, ArticleRow.id == TranslationRow.article_id)
        .where(
            ArticleRow.killed.is_(None),
            visible(datetime.now(UTC)),
            TranslationRow.language == target,
            TranslationRow.source_key.in_(list(keys)),
            TranslationRow.status.in_([Status.REVIEWED.value, Status.MACHINE.value]),
            TranslationRow.text != "",
            ArticleRow.language == source,
        )
    )
    best: dict[str, tuple[bool, str]] = {}
    for text, translated, status, risk in found:
        if keys.get(source_key(text)) != text or not publishable(status, risk, max_risk):
            continue  # a digest shared by another sentence, or a translation held for review
        reviewed = status == Status.REVIEWED
        if text not in best or (reviewed and not best[text][0]):
            best[text] = (reviewed, translated)
    return {text: translated for text, (_, translated) in best.items()}


def translations(
    session: Session, article_id: int, language: str, max_risk: float = DEFAULT_MAX_RISK
) -> dict[Key, Translation]:
    """What readers get for each segment of the article's memory in *language*: a machine
    translation at *max_risk* or above waits for review (the reader gets the source)."""
    found = session.execute(
        select(
            TranslationRow.context,
            TranslationRow.source,
            TranslationRow.text,
            TranslationRow.status,
            TranslationRow.risk,
        ).where(
            TranslationRow.article_id == article_id,
            TranslationRow.language == language,
            TranslationRow.status != OBSOLETE,
        )
    )
    resolved: dict[Key, Translation] = {}
    for context, source, text, status, risk in found:
        fit = publishable(status, risk, max_risk) and text
        resolved[(context, source)] = Translation(text if fit else None, Status(status))
    return resolved


def headlines(
    session: Session, article_ids: list[int], language: str, max_risk: float = DEFAULT_MAX_RISK
) -> dict[int, dict[Key, Translation]]:
    """The headline and standfirst translations of several articles, for a list page."""
    found = session.execute(
        select(
            TranslationRow.article_id,
            TranslationRow.context,
            TranslationRow.source,
            TranslationRow.text,
            TranslationRow.status,
            TranslationRow.risk,
        ).where(
            TranslationRow.article_id.in_(article_ids),
            TranslationRow.language == language,
            TranslationRow.context.in_(("headline", "standfirst")),
            TranslationRow.status != OBSOLETE,
        )
    )
    resolved: dict[int, dict[Key, Translation]] = {i: {} for i in article_ids}
    for article_id, context, source, text, status, risk in found:
        fit = publishable(status, risk, max_risk) and text
        resolved[article_id][(context, source)] = Translation(text if fit else None, Status(status))
    return resolved
