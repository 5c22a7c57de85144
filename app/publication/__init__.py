"""Publication: what readers are served, from the store — editions, facts, list pages — and
the one render cache their bodies live in."""

from __future__ import annotations

from flask import Flask, current_app

from app.i18n.locales import SUPPORTED_LANGUAGES
from app.publication.reader import Page, Publication, Reading


def init_app(app: Flask) -> None:
    app.extensions["depeche.publication"] = Publication(
        app.extensions["depeche.database"],
        app.extensions["depeche.engine"],
        SUPPORTED_LANGUAGES,
        app.config["RENDER_CACHE_BYTES"],
        app.config["CHANGE_CHECK_INTERVAL"],
        app.extensions["depeche.clock"],
    )


def publication() -> Publication:
    found: Publication = current_app.extensions["depeche.publication"]
    return found


__all__ = ["Page", "Publication", "Reading", "init_app", "publication"]
