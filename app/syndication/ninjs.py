"""An edition as an IPTC ninjs 2.2 item, and the marshmallow schema the API documents it by.

The item's ``uri`` names the article and the language only (no host), so every replica gives
the same one; ``altids`` link a translation to the item of its source language. An edition
with segments served in the original language is ``representationtype: partial``.
"""

from __future__ import annotations

from datetime import datetime
from html import escape
from typing import Any

from marshmallow import Schema, fields, validate

from app.content.model import Segment
from app.facts.model import ArticleFacts
from app.syndication.dates import w3c
from app.translation.edition import Edition

STANDARD = {
    "name": "ninjs",
    "version": "2.2",
    "schema": "http://www.iptc.org/std/ninjs/ninjs-schema_2.2.json#",
}


def item_uri(slug: str, language: str) -> str:
    """The ninjs uri of article *slug*'s edition in *language*: the same on every replica."""
    return f"urn:depeche:article:{slug}:{language}"


def _html(edition: Edition, segment: Segment) -> str:
    text = escape(edition.text(segment), quote=False)
    if edition.translation(segment).text is None and edition.language != edition.article.language:
        return f'<span lang="{edition.article.language}">{text}</span>'
    return text


def _bodies(edition: Edition) -> list[dict[str, str]]:
    plain: list[str] = []
    html: list[str] = []
    for section in edition.article.sections:
        if section.heading is not None:
            plain.append(edition.text(section.heading))
            html.append(f"<h2>{_html(edition, section.heading)}</h2>")
        for paragraph in section.paragraphs:
            plain.append(" ".join(edition.text(s) for s in paragraph.sentences))
            html.append(f"<p>{' '.join(_html(edition, s) for s in paragraph.sentences)}</p>")
    return [
        {"role": "main", "contenttype": "text/plain", "value": "\n\n".join(plain)},
        {"role": "main", "contenttype": "text/html", "value": "\n".join(html)},
    ]


def _subjects(edition: Edition, facts: ArticleFacts | None) -> dict[str, list[dict[str, str]]]:
    """Places, people and organisations named by the facts (each once, in order)."""
    found: dict[str, dict[str, dict[str, str]]] = {"places": {}, "people": {}, "organisations": {}}
    for fact in facts.facts if facts else ():
        value = fact.value
        if value.type == "places":
            for item in value.items:
                name = edition.text(item)
                found["places"].setdefault(name, {"name": name, "literal": item.text})
        elif value.type == "person" and value.name:
            found["people"].setdefault(value.name, {"name": value.name})
        elif value.type == "organisation" and value.name:
            found["organisations"].setdefault(value.name, {"name": value.name})
    return {key: list(named.values()) for key, named in found.items() if named}


def item(
    edition: Edition, facts: ArticleFacts | None, created: datetime, updated: datetime
) -> dict[str, Any]:
    """The ninjs 2.2 item of *edition* (*created*, *updated*: the article row's times)."""
    article, language = edition.article, edition.language
    data: dict[str, Any] = {
        "uri": item_uri(article.slug, language),
        "standard": STANDARD,
        "type": "text",
        "representationtype": "full" if edition.complete else "partial",
        "version": str(article.version),
        "firstcreated": w3c(created),
        "versioncreated": w3c(updated),
        "pubstatus": "usable",
        "language": language,
        "slugline": article.slug,
        "headlines": [{"role": "main", "value": edition.text(article.headline)}],
        "descriptions": [{"role": "summary", "value": edition.text(article.standfirst)}],
        "bodies": _bodies(edition),
        "located": article.dateline,
        "by": article.credit,
        "copyrightholder": article.publisher or article.credit,
        **_subjects(edition, facts),
    }
    if language != article.language:
        data["altids"] = [
            {"role": "translation-of", "value": item_uri(article.slug, article.language)}
        ]
    return data


class _Text(Schema):
    role = fields.String()
    contenttype = fields.String()
    value = fields.String(required=True)


class _Named(Schema):
    name = fields.String(required=True)
    literal = fields.String()


class _AltId(Schema):
    role = fields.String(required=True)
    value = fields.String(required=True)


class _Standard(Schema):
    name = fields.String(required=True)
    version = fields.String(required=True)
    schema = fields.String(required=True)


class NinjsSchema(Schema):
    """An IPTC ninjs 2.2 item (https://iptc.org/standards/ninjs/): the properties we fill."""

    uri = fields.String(
        required=True, metadata={"description": "urn:depeche:article:<slug>:<language>"}
    )
    standard = fields.Nested(_Standard, required=True)
    type = fields.String(required=True, validate=validate.Equal("text"))
    representationtype = fields.String(
        required=True,
        validate=validate.OneOf(["full", "partial"]),
        metadata={"description": "partial: some segments are in the original language."},
    )
    version = fields.String(required=True, metadata={"description": "The article's version."})
    firstcreated = fields.String(required=True, metadata={"format": "date-time"})
    versioncreated = fields.String(required=True, metadata={"format": "date-time"})
    pubstatus = fields.String(required=True)
    language = fields.String(required=True)
    slugline = fields.String(required=True)
    headlines = fields.List(fields.Nested(_Text), required=True)
    descriptions = fields.List(fields.Nested(_Text), required=True)
    bodies = fields.List(
        fields.Nested(_Text),
        required=True,
        metadata={"description": "The body as text/plain and as text/html."},
    )
    located = fields.String(required=True, metadata={"description": "The dateline."})
    by = fields.String(required=True, metadata={"description": "The credit."})
    copyrightholder = fields.String(required=True)
    places = fields.List(fields.Nested(_Named))
    people = fields.List(fields.Nested(_Named))
    organisations = fields.List(fields.Nested(_Named))
    altids = fields.List(
        fields.Nested(_AltId),
        metadata={"description": "A translation's source-language item (translation-of)."},
    )
