"""Facts: typed facts and a timeline with provenance, their rendering and their checks."""

from __future__ import annotations

from pathlib import Path

from flask import Flask, current_app

from app.content.store import ArticleStore
from app.facts.model import ArticleFacts
from app.facts.store import load_facts


def init_app(app: Flask) -> None:
    """Load and validate every article's facts.yaml, once, against the article's text."""
    articles: ArticleStore = app.extensions["depeche.articles"]
    facts: dict[str, ArticleFacts] = {}
    for article in articles:
        path = Path(article.folder) / "facts.yaml"
        if path.exists():
            facts[article.slug] = load_facts(path, article)
    app.extensions["depeche.facts"] = facts


def facts_of(slug: str) -> ArticleFacts | None:
    """The facts of article *slug* in the current app, if it has any."""
    found: dict[str, ArticleFacts] = current_app.extensions["depeche.facts"]
    return found.get(slug)
