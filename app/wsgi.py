"""The WSGI entry point for granian: ``granian --interface wsgi app.wsgi:app``."""

import logging

from app import create_app
from app.content.store import ContentError
from app.observe import configure_logging
from app.translation.memory import CatalogError

configure_logging()
try:
    app = create_app()
except (ContentError, CatalogError) as error:
    logging.getLogger("depeche.startup").critical(
        "cannot start: %s",
        error,
        extra={
            "hint": "fix the file named above, or point DEPECHE_DATA_DIR at the folder "
            "that holds articles/<slug>/ (article.md, fr.po, facts.yaml); "
            "`depeche check` validates it without starting the server"
        },
    )
    raise
