"""Translation: the translation memory (PO catalogs) and the editions it produces."""

from __future__ import annotations

from pathlib import Path

from flask import Flask, current_app

from app.content.store import ArticleStore
from app.i18n.locales import SUPPORTED_LANGUAGES
from app.translation.edition import Edition, EditionStore
from app.translation.engine import Engine


def init_app(app: Flask) -> None:
    """Build every article's edition in every supported language, once; set up the engine."""
    articles: ArticleStore = app.extensions["depeche.articles"]
    engine = Engine(
        Path(app.config["MODELS_DIR"]), app.config["BEAM_SIZE"], app.config["INTRA_THREADS"]
    )
    # Other modules (facts) add translatable segments to an article's catalog.
    extra = {
        slug: facts.segments() for slug, facts in app.extensions.get("depeche.facts", {}).items()
    }
    app.extensions["depeche.engine"] = engine
    app.extensions["depeche.editions"] = EditionStore(articles, SUPPORTED_LANGUAGES, engine, extra)


def engine() -> Engine:
    found: Engine = current_app.extensions["depeche.engine"]
    return found


def editions() -> EditionStore:
    store: EditionStore = current_app.extensions["depeche.editions"]
    return store


__all__ = ["Edition", "EditionStore", "Engine", "editions", "engine", "init_app"]
