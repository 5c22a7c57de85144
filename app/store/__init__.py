"""The content store: SQLAlchemy models, sessions, migrations and change notification."""

from __future__ import annotations

from flask import Flask, current_app

from app import config
from app.store.database import Database, StoreError
from app.store.migrate import ensure_current


def init_app(app: Flask) -> None:
    """Open the database; refuse to serve a schema that is not this code's."""
    database = Database(config.database_url(app.config))
    try:
        ensure_current(database)
    except Exception:
        database.dispose()
        raise
    app.extensions["depeche.database"] = database


def database() -> Database:
    found: Database = current_app.extensions["depeche.database"]
    return found


__all__ = ["Database", "StoreError", "database", "init_app"]
