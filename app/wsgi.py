"""The WSGI entry point for granian: ``granian --interface wsgi app.wsgi:app``."""

import logging

from app import create_app
from app.observe import configure_logging
from app.store.database import StoreError

configure_logging()
try:
    app = create_app()
except StoreError as error:
    logging.getLogger("depeche.startup").critical(
        "cannot start: %s",
        error,
        extra={
            "hint": "migrations are their own step: run `depeche db upgrade` (and "
            "`depeche import` for a new store) before starting the workers, with the same "
            "DEPECHE_DATABASE_URL"
        },
    )
    raise
