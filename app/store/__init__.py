"""The content store: SQLAlchemy models, sessions, migrations and change notification."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from flask import Flask, Response, current_app
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from werkzeug.exceptions import InternalServerError, ServiceUnavailable

from app import config
from app.errors import handle_http_exception
from app.store.database import Database, PoolSettings, StoreError, connection_lost

log = logging.getLogger(__name__)

#: Seconds a client is asked to wait when the store does not answer (a restart, a failover).
RETRY_AFTER = 2


def open_database(settings: Mapping[str, Any]) -> Database:
    """The configured database, its pool sized from *settings*."""
    return Database(config.database_url(settings), PoolSettings.from_settings(settings))


def init_app(app: Flask) -> None:
    """Open the database; refuse to serve a schema that is not this code's. A database that
    stops answering later makes requests a 503 with Retry-After, never a 500."""
    from app.store.schema import ensure_current

    database = open_database(app.config)
    try:
        ensure_current(database)
    except Exception:
        database.dispose()
        raise
    app.extensions["depeche.database"] = database
    app.register_error_handler(DBAPIError, _unavailable)
    app.register_error_handler(PoolTimeout, _unavailable)


def unavailable(error: BaseException) -> bool:
    """Whether *error* means the store cannot be reached now (worth a retry later), rather
    than a bug: a lost or refused connection, or no free connection in the pool."""
    return isinstance(error, OperationalError | PoolTimeout) or connection_lost(error)


def _unavailable(error: Exception) -> Response:
    if not unavailable(error):
        return handle_http_exception(InternalServerError(original_exception=error))
    log.warning("the database does not answer: %s", getattr(error, "orig", None) or error)
    return handle_http_exception(
        ServiceUnavailable(
            "The content store does not answer right now; try again shortly.",
            retry_after=RETRY_AFTER,
        )
    )


def database() -> Database:
    found: Database = current_app.extensions["depeche.database"]
    return found


__all__ = ["Database", "StoreError", "database", "init_app", "open_database", "unavailable"]
