"""``/healthz`` (the process answers) and ``/readyz`` (content loaded, models and their status)."""

from __future__ import annotations

import logging
from itertools import permutations
from typing import Any

from flask import Blueprint, Flask, Response, current_app, json
from sqlalchemy import func, select
from sqlalchemy.exc import SQLAlchemyError

from app.i18n.locales import SUPPORTED_LANGUAGES
from app.store import database
from app.store.models import ArticleRow
from app.translation import engine
from app.translation.packages import PackageError, installed

bp = Blueprint("health", __name__)
log = logging.getLogger(__name__)


def _json(data: dict[str, Any], status: int = 200) -> Response:
    response = Response(json.dumps(data), status=status, mimetype="application/json")
    response.cache_control.no_store = True
    return response


@bp.get("/healthz")
def healthz() -> Response:
    """Alive: the process answers. Checks nothing else, on purpose."""
    return _json({"status": "ok"})


def model_status() -> list[dict[str, Any]]:
    """Every language pair the service could translate, and what is installed for it."""
    machine = engine()
    try:
        present = {(p.source, p.target): p for p in installed(machine.models_dir)}
        error = None
    except (OSError, ValueError, PackageError) as failure:
        present, error = {}, str(failure)
    pairs = []
    for source, target in permutations(SUPPORTED_LANGUAGES, 2):
        package = present.get((source, target))
        entry: dict[str, Any] = {"source": source, "target": target, "installed": bool(package)}
        if package is not None:
            entry.update(
                name=package.name, version=package.version, loaded=machine.is_loaded(source, target)
            )
        else:
            entry["install"] = f"depeche models install {source} {target}"
        if error or machine.failures.get((source, target)):
            entry["error"] = error or machine.failures[(source, target)]
        pairs.append(entry)
    return pairs


def database_status() -> dict[str, Any]:
    """Whether the store answers, and how many articles it holds."""
    try:
        with database().read() as session:
            count = session.execute(select(func.count()).select_from(ArticleRow)).scalar_one()
    except SQLAlchemyError as error:
        log.warning("readiness: the database does not answer: %s", error)
        return {"status": "unavailable"}
    return {"status": "ok", "articles": count}


@bp.get("/readyz")
def readyz() -> Response:
    """Ready when content is loaded and every required model is installed; 503 otherwise."""
    models = model_status()
    required = {
        tuple(pair.split("-", 1))
        for pair in current_app.config["REQUIRE_MODELS"].split()
        if "-" in pair
    }
    missing = [m for m in models if (m["source"], m["target"]) in required and not m["installed"]]
    store = database_status()
    ready = store["status"] == "ok" and not missing
    body = {
        "status": "ready" if ready else "not ready",
        "database": store,
        "models_dir": str(engine().models_dir),
        "models": models,
    }
    return _json(body, 200 if ready else 503)


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
