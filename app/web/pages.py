"""``/<lang>/`` and ``/<lang>/articles/<slug>``: pages rendered once per locale and version."""

from __future__ import annotations

from collections.abc import Callable

from babel import Locale
from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    redirect,
    render_template,
    request,
    url_for,
)
from werkzeug.wrappers import Response as BaseResponse

from app import i18n
from app.api import cursor as cursors
from app.caching import cached_response, tag_render
from app.facts.render import render_facts
from app.i18n.locales import SUPPORTED_LANGUAGES
from app.i18n.render import display_date
from app.publication import live_version, publication
from app.syndication.completeness import edition_states
from app.web.metadata import page_metadata
from app.web.urls import public_base

LANG = f"<any({', '.join(SUPPORTED_LANGUAGES)}):lang>"
#: Articles on one page of the home page.
INDEX_PAGE_SIZE = 20

bp = Blueprint(
    "web", __name__, template_folder="templates", static_folder="static", static_url_path="/static"
)


def language_name(language: str) -> str:
    """A language's name in that language, as a menu shows it: "English", "Français"."""
    name = Locale.parse(language).get_display_name(language) or language
    return name[:1].upper() + name[1:]


def _switcher() -> list[tuple[str, str]]:
    return [(lang, language_name(lang)) for lang in SUPPORTED_LANGUAGES]


def language_in(language: str, locale: Locale) -> str:
    """A language's name as *locale* writes it in running text: "French", "anglais"."""
    return Locale.parse(language).get_display_name(locale) or language


def _article_page(page: str, slug: str, negotiated: i18n.Negotiated, base: str) -> bytes:
    pub = publication()
    reading = pub.read(slug, negotiated.language)
    if reading is None or (page == "facts" and reading.facts is None):
        abort(404)
    edition, found = reading.edition, reading.facts
    index_machine = current_app.config["INDEX_MACHINE_TRANSLATIONS"]
    summary = {"slug": slug, **render_facts(found, edition, negotiated.locale)} if found else None
    html = render_template(
        "facts.html" if page == "facts" else "article.html",
        summary=summary,
        edition=edition,
        article=edition.article,
        negotiated=negotiated,
        switcher=_switcher(),
        display_date=display_date,
        language_in=language_in,
        meta=page_metadata(
            edition,
            negotiated.locale,
            edition_states(pub.database, edition, pub.languages, pub.max_risk),
            base,
            f"web.{page}",
            index_machine,
        ),
    )
    return html.encode()


def render_article_html(
    resource: str, slug: str, make: Callable[[i18n.Negotiated, str], bytes]
) -> Response:
    """An HTML body of article *slug* (404 if there is none), rendered once per locale, base
    URL and version by *make(negotiated, base)*, with its ETag and cache headers."""
    pub = publication()
    version = live_version(slug)
    negotiated, base = i18n.current(), public_base()
    rendered = pub.render(resource, slug, negotiated, base, version, lambda: make(negotiated, base))
    tag_render(slug, version)
    return cached_response(rendered.body, "text/html", rendered.etag)


def _page(page: str, slug: str) -> Response:
    return render_article_html(
        f"web.{page}", slug, lambda negotiated, base: _article_page(page, slug, negotiated, base)
    )


@bp.get("/")
def root() -> BaseResponse:
    """Send the reader to the home page in their language."""
    response = redirect(url_for("web.index", lang=i18n.current().language), code=302)
    response.vary.add("Accept-Language")
    return response


@bp.get(f"/{LANG}/")
def index(lang: str) -> Response:
    """The latest articles, newest first, with a link to older ones (``?cursor=``)."""
    given = request.args.get("cursor")
    try:
        after = cursors.decode(given) if given else None
    except ValueError:
        abort(404)
    pub, negotiated = publication(), i18n.current()
    seq = pub.seq()

    def make() -> bytes:
        page = pub.page(negotiated.language, INDEX_PAGE_SIZE, after)
        older = (
            url_for("web.index", lang=negotiated.language, cursor=cursors.encode(page.next))
            if page.next
            else None
        )
        html = render_template(
            "index.html",
            editions=page.editions,
            older=older,
            negotiated=negotiated,
            switcher=_switcher(),
            display_date=display_date,
        )
        return html.encode()

    rendered = pub.render("web.index", given or "", negotiated, "", seq, make)
    tag_render(None, seq)
    return cached_response(rendered.body, "text/html", rendered.etag)


@bp.get(f"/{LANG}/articles/<slug>")
def article(lang: str, slug: str) -> Response:
    return _page("article", slug)


@bp.get(f"/{LANG}/articles/<slug>/facts")
def facts(lang: str, slug: str) -> Response:
    return _page("facts", slug)
