"""HTML pages: the article per language, the article list, and the bare-root redirect."""

from __future__ import annotations

from flask import Flask

from app.web.pages import bp


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
