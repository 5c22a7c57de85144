"""``/oembed``: oEmbed 1.0 (type rich) for our article and facts pages, JSON only.

The ``url`` must name one of our own pages: it is matched against our URL map, never
fetched, so the endpoint cannot be turned against another host.
"""

from __future__ import annotations

from typing import Any, NoReturn

from babel import Locale
from flask import Response, current_app, json, request
from markupsafe import Markup
from marshmallow import EXCLUDE, Schema, ValidationError, fields, validate
from werkzeug.exceptions import NotFound, default_exceptions

from app.caching import cached_response, tag_render
from app.facts.render import render_facts
from app.publication import live_version, publication
from app.translation.edition import Edition
from app.web.embed import SANDBOX
from app.web.pages import bp
from app.web.sizes import DEFAULT_WIDTH, MAX_WIDTH, estimate_height
from app.web.urls import absolute, public_base, route_of

#: Which embed stands for which page.
EMBED_OF = {"web.article": "card", "web.facts": "facts"}
PROVIDER_NAME = "dépêche"
_IFRAME = Markup(
    '<iframe src="{src}" width="{width}" height="{height}" title="{title}" sandbox="{sandbox}"'
    ' loading="lazy" style="border:0;max-width:100%"></iframe>'
)


class OEmbedQuerySchema(Schema):
    """The consumer's request (oEmbed 1.0, section 2.2)."""

    class Meta:
        # Consumers add parameters of their own (WordPress sends dnt=1); the spec has
        # providers ignore what they do not know.
        unknown = EXCLUDE

    url = fields.Url(
        required=True,
        schemes={"http", "https"},
        require_tld=False,
        validate=validate.Length(max=2048),
        metadata={"description": "The page to embed: one of our article or facts pages."},
    )
    maxwidth = fields.Integer(strict=False, validate=validate.Range(min=1, max=10_000))
    maxheight = fields.Integer(strict=False, validate=validate.Range(min=1, max=10_000))
    format = fields.String(load_default="json", validate=validate.OneOf(["json", "xml"]))


def abort(status: int, message: str, errors: dict[str, Any] | None = None) -> NoReturn:
    """Stop with a problem+json answer (app/errors.py reads ``data``)."""
    error = default_exceptions[status]()
    error.data = {"message": message, "errors": errors}  # type: ignore[attr-defined]
    raise error


def _query() -> dict[str, Any]:
    """The validated query: 400 for a repeated parameter, 422 for a bad one (problem+json)."""
    repeated = {k: ["Given more than once."] for k, v in request.args.lists() if len(v) > 1}
    if repeated:
        abort(400, message="A query parameter is repeated.", errors={"query": repeated})
    try:
        loaded: dict[str, Any] = OEmbedQuerySchema().load(request.args.to_dict())
    except ValidationError as error:
        abort(422, message="The query is not valid.", errors={"query": error.messages})
    return loaded


def _target(url: str, base: str) -> tuple[str, Edition, dict[str, Any] | None]:
    """The embed kind, edition and facts *url* stands for; 404 unless it is one of ours."""
    route = route_of(url, base)
    kind = EMBED_OF.get(route[0]) if route else None
    if route is None or kind is None:
        abort(404, message="This URL is not an article page of this site.")
    slug, lang = route[1]["slug"], route[1]["lang"]
    pub = publication()
    try:
        version = live_version(slug)  # a killed article is 410 Gone here too
    except NotFound:
        abort(404, message="There is no such article.")
    reading = pub.read(slug, lang)
    if reading is None or (kind == "facts" and reading.facts is None):
        abort(404, message="There is no such article.")
    tag_render(slug, version)
    edition, found = reading.edition, reading.facts if kind == "facts" else None
    summary = render_facts(found, edition, Locale.parse(lang)) if found else None
    return kind, edition, summary


@bp.get("/oembed")
def oembed() -> Response:
    """Describe the embed of one of our pages, sized to the consumer's maxwidth/maxheight."""
    query = _query()
    if query["format"] != "json":
        abort(501, message="Only format=json is served.")
    base = public_base()
    kind, edition, summary = _target(query["url"], base)
    width = min(query.get("maxwidth") or DEFAULT_WIDTH, MAX_WIDTH)
    height = estimate_height(kind, edition, summary, width)
    height = min(height, query.get("maxheight") or height)
    title = edition.text(edition.article.headline)
    slug = edition.article.slug
    src = absolute(base, f"web.embed_{kind}", lang=edition.language, slug=slug)
    data = {
        "version": "1.0",
        "type": "rich",
        "title": title,
        "author_name": edition.article.credit,
        "provider_name": PROVIDER_NAME,
        "provider_url": f"{base}/",
        "cache_age": current_app.config["CACHE_MAX_AGE"],
        "width": width,
        "height": height,
        "html": str(
            _IFRAME.format(src=src, width=width, height=height, title=title, sandbox=SANDBOX)
        ),
    }
    response = cached_response(json.dumps(data, ensure_ascii=False).encode(), "application/json")
    response.headers["Content-Language"] = edition.language  # the page's, not the reader's
    return response
