"""Articles: wire-copy ingest, sentence segmentation, the validated in-memory store."""

from __future__ import annotations

from pathlib import Path

from flask import Flask

from app.content.store import ArticleStore


def init_app(app: Flask) -> None:
    """Load every article once; a bad file stops start-up with its name and field."""
    app.extensions["depeche.articles"] = ArticleStore.load(Path(app.config["DATA_DIR"]))
