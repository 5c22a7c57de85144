"""Background jobs: machine translation queued on publish, run by ``depeche jobs worker``.

Call ``queue_translations(app_or_settings, slug)`` after any write that publishes or corrects an
article: it queues the translation of its other languages (those a model is installed for) and
returns them. Readers never translate: they queue what is missing and serve the source, with
``translation.pending`` and ``translation.error`` saying where the job is.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Mapping
from typing import Any

from flask import Flask

from app import config
from app.jobs.runner import Jobs
from app.jobs.storage import JobsConfigError

log = logging.getLogger(__name__)
_by_settings: dict[tuple[str, str, str], Jobs] = {}
_lock = threading.Lock()


def init_app(app: Flask) -> None:
    """One ``Jobs`` per app, on the app's database and engine (it only queues and reads)."""
    app.extensions["depeche.jobs"] = Jobs(
        app.config, app.extensions["depeche.database"], app.extensions["depeche.engine"]
    )


def jobs_for(app_or_settings: Flask | Mapping[str, Any]) -> Jobs:
    """The app's ``Jobs``, or one (kept per process) for these settings."""
    if isinstance(app_or_settings, Flask):
        found: Jobs = app_or_settings.extensions["depeche.jobs"]
        return found
    settings = config.load(app_or_settings)
    key = (
        str(settings["JOBS_URL"]),
        config.database_url(settings),
        str(settings["MODELS_DIR"]),
    )
    with _lock:
        if key not in _by_settings:
            _by_settings[key] = Jobs(settings)
        return _by_settings[key]


def queue_translations(app_or_settings: Flask | Mapping[str, Any], slug: str) -> tuple[str, ...]:
    """Queue machine translation of *slug* into each other language a model is installed for;
    return those languages. Call it after the write that published or corrected *slug*."""
    return jobs_for(app_or_settings).queue_article(slug)


__all__ = ["Jobs", "JobsConfigError", "init_app", "jobs_for", "queue_translations"]
