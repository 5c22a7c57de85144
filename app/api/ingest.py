"""``POST /api/v1/ingest``: one agency item in its own format — wire copy, ninjs, NewsML-G2 or
NewsML 1.2, told by its content type and content — becomes an article, or a new version."""

from __future__ import annotations

import hashlib
from typing import Any, NoReturn

from flask import Flask, Response, current_app, json, request, url_for
from flask.views import MethodView
from flask_smorest import Blueprint, abort
from marshmallow import RAISE, Schema, ValidationError, fields, validate, validates

from app.api.auth import protected
from app.auth import bearer
from app.clock import newsroom_zone
from app.content.schemas import SLUG
from app.exchange.formats import CONTENT_TYPES, FormatError, parse_item, parse_time
from app.exchange.ingest import (
    Editorial,
    IngestResult,
    Refused,
    ingest_item,
    refused_format,
)
from app.exchange.publisher import publish
from app.http.bodies import larger_bodies
from app.i18n.locales import LANGUAGE_TAG, SUPPORTED_LANGUAGES
from app.jobs import queue_translations
from app.publication import publication
from app.publication.dates import local_iso
from app.store import database

blp = Blueprint("ingest", __name__, description="Stories in: agency items and wire copy.")
PATH = "/api/v1/ingest"

_MESSAGES = {
    "created": "A new article.",
    "corrected": "A newer version of the item: the article is corrected.",
    "unchanged": "This version of the item is stored already: nothing changed.",
    "older": "An older version of the item than the one stored: nothing changed.",
    "killed": "A canceled item: the article is killed (410 Gone for readers).",
}
#: The request body, by media type, as the OpenAPI document gives it.
ITEM_BODY = {
    "description": "One item: wire copy (text/plain; charset=…), an IPTC ninjs 1.x/2.x/3.x "
    "item (application/json), a NewsML-G2 newsItem or a NewsML 1.2 document (application/xml, "
    "text/xml). At most DEPECHE_MAX_INGEST_BYTES.",
    "required": True,
    "content": {
        "text/plain": {"schema": {"type": "string"}},
        "application/json": {"schema": {"type": "object"}},
        "application/xml": {"schema": {"type": "string"}},
        "text/xml": {"schema": {"type": "string"}},
    },
}


class IngestQuerySchema(Schema):
    """Editorial fields beside the item: what it lacks (wire copy lacks them all)."""

    class Meta:
        unknown = RAISE

    slug = fields.String(
        validate=[validate.Length(min=1, max=120), validate.Regexp(SLUG)],
        metadata={"description": "The article's slug; derived from headline and day if omitted."},
    )
    headline = fields.String(validate=validate.Length(min=1, max=300))
    standfirst = fields.String(validate=validate.Length(min=1, max=2_000))
    dateline = fields.String(validate=validate.Length(min=1, max=100))
    published = fields.String(
        validate=validate.Length(min=1, max=40),
        metadata={"description": "A day (2023-10-02) or an ISO 8601 time with offset."},
    )
    language = fields.String(
        validate=[validate.Length(max=35), validate.Regexp(LANGUAGE_TAG)],
        metadata={"description": f"When the item names none: one of {SUPPORTED_LANGUAGES}."},
    )
    publisher = fields.String(validate=validate.Length(min=1, max=200))
    embargo = fields.String(
        validate=validate.Length(min=1, max=40),
        metadata={"description": "Readers see nothing before this ISO 8601 time with offset."},
    )

    @validates("embargo")
    def _embargo(self, value: str, **_: Any) -> None:
        try:
            parse_time(value, "embargo")
        except FormatError as error:
            raise ValidationError(error.detail) from error


class LanguageStatusSchema(Schema):
    complete = fields.Boolean(required=True)
    counts = fields.Dict(
        keys=fields.String(), values=fields.Integer(), required=True,
        metadata={"description": "Segments by status (source, reviewed, machine, stale…)."},
    )  # fmt: skip


class IngestResultSchema(Schema):
    slug = fields.String(required=True)
    version = fields.Integer(required=True, metadata={"description": "The article's version."})
    item_version = fields.Integer(allow_none=True, required=True)
    outcome = fields.String(
        required=True,
        validate=validate.OneOf(["created", "corrected", "unchanged", "older", "killed"]),
    )
    message = fields.String(required=True)
    embargo = fields.String(
        allow_none=True,
        required=True,
        metadata={"description": "Readers see nothing before this time (newsroom's offset)."},
    )
    languages = fields.List(fields.String(), required=True)
    translation = fields.Dict(
        keys=fields.String(), values=fields.Nested(LanguageStatusSchema), required=True
    )
    location = fields.String(required=True, metadata={"description": "The article (JSON)."})


def refuse(refused: Refused) -> NoReturn:
    """Answer problem+json naming the field (or line) at fault; nothing was stored."""
    # The problem schema is closed: what else the refusal says goes beside the field.
    abort(
        refused.status,
        message=refused.detail,
        errors={"body": {refused.field: [refused.detail]}, **refused.extra},
    )
    raise AssertionError("abort returned")  # pragma: no cover


def store_item(body: bytes, content_type: str, editorial: Editorial, actor: str) -> IngestResult:
    """Read and store one item as *actor* (for the history); Refused (as problem+json) when
    it cannot be."""
    try:
        store, zone = database(), newsroom_zone()
        result = publish(
            lambda: ingest_item(store, parse_item(body, content_type), editorial, zone, actor)
        )
    except FormatError as error:
        refuse(refused_format(error))
    except Refused as error:
        refuse(error)
    if result.changed:
        publication().watcher.catch_up()  # this worker serves it at once; others within 1 s
        if result.outcome != "killed":  # the other languages: a job, off this request
            queue_translations(current_app, result.slug)
    return result


def answer(result: IngestResult) -> Response:
    """201 for a new article, 200 otherwise; Location, an ETag of the version, the status."""
    location = url_for("articles.Article", slug=result.slug)
    data = {
        "slug": result.slug,
        "version": result.version,
        "item_version": result.item_version,
        "outcome": result.outcome,
        "message": _MESSAGES[result.outcome],
        "embargo": local_iso(result.embargo, newsroom_zone()),
        "languages": list(SUPPORTED_LANGUAGES),
        "translation": result.translation,
        "location": location,
    }
    body = json.dumps(IngestResultSchema().dump(data), ensure_ascii=False)
    status = 201 if result.outcome == "created" else 200
    response = Response(body, status=status, mimetype="application/json")
    response.headers["Location"] = location
    # The article's version, as it is now: a later correction gives another one.
    version = hashlib.sha256(f"{result.slug}\x00{result.version}".encode()).hexdigest()[:32]
    response.set_etag(version)
    response.cache_control.no_store = True
    return response


def editorial_of(query: dict[str, Any]) -> Editorial:
    embargo = query.pop("embargo", None)
    return Editorial(**query, embargo=parse_time(embargo, "embargo") if embargo else None)


@blp.route("")
class Ingest(MethodView):
    @protected(blp, "publish")
    @blp.arguments(IngestQuerySchema, location="query", unknown=RAISE)
    @blp.doc(requestBody=ITEM_BODY)
    @blp.response(201, IngestResultSchema, description="A new article.")
    @blp.alt_response(
        200, schema=IngestResultSchema, description="A correction, or an item already stored."
    )
    @blp.alt_response(400, response="DEFAULT_ERROR", description="Malformed: names the line.")
    @blp.alt_response(409, response="DEFAULT_ERROR", description="The slug is another item's.")
    @blp.alt_response(413, response="DEFAULT_ERROR", description="Over DEPECHE_MAX_INGEST_BYTES.")
    @blp.alt_response(415, response="DEFAULT_ERROR", description="A content type we do not take.")
    @blp.alt_response(422, response="DEFAULT_ERROR", description="Unusable: names the field.")
    def post(self, query: dict[str, Any]) -> Response:
        """Ingest one item; the same item again is the same article, a newer version of it a
        correction (version order decides), an older one changes nothing."""
        content_type = request.headers.get("Content-Type", "")
        body = request.get_data(cache=False)
        return answer(store_item(body, content_type, editorial_of(query), bearer.actor()))


def init_app(app: Flask) -> None:
    larger_bodies(app, PATH, "MAX_INGEST_BYTES")
    # Corrections (PUT /api/v1/articles/<slug>) take the same items.
    larger_bodies(app, "PUT /api/v1/articles/*", "MAX_INGEST_BYTES")


__all__ = [
    "CONTENT_TYPES",
    "ITEM_BODY",
    "answer",
    "blp",
    "editorial_of",
    "init_app",
    "refuse",
    "store_item",
]
