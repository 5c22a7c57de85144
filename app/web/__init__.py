"""HTML pages, embeds and oEmbed: the article per language, the list, the bare-root redirect."""

from __future__ import annotations

from babel import Locale
from flask import Flask

from app.clock import newsroom_zone
from app.content.model import Article
from app.i18n.render import DateStyle
from app.publication import dates
from app.web import embed, oembed  # noqa: F401  (their routes join the blueprint)
from app.web.pages import bp


def published_display(article: Article, locale: Locale, style: DateStyle = "long") -> str:
    """The article's publication, in the newsroom's time zone, for the reader's locale."""
    return dates.published_display(article, locale, newsroom_zone(), style)


def published_iso(article: Article) -> str:
    return dates.published_iso(article, newsroom_zone())


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
    app.add_template_global(published_display)
    app.add_template_global(published_iso)
