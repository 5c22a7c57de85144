"""Publication: what readers are served, from the store — editions, facts, list pages — and
the one render cache their bodies live in."""

from __future__ import annotations

from flask import Flask, current_app
from werkzeug.exceptions import Gone, NotFound

from app.i18n.locales import SUPPORTED_LANGUAGES
from app.publication.reader import Page, Publication, Reading, Stamp


def init_app(app: Flask) -> None:
    app.extensions["depeche.publication"] = Publication(
        app.extensions["depeche.database"],
        app.extensions["depeche.engine"],
        SUPPORTED_LANGUAGES,
        app.config["RENDER_CACHE_BYTES"],
        app.config["CHANGE_CHECK_INTERVAL"],
        app.extensions.get("depeche.jobs"),
        max_risk=app.config["MT_PUBLISH_MAX_RISK"],
        clock=app.extensions["depeche.clock"],
    )


def publication() -> Publication:
    found: Publication = current_app.extensions["depeche.publication"]
    return found


def live_version(slug: str) -> Stamp:
    """The version of article *slug* readers are served: 404 when there is no such article,
    410 Gone when it was killed (every page, API answer, embed and oEmbed of it)."""
    pub = publication()
    version = pub.version(slug)
    if version is None:
        raise NotFound(f"No article {slug!r}.")
    if pub.killed(slug, version):
        raise Gone(f"The article {slug!r} was withdrawn.")
    return version


__all__ = ["Page", "Publication", "Reading", "init_app", "live_version", "publication"]
