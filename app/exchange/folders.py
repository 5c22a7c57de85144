"""``depeche import`` / ``export``: article folders in and out of the store.

Import is idempotent and atomic per article: a folder is read and validated whole before
anything is written, then written in one transaction; the same folder twice changes nothing.
Export writes the one canonical form, so import → export of a canonical folder gives it back
byte for byte.
"""

from __future__ import annotations

import gc
import io
import os
import threading
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from multiprocessing import get_context
from multiprocessing.context import BaseContext
from pathlib import Path
from typing import Any

from babel.messages.catalog import Catalog
from babel.messages.pofile import write_po
from sqlalchemy import select

from app.content import repository as articles
from app.content.folder import ContentError, load_article, read_bytes, render_markdown
from app.content.model import Article
from app.exchange.new_articles import NewArticle, SlugTaken, insert_new, new_article
from app.facts import repository as facts
from app.facts.document import build_facts, read_document, render_document
from app.fsutil import write_atomically
from app.i18n.locales import SUPPORTED_LANGUAGES
from app.store.database import Database
from app.store.models import ArticleRow
from app.translation import catalogs
from app.translation.memory import MACHINE_COMMENT, CatalogError, Status, parse_catalog


@dataclass(frozen=True)
class FolderContent:
    """Everything an article folder holds, validated."""

    article: Article
    source: bytes | None
    document: dict[str, Any] | None
    catalogs: dict[str, Catalog]


def article_folders(root: Path) -> list[Path]:
    """The article folders of a data root (``<root>/articles/<slug>/``), by slug."""
    folder = root / "articles"
    if not folder.is_dir():
        raise ContentError(f"{folder}: not a directory")
    return sorted(p for p in folder.iterdir() if p.is_dir() and not p.name.startswith("."))


def read_folder(folder: Path, root: Path | None = None) -> FolderContent:
    """Read and validate one article folder; raise ContentError/CatalogError naming the file."""
    article = load_article(folder, root)
    source_path, facts_path = folder / "source.txt", folder / "facts.yaml"
    source = read_bytes(source_path, root) if source_path.exists() else None
    document = read_document(facts_path, root) if facts_path.exists() else None
    if document is not None:
        build_facts(document, article, str(facts_path))  # every quote is in the text
    found: dict[str, Catalog] = {}
    for language in SUPPORTED_LANGUAGES:
        path = folder / f"{language}.po"
        if language != article.language and path.exists():
            found[language] = parse_catalog(read_bytes(path, root), language, str(path))
    return FolderContent(article, source, document, found)


def _keep_review_history(catalog: Catalog, stored: list[dict[str, Any]]) -> None:
    """What a translator's PO tool cannot say: an edited machine translation is now reviewed
    work, and reviewed entries left alone keep their reviewer (not the file's last one)."""
    before = {(r["context"], r["source"]): r for r in stored}
    header = catalogs.header_of(catalog)
    signed = (header["last_translator"], header["revised"])
    for message in catalog:
        old = before.get((message.context, str(message.id)))
        if not message.id or old is None:
            continue
        machine = any(c.startswith(MACHINE_COMMENT) for c in message.user_comments)
        if machine and old["status"] == Status.MACHINE and message.string != old["text"]:
            message.user_comments = [
                c for c in message.user_comments if not c.startswith(MACHINE_COMMENT)
            ]
        elif (
            not machine
            and not message.fuzzy
            and old["status"] == Status.REVIEWED
            and message.string == old["text"]
            and old["reviewed_by"] is not None
            and (old["reviewed_by"], old["reviewed_at"]) != signed
            and not any(c.startswith(catalogs.REVIEW_NOTE) for c in message.user_comments)
        ):
            message.user_comments.append(
                f"{catalogs.REVIEW_NOTE} {old['reviewed_at']} by {old['reviewed_by']}"
            )


def store_content(
    database: Database, content: FolderContent, actor: str, action: str
) -> tuple[ArticleRow, bool]:
    """Write one article's content in one transaction; return its row and whether it changed."""
    with database.write() as session:
        row, changed = articles.save(session, content.article, content.source)
        new = row.version == 0  # nothing stored before: nothing to compare or keep
        for language, catalog in content.catalogs.items():
            if not new:
                _keep_review_history(catalog, catalogs.stored_rows(session, row.id, language))
            saved = catalogs.save_catalog(session, row.id, language, catalog, new=new)
            changed = saved or changed
        changed = facts.save_document(session, row.id, content.document, new=new) or changed
        if changed:
            articles.record(session, row, actor, action)
    return row, changed


def import_folder(database: Database, folder: Path, root: Path | None = None) -> bool:
    """Import one folder; return whether the store changed."""
    return store_content(database, read_folder(folder, root), "import", "import")[1]


def export_article(database: Database, slug: str, root: Path) -> Path:
    """Write article *slug* as ``<root>/articles/<slug>/`` in the canonical form."""
    with database.read() as session:
        row = articles.find(session, slug)
        if row is None:
            raise ContentError(f"no article {slug!r} in the store")
        article = articles.load(session, row)
        source = row.source
        document = facts.load_document(session, row.id)
        found = {
            language: catalogs.load_catalog(session, row.id, language)
            for language in SUPPORTED_LANGUAGES
        }
    folder = root / "articles" / slug
    write_atomically(folder / "article.md", render_markdown(article).encode())
    if source is not None:
        write_atomically(folder / "source.txt", source)
    if document is not None:
        write_atomically(folder / "facts.yaml", render_document(document).encode())
    for language, catalog in found.items():
        if catalog is not None:
            buffer = io.BytesIO()
            write_po(buffer, catalog, width=0, include_previous=True)
            write_atomically(folder / f"{language}.po", buffer.getvalue())
    return folder


def stored_slugs(database: Database) -> list[str]:
    """Every article's slug, in slug order."""
    with database.read() as session:
        return list(session.execute(select(ArticleRow.slug).order_by(ArticleRow.slug)).scalars())


#: Folders read in other processes when an import has at least this many (reading — YAML,
#: PO, segmentation, validation, scoring — is most of an import's time; writing stays in one
#: process).
PARALLEL_FROM = 64

Read = NewArticle | FolderContent | str
"""What the writer gets for a folder: a new article's rows, the content of one the store has
(to compare with what is stored), or the error that refuses the folder."""


def _read(job: tuple[Path, Path, bool]) -> Read:
    folder, root, stored = job
    try:
        content = read_folder(folder, root)
    except (ContentError, CatalogError) as error:
        return str(error)
    return content if stored else new_article(folder, content)


def read_folders(folders: list[Path], root: Path, stored: set[str] | None = None) -> Iterator[Read]:
    """Each folder, read (``Read``), in order; by every core when there are many. A folder
    named for a slug in *stored* is read for comparison, any other as a new article."""
    jobs = [(folder, root, folder.name in (stored or ())) for folder in folders]
    workers = os.cpu_count() or 1
    if len(folders) < PARALLEL_FROM or workers < 2:
        yield from map(_read, jobs)
        return
    with ProcessPoolExecutor(workers, mp_context=_readers(), initializer=_start_reader) as pool:
        # A fresh reader needs the better part of a second to start (it imports the app):
        # the writer reads the first folders itself meanwhile, rather than wait for them.
        later = pool.map(_read, jobs[PARALLEL_FROM:], chunksize=16)
        yield from map(_read, jobs[:PARALLEL_FROM])
        yield from later


def _readers() -> BaseContext:
    """How readers start: forked from this process when it runs no other thread (at once,
    with everything imported: measured about 1 s of CPU less per import on 2 cores), else
    fresh interpreters ("spawn"), since a fork copies locks other threads may hold."""
    return get_context("fork" if threading.active_count() == 1 else "spawn")


def _start_reader() -> None:
    # What a reader has imported stays for its life: out of the garbage collector's sight,
    # collections no longer walk it (measured: 0.3–1.1 → 0.1 ms of collection per folder).
    gc.freeze()


def store_read(database: Database, read: NewArticle | FolderContent, root: Path) -> bool:
    """Write what ``read_folders`` gave for a folder, one transaction; return whether the
    store changed."""
    if isinstance(read, FolderContent):
        return store_content(database, read, "import", "import")[1]
    try:
        insert_new(database, read, "import", "import")
    except SlugTaken:  # stored since the import looked: compare with it, as any other
        return import_folder(database, read.folder, root)
    return True
