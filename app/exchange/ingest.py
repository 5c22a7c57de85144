"""Stories into the store — wire copy (``depeche ingest``) or one agency item (the ingest API,
Superdesk's push) — as a new article or a new version, in one transaction each.

An item's identity (its uri) and version decide what it is: the same version again changes
nothing, an older one after a newer one changes nothing either, a newer one is a correction of
the same article. Wire copy without a uri is known by its slug, as it always was.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Literal
from zoneinfo import ZoneInfo

from sqlalchemy import update
from sqlalchemy.orm import Session

from app.content import repository as articles
from app.content.ingest import Ingested, IngestError, ingest
from app.content.model import Article
from app.content.slugs import derive_slug, distinct_slug
from app.exchange.formats import FormatError, WireItem, published_time
from app.facts import repository as facts
from app.facts.document import build_facts
from app.i18n.locales import SUPPORTED_LANGUAGES, lookup
from app.store.database import Database
from app.store.models import ArticleRow, StoreState
from app.translation import catalogs
from app.translation.edition import Edition
from app.translation.workflow import update_catalog

Outcome = Literal["created", "corrected", "unchanged", "older", "killed"]

#: Where each format keeps the item's language, to name it in an error.
LANGUAGE_FIELDS = {
    "text": "language",
    "ninjs-1": "/language",
    "ninjs-2": "/language",
    "ninjs-3": "/language",
    "newsml-g2": "newsItem/contentMeta/language/@tag",
    "newsml-1.2": "NewsML/NewsItem/NewsComponent/DescriptiveMetadata/Language/@FormalName",
}
#: A published value that is a day, with no time of day.
_DAY = re.compile(r"\d{4}-?\d{2}-?\d{2}")


class Refused(ValueError):
    """The item cannot be stored: an HTTP *status*, the *field* at fault, and what to say."""

    def __init__(
        self, status: int, field: str, detail: str, extra: dict[str, Any] | None = None
    ) -> None:
        super().__init__(f"{field}: {detail}")
        self.status = status
        self.field = field
        self.detail = detail
        self.extra = extra or {}


@dataclass(frozen=True)
class Editorial:
    """What the request says beside the item: the query parameters of the ingest API."""

    slug: str | None = None
    headline: str | None = None
    standfirst: str | None = None
    dateline: str | None = None
    published: str | None = None
    """A day (2023-10-02) or an ISO datetime with offset."""
    language: str | None = None
    publisher: str | None = None
    embargo: datetime | None = None


@dataclass(frozen=True)
class IngestResult:
    ingested: Ingested | None
    changed: bool
    dropped_facts: tuple[str, ...]
    """Facts whose quote the new text no longer has (they are removed, not left unproven)."""
    outcome: Outcome = "created"
    slug: str = ""
    version: int = 0
    """The article's version in the store after this item."""
    item_version: int | None = None
    embargo: datetime | None = None
    translation: dict[str, dict[str, Any]] = field(default_factory=dict)
    """Per language: complete or not, and the segments by status."""


def _prune_facts(session: Session, row: ArticleRow, article: Article) -> tuple[list[str], bool]:
    """Drop facts whose quote the new text lacks; return their ids and whether any changed."""
    document = facts.load_document(session, row.id)
    if document is None:
        return [], False
    text = [s.text for s in article.segments()]
    kept = {
        key: [item for item in document[key] if any(item["quote"] in t for t in text)]
        for key in ("facts", "timeline")
    }
    dropped = [f["id"] for f in document["facts"] if f not in kept["facts"]]
    dropped += [
        f"timeline.{i}" for i, e in enumerate(document["timeline"]) if e not in kept["timeline"]
    ]
    return dropped, facts.save_document(session, row.id, kept)


def translation_status(session: Session, row: ArticleRow, article: Article) -> dict[str, Any]:
    """Each language's edition of *article* as stored now: complete, and counts by status."""
    status: dict[str, Any] = {}
    for language in SUPPORTED_LANGUAGES:
        memory = catalogs.translations(session, row.id, language)
        edition = Edition(article, language, memory if language != article.language else {})
        status[language] = {"complete": edition.complete, "counts": edition.counts()}
    return status


def store_ingested(
    session: Session,
    ingested: Ingested,
    identity: dict[str, Any],
    outcome: Outcome,
    actor: str = "ingest",
) -> IngestResult:
    """Write *ingested* with its identity (uri, item version, embargo) and record the change,
    as *actor* (the token's name). A correction's translations follow the new text: those of
    changed segments become stale, unchanged ones keep theirs."""
    row, changed = articles.save(session, ingested.article, ingested.source)
    dropped, facts_changed = _prune_facts(session, row, ingested.article)
    if changed and outcome == "corrected":
        _follow_text(session, row, ingested.article)
    for name, value in identity.items():
        if getattr(row, name) != value:
            setattr(row, name, value)
            changed = True
    changed = changed or facts_changed
    if changed:
        articles.record(session, row, actor, "ingest", {"dropped_facts": dropped})
    elif outcome == "corrected":
        outcome = "unchanged"
    return IngestResult(
        ingested,
        changed,
        tuple(dropped),
        outcome,
        row.slug,
        row.version,
        row.item_version,
        row.embargo,
        translation_status(session, row, ingested.article),
    )


def _follow_text(session: Session, row: ArticleRow, article: Article) -> None:
    """Merge each stored translation memory with the corrected article (``update_catalog``):
    a changed segment's translation turns stale (kept as a draft for the desk), a new one is
    untranslated, a segment no longer in the text obsolete; unchanged segments keep theirs."""
    document = facts.load_document(session, row.id)
    extra = build_facts(document, article, row.slug).segments() if document else ()
    for language in SUPPORTED_LANGUAGES:
        catalog = catalogs.load_catalog(session, row.id, language)
        if language != article.language and catalog is not None:
            merged = update_catalog(catalog, article, language, extra)
            catalogs.save_catalog(session, row.id, language, merged)


def write_first(session: Session) -> None:
    """Take the store's write lock before reading anything. Two publishers that both read,
    then write, would race: SQLite refuses the second writer at once ("database is locked",
    its snapshot is stale) and two new items could both find their uri free. A no-op write
    to the one-row change counter makes each writer wait for the one before (busy timeout
    on SQLite, a row lock on PostgreSQL), then read what it committed."""
    session.execute(update(StoreState).where(StoreState.id == 1).values(seq=StoreState.seq))


def ingest_wire(
    database: Database, raw: bytes, slug: str, embargo: datetime | None = None, **fields: Any
) -> IngestResult:
    """Ingest wire copy *raw* as article *slug*, in one transaction (``depeche ingest``)."""
    with database.write() as session:
        write_first(session)
        row = articles.find(session, slug)
        existing = articles.load(session, row) if row is not None else None
        ingested = ingest(raw, slug, existing, **fields)
        identity = {"embargo": embargo} if embargo is not None or row is None else {}
        return store_ingested(
            session, ingested, identity, "created" if row is None else "corrected"
        )


def item_language(item: WireItem, given: str | None) -> str:
    """The item's language among ours, by RFC 4647 lookup (en-GB → en); else the request's."""
    tag, where = item.language, LANGUAGE_FIELDS.get(item.format, "language")
    if tag is None:
        tag, where = given, "language"
    supported = {"supported": list(SUPPORTED_LANGUAGES)}
    if tag is None:
        raise Refused(
            422,
            "language",
            "the item names no language: give ?language= "
            f"(one of {', '.join(SUPPORTED_LANGUAGES)})",
            supported,
        )
    found = lookup(tag.strip())
    if found is None:
        raise Refused(
            422,
            where,
            f"{tag[:40]!r} is not a language we publish ({', '.join(SUPPORTED_LANGUAGES)})",
            supported,
        )
    return found


def item_times(
    item: WireItem, given: str | None, zone: ZoneInfo
) -> tuple[date, datetime | None, datetime | None]:
    """(day in the newsroom's zone, exact publication time or None, time of this version)."""
    published = item.firstcreated or item.versioncreated
    if published is None and given is not None:
        if _DAY.fullmatch(given.strip()):
            day = published_time(given).date()  # a day only: no made-up time of day
            return day, None, item.versioncreated
        published = published_time(given)
    if published is None:
        raise Refused(422, "published", "the item has no time: give ?published= (a date or time)")
    return published.astimezone(zone).date(), published, item.versioncreated


def _newer(item: WireItem, row: ArticleRow) -> int:
    """1 when *item* is newer than what *row* holds, 0 when the same, -1 when older."""
    if item.version is not None and row.item_version is not None:
        return (item.version > row.item_version) - (item.version < row.item_version)
    if item.versioncreated is not None and row.modified_at is not None:
        return (item.versioncreated > row.modified_at) - (item.versioncreated < row.modified_at)
    return 0 if item.source == row.source else 1


def _slug_for(session: Session, item: WireItem, wanted: str | None, derived: str) -> str:
    """A slug no other item holds: the one asked for, else the derived one (with a suffix
    when another item has it)."""
    slug = wanted or derived
    holder = articles.find(session, slug)
    if holder is None or (item.uri is None and holder.uri is None):
        return slug
    if wanted is not None or item.uri is None:
        raise Refused(409, "slug", f"{slug!r} is another item's article")
    suffixed = distinct_slug(slug, item.uri)
    if articles.find(session, suffixed) is not None:
        raise Refused(409, "slug", f"{slug!r} and {suffixed!r} are other items' articles")
    return suffixed


def ingest_item(
    database: Database, item: WireItem, editorial: Editorial, zone: ZoneInfo, actor: str = "ingest"
) -> IngestResult:
    """Store one agency item (or wire copy) as an article, in one transaction; Refused when
    it cannot be, and then nothing is written."""
    if item.pubstatus == "canceled":
        return _kill_item(database, item, actor)
    language = item_language(item, editorial.language)
    day, published_at, modified_at = item_times(item, editorial.published, zone)
    headline = item.headline or editorial.headline
    if headline is None:
        raise Refused(422, "headline", "the item has no headline: give ?headline=")
    fields = {
        "headline": headline,
        "standfirst": item.standfirst or editorial.standfirst,
        "dateline": (item.dateline or "").rstrip(" -–—") or editorial.dateline,
        "published": day,
        "language": language,
        "publisher": editorial.publisher,
    }
    embargo = item.embargoed or editorial.embargo
    derived = derive_slug(headline, day)

    def build(slug: str, existing: Article | None) -> Ingested:
        try:
            return ingest(
                item.source,
                slug,
                existing,
                story=item.story,
                published_at=published_at,
                modified_at=modified_at,
                **fields,
            )
        except IngestError as error:
            raise Refused(422, error.field, str(error)) from error

    # A new article is built before the write lock is taken (segmenting is most of the work),
    # so that concurrent publishers wait for each other's writes only.
    guess = editorial.slug or derived
    try:
        prepared: Ingested | Refused = build(guess, None)
    except Refused as refused:
        prepared = refused  # a correction may still have what it lacks from the stored one
    with database.write() as session:
        write_first(session)
        row = articles.find_item(session, item.uri) if item.uri is not None else None
        if row is None:
            slug = _slug_for(session, item, editorial.slug, derived)
            row = articles.find(session, slug)
        elif (order := _newer(item, row)) <= 0:
            return IngestResult(
                None,
                False,
                (),
                "unchanged" if order == 0 else "older",
                row.slug,
                row.version,
                row.item_version,
                row.embargo,
                translation_status(session, row, articles.load(session, row)),
            )
        existing = articles.load(session, row) if row is not None else None
        slug = row.slug if row is not None else slug
        if row is not None and embargo is None:
            embargo = row.embargo  # a correction that says nothing keeps the embargo
        if row is None and slug == guess:
            if isinstance(prepared, Refused):
                raise prepared
            ingested = prepared
        else:
            ingested = build(slug, existing)
        identity = {"uri": item.uri, "item_version": item.version, "embargo": embargo}
        outcome: Outcome = "created" if row is None else "corrected"
        return store_ingested(session, ingested, identity, outcome, actor)


def _kill_item(database: Database, item: WireItem, actor: str) -> IngestResult:
    """A canceled item is the agency's kill: the article it names is killed (410 for readers
    from now on); again, nothing changes."""
    if item.uri is None:
        raise Refused(422, "pubstatus", "a canceled item must name the item it cancels (its uri)")
    with database.write() as session:
        write_first(session)
        row = articles.find_item(session, item.uri)
        if row is None:
            raise Refused(404, "uri", f"no article holds the item {item.uri!r}")
        changed = row.killed is None
        if changed:
            articles.kill(session, row, actor)
        return IngestResult(
            None, changed, (), "killed", row.slug, row.version, row.item_version, row.embargo
        )


def refused_format(error: FormatError) -> Refused:
    """A format's error as the ingest answers it."""
    return Refused(error.status, error.field, error.detail)
