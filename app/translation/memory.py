"""The translation memory: one gettext PO catalog per article and target language.

msgid is the source segment, msgctxt tells headlines, standfirsts, headings and related-link
titles apart from body sentences. Each entry is in one of these states:

* reviewed — translated and approved by a person (not fuzzy, no machine comment);
* machine — produced by an engine, unreviewed (translator comment ``machine: ...``);
* stale — fuzzy: the source changed since; the old translation is kept only as a draft;
* untranslated — missing or empty.
"""

from __future__ import annotations

import codecs
import io
import re
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any

from babel.messages.catalog import Catalog, Message
from babel.messages.pofile import PoFileError, PoFileParser

from app.content.model import Segment

MACHINE_COMMENT = "machine:"


class Status(StrEnum):
    SOURCE = "source"
    REVIEWED = "reviewed"
    MACHINE = "machine"
    STALE = "stale"
    UNTRANSLATED = "untranslated"


def publishable(status: Status) -> bool:
    """Whether a segment in *status* may be published in its edition: the one rule every
    edition, list, feed and sitemap follows. Reviewed and machine work are; untranslated and
    stale entries are not (a stale draft translated a source that is gone)."""
    return status in (Status.SOURCE, Status.REVIEWED, Status.MACHINE)


#: The memory states that ``publishable`` admits, for queries on the store.
PUBLISHABLE = tuple(s for s in Status if publishable(s) and s is not Status.SOURCE)


@dataclass(frozen=True)
class Translation:
    text: str | None
    """The translation to publish, or None when there is none fit to publish."""
    status: Status


class CatalogError(Exception):
    """A catalog cannot be read; the message names the file and the line."""


def catalog_path(folder: Path, language: str) -> Path:
    return folder / f"{language}.po"


_CHARSET = re.compile(rb'^"Content-Type:[^"]*charset=([A-Za-z0-9_.:-]+)', re.MULTILINE)


class _StrictCatalog(Catalog):
    """A catalog that remembers entries given twice (Babel keeps the last one silently)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.duplicates: list[Message] = []

    def __setitem__(self, id: Any, message: Message) -> None:
        if id and self._key_for(id, message.context) in self._messages:
            self.duplicates.append(message)
        super().__setitem__(id, message)


def parse_catalog(data: bytes, language: str, where: str) -> Catalog:
    """Read a PO catalog's bytes; refuse what would be served wrong, naming *where*."""
    declared = _CHARSET.search(data)
    charset = declared.group(1).decode("ascii").lower() if declared else "utf-8"
    try:
        codecs.lookup(charset)
    except LookupError as error:
        raise CatalogError(f"{where}: unknown charset {charset!r}") from error
    if codecs.lookup(charset).name != "utf-8" and not data.isascii():
        try:
            data.decode("utf-8")
        except UnicodeDecodeError:
            pass
        else:  # UTF-8 text under another name: every accented letter would be mojibake
            raise CatalogError(f"{where}: declares charset {charset} but its text is UTF-8")
    catalog = _StrictCatalog(locale=language)
    try:
        PoFileParser(catalog, abort_invalid=True).parse(io.BytesIO(data))
    except (PoFileError, ValueError, UnicodeDecodeError, LookupError) as error:
        raise CatalogError(f"{where}: {error}") from error
    if catalog.duplicates:
        first = catalog.duplicates[0]
        raise CatalogError(f"{where}: line {first.lineno}: msgid {first.id!r} is given twice")
    return catalog


def load_catalog(path: Path, language: str) -> Catalog | None:
    """Read a PO catalog file, or return None when there is none."""
    if not path.exists():
        return None
    try:
        data = path.read_bytes()
    except OSError as error:
        raise CatalogError(f"{path}: {error}") from error
    return parse_catalog(data, language, str(path))


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
    if publishable(status) and message is not None:
        return Translation(str(message.string), status)
    return Translation(None, status)
