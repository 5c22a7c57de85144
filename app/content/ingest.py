"""Turn wire copy into an article: the copy as received, and the structured article.

Deterministic: the same wire copy and editorial fields always give the same article.
Editorial fields that wire copy lacks (headline, standfirst, dateline, date, publisher) come
from the caller, or from the article already stored, so re-ingesting keeps an editor's work.
Agency items in other formats (app/exchange/formats) give their own story and fields to the
same ``build_article``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import date, datetime
from pathlib import Path
from typing import Any

from app.content.folder import ContentError, dump_yaml, parse_article
from app.content.model import Article
from app.content.wire import WireStory, parse_wire

EDITORIAL_FIELDS = ("headline", "standfirst", "dateline", "published", "language", "publisher")
#: "slug/article.md: headline: Longer than maximum length 300." → "headline".
_FIELD_OF_ERROR = re.compile(r"^[^:]*: (?P<field>[\w.]+): ")


class IngestError(ValueError):
    """The wire copy or the editorial fields cannot make an article; *field* names the one
    at fault (an editorial field, "body", "credit") when it is known."""

    def __init__(self, message: str, field: str = "body") -> None:
        super().__init__(message)
        self.field = field


@dataclass(frozen=True)
class Ingested:
    article: Article
    source: bytes
    """The wire copy, byte for byte."""
    story: WireStory


def editorial_fields(article: Article) -> dict[str, Any]:
    """The editorial fields of an article already stored."""
    fields: dict[str, Any] = {
        "headline": article.headline.text,
        "standfirst": article.standfirst.text,
        "dateline": article.dateline,
        "published": article.published,
        "language": article.language,
    }
    if article.publisher:
        fields["publisher"] = article.publisher
    return fields


def render_article(slug: str, story: WireStory, fields: dict[str, Any]) -> str:
    """Render the article as Markdown with YAML front matter."""
    missing = [
        key for key in ("headline", "standfirst", "dateline", "published") if not fields.get(key)
    ]
    if missing:
        raise IngestError(f"{slug}: missing editorial field(s): {', '.join(missing)}", missing[0])
    if story.agency is None:
        raise IngestError(f"{slug}: no credit line (e.g. 'With AFP') in the wire copy", "credit")
    publisher = fields.get("publisher")
    meta: dict[str, Any] = {
        "slug": slug,
        "headline": fields["headline"],
        "standfirst": fields["standfirst"],
        "dateline": fields["dateline"],
        "published": date.fromisoformat(str(fields["published"])),
        "language": fields.get("language", "en"),
        "publisher": publisher,
        "credit": f"{story.agency} / {publisher}" if publisher else story.agency,
        "related": [{"title": title} for title in story.related],
    }
    if publisher is None:
        del meta["publisher"]
    body = "\n\n".join(f"## {text}" if kind == "heading" else text for kind, text in story.blocks)
    return f"---\n{dump_yaml(meta)}---\n\n{body}\n"


def build_article(
    slug: str,
    story: WireStory,
    fields: dict[str, Any],
    published_at: datetime | None = None,
    modified_at: datetime | None = None,
) -> Article:
    """The article *slug* from a story and its editorial fields, validated as an import is;
    *published_at* and *modified_at* are the exact times, when known (aware)."""
    try:
        article = parse_article(render_article(slug, story, fields), Path(f"{slug}/article.md"))
    except ContentError as error:
        found = _FIELD_OF_ERROR.match(str(error))
        raise IngestError(str(error), found.group("field") if found else "body") from error
    return replace(article, published_at=published_at, modified_at=modified_at)


def ingest(
    raw: bytes,
    slug: str,
    existing: Article | None = None,
    story: WireStory | None = None,
    published_at: datetime | None = None,
    modified_at: datetime | None = None,
    **fields: Any,
) -> Ingested:
    """Make article *slug* from wire copy *raw* (or the *story* already read from it); fields
    not given come from *existing*."""
    if story is None:
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as error:
            raise IngestError(f"{slug}: the wire copy is not UTF-8 ({error})", "charset") from error
        story = parse_wire(text)
    given = {key: value for key, value in fields.items() if value is not None}
    merged = {**(editorial_fields(existing) if existing else {}), **given}
    if existing is not None and published_at is None and "published" not in given:
        published_at = existing.published_at  # the stored time stays with the stored day
    article = build_article(slug, story, merged, published_at, modified_at)
    return Ingested(article, raw, story)
