"""The syndication routes: feeds per language, the sitemap chain, the news sitemap, robots.txt.

Every body is rendered once per key in the one render cache, keyed by the store's change
number (any change anywhere may change a list), so a correction, a kill or a new translation
is served by every worker within the change watcher's interval. ETag from the bytes,
Last-Modified from the newest change shown, 304 on either.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from urllib.parse import quote

from flask import Blueprint, Response, abort, current_app, url_for

from app import i18n
from app.caching import cached_response, tag_render
from app.content import repository
from app.i18n.locales import DEFAULT_LANGUAGE, SUPPORTED_LANGUAGES
from app.i18n.render import ui_translations
from app.publication import publication
from app.syndication import feeds, listing, sitemaps
from app.syndication.dates import aware
from app.web.metadata import SITE_NAME
from app.web.pages import LANG
from app.web.urls import absolute, public_base

bp = Blueprint("syndication", __name__)
_SLUG = "__slug__"
Made = tuple[bytes, datetime | None]
"""A body, and the time of the newest change it shows (None: it says none)."""


def edition_url(base: str) -> sitemaps.EditionUrl:
    """(language, slug) → the article page's absolute URL, without a URL build per call."""
    templates = {
        lang: absolute(base, "web.article", lang=lang, slug=_SLUG) for lang in SUPPORTED_LANGUAGES
    }
    return lambda lang, slug: templates[lang].replace(_SLUG, quote(slug, safe=""))


def _respond(resource: str, key: str, mimetype: str, make: Callable[[], Made]) -> Response:
    """The body of *resource* at *key*, rendered once per change number and base URL."""
    pub, base = publication(), public_base()
    seq = pub.seq()
    made: dict[str, datetime | None] = {}

    def body() -> bytes:
        data, made["at"] = make()
        return data

    rendered = pub.render(resource, key, "", base, seq, body)
    stamp = pub.render(
        f"{resource}#modified",
        key,
        "",
        base,
        seq,
        lambda: _stamp(made["at"] if "at" in made else make()[1]),
    )
    tag_render(None, seq)
    modified = datetime.fromisoformat(stamp.body.decode()) if stamp.body else None
    return cached_response(rendered.body, mimetype, rendered.etag, modified)


def _stamp(at: datetime | None) -> bytes:
    return at.isoformat().encode() if at is not None else b""


def _index_machine() -> bool:
    return bool(current_app.config["INDEX_MACHINE_TRANSLATIONS"])


def _max_risk() -> float:
    return float(current_app.config["MT_PUBLISH_MAX_RISK"])


def _feed(lang: str, kind: str) -> Response:
    pub, base = publication(), public_base()

    def make() -> Made:
        with pub.database.read() as session:
            entries = listing.newest(
                session,
                lang,
                feeds.FEED_SIZE,
                pub.languages,
                _index_machine(),
                _max_risk(),
                pub.clock(),
            )
        url = edition_url(base)
        ui = ui_translations(i18n.current().locale)
        info = feeds.FeedInfo(
            language=lang,
            title=f"{SITE_NAME} — {ui.gettext('Latest news')}",
            subtitle=ui.gettext("The latest articles in this language."),
            home=absolute(base, "web.index", lang=lang),
            self_url=absolute(base, f"syndication.{kind}", lang=lang),
        )
        urls = [url(e.language, e.row.slug) for e in entries]
        return feeds.build(info, entries, urls, kind), feeds.last_modified(entries)

    mimetype = "application/rss+xml" if kind == "rss" else "application/atom+xml"
    return _respond(f"feed.{kind}", lang, mimetype, make)


@bp.get(f"/{LANG}/feed.xml")
def rss(lang: str) -> Response:
    """RSS 2.0: the latest listed editions in *lang*."""
    return _feed(lang, "rss")


@bp.get(f"/{LANG}/atom.xml")
def atom(lang: str) -> Response:
    """Atom 1.0: the latest listed editions in *lang*."""
    return _feed(lang, "atom")


@bp.get("/sitemap.xml")
def sitemap_index() -> Response:
    """The sitemap index: each language's files, and the news sitemap."""
    pub, base = publication(), public_base()

    def make() -> Made:
        with pub.database.read() as session:
            count = sitemaps.files(repository.last_id(session))
        locations = [
            absolute(base, "syndication.sitemap", lang=lang, number=n)
            for lang in SUPPORTED_LANGUAGES
            for n in range(count)
        ]
        locations.append(absolute(base, "syndication.news_sitemap"))
        return sitemaps.index(locations), None

    return _respond("sitemap.index", "", "application/xml", make)


@bp.get(f"/sitemaps/{LANG}-<int:number>.xml")
def sitemap(lang: str, number: int) -> Response:
    """One language's listed editions among one range of article ids."""
    pub, base = publication(), public_base()
    with pub.database.read() as session:
        if number >= sitemaps.files(repository.last_id(session)):
            abort(404)

    def make() -> Made:
        with pub.database.read() as session:
            rows = repository.published(
                session, sitemaps.PER_FILE, pub.clock(), ids=sitemaps.id_range(number)
            )
            entries = listing.editions(
                session, rows, pub.languages, [lang], _index_machine(), _max_risk()
            )
        body = sitemaps.urlset(entries, edition_url(base), DEFAULT_LANGUAGE)
        return body, max((aware(e.row.updated) for e in entries), default=feeds.last_modified([]))

    return _respond("sitemap.urlset", f"{lang}-{number}", "application/xml", make)


@bp.get("/news-sitemap.xml")
def news_sitemap() -> Response:
    """Google News: listed editions of the last 48 hours, every language, at most 1,000."""
    pub, base = publication(), public_base()
    now = pub.clock()
    since = (now - timedelta(hours=sitemaps.NEWS_HOURS)).date()

    def make() -> Made:
        with pub.database.read() as session:
            entries = [
                entry
                for lang in pub.languages
                for entry in listing.newest(
                    session,
                    lang,
                    sitemaps.NEWS_MAX,
                    pub.languages,
                    _index_machine(),
                    _max_risk(),
                    now,
                    since,
                )
            ]
        entries.sort(key=lambda e: (e.row.published, e.row.slug), reverse=True)
        body = sitemaps.news(entries[: sitemaps.NEWS_MAX], edition_url(base), SITE_NAME)
        return body, feeds.last_modified(entries[: sitemaps.NEWS_MAX])

    # The window moves with the date: it is part of the key.
    return _respond("sitemap.news", since.isoformat(), "application/xml", make)


@bp.get("/robots.txt")
def robots() -> Response:
    """Crawlers may read everything, and find the sitemap index here."""
    body = (
        f"User-agent: *\nAllow: /\nSitemap: {public_base()}{url_for('syndication.sitemap_index')}\n"
    )
    return cached_response(body.encode(), "text/plain")
