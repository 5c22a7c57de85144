"""The normalised item every wire format becomes, and the error a bad one gives."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from app.content.wire import WireStory

FORMATS = ("text", "ninjs-1", "ninjs-2", "ninjs-3", "newsml-g2", "newsml-1.2")
PUBSTATUSES = ("usable", "withheld", "canceled")


@dataclass(frozen=True)
class WireItem:
    """One agency item, read from its own format; times are timezone-aware."""

    format: str
    uri: str | None
    version: int | None
    headline: str | None
    standfirst: str | None
    story: WireStory
    language: str | None
    firstcreated: datetime | None
    versioncreated: datetime | None
    embargoed: datetime | None
    pubstatus: str | None
    byline: str | None
    credit: str | None
    dateline: str | None
    slugline: str | None
    source: bytes


class FormatError(ValueError):
    """The item cannot be read: *status* 400 (malformed), 415 (content type we do not take) or
    422 (well-formed but unusable); *field* a JSON pointer, "line 12", an XML path or "charset"."""

    def __init__(self, status: int, field: str, detail: str) -> None:
        super().__init__(f"{field}: {detail}")
        self.status = status
        self.field = field
        self.detail = detail


def normalise_pubstatus(value: str | None, field: str) -> str | None:
    """ "usable" | "withheld" | "canceled" from any format's spelling (a qcode's code, any case)."""
    if value is None:
        return None
    code = value.rpartition(":")[2].rpartition("/")[2].strip().lower()
    code = "canceled" if code == "cancelled" else code
    if code not in PUBSTATUSES:
        raise FormatError(422, field, f"unknown publication status {value[:40]!r}")
    return code


def credit_story(story: WireStory, *credits: str | None) -> WireStory:
    """Give the story the first credit found when its copy has no "With AFP" line."""
    if story.agency is None:
        story.agency = next((credit for credit in credits if credit), None)
    return story
