"""Translation: the translation memory, the editions it produces, the CTranslate2 engine."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from flask import Flask, current_app

from app.store.database import Database
from app.translation.catalogs import memory_matches
from app.translation.engine import Engine
from app.translation.kills import follow_kills
from app.translation.segcache import SegmentCache


def make_engine(database: Database, settings: Mapping[str, Any]) -> Engine:
    """An engine with the segment cache in front of it: the translation memory in the store,
    then this process's recent output (purged of killed articles); models load on first use or
    when warmed."""
    max_risk = float(settings["MT_PUBLISH_MAX_RISK"])

    def memory(segments: Sequence[str], source: str, target: str) -> dict[str, str]:
        with database.read() as session:
            return memory_matches(session, segments, source, target, max_risk)

    size = int(settings["SEGMENT_CACHE_BYTES"])
    cache = SegmentCache(memory, size) if size > 0 else None
    if cache is not None:
        follow_kills(database, cache, float(settings["CHANGE_CHECK_INTERVAL"]))
    return Engine(
        Path(settings["MODELS_DIR"]),
        int(settings["BEAM_SIZE"]),
        int(settings["INTRA_THREADS"]),
        cache,
    )


def init_app(app: Flask) -> None:
    """Set up the engine of this worker."""
    app.extensions["depeche.engine"] = make_engine(app.extensions["depeche.database"], app.config)


def engine() -> Engine:
    found: Engine = current_app.extensions["depeche.engine"]
    return found


__all__ = ["Engine", "engine", "init_app"]
