"""Embeds: the fact box and the card other sites frame, and ``/embed.js`` that frames them.

An embed page is self-contained (its style and its one script inline, no other request, no
cookie), so it renders in a sandboxed iframe with an opaque origin. Both inline texts are
fixed files, allowed by their hash: a nonce would change every response, and bodies are
rendered once and cached.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from flask import Response, abort, render_template
from markupsafe import Markup
from werkzeug.exceptions import Gone

from app import i18n
from app.caching import cached_response, content_etag
from app.clock import newsroom_zone
from app.facts.render import render_facts
from app.publication import publication
from app.publication.dates import published_display
from app.security import allow_inline, embeddable
from app.web.pages import LANG, bp, render_article_html
from app.web.urls import absolute

ASSETS = Path(__file__).parent / "assets"
#: The iframe's sandbox, in embed.js and oEmbed's snippet alike: embed.js says why each token.
SANDBOX = "allow-scripts allow-popups allow-popups-to-escape-sandbox"
#: embed.js changes rarely and is revalidated by ETag; a day spares publishers' readers.
SCRIPT_MAX_AGE = 86_400


@lru_cache(maxsize=8)
def asset(name: str) -> str:
    """The text of one of our inline or served assets, read once."""
    return (ASSETS / name).read_text(encoding="utf-8")


def _embed_page(kind: str, slug: str, negotiated: i18n.Negotiated, base: str) -> bytes:
    reading = publication().read(slug, negotiated.language)
    if reading is None or (kind == "facts" and reading.facts is None):
        abort(404)
    edition, found = reading.edition, reading.facts
    summary = {"slug": slug, **render_facts(found, edition, negotiated.locale)} if found else None
    html = render_template(
        f"embed_{kind}.html",
        edition=edition,
        article=edition.article,
        summary=summary,
        negotiated=negotiated,
        article_url=absolute(base, "web.article", lang=edition.language, slug=slug),
        published=published_display(edition.article, negotiated.locale, newsroom_zone()),
        style=Markup(asset("embed.css")),
        script=Markup(asset("frame.js")),
    )
    return html.encode()


def _embed(kind: str, slug: str) -> Response:
    allow_inline(scripts=(asset("frame.js"),), styles=(asset("embed.css"),))
    try:
        return render_article_html(
            f"embed.{kind}",
            slug,
            lambda negotiated, base: _embed_page(kind, slug, negotiated, base),
        )
    except Gone:
        return _gone()


def _gone() -> Response:
    """410 for a killed story: a page whose script tells embed.js to collapse the frame."""
    html = render_template(
        "embed_gone.html",
        negotiated=i18n.current(),
        style=Markup(asset("embed.css")),
        script=Markup(asset("frame.js")),
    )
    return Response(html, status=410, mimetype="text/html")


@bp.get(f"/{LANG}/embed/articles/<slug>")
@embeddable
def embed_card(lang: str, slug: str) -> Response:
    """A card: headline, standfirst, date and a link to the article."""
    return _embed("card", slug)


@bp.get(f"/{LANG}/embed/articles/<slug>/facts")
@embeddable
def embed_facts(lang: str, slug: str) -> Response:
    """The key facts and the timeline."""
    return _embed("facts", slug)


@bp.get("/embed.js")
def embed_script() -> Response:
    """The publishers' script: turns each ``data-depeche-embed`` box into a sized iframe."""
    body = asset("embed.js").encode()
    response = cached_response(body, "text/javascript", content_etag(body))
    response.cache_control.max_age = SCRIPT_MAX_AGE
    return response
