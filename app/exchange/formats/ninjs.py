"""IPTC ninjs items: 1.x (Superdesk's flavour: guid, headline, body_html), 2.x (uri, headlines[],
bodies[]) and 3.x (2.x in camelCase: versionCreated, pubStatus, contentType)."""

from __future__ import annotations

import json
import re
from typing import Any

from app.content.wire import WireStory, parse_wire
from app.exchange.formats.charset import decode
from app.exchange.formats.html import html_blocks, html_text, story_from_blocks
from app.exchange.formats.item import (
    FormatError,
    WireItem,
    credit_story,
    normalise_pubstatus,
)
from app.exchange.formats.times import parse_time

_SCHEMA = re.compile(r"ninjs-schema_(\d+)")
#: Keys only ninjs 3 spells in camelCase (2.x has versioncreated, pubstatus...).
_CAMEL = ("versionCreated", "firstCreated", "contentCreated", "pubStatus", "copyrightHolder")
_CAMEL_NAMES = {
    "versioncreated": "versionCreated",
    "firstcreated": "firstCreated",
    "pubstatus": "pubStatus",
    "copyrightholder": "copyrightHolder",
    "contenttype": "contentType",
}
_HTML_TYPES = ("html", "xhtml", "nitf", "xml")


def _major(data: dict[str, Any]) -> int:
    """The ninjs major version: the one the item names ($schema), else the one its shape has."""
    schema = data.get("$schema")
    if isinstance(schema, str) and (match := _SCHEMA.search(schema[:200])):
        major = int(match.group(1))
        if major not in (1, 2, 3):
            raise FormatError(422, "/$schema", f"ninjs {major} is not a version we read")
        return major
    arrays = "headlines" in data or "bodies" in data
    flat = "headline" in data or any(key.startswith("body_") for key in data)
    if arrays and not flat:
        return 3 if any(key in data for key in _CAMEL) else 2
    if flat and not arrays and not any(key in data for key in _CAMEL):
        return 1
    raise FormatError(
        422,
        "",
        "not a ninjs shape we know: 1.x has headline and body_html/body_text, 2.x and 3.x "
        "have headlines[] and bodies[]",
    )


class _Fields:
    """Typed reads of an item's fields, each error naming its JSON pointer."""

    def __init__(self, data: dict[str, Any], major: int) -> None:
        self.data = data
        self.major = major

    def name(self, key: str) -> str:
        return _CAMEL_NAMES.get(key, key) if self.major == 3 else key

    def string(self, key: str, within: dict[str, Any] | None = None, at: str = "") -> str | None:
        source = self.data if within is None else within
        name = self.name(key)
        value = source.get(name)
        if value is None:
            return None
        if not isinstance(value, str):
            raise FormatError(422, f"{at}/{name}", "must be a string")
        return value.strip() or None

    def time(self, key: str) -> Any:
        value = self.string(key)
        return None if value is None else parse_time(value, f"/{self.name(key)}")

    def version(self) -> int | None:
        value = self.data.get("version")
        if value is None:
            return None
        if isinstance(value, str) and value.strip().isascii() and value.strip().isdigit():
            return int(value.strip()[:18])
        if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
            return value
        raise FormatError(422, "/version", 'must be a whole number ("3" or 3)')

    def objects(self, key: str) -> list[tuple[str, dict[str, Any]]]:
        """The objects of array *key*, each with its pointer."""
        value = self.data.get(key)
        if value is None:
            return []
        if not isinstance(value, list):
            raise FormatError(422, f"/{key}", "must be an array")
        found = []
        for index, entry in enumerate(value):
            if not isinstance(entry, dict):
                raise FormatError(422, f"/{key}/{index}", "must be an object")
            found.append((f"/{key}/{index}", entry))
        return found

    def pick(self, key: str, roles: tuple[str, ...]) -> tuple[str, dict[str, Any]] | None:
        """The entry of *key* with the first of *roles*, else the first entry with a value."""
        entries = [(at, e) for at, e in self.objects(key) if self.string("value", e, at)]
        for role in roles:
            for at, entry in entries:
                if entry.get("role") == role:
                    return at, entry
        return entries[0] if entries else None


def _load(body: bytes, charset: str | None) -> dict[str, Any]:
    if charset is not None and charset.strip().lower() not in ("utf-8", "utf8"):
        raise FormatError(415, "charset", "ninjs is JSON, which is UTF-8 (RFC 8259)")
    text = decode(body, "utf-8").removeprefix("\ufeff")
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise FormatError(
            400, f"line {error.lineno}", f"malformed JSON at column {error.colno}: {error.msg}"
        ) from error
    except RecursionError as error:
        raise FormatError(400, "", "JSON nested too deeply") from error
    except ValueError as error:  # an integer of thousands of digits
        raise FormatError(400, "", f"malformed JSON: {error}") from error
    if not isinstance(data, dict):
        raise FormatError(422, "", "a ninjs item is a JSON object")
    return data


def _story(value: str, content_type: str | None, at: str) -> WireStory:
    kind = (content_type or "").lower()
    if any(name in kind for name in _HTML_TYPES):
        story = story_from_blocks(html_blocks(value))
    else:
        story = parse_wire(value)
    if not story.blocks:
        raise FormatError(422, at, "the body has no paragraph")
    return story


def _description(fields: _Fields) -> str | None:
    if fields.major == 1:
        text = fields.string("description_text")
        html = fields.string("description_html")
        return text or (html_text(html) or None if html else None)
    picked = fields.pick("descriptions", ("summary", "main", "abstract"))
    if picked is None:
        return None
    at, entry = picked
    value = fields.string("value", entry, at) or ""
    kind = (fields.string("contenttype", entry, at) or "").lower()
    return (html_text(value) if any(n in kind for n in _HTML_TYPES) else value) or None


def _headline_and_story(fields: _Fields) -> tuple[str, WireStory]:
    if fields.major == 1:
        headline = fields.string("headline")
        if headline is None:
            raise FormatError(422, "/headline", "the item has no headline")
        for key, kind in (("body_html", "html"), ("body_text", None), ("body_xml", "xml")):
            if (value := fields.string(key)) is not None:
                return headline, _story(value, kind, f"/{key}")
        raise FormatError(422, "/body_html", "the item has no body (body_html or body_text)")
    picked = fields.pick("headlines", ("main",))
    if picked is None:
        raise FormatError(422, "/headlines", "the item has no headline")
    at, entry = picked
    headline = fields.string("value", entry, at) or ""
    bodies = [(at, e) for at, e in fields.objects("bodies") if fields.string("value", e, at)]
    if not bodies:
        raise FormatError(422, "/bodies", "the item has no body")
    kinds = [(fields.string("contenttype", e, at) or "").lower() for at, e in bodies]
    rich = [i for i, kind in enumerate(kinds) if any(n in kind for n in _HTML_TYPES)]
    index = rich[0] if rich else 0
    at, entry = bodies[index]
    return headline, _story(entry["value"], kinds[index], f"{at}/value")


def parse_ninjs(body: bytes, charset: str | None) -> WireItem:
    """Read one ninjs item (application/json)."""
    data = _load(body, charset)
    major = _major(data)
    fields = _Fields(data, major)
    headline, story = _headline_and_story(fields)
    uri = fields.string("uri") or (fields.string("guid") if major == 1 else None)
    credit = fields.string("copyrightholder")
    if credit is None and major == 1:
        credit = fields.string("source")  # Superdesk's ingest source ("AFP")
    by = fields.string("byline" if major == 1 else "by")
    return WireItem(
        format=f"ninjs-{major}",
        uri=uri,
        version=fields.version(),
        headline=headline,
        standfirst=_description(fields),
        story=credit_story(story, credit),
        language=fields.string("language"),
        firstcreated=fields.time("firstcreated"),
        versioncreated=fields.time("versioncreated"),
        embargoed=fields.time("embargoed"),
        pubstatus=normalise_pubstatus(fields.string("pubstatus"), f"/{fields.name('pubstatus')}"),
        byline=by,
        credit=credit,
        dateline=fields.string("located"),
        slugline=fields.string("slugline"),
        source=body,
    )
