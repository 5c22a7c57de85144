"""The WSGI entry point for granian: ``granian --interface wsgi app.wsgi:app``."""

from app import create_app

app = create_app()
