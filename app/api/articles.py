"""``/api/v1/articles``: pages of the article list, and each article, in the negotiated language."""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any, NoReturn

from flask import Response, current_app, json, request, url_for
from flask.views import MethodView
from flask_smorest import Blueprint, abort
from marshmallow import RAISE

from app import i18n
from app.api import cursor, schemas, views
from app.caching import cached_response, tag_render
from app.clock import newsroom_zone
from app.content import repository
from app.content.repository import Cursor
from app.facts.render import render_facts
from app.i18n.locales import negotiate
from app.publication import live_version, publication
from app.publication.reader import Stamp
from app.syndication import ninjs
from app.syndication.completeness import edition_states

blp = Blueprint(
    "articles", __name__, url_prefix="/articles", description="Articles in English and French."
)


def _json(data: dict[str, Any]) -> bytes:
    return json.dumps(data, ensure_ascii=False).encode()


def _article(slug: str, negotiated: i18n.Negotiated) -> bytes:
    pub = publication()
    reading = pub.read(slug, negotiated.language)
    assert reading is not None
    states = edition_states(pub.database, reading.edition, pub.languages, pub.max_risk)
    index_machine = current_app.config["INDEX_MACHINE_TRANSLATIONS"]
    data = views.full(reading.edition, negotiated, pub.languages, states, index_machine)
    data["translation"].update(pending=reading.machine.pending, error=reading.machine.error)
    return _json(schemas.ArticleSchema().dump(data))


def _facts(slug: str, negotiated: i18n.Negotiated) -> bytes:
    reading = publication().read(slug, negotiated.language)
    if reading is None or reading.facts is None:
        raise _NoFacts(slug)
    data = {
        "slug": slug,
        "language": negotiated.language,
        "locale": str(negotiated.locale),
        **render_facts(reading.facts, reading.edition, negotiated.locale),
    }
    return _json(schemas.FactSummarySchema().dump(data))


def _ninjs(slug: str, negotiated: i18n.Negotiated) -> bytes:
    pub = publication()
    reading = pub.read(slug, negotiated.language)
    assert reading is not None
    with pub.database.read() as session:
        row = repository.find(session, slug)
        assert row is not None
        changed = row.updated
    article = reading.edition.article
    # The story's own times: its publication (a day alone: its start in the newsroom's zone),
    # and its last version's (the item's, else when the store last changed it).
    zone = newsroom_zone()
    first = article.published_at or datetime.combine(article.published, time(), zone)
    data = ninjs.item(reading.edition, reading.facts, first, article.modified_at or changed)
    return _json(ninjs.NinjsSchema().dump(data))


class _NoFacts(Exception):
    """The article has no facts (or is gone): nothing to render."""


def _not_found(message: str) -> NoReturn:
    abort(404, message=message)
    raise AssertionError("abort returned")  # pragma: no cover


def source_etag(slug: str, version: Stamp, language: str) -> str:
    """The ETag ``GET /api/v1/articles/<slug>?lang=<language>`` answers at *version*: what a
    correction's ``If-Match`` must name."""
    negotiated = negotiate(None, language, None)
    rendered = publication().render(
        "api.article", slug, negotiated, "", version, lambda: _article(slug, negotiated)
    )
    return rendered.etag


def _respond_article(resource: str, slug: str) -> Response:
    pub = publication()
    version = live_version(slug)
    negotiated = i18n.current()
    make = {"api.facts": _facts, "api.ninjs": _ninjs}.get(resource, _article)
    try:
        rendered = pub.render(
            resource, slug, negotiated, "", version, lambda: make(slug, negotiated)
        )
    except _NoFacts:
        _not_found(f"No facts for article {slug!r}.")
    tag_render(slug, version)
    return cached_response(rendered.body, "application/json", rendered.etag)


@blp.route("")
class Articles(MethodView):
    @blp.arguments(schemas.ArticleListQuerySchema, location="query", as_kwargs=True, unknown=RAISE)
    @blp.response(200, schemas.ArticleListSchema)
    @blp.alt_response(304, description="Not modified (If-None-Match matched the ETag).")
    @blp.alt_response(422, response="DEFAULT_ERROR", description="A bad limit or cursor.")
    def get(
        self,
        limit: int,
        cursor: Cursor | None = None,
        language: str | None = None,
        since: date | None = None,
        **_query: str,
    ) -> Response:
        """A page of the articles, newest first (published, then slug). The `next` cursor, also
        in a `Link: rel="next"` header, gives the following page."""
        pub = publication()
        negotiated = i18n.current()
        seq = pub.seq()
        position = f"{limit}|{_encode(cursor)}|{language}|{since}"

        def make() -> bytes:
            page = pub.page(negotiated.language, limit, cursor, language, since)
            data = {
                "language": negotiated.language,
                "articles": [
                    views.summary(e, negotiated.locale, pub.languages) for e in page.editions
                ],
                "next": _encode(page.next),
            }
            return _json(schemas.ArticleListSchema().dump(data))

        rendered = pub.render("api.list", position, negotiated, "", seq, make)
        tag_render(None, seq)
        response = cached_response(rendered.body, "application/json", rendered.etag)
        following = json.loads(rendered.body).get("next")
        if following:
            args: dict[str, Any] = {k: v for k, v in request.args.items() if k != "cursor"}
            link = url_for("articles.Articles", **{**args, "cursor": following})
            response.headers["Link"] = f'<{link}>; rel="next"'
        return response


def _encode(found: Cursor | None) -> str | None:
    return cursor.encode(found) if found else None


@blp.route("/<slug>")
class Article(MethodView):
    @blp.arguments(schemas.LanguageQuerySchema, location="query", as_kwargs=True, unknown=RAISE)
    @blp.response(200, schemas.ArticleSchema)
    @blp.alt_response(304, description="Not modified (If-None-Match matched the ETag).")
    @blp.alt_response(404, response="DEFAULT_ERROR", description="No article with this slug.")
    @blp.alt_response(410, response="DEFAULT_ERROR", description="The article was killed.")
    def get(self, slug: str, **_query: str) -> Response:
        """An article in the negotiated language, with its translation status per segment."""
        return _respond_article("api.article", slug)


@blp.route("/<slug>/facts")
class ArticleFacts(MethodView):
    @blp.arguments(schemas.LanguageQuerySchema, location="query", as_kwargs=True, unknown=RAISE)
    @blp.response(200, schemas.FactSummarySchema)
    @blp.alt_response(304, description="Not modified (If-None-Match matched the ETag).")
    @blp.alt_response(404, response="DEFAULT_ERROR", description="No such article, or no facts.")
    @blp.alt_response(410, response="DEFAULT_ERROR", description="The article was killed.")
    def get(self, slug: str, **_query: str) -> Response:
        """The key facts and the timeline, typed values beside their localized display."""
        return _respond_article("api.facts", slug)


@blp.route("/<slug>/ninjs")
class ArticleNinjs(MethodView):
    @blp.arguments(schemas.LanguageQuerySchema, location="query", as_kwargs=True, unknown=RAISE)
    @blp.response(200, ninjs.NinjsSchema)
    @blp.alt_response(304, description="Not modified (If-None-Match matched the ETag).")
    @blp.alt_response(404, response="DEFAULT_ERROR", description="No article with this slug.")
    def get(self, slug: str, **_query: str) -> Response:
        """The edition as an IPTC ninjs 2.2 item (no property outside the standard)."""
        return _respond_article("api.ninjs", slug)
