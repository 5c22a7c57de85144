"""Translation: the translation memory, the editions it produces, the CTranslate2 engine."""

from __future__ import annotations

from pathlib import Path

from flask import Flask, current_app

from app.translation.engine import Engine


def init_app(app: Flask) -> None:
    """Set up the engine; models load on first use."""
    app.extensions["depeche.engine"] = Engine(
        Path(app.config["MODELS_DIR"]), app.config["BEAM_SIZE"], app.config["INTRA_THREADS"]
    )


def engine() -> Engine:
    found: Engine = current_app.extensions["depeche.engine"]
    return found


__all__ = ["Engine", "engine", "init_app"]
