"""HTML pages, embeds and oEmbed: the article per language, the list, the bare-root redirect."""

from __future__ import annotations

from flask import Flask

from app.web import embed, oembed  # noqa: F401  (their routes join the blueprint)
from app.web.pages import bp


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
