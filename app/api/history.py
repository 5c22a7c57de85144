"""``GET /api/v1/articles/<slug>/history``: every change of an article, newest first — who
(the token's name, or import/machine), what, when, and the versions before and after."""

from __future__ import annotations

import base64
import binascii
from typing import Any

from flask import Response, json, request, url_for
from flask.views import MethodView
from flask_smorest import Blueprint, abort
from marshmallow import RAISE, Schema, ValidationError, fields, validate
from sqlalchemy import select

from app.api.auth import protected
from app.api.cursor import DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE
from app.content import repository as articles
from app.publication import publication
from app.store.models import RevisionRow

blp = Blueprint("history", __name__, url_prefix="/articles", description="Article history.")


def encode(revision_id: int) -> str:
    return base64.urlsafe_b64encode(f"r{revision_id}".encode()).decode().rstrip("=")


class RevisionCursorField(fields.String):
    """Where a page of the history starts: the ``next`` of the previous page."""

    def _deserialize(  # type: ignore[override]
        self, value: Any, attr: str | None, data: Any, **kwargs: Any
    ) -> int:
        if not isinstance(value, str) or len(value) > 40:
            raise ValidationError("Not a cursor from this history's `next`.")
        try:
            raw = base64.urlsafe_b64decode(value + "=" * (-len(value) % 4)).decode()
        except (binascii.Error, UnicodeDecodeError, ValueError) as error:
            raise ValidationError("Not a cursor from this history's `next`.") from error
        if not raw.startswith("r") or not raw[1:].isdigit() or not raw[1:].isascii():
            raise ValidationError("Not a cursor from this history's `next`.")
        return int(raw[1:])


class HistoryQuerySchema(Schema):
    class Meta:
        unknown = RAISE

    limit = fields.Integer(
        load_default=DEFAULT_PAGE_SIZE,
        validate=validate.Range(min=1, max=MAX_PAGE_SIZE),
        metadata={"description": f"Revisions per page (at most {MAX_PAGE_SIZE})."},
    )
    cursor = RevisionCursorField(metadata={"description": "The `next` of the previous page."})


class RevisionSchema(Schema):
    actor = fields.String(required=True, metadata={"description": "Token name, import, machine."})
    action = fields.String(required=True, metadata={"description": "kill, review, facts, …"})
    at = fields.DateTime(required=True)
    version_before = fields.Integer(required=True)
    version_after = fields.Integer(required=True)
    detail = fields.Dict(required=True)


class HistorySchema(Schema):
    slug = fields.String(required=True)
    revisions = fields.List(fields.Nested(RevisionSchema), required=True)
    next = fields.String(
        required=True, allow_none=True, metadata={"description": "Cursor of the next page."}
    )


@blp.route("/<slug>/history")
class History(MethodView):
    @protected(blp, "admin")
    @blp.arguments(HistoryQuerySchema, location="query", as_kwargs=True, unknown=RAISE)
    @blp.response(200, HistorySchema)
    @blp.alt_response(404, response="DEFAULT_ERROR", description="No article with this slug.")
    @blp.alt_response(422, response="DEFAULT_ERROR", description="A bad limit or cursor.")
    def get(self, slug: str, limit: int, cursor: int | None = None) -> Response:
        """The article's revisions, newest first (a killed article's too)."""
        with publication().database.read() as session:
            row = articles.find(session, slug)
            if row is None:
                abort(404, message=f"No article {slug!r}.")
                raise AssertionError("abort returned")  # pragma: no cover
            query = select(RevisionRow).where(RevisionRow.article_id == row.id)
            if cursor is not None:
                query = query.where(RevisionRow.id < cursor)
            found: list[dict[str, Any]] = [
                {
                    "id": r.id,
                    "actor": r.actor,
                    "action": r.action,
                    "at": r.at,
                    "version_before": r.version_before,
                    "version_after": r.version_after,
                    "detail": r.detail,
                }
                for r in session.execute(
                    query.order_by(RevisionRow.id.desc()).limit(limit + 1)
                ).scalars()
            ]
        shown = found[:limit]
        following = encode(shown[-1]["id"]) if len(found) > limit else None
        data = HistorySchema().dump({"slug": slug, "revisions": shown, "next": following})
        response = Response(json.dumps(data, ensure_ascii=False), mimetype="application/json")
        response.cache_control.no_store = True  # an admin's view, never kept by a cache
        if following:
            args: dict[str, Any] = {k: v for k, v in request.args.items() if k != "cursor"}
            link = url_for("history.History", slug=slug, **{**args, "cursor": following})
            response.headers["Link"] = f'<{link}>; rel="next"'
        return response
