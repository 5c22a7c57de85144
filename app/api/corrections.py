"""``PUT /api/v1/articles/<slug>``: a person's correction, in any format the ingest takes,
made against the version they saw — ``If-Match`` with the ETag of the article in its source
language. Missing → 428, stale → 412; nothing is written either way."""

from __future__ import annotations

from typing import Any, NoReturn

from flask import Response, current_app, request
from flask.views import MethodView
from flask_smorest import Blueprint, abort
from marshmallow import RAISE
from sqlalchemy import select
from werkzeug.http import parse_etags

from app.api.articles import source_etag
from app.api.auth import protected
from app.api.ingest import (
    ITEM_BODY,
    IngestQuerySchema,
    IngestResultSchema,
    answer,
    editorial_of,
    refuse,
)
from app.auth import bearer
from app.clock import newsroom_zone
from app.exchange.corrections import Conflict, correct_item
from app.exchange.formats import FormatError, parse_item
from app.exchange.ingest import Refused, refused_format
from app.exchange.publisher import publish
from app.jobs import queue_translations
from app.publication import live_version, publication
from app.store import database
from app.store.models import ArticleRow

blp = Blueprint("corrections", __name__, url_prefix="/articles", description="Corrections.")


def _fail(status: int, message: str) -> NoReturn:
    abort(status, message=message)
    raise AssertionError("abort returned")  # pragma: no cover


class CorrectionQuerySchema(IngestQuerySchema):
    """The ingest's editorial fields, less the slug (the URL names the article)."""

    class Meta:
        unknown = RAISE
        exclude = ("slug",)


@blp.route("/<slug>")
class Correction(MethodView):
    @protected(blp, "publish")
    @blp.arguments(CorrectionQuerySchema, location="query", unknown=RAISE)
    @blp.doc(
        requestBody=ITEM_BODY,
        parameters=[
            {
                "name": "If-Match",
                "in": "header",
                "required": True,
                "schema": {"type": "string"},
                "description": "The ETag of GET /api/v1/articles/<slug>?lang=<source language>.",
            }
        ],
    )
    @blp.response(200, IngestResultSchema, description="The article, corrected (or unchanged).")
    @blp.alt_response(400, response="DEFAULT_ERROR", description="Malformed: names the line.")
    @blp.alt_response(404, response="DEFAULT_ERROR", description="No article with this slug.")
    @blp.alt_response(409, response="DEFAULT_ERROR", description="The item is another article's.")
    @blp.alt_response(410, response="DEFAULT_ERROR", description="The article is killed.")
    @blp.alt_response(412, response="DEFAULT_ERROR", description="The article changed since.")
    @blp.alt_response(413, response="DEFAULT_ERROR", description="Over DEPECHE_MAX_INGEST_BYTES.")
    @blp.alt_response(415, response="DEFAULT_ERROR", description="A content type we do not take.")
    @blp.alt_response(422, response="DEFAULT_ERROR", description="Unusable: names the field.")
    @blp.alt_response(428, response="DEFAULT_ERROR", description="No If-Match.")
    def put(self, query: dict[str, Any], slug: str) -> Response:
        """Correct the article: changed segments' translations turn stale (and are queued for
        machine translation), unchanged ones keep theirs; the version and `updated` change."""
        version = live_version(slug)
        if not request.headers.get("If-Match"):
            _fail(428, "A correction needs If-Match: the ETag of the article in its language.")
        language = _source_language(slug)
        current = source_etag(slug, version, language)
        if not parse_etags(request.headers["If-Match"]).contains(current.strip('"')):
            _fail(412, f"The article {slug!r} changed since that ETag: read it again.")
        body, content_type = request.get_data(cache=False), request.headers.get("Content-Type", "")
        store, zone, actor = database(), newsroom_zone(), bearer.actor()
        try:
            editorial = editorial_of(query)
            result = publish(
                lambda: correct_item(
                    store, slug, version[1], parse_item(body, content_type), editorial, zone, actor
                )
            )
        except FormatError as error:
            refuse(refused_format(error))
        except Refused as error:
            refuse(error)
        except Conflict:
            _fail(412, f"The article {slug!r} changed since that ETag: read it again.")
        if result.changed:
            publication().watcher.catch_up()
            queue_translations(current_app, slug)
        return answer(result)


def _source_language(slug: str) -> str:
    with database().read() as session:
        language = session.execute(
            select(ArticleRow.language).where(ArticleRow.slug == slug)
        ).scalar_one_or_none()
    if language is None:
        _fail(404, f"No article {slug!r}.")
    return language
