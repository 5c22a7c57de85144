"""The content store's tables: articles, their segments, translations, facts, revisions."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

#: Constraint names Alembic can find again on every engine.
NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(TypeDecorator[datetime]):
    """An aware datetime, stored in UTC and read back aware. SQLite keeps no offset: without
    this, 10:00+02:00 would be stored as 10:00 and compare wrongly with 09:00Z."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("a naive datetime has no place in the store")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class StoreState(Base):
    """One row: the sequence number of the last committed change, anywhere."""

    __tablename__ = "store_state"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    seq: Mapped[int] = mapped_column(BigInteger, default=0)


class ArticleRow(Base):
    """An article in its source language; ``version`` counts its changes, ``seq`` orders them
    among all changes (workers catch up on rows whose seq is newer than what they saw)."""

    __tablename__ = "articles"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    slug: Mapped[str] = mapped_column(String(200), unique=True)
    language: Mapped[str] = mapped_column(String(8))
    headline: Mapped[str] = mapped_column(Text)
    standfirst: Mapped[str] = mapped_column(Text)
    dateline: Mapped[str] = mapped_column(String(100))
    published: Mapped[date] = mapped_column(Date)
    """The day of publication, in the newsroom's time zone when the time is known."""
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    """When it was published, to the second; None: only the day is known (an honest date)."""
    modified_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    """When the item's current version was made (ninjs versioncreated, G2 versionCreated)."""
    embargo: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    """Readers see nothing of the article before this time."""
    uri: Mapped[str | None] = mapped_column(String(500), unique=True)
    """The agency item's identity (ninjs uri/guid, G2 guid, NewsML 1.2 PublicIdentifier)."""
    item_version: Mapped[int | None] = mapped_column(Integer)
    """The agency item's version: an older one never replaces a newer one."""
    publisher: Mapped[str | None] = mapped_column(String(200))
    credit: Mapped[str] = mapped_column(String(200))
    source: Mapped[bytes | None] = mapped_column(LargeBinary, deferred=True)
    """The wire copy as received (source.txt), byte for byte."""
    version: Mapped[int] = mapped_column(Integer, default=1)
    seq: Mapped[int] = mapped_column(BigInteger, index=True)
    created: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    updated: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    killed: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    """When the story was killed: from then on it is gone for readers (410), never back."""

    __table_args__ = (Index("ix_articles_published_slug", "published", "slug"),)


class SegmentRow(Base):
    """One translatable unit of an article, in reading order."""

    __tablename__ = "segments"
    article_id: Mapped[int] = mapped_column(
        ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True
    )
    position: Mapped[int] = mapped_column(Integer, primary_key=True)
    context: Mapped[str] = mapped_column(String(20))
    section: Mapped[int] = mapped_column(Integer)
    paragraph: Mapped[int] = mapped_column(Integer)
    """-1 for segments outside paragraphs (headline, heading, related…)."""
    text: Mapped[str] = mapped_column(Text)
    url: Mapped[str | None] = mapped_column(Text)
    """A related link's address."""


class CatalogRow(Base):
    """The header of one article's translation memory in one language (a PO catalog)."""

    __tablename__ = "catalogs"
    article_id: Mapped[int] = mapped_column(
        ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True
    )
    language: Mapped[str] = mapped_column(String(8), primary_key=True)
    header: Mapped[dict[str, Any]] = mapped_column(JSON)
    """Header comment and PO header fields, to write the catalog back as it was."""


class TranslationRow(Base):
    """One entry of the translation memory: a source segment and its text in a language."""

    __tablename__ = "translations"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id", ondelete="CASCADE"))
    language: Mapped[str] = mapped_column(String(8))
    position: Mapped[int] = mapped_column(Integer)
    context: Mapped[str | None] = mapped_column(String(20))
    source: Mapped[str] = mapped_column(Text)
    source_key: Mapped[str] = mapped_column(String(16))
    """A digest of ``source``, indexed: the translation memory finds a sentence by it."""
    text: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(12))
    """reviewed, machine, stale, untranslated — or obsolete (the source no longer has it)."""
    engine: Mapped[str | None] = mapped_column(String(100))
    model: Mapped[str | None] = mapped_column(String(100))
    model_version: Mapped[str | None] = mapped_column(String(40))
    translated: Mapped[str | None] = mapped_column(String(40))
    """When the engine produced it, as its note says (a date)."""
    reviewed_by: Mapped[str | None] = mapped_column(String(200))
    reviewed_at: Mapped[str | None] = mapped_column(String(40))
    previous_source: Mapped[str | None] = mapped_column(Text)
    """For a stale entry: the source text it translated."""
    comments: Mapped[list[str]] = mapped_column(JSON, default=list)
    """Translator comments kept as written (not the machine or review notes)."""
    risk: Mapped[float | None] = mapped_column(Float)
    """How likely the text is wrong (0..1, app/translation/risk.py), scored when stored."""

    __table_args__ = (
        Index("ix_translations_article_language", "article_id", "language"),
        Index("ix_translations_memory", "language", "source_key"),
        UniqueConstraint("article_id", "language", "position"),
    )


class FactRow(Base):
    """A typed fact or a timeline entry, in the shape of facts.yaml."""

    __tablename__ = "facts"
    article_id: Mapped[int] = mapped_column(
        ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True
    )
    kind: Mapped[str] = mapped_column(String(10), primary_key=True)
    """fact or timeline."""
    position: Mapped[int] = mapped_column(Integer, primary_key=True)
    data: Mapped[dict[str, Any]] = mapped_column(JSON)


class RevisionRow(Base):
    """Who changed what, when, and the versions before and after."""

    __tablename__ = "revisions"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id", ondelete="CASCADE"))
    version_before: Mapped[int] = mapped_column(Integer)
    version_after: Mapped[int] = mapped_column(Integer)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    actor: Mapped[str] = mapped_column(String(200))
    action: Mapped[str] = mapped_column(String(40))
    detail: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)

    __table_args__ = (Index("ix_revisions_article", "article_id", "id"),)


class TokenRow(Base):
    """An API token: its name, what it may do, and a digest of it (the token itself is shown
    once, when it is made, and never stored)."""

    __tablename__ = "tokens"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    digest: Mapped[str] = mapped_column(String(64), unique=True)
    """SHA-256 of the token, hex."""
    scopes: Mapped[str] = mapped_column(String(100))
    """Comma-separated, among publish, review, admin."""
    created: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    revoked: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
