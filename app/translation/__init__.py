"""Translation: the translation memory, the editions it produces, the CTranslate2 engine."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from flask import Flask, current_app

from app.store.database import Database
from app.translation.catalogs import memory_matches
from app.translation.engine import Engine
from app.translation.segcache import SegmentCache


def init_app(app: Flask) -> None:
    """Set up the engine, with the segment cache in front of it (the translation memory in the
    store, then this worker's recent output); models load on first use or when warmed."""
    database: Database = app.extensions["depeche.database"]

    def memory(segments: Sequence[str], source: str, target: str) -> dict[str, str]:
        with database.read() as session:
            return memory_matches(session, segments, source, target)

    size = app.config["SEGMENT_CACHE_BYTES"]
    app.extensions["depeche.engine"] = Engine(
        Path(app.config["MODELS_DIR"]),
        app.config["BEAM_SIZE"],
        app.config["INTRA_THREADS"],
        SegmentCache(memory, size) if size > 0 else None,
    )


def engine() -> Engine:
    found: Engine = current_app.extensions["depeche.engine"]
    return found


__all__ = ["Engine", "engine", "init_app"]
