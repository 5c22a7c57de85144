"""``/api/v1/articles``: the article list and each article, in the negotiated language."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from flask import Response, json
from flask.views import MethodView
from flask_smorest import Blueprint, abort
from marshmallow import RAISE

from app import i18n
from app.api import schemas, views
from app.caching import cached_response, content_etag
from app.facts import facts_of
from app.facts.render import render_facts
from app.translation import EditionStore, editions

blp = Blueprint(
    "articles", __name__, url_prefix="/articles", description="Articles in English and French."
)


@lru_cache(maxsize=512)
def _render(
    store: EditionStore, generation: int, kind: str, slug: str, negotiated: i18n.Negotiated
) -> tuple[bytes, str]:
    """Render a resource once per (resource, language, locale, request) and keep the bytes."""
    languages = store.languages
    data: dict[str, Any]
    if kind == "facts":
        edition = store.get(slug, negotiated.language)
        summary = facts_of(slug)
        assert edition is not None and summary is not None
        data = schemas.FactSummarySchema().dump(
            {
                "slug": slug,
                "language": negotiated.language,
                "locale": str(negotiated.locale),
                **render_facts(summary, edition, negotiated.locale),
            }
        )
    elif kind == "list":
        found = [store.get(a.slug, negotiated.language) for a in store.articles]
        data = schemas.ArticleListSchema().dump(
            {
                "language": negotiated.language,
                "articles": [views.summary(e, negotiated.locale, languages) for e in found if e],
            }
        )
    else:
        edition = store.get(slug, negotiated.language)
        assert edition is not None
        data = schemas.ArticleSchema().dump(views.full(edition, negotiated, languages))
    body = json.dumps(data, ensure_ascii=False).encode()
    return body, content_etag(body)


def _respond(kind: str, slug: str = "") -> Response:
    store = editions()
    body, etag = _render(store, store.generation, kind, slug, i18n.current())
    return cached_response(body, "application/json", etag)


@blp.route("")
class Articles(MethodView):
    @blp.arguments(schemas.LanguageQuerySchema, location="query", as_kwargs=True, unknown=RAISE)
    @blp.response(200, schemas.ArticleListSchema)
    @blp.alt_response(304, description="Not modified (If-None-Match matched the ETag).")
    def get(self, **_query: str) -> Response:
        """List the articles, newest first."""
        return _respond("list")


@blp.route("/<slug>")
class Article(MethodView):
    @blp.arguments(schemas.LanguageQuerySchema, location="query", as_kwargs=True, unknown=RAISE)
    @blp.response(200, schemas.ArticleSchema)
    @blp.alt_response(304, description="Not modified (If-None-Match matched the ETag).")
    @blp.alt_response(404, response="DEFAULT_ERROR", description="No article with this slug.")
    def get(self, slug: str, **_query: str) -> Response:
        """An article in the negotiated language, with its translation status per segment."""
        if editions().articles.get(slug) is None:
            abort(404, message=f"No article {slug!r}.")
        return _respond("article", slug)


@blp.route("/<slug>/facts")
class ArticleFacts(MethodView):
    @blp.arguments(schemas.LanguageQuerySchema, location="query", as_kwargs=True, unknown=RAISE)
    @blp.response(200, schemas.FactSummarySchema)
    @blp.alt_response(304, description="Not modified (If-None-Match matched the ETag).")
    @blp.alt_response(404, response="DEFAULT_ERROR", description="No such article, or no facts.")
    def get(self, slug: str, **_query: str) -> Response:
        """The key facts and the timeline, typed values beside their localized display."""
        if facts_of(slug) is None:
            abort(404, message=f"No facts for article {slug!r}.")
        return _respond("facts", slug)
