"""Data folders whose editions are complete, incomplete or machine-only, for syndication tests."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

from babel.messages.catalog import Message
from babel.messages.pofile import read_po, write_po

from tests.conftest import SLUG

#: A body sentence of the seed, and its place in the page.
SENTENCE = "The convoy left Gao on Monday morning, about 300 km southwest of Kidal, he said."
MACHINE_NOTE = "machine: argos/ctranslate2 translate-en_fr 1.9 2023-10-02"


def edit_catalog(folder: Path, change: Callable[[Message], None]) -> None:
    """Apply *change* to every entry of the article folder's French catalog."""
    path = folder / "fr.po"
    with path.open("rb") as handle:
        catalog = read_po(handle, locale="fr")
    for message in catalog:
        if message.id:
            change(message)
    with path.open("wb") as handle:
        write_po(handle, catalog, width=0, include_previous=True)


def untranslate(message: Message) -> None:
    """One sentence loses its French: the edition is incomplete."""
    if message.id == SENTENCE:
        message.string = ""


def by_machine(message: Message) -> None:
    """One sentence is the engine's, not reviewed: the edition is machine-only."""
    if message.id == SENTENCE:
        message.user_comments.append(MACHINE_NOTE)


def retitle(text: str) -> Callable[[Message], None]:
    """A corrected French headline."""

    def change(message: Message) -> None:
        if message.context == "headline":
            message.string = text

    return change


def add_article(data: Path, slug: str, published: str) -> Path:
    """A copy of the seed as article *slug*, published on *published* (ISO date)."""
    source = data / "articles" / SLUG
    target = data / "articles" / slug
    shutil.copytree(source, target)
    markdown = (target / "article.md").read_text(encoding="utf-8")
    markdown = markdown.replace(f"slug: {SLUG}", f"slug: {slug}")
    markdown = markdown.replace("published: 2023-10-02", f"published: {published}")
    (target / "article.md").write_text(markdown, encoding="utf-8")
    return target
