"""HTTP plumbing any layer may use: the hosts we answer for and our redirects."""

from __future__ import annotations

from flask import Flask

from app.http import hosts


def init_app(app: Flask) -> None:
    """Check Host headers and keep redirects on our base URL."""
    hosts.init_app(app)
