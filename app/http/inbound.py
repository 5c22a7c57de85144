"""What a request brings in, checked before anything uses it: its Host header and its body."""

from __future__ import annotations

from flask import Flask

from app.http import bodies, hosts


def init_app(app: Flask) -> None:
    """Check Host headers and redirects in Flask, and bound request bodies before it runs."""
    hosts.init_app(app)
    bodies.init_app(app)
