"""``/<lang>/`` and ``/<lang>/articles/<slug>``: pages rendered once per locale, then cached."""

from __future__ import annotations

from functools import lru_cache

from babel import Locale
from flask import Blueprint, Response, abort, redirect, render_template, url_for
from werkzeug.wrappers import Response as BaseResponse

from app import i18n
from app.caching import cached_response, content_etag
from app.facts import facts_of
from app.facts.render import render_facts
from app.i18n.locales import SUPPORTED_LANGUAGES
from app.i18n.render import display_date
from app.translation import EditionStore, editions
from app.web.metadata import page_metadata
from app.web.urls import public_base

LANG = f"<any({', '.join(SUPPORTED_LANGUAGES)}):lang>"

bp = Blueprint(
    "web", __name__, template_folder="templates", static_folder="static", static_url_path="/static"
)


def language_name(language: str) -> str:
    """A language's name in that language, as a menu shows it: "English", "Français"."""
    name = Locale.parse(language).get_display_name(language) or language
    return name[:1].upper() + name[1:]


@lru_cache(maxsize=256)
def _render(
    store: EditionStore,
    generation: int,
    page: str,
    slug: str,
    negotiated: i18n.Negotiated,
    base: str,
) -> tuple[bytes, str]:
    """Render a page once per (page, language, locale, base URL) and keep the bytes and ETag."""
    language = negotiated.language
    switcher = [(lang, language_name(lang)) for lang in SUPPORTED_LANGUAGES]
    if page == "index":
        listed = [store.get(a.slug, language) for a in store.articles]
        html = render_template(
            "index.html",
            editions=[e for e in listed if e],
            negotiated=negotiated,
            switcher=switcher,
            display_date=display_date,
        )
    else:
        edition = store.get(slug, language)
        assert edition is not None
        found = facts_of(slug)
        summary = (
            {"slug": slug, **render_facts(found, edition, negotiated.locale)} if found else None
        )
        html = render_template(
            "facts.html" if page == "facts" else "article.html",
            summary=summary,
            edition=edition,
            article=edition.article,
            negotiated=negotiated,
            switcher=switcher,
            display_date=display_date,
            meta=page_metadata(edition, negotiated.locale, store.languages, base, f"web.{page}"),
        )
    body = html.encode()
    return body, content_etag(body)


def _page(page: str, slug: str = "") -> Response:
    store = editions()
    body, etag = _render(store, store.generation, page, slug, i18n.current(), public_base())
    return cached_response(body, "text/html", etag)


@bp.get("/")
def root() -> BaseResponse:
    """Send the reader to the home page in their language."""
    response = redirect(url_for("web.index", lang=i18n.current().language), code=302)
    response.vary.add("Accept-Language")
    return response


@bp.get(f"/{LANG}/")
def index(lang: str) -> Response:
    return _page("index")


@bp.get(f"/{LANG}/articles/<slug>")
def article(lang: str, slug: str) -> Response:
    if editions().articles.get(slug) is None:
        abort(404)
    return _page("article", slug)


@bp.get(f"/{LANG}/articles/<slug>/facts")
def facts(lang: str, slug: str) -> Response:
    if editions().articles.get(slug) is None or facts_of(slug) is None:
        abort(404)
    return _page("facts", slug)
