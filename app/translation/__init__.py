"""Translation: the translation memory (PO catalogs) and the editions it produces."""

from __future__ import annotations

from flask import Flask, current_app

from app.content.store import ArticleStore
from app.i18n.locales import SUPPORTED_LANGUAGES
from app.translation.edition import Edition, EditionStore


def init_app(app: Flask) -> None:
    """Build every article's edition in every supported language, once."""
    articles: ArticleStore = app.extensions["depeche.articles"]
    app.extensions["depeche.editions"] = EditionStore(articles, SUPPORTED_LANGUAGES)


def editions() -> EditionStore:
    store: EditionStore = current_app.extensions["depeche.editions"]
    return store


__all__ = ["Edition", "EditionStore", "editions", "init_app"]
