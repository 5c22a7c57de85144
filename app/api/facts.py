"""``PUT /api/v1/articles/<slug>/facts``: the typed facts (facts.yaml's shape, as JSON),
proven as ``depeche check`` proves them before they are stored as a new version.

The proof runs in the source language and in every other language whose edition is
published (complete); a fact whose quote or value is not in a cited sentence is a 422 naming
the fact and the language. A fact whose quote is not translated yet is stored: each edition
shows only the facts proven in its language (app/publication/reader.py).
"""

from __future__ import annotations

from typing import Any, NoReturn

from flask import current_app, request
from flask.views import MethodView
from flask_smorest import Blueprint, abort
from marshmallow import Schema, fields, validate

from app.api.auth import protected
from app.auth.bearer import actor
from app.content import repository as articles
from app.content.folder import ContentError
from app.facts import repository as facts
from app.facts import schemas as document
from app.facts.check import Problem, check_article
from app.facts.document import build_facts
from app.i18n.locales import SUPPORTED_LANGUAGES
from app.publication import publication
from app.translation import catalogs
from app.translation.edition import Edition

blp = Blueprint(
    "facts", __name__, url_prefix="/articles", description="Writing an article's facts."
)


# The document's own schemas, under names of their own in the OpenAPI document (the API's
# answers have a Fact and a TimelineEntry of their own).
class DocumentValueSchema(document.ValueSchema):
    # A JSON number (the file's Decimal would document its bound as a string); finite.
    number = fields.Float(validate=validate.Range(min=0), allow_nan=False)  # type: ignore[assignment]


class DocumentPartialDateSchema(document.PartialDateSchema):
    pass


class DocumentFactSchema(document.FactSchema):
    value = fields.Nested(DocumentValueSchema, required=True)


class DocumentTimelineEntrySchema(document.TimelineEntrySchema):
    date = fields.Nested(DocumentPartialDateSchema, required=True)


class FactsDocumentSchema(document.FactsFileSchema):
    facts = fields.List(fields.Nested(DocumentFactSchema), required=True)
    timeline = fields.List(fields.Nested(DocumentTimelineEntrySchema), load_default=list)


class StoredFactsSchema(Schema):
    slug = fields.String(required=True)
    version = fields.Integer(required=True, metadata={"description": "The article's version."})
    facts = fields.Integer(required=True, metadata={"description": "Facts stored."})
    timeline = fields.Integer(required=True, metadata={"description": "Timeline entries stored."})
    proven_in = fields.List(
        fields.String(), required=True, metadata={"description": "Languages the proof ran in."}
    )


def _fail(status: int, message: str, errors: dict[str, Any] | None = None) -> NoReturn:
    abort(status, message=message, errors=errors)
    raise AssertionError("abort returned")  # pragma: no cover


def _refuse(problems: list[Problem], source: str) -> NoReturn:
    """422 naming each fact and the language its proof fails in."""
    named: dict[str, dict[str, list[str]]] = {}
    for problem in problems:
        language = source if problem.language == "source" else problem.language
        named.setdefault(problem.where, {}).setdefault(language, []).append(problem.message)
    first = problems[0]
    where = source if first.language == "source" else first.language
    _fail(
        422,
        f"{first.where} [{where}]: {first.message}",
        {"json": named},
    )


@blp.route("/<slug>/facts")
class ArticleFactsWrite(MethodView):
    @protected(blp, "publish")
    @blp.arguments(FactsDocumentSchema)
    @blp.response(200, StoredFactsSchema)
    @blp.alt_response(404, response="DEFAULT_ERROR", description="No article with this slug.")
    @blp.alt_response(410, response="DEFAULT_ERROR", description="The article was killed.")
    @blp.alt_response(
        422, response="DEFAULT_ERROR", description="A fact is not valid or not proven: named."
    )
    def put(self, _loaded: dict[str, Any], slug: str) -> dict[str, Any]:
        """Replace the article's facts and timeline, each proven in the source language and in
        every published edition."""
        raw = request.get_json()
        stored = {"facts": list(raw["facts"]), "timeline": list(raw.get("timeline") or [])}
        max_risk = current_app.config["MT_PUBLISH_MAX_RISK"]
        with publication().database.write() as session:
            row = articles.find(session, slug)
            if row is None:
                _fail(404, f"No article {slug!r}.")
            if row.killed is not None:
                _fail(410, f"The article {slug!r} was withdrawn.")
            article = articles.load(session, row)
            try:
                found = build_facts(stored, article, "facts")
            except ContentError as error:
                _fail(422, str(error), {"json": {"facts": [str(error)]}})
            editions = {article.language: Edition(article, article.language)}
            for language in SUPPORTED_LANGUAGES:
                if language == article.language:
                    continue
                memory = catalogs.translations(session, row.id, language, max_risk)
                edition = Edition(article, language, memory)
                if edition.complete:  # published: what its readers get must be proven
                    editions[language] = edition
            wire = (
                row.source.decode("utf-8")
                if row.source
                else " ".join(s.text for s in article.segments())
            )
            problems = [
                p
                for p in check_article(article, found, editions, wire)
                if not (p.untranslated and p.language != article.language)
            ]
            if problems:
                _refuse(problems, article.language)
            counts = {"facts": len(stored["facts"]), "timeline": len(stored["timeline"])}
            if facts.save_document(session, row.id, stored):
                articles.record(session, row, actor(), "facts", counts)
            version = row.version
        publication().watcher.catch_up()
        return {"slug": slug, "version": version, "proven_in": sorted(editions), **counts}
