"""Drafted facts for an article, from its text in its source language (nothing is stored)."""

from __future__ import annotations

from typing import Any

from flask.views import MethodView
from flask_smorest import Blueprint, abort

from app.api import schemas
from app.api.auth import protected
from app.content.folder import ContentError
from app.exchange.suggestions import as_data, suggestions
from app.store import database

blp = Blueprint(
    "suggestions", __name__, url_prefix="/articles", description="Facts drafted from the text."
)


@blp.route("/<slug>/facts/suggestions")
class FactSuggestions(MethodView):
    @protected(blp, "publish")
    @blp.response(200, schemas.SuggestionListSchema)
    @blp.alt_response(404, response="DEFAULT_ERROR", description="No article with this slug.")
    def post(self, slug: str) -> dict[str, Any]:
        """Candidate facts, each proved against its quote in the source language."""
        try:
            found = suggestions(database(), slug)
        except ContentError:
            abort(404, message=f"No article {slug!r}.")
        return {"slug": slug, "suggestions": [as_data(s) for s in found]}
