"""Serving translations: the engine's admission limits from the settings, and models warmed early.

granian imports ``app.wsgi`` in each worker after the fork, so the warm-up thread started here
runs in the worker that will translate: the first reader does not pay for the load.
"""

from __future__ import annotations

from flask import Flask

from app.translation.admission import Admission
from app.translation.engine import Engine
from app.translation.packages import PackageError, installed


def required_pairs(setting: str) -> list[tuple[str, str]]:
    """``DEPECHE_REQUIRE_MODELS`` ("en-fr fr-en") as pairs."""
    pairs = []
    for item in setting.split():
        source, _, target = item.partition("-")
        if source and target:
            pairs.append((source, target))
    return pairs


def init_app(app: Flask) -> None:
    """Set the engine's queue from the settings, then load the models in the background."""
    engine: Engine = app.extensions["depeche.engine"]
    engine.admission = Admission(
        wait=float(app.config["TRANSLATE_BATCH_WAIT_MS"]) / 1000,
        size=int(app.config["TRANSLATE_BATCH_SEGMENTS"]),
        timeout=float(app.config["TRANSLATE_QUEUE_TIMEOUT"]),
    )
    if not app.config["WARM_MODELS"]:
        return
    pairs = required_pairs(app.config["REQUIRE_MODELS"])
    try:
        pairs += [(p.source, p.target) for p in installed(engine.models_dir)]
    except (OSError, ValueError, PackageError):
        pass  # /readyz reports an unreadable models folder
    engine.warm(pairs)
