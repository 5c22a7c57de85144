"""Syndication: feeds per language, sitemaps, the news sitemap, robots.txt and ninjs items —
listing only the editions readers and search engines may be offered (``completeness``)."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from app.syndication.views import bp

    app.register_blueprint(bp)
