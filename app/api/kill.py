"""``DELETE /api/v1/articles/<slug>``: kill a story. From then on every page, API answer,
embed and oEmbed of it is 410 Gone, and it leaves every list, on every worker and replica."""

from __future__ import annotations

from typing import Any, NoReturn

from flask.views import MethodView
from flask_smorest import Blueprint, abort
from marshmallow import Schema, fields

from app.api.auth import protected
from app.auth.bearer import actor
from app.content import repository as articles
from app.publication import publication

blp = Blueprint("kill", __name__, url_prefix="/articles", description="Killing a story.")


class KilledSchema(Schema):
    slug = fields.String(required=True)
    killed = fields.DateTime(required=True, metadata={"description": "When it was killed."})
    version = fields.Integer(required=True, metadata={"description": "The kill's version."})


def _fail(status: int, message: str) -> NoReturn:
    abort(status, message=message)
    raise AssertionError("abort returned")  # pragma: no cover


@blp.route("/<slug>")
class Kill(MethodView):
    @protected(blp, "publish")
    @blp.response(200, KilledSchema)
    @blp.alt_response(404, response="DEFAULT_ERROR", description="No article with this slug.")
    @blp.alt_response(410, response="DEFAULT_ERROR", description="The article is killed already.")
    def delete(self, slug: str) -> dict[str, Any]:
        """Kill the story: 410 Gone for readers everywhere from now on, never undone."""
        with publication().database.write() as session:
            row = articles.find(session, slug)
            if row is None:
                _fail(404, f"No article {slug!r}.")
            if row.killed is not None:
                _fail(410, f"The article {slug!r} was killed already.")
            articles.kill(session, row, actor())
            killed = {"slug": slug, "killed": row.killed, "version": row.version}
        publication().watcher.catch_up()  # this worker answers 410 at once; others within 1 s
        return killed
