"""An article's rows in the store: write one, read one, list a page of them, record changes."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any, cast

from sqlalchemy import ColumnElement, Table, delete, func, insert, or_, select, tuple_
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from app.content.model import Article, Paragraph, RelatedLink, Section, Segment
from app.store.database import Database
from app.store.models import ArticleRow, RevisionRow, SegmentRow

_OUTSIDE = -1  # paragraph index of segments that are not in a paragraph


def segment_rows(article: Article) -> list[dict[str, Any]]:
    """The article's segments as rows, in reading order."""
    rows: list[dict[str, Any]] = []

    def add(
        segment: Segment, section: int = _OUTSIDE, paragraph: int = _OUTSIDE, url: str | None = None
    ) -> None:
        rows.append(
            {
                "position": len(rows),
                "context": segment.context,
                "section": section,
                "paragraph": paragraph,
                "text": segment.text,
                "url": url,
            }
        )

    add(article.headline)
    add(article.standfirst)
    for s, section in enumerate(article.sections):
        if section.heading is not None:
            add(section.heading, s)
        for p, paragraph in enumerate(section.paragraphs):
            for sentence in paragraph.sentences:
                add(sentence, s, p)
    for link in article.related:
        add(link.title, url=link.url)
    return rows


def visible(now: datetime) -> ColumnElement[bool]:
    """The condition "readers may see this article at *now*": no embargo, or one passed.
    Every read on a reader's behalf (an article, its version, lists, feeds) uses it."""
    return or_(ArticleRow.embargo.is_(None), ArticleRow.embargo <= now)


def next_lift(session: Session, now: datetime) -> datetime | None:
    """The first embargo still to lift after *now* (readers' lists change then)."""
    found: datetime | None = session.execute(
        select(ArticleRow.embargo).where(ArticleRow.embargo > now).order_by(ArticleRow.embargo)
    ).scalar()
    return found


def last_lift(session: Session, now: datetime) -> datetime | None:
    """The latest embargo lifted by *now*: a list shown at *now* depends on it."""
    found: datetime | None = session.execute(
        select(ArticleRow.embargo)
        .where(ArticleRow.embargo <= now)
        .order_by(ArticleRow.embargo.desc())
    ).scalar()
    return found


def article_fields(article: Article, source: bytes | None) -> dict[str, Any]:
    """The article row's columns that come from the article and its wire copy."""
    # Times only when the article has them: a folder import (which has only the day) keeps
    # the exact times an agency item gave.
    times = {
        name: value
        for name, value in (
            ("published_at", article.published_at),
            ("modified_at", article.modified_at),
        )
        if value is not None
    }
    return {
        **times,
        "language": article.language,
        "headline": article.headline.text,
        "standfirst": article.standfirst.text,
        "dateline": article.dateline,
        "published": article.published,
        "publisher": article.publisher,
        "credit": article.credit,
        "source": source,
    }


def article_from_rows(row: ArticleRow, segments: Sequence[SegmentRow]) -> Article:
    """Rebuild the immutable Article from its rows."""
    sections: list[tuple[Segment | None, list[list[Segment]]]] = []
    related: list[RelatedLink] = []
    for seg in segments:
        if seg.context == "related":
            related.append(RelatedLink(Segment("related", seg.text), seg.url))
            continue
        if seg.section < 0:
            continue  # headline and standfirst live on the article row
        while len(sections) <= seg.section:
            sections.append((None, []))
        heading, paragraphs = sections[seg.section]
        if seg.context == "heading":
            sections[seg.section] = (Segment("heading", seg.text), paragraphs)
            continue
        while len(paragraphs) <= seg.paragraph:
            paragraphs.append([])
        paragraphs[seg.paragraph].append(Segment("body", seg.text))
    return Article(
        slug=row.slug,
        language=row.language,
        headline=Segment("headline", row.headline),
        standfirst=Segment("standfirst", row.standfirst),
        dateline=row.dateline,
        published=row.published,
        credit=row.credit,
        sections=tuple(
            Section(heading, tuple(Paragraph(tuple(p)) for p in paragraphs))
            for heading, paragraphs in sections
        ),
        related=tuple(related),
        publisher=row.publisher,
        published_at=row.published_at,
        modified_at=row.modified_at,
        version=row.version,
    )


def find(session: Session, slug: str, visible_at: datetime | None = None) -> ArticleRow | None:
    """Article *slug*; with *visible_at*, only if readers may see it then (``visible``)."""
    query = select(ArticleRow).where(ArticleRow.slug == slug)
    if visible_at is not None:
        query = query.where(visible(visible_at))
    return session.execute(query).scalar_one_or_none()


def find_item(session: Session, uri: str) -> ArticleRow | None:
    """The article made from the agency item *uri*, if any."""
    return session.execute(select(ArticleRow).where(ArticleRow.uri == uri)).scalar_one_or_none()


def load(session: Session, row: ArticleRow) -> Article:
    segments = session.execute(
        select(SegmentRow).where(SegmentRow.article_id == row.id).order_by(SegmentRow.position)
    ).scalars()
    return article_from_rows(row, list(segments))


def save(session: Session, article: Article, source: bytes | None) -> tuple[ArticleRow, bool]:
    """Insert or update *article*; return its row and whether anything changed. The caller
    records the change (``record``) once everything else of the article is written."""
    row = find(session, article.slug)
    fields = article_fields(article, source)
    wanted = segment_rows(article)
    if row is None:
        now = datetime.now(UTC)
        row = ArticleRow(slug=article.slug, version=0, seq=0, created=now, updated=now, **fields)
        session.add(row)
        session.flush()
        changed = True
    else:
        if source is None:
            fields["source"] = row.source  # an import without source.txt keeps the stored one
        changed = any(getattr(row, name) != value for name, value in fields.items())
        for name, value in fields.items():
            setattr(row, name, value)
        stored = session.execute(
            select(SegmentRow).where(SegmentRow.article_id == row.id).order_by(SegmentRow.position)
        ).scalars()
        have = [_plain(s) for s in stored]
        if have == wanted and not changed:
            return row, False
        changed = changed or have != wanted
        session.execute(delete(SegmentRow).where(SegmentRow.article_id == row.id))
    # Core's executemany, not one ORM object per row: an article has dozens of segments.
    session.execute(
        insert(cast(Table, SegmentRow.__table__)), [{"article_id": row.id, **seg} for seg in wanted]
    )
    return row, changed


def create(
    session: Session,
    slug: str,
    fields: dict[str, Any],
    segments: list[dict[str, Any]],
    actor: str,
    action: str,
) -> int | None:
    """Insert a new article at version 1 with its segments and first revision, in a few
    statements and no ORM objects (an import writes hundreds a second); return its id, or
    None when *slug* is taken (nothing inserted: the caller rolls back its change number)."""
    now = datetime.now(UTC)
    seq = Database.next_seq(session)
    article = {**fields, "slug": slug, "version": 1, "seq": seq, "created": now, "updated": now}
    article_id: int | None = session.execute(_insert_new(session), article).scalar()
    if article_id is None:
        return None
    session.execute(
        _table(SegmentRow).insert(), [{"article_id": article_id, **s} for s in segments]
    )
    revision = {"version_before": 0, "version_after": 1, "at": now, "detail": {}}
    session.execute(
        _table(RevisionRow).insert(),
        {"article_id": article_id, "actor": actor, "action": action, **revision},
    )
    return article_id


def _insert_new(session: Session) -> Any:
    """INSERT … ON CONFLICT (slug) DO NOTHING RETURNING id, as the engine spells it."""
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    statement = dialect.insert(_table(ArticleRow)).on_conflict_do_nothing(index_elements=["slug"])
    return statement.returning(ArticleRow.id)


def _table(model: type[Any]) -> Table:
    return cast(Table, model.__table__)


def _plain(segment: SegmentRow) -> dict[str, Any]:
    return {
        "position": segment.position,
        "context": segment.context,
        "section": segment.section,
        "paragraph": segment.paragraph,
        "text": segment.text,
        "url": segment.url,
    }


def record(
    session: Session, row: ArticleRow, actor: str, action: str, detail: dict[str, Any] | None = None
) -> None:
    """Give the article its next version and the store its next change number, with history."""
    before = row.version
    row.version = before + 1
    row.seq = Database.next_seq(session)
    row.updated = datetime.now(UTC)
    session.add(
        RevisionRow(
            article_id=row.id,
            version_before=before,
            version_after=row.version,
            at=row.updated,
            actor=actor,
            action=action,
            detail=detail or {},
        )
    )


def not_killed() -> ColumnElement[bool]:
    """The condition every list readers see puts on articles: not killed."""
    return ArticleRow.killed.is_(None)


def kill(session: Session, row: ArticleRow, actor: str) -> None:
    """Kill the story: gone for readers from this version on (never undone)."""
    row.killed = datetime.now(UTC)
    record(session, row, actor, "kill", {"killed": row.killed.isoformat()})


@dataclass(frozen=True)
class Cursor:
    """Where a page of the newest-first list starts: after this (published, slug)."""

    published: date
    slug: str


def page(
    session: Session,
    limit: int,
    after: Cursor | None = None,
    language: str | None = None,
    since: date | None = None,
    visible_at: datetime | None = None,
) -> list[ArticleRow]:
    """Up to *limit* articles, newest first (published, then slug), after *after*; only those
    written in *language*, published on or after *since*, visible to readers at *visible_at*
    when they are given."""
    query = select(ArticleRow).where(not_killed())
    query = query.order_by(ArticleRow.published.desc(), ArticleRow.slug.desc())
    if visible_at is not None:
        query = query.where(visible(visible_at))
    if after is not None:
        query = query.where(
            tuple_(ArticleRow.published, ArticleRow.slug) < tuple_(after.published, after.slug)
        )
    if language is not None:
        query = query.where(ArticleRow.language == language)
    if since is not None:
        query = query.where(ArticleRow.published >= since)
    return list(session.execute(query.limit(limit)).scalars())


def published(
    session: Session,
    limit: int,
    now: datetime,
    after: Cursor | None = None,
    since: date | None = None,
    ids: tuple[int, int] | None = None,
) -> list[ArticleRow]:
    """Up to *limit* articles readers may be offered in a list — newest first (published, then
    slug) after *after* and on or after *since*; or, with *ids* (first, last), those whose id
    is in that range, in id order (a stable split of the whole archive).

    Feeds, sitemaps and the news sitemap are all built from this one query, so what keeps an
    article out of every list (an embargo until *now*, a kill) is a filter here."""
    query = select(ArticleRow).where(not_killed(), visible(now))
    if ids is not None:
        query = query.where(ArticleRow.id.between(*ids)).order_by(ArticleRow.id)
    else:
        query = query.order_by(ArticleRow.published.desc(), ArticleRow.slug.desc())
    if after is not None:
        query = query.where(
            tuple_(ArticleRow.published, ArticleRow.slug) < tuple_(after.published, after.slug)
        )
    if since is not None:
        query = query.where(ArticleRow.published >= since)
    return list(session.execute(query.limit(limit)).scalars())


def last_id(session: Session) -> int:
    """The highest article id (0 for an empty store): how far the archive's id ranges go."""
    found = session.execute(select(func.max(ArticleRow.id))).scalar_one_or_none()
    return int(found or 0)
