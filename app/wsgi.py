"""The WSGI entry point for granian: ``granian --interface wsgi app.wsgi:app``."""

from app import create_app
from app.observe import configure_logging

configure_logging()
app = create_app()
