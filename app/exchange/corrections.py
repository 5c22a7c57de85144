"""A person's correction of a stored article: any ingest format, made against the version
they saw (``PUT /api/v1/articles/<slug>`` with ``If-Match``), whatever the item's own version."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from app.content import repository as articles
from app.content.ingest import IngestError, ingest
from app.exchange.formats import WireItem
from app.exchange.ingest import (
    Editorial,
    IngestResult,
    Refused,
    item_language,
    item_times,
    store_ingested,
    write_first,
)
from app.store.database import Database


class Conflict(Exception):
    """The article changed since the version the correction was made against (412)."""


def correct_item(
    database: Database,
    slug: str,
    seen: int,
    item: WireItem,
    editorial: Editorial,
    zone: ZoneInfo,
    actor: str,
) -> IngestResult:
    """Correct article *slug* with *item* (any format), as a person does: against the change
    number *seen* (the one its ETag was of), whatever the item's version says. Conflict when
    the article changed since; Refused when the item cannot be used or is another article's."""
    if item.pubstatus == "canceled":
        raise Refused(422, "pubstatus", "a kill is DELETE /api/v1/articles/<slug>")
    with database.write() as session:
        write_first(session)
        row = articles.find(session, slug)
        if row is None:
            raise Refused(404, "slug", f"no article {slug!r}")
        if row.seq != seen:
            raise Conflict(slug)
        if item.uri is not None:
            holder = articles.find_item(session, item.uri)
            if holder is not None and holder.id != row.id:
                raise Refused(409, "uri", f"the item {item.uri!r} is the article {holder.slug!r}")
        existing = articles.load(session, row)
        language = item_language(item, editorial.language or existing.language)
        day, published_at, modified_at = item_times(
            item, editorial.published or existing.published.isoformat(), zone
        )
        headline = item.headline or editorial.headline
        fields = {
            key: value
            for key, value in {
                "headline": headline,
                "standfirst": item.standfirst or editorial.standfirst,
                "dateline": (item.dateline or "").rstrip(" -–—") or editorial.dateline,
                "published": day,
                "language": language,
                "publisher": editorial.publisher,
            }.items()
            if value
        }
        try:
            ingested = ingest(
                item.source,
                slug,
                existing,
                story=item.story,
                published_at=published_at or row.published_at,
                modified_at=modified_at or existing.modified_at,
                **fields,
            )
        except IngestError as error:
            raise Refused(422, error.field, str(error)) from error
        if modified_at is None and replace(ingested.article, version=existing.version) != existing:
            # The text changed and the item gives no time for it: the correction's own.
            now = datetime.now(UTC)
            ingested = replace(ingested, article=replace(ingested.article, modified_at=now))
        identity = {
            "uri": item.uri or row.uri,
            "item_version": item.version if item.version is not None else row.item_version,
            "embargo": editorial.embargo or item.embargoed or row.embargo,
        }
        return store_ingested(session, ingested, identity, "corrected", actor)
