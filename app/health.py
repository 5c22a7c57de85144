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
from app.translation.serving import required_pairs

log = logging.getLogger(__name__)
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
    """Every language pair the service could translate, and its state.

    States: ``missing``, ``installed`` (loads on first use), ``loading``, ``loaded``,
    ``broken``. Paths and library messages stay in the logs and in ``depeche models list``:
    this answer is public.
    """
    machine = engine()
    try:
        present = {(p.source, p.target): p for p in installed(machine.models_dir)}
        unreadable = False
    except (OSError, ValueError, PackageError) as failure:
        log.warning("the models folder cannot be read: %s", failure)
        present, unreadable = {}, True
    pairs = []
    for source, target in permutations(SUPPORTED_LANGUAGES, 2):
        package = present.get((source, target))
        install = f"depeche models install {source} {target}"
        entry: dict[str, Any] = {"source": source, "target": target, "installed": bool(package)}
        if package is not None:
            loaded = machine.is_loaded(source, target)
            entry.update(name=package.name, version=package.version, loaded=loaded)
            if (source, target) in machine.warming:
                entry["state"] = "loading"
            elif (source, target) in machine.failures:
                entry.update(
                    state="broken",
                    error=f"{package.name} cannot be loaded; `depeche models list` and the "
                    "service's logs say why. Reinstall it with the install command.",
                    install=install,
                )
            else:
                entry["state"] = "loaded" if loaded else "installed"
        else:
            entry.update(state="missing", install=install)
            if unreadable:
                entry["error"] = "the models folder cannot be read; the service's logs say why"
        pairs.append(entry)
    return pairs


def database_status() -> dict[str, Any]:
    """Whether the store answers (within DATABASE_CONNECT_TIMEOUT, and once more when the
    connection was lost under it), and how many articles it holds."""
    store = database()
    try:
        count = store.reading(
            lambda session: session.execute(
                select(func.count()).select_from(ArticleRow)
            ).scalar_one()
        )
    except SQLAlchemyError as error:
        log.warning("readiness: the database does not answer: %s", error)
        return {"status": "unavailable"}
    return {"status": "ok", "articles": count}


@bp.get("/readyz")
def readyz() -> Response:
    """Ready when content is loaded, models are warm, and every required model is installed."""
    models = model_status()
    required = set(required_pairs(current_app.config["REQUIRE_MODELS"]))
    missing = [m for m in models if (m["source"], m["target"]) in required and not m["installed"]]
    loading = [m for m in models if m.get("state") == "loading"]
    store = database_status()
    if store["status"] != "ok" or missing:
        status = "not ready"
    elif loading:
        status = "loading"
    else:
        status = "ready"
    body = {"status": status, "database": store, "models": models}
    return _json(body, 200 if status == "ready" else 503)


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
