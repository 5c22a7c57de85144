"""The translation memory: one gettext PO catalog per article and target language.

msgid is the source segment, msgctxt tells headlines, standfirsts, headings and related-link
titles apart from body sentences. Each entry is in one of these states:

* reviewed — translated and approved by a person (not fuzzy, no machine comment);
* machine — produced by an engine, unreviewed (translator comment ``machine: ...``);
* stale — fuzzy: the source changed since; the old translation is kept only as a draft;
* untranslated — missing or empty.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from babel.messages.catalog import Catalog, Message
from babel.messages.pofile import PoFileError, read_po

from app.content.model import Segment

MACHINE_COMMENT = "machine:"


class Status(StrEnum):
    SOURCE = "source"
    REVIEWED = "reviewed"
    MACHINE = "machine"
    STALE = "stale"
    UNTRANSLATED = "untranslated"


@dataclass(frozen=True)
class Translation:
    text: str | None
    """The translation to publish, or None when there is none fit to publish."""
    status: Status


class CatalogError(Exception):
    """A catalog cannot be read; the message names the file and the line."""


def catalog_path(folder: Path, language: str) -> Path:
    return folder / f"{language}.po"


def load_catalog(path: Path, language: str) -> Catalog | None:
    """Read a PO catalog, or return None when the article has none for *language*."""
    if not path.exists():
        return None
    try:
        with path.open("rb") as handle:
            return read_po(handle, locale=language, abort_invalid=True)
    except (OSError, PoFileError, ValueError) as error:
        raise CatalogError(f"{path}: {error}") from error


def status_of(message: Message | None) -> Status:
    """Classify a catalog entry."""
    if message is None or not message.string:
        return Status.UNTRANSLATED
    if message.fuzzy:
        return Status.STALE
    if any(comment.startswith(MACHINE_COMMENT) for comment in message.user_comments):
        return Status.MACHINE
    return Status.REVIEWED


def lookup(catalog: Catalog | None, segment: Segment) -> Translation:
    """Return the translation of *segment*; stale drafts are not published."""
    message = catalog.get(segment.text, context=segment.msgctxt) if catalog else None
    status = status_of(message)
    if status in (Status.REVIEWED, Status.MACHINE) and message is not None:
        return Translation(str(message.string), status)
    return Translation(None, status)
