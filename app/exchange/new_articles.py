"""A new article's rows: made where its folder is read, inserted by the one writer.

An import of many folders reads them in other processes while one process writes. For a slug
the store does not have yet there is nothing to compare or keep, so the reader hands over the
rows themselves — plain dicts, cheap to pickle, every translation already scored — and the
writer inserts them with one statement per table, one transaction per article. A slug taken
in the meantime (another writer) is written as any existing article is (``store_content``).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from app.content import repository as articles
from app.facts import repository as facts
from app.store.database import Database
from app.translation import catalogs

if TYPE_CHECKING:
    from app.exchange.folders import FolderContent


@dataclass(frozen=True)
class NewArticle:
    """A folder's content as the rows of an article the store does not have."""

    folder: Path
    slug: str
    fields: dict[str, Any]
    segments: list[dict[str, Any]]
    memories: list[tuple[str, dict[str, Any], list[dict[str, Any]]]]
    """(language, catalog header, scored rows) for each translation catalog."""
    facts: list[dict[str, Any]]


class SlugTaken(Exception):
    """The slug was stored by another writer after the import looked."""


def new_article(folder: Path, content: FolderContent) -> NewArticle:
    """The rows of *content*, read from *folder*."""
    article = content.article
    memories = []
    for language, catalog in content.catalogs.items():
        header, rows = catalogs.catalog_rows(catalog)
        memories.append((language, header, catalogs.scored(rows, article.language, language)))
    return NewArticle(
        folder=folder,
        slug=article.slug,
        fields=articles.article_fields(article, content.source),
        segments=articles.segment_rows(article),
        memories=memories,
        facts=facts.fact_rows(content.document),
    )


def insert_new(database: Database, new: NewArticle, actor: str, action: str) -> None:
    """Insert *new* in one transaction; raise SlugTaken (nothing written) if its slug exists."""
    with database.write() as session:
        article_id = articles.create(session, new.slug, new.fields, new.segments, actor, action)
        if article_id is None:
            raise SlugTaken(new.slug)  # rolls back the change number taken
        for language, header, rows in new.memories:
            catalogs.insert_catalog(session, article_id, language, header, rows)
        facts.insert_rows(session, article_id, new.facts)
