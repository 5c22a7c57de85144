"""HTTP plumbing any layer may use: the hosts we answer for, our redirects, request bodies."""

from __future__ import annotations

from flask import Flask

from app.http import bodies, hosts


def init_app(app: Flask) -> None:
    """Check Host headers and redirects in Flask, and bound streamed bodies before it runs."""
    hosts.init_app(app)
    bodies.init_app(app)
