"""dépêche: a bilingual French/English news publishing service."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import Flask, request

from app import config
from app.memo import ROUTE_KEY, ResponseMemo
from app.observe import Observe


def create_app(test_config: Mapping[str, Any] | None = None) -> Flask:
    """Build the app: defaults, then ``DEPECHE_*`` environment — or *test_config* instead."""
    app = Flask(__name__, static_folder=None)  # static files are the web blueprint's
    app.config.from_mapping(config.load(test_config))

    from app import clock, errors, health, i18n, jobs, publication, security, store, translation
    from app.api import init_app as init_api
    from app.auth import bearer
    from app.exchange import publisher
    from app.http import inbound, limits, origin
    from app.syndication import init_app as init_syndication
    from app.translation import serving
    from app.web import init_app as init_web

    clock.init_app(app)
    i18n.init_app(app)
    inbound.init_app(app)
    store.init_app(app)
    translation.init_app(app)
    jobs.init_app(app)
    publisher.init_app(app)
    publication.init_app(app)
    serving.init_app(app)
    health.init_app(app)
    errors.init_app(app)
    init_api(app)
    limits.init_app(app)
    bearer.init_app(app)
    origin.init_app(app)
    init_web(app)
    init_syndication(app)
    security.init_app(app)
    app.before_request(_remember_route)
    if app.config["RESPONSE_MEMO"]:
        app.wsgi_app = ResponseMemo(  # type: ignore[method-assign]
            app.wsgi_app, app.extensions["depeche.publication"]
        )
    observe = Observe(app.wsgi_app)
    app.extensions["depeche.metrics"] = observe
    app.extensions["depeche.engine"].admission.observer = observe.batch
    app.wsgi_app = observe  # type: ignore[method-assign]
    return app


def _remember_route() -> None:
    """Tell the outer layers (memo, logs, metrics) which route template answered."""
    if request.url_rule is not None:
        request.environ[ROUTE_KEY] = request.url_rule.rule
