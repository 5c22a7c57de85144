"""The JSON API under ``/api/v1``: flask-smorest, marshmallow schemas, OpenAPI 3."""

from __future__ import annotations

from pathlib import Path

import flask_swagger_ui
from flask import Flask, Response, current_app, request, send_from_directory
from flask_smorest import Api, abort
from werkzeug.exceptions import HTTPException

from app.errors import PROBLEM_MIMETYPE, ProblemSchema, handle_http_exception
from app.http.bodies import body_limit

API_PREFIX = "/api/v1"
SWAGGER_UI_ASSETS = Path(flask_swagger_ui.__file__).parent / "dist"
ACCEPTABLE = ("application/json", PROBLEM_MIMETYPE)


class DepecheApi(Api):  # type: ignore[misc]
    """flask-smorest's Api, documenting and answering errors as problem+json."""

    ERROR_SCHEMA = ProblemSchema

    def handle_http_exception(self, error: HTTPException) -> Response:
        return handle_http_exception(error)


def _check_request() -> None:
    """Refuse what the API cannot answer before any view runs: 413, 400 and 406."""
    limit = body_limit(
        request.path,
        current_app.config,
        current_app.extensions["depeche.body_limits"],
        request.method,
    )
    if limit is not None and request.content_length is not None and request.content_length > limit:
        abort(
            413,
            message=f"The request body is over {limit} bytes.",
            errors={"body": [f"Longer than {limit} bytes."]},
        )
    repeated = {
        key: ["Given more than once."] for key in request.args if len(request.args.getlist(key)) > 1
    }
    if repeated:
        abort(400, message="A query parameter is repeated.", errors={"query": repeated})
    accept = request.accept_mimetypes
    if request.headers.get("Accept") and not any(accept.quality(m) for m in ACCEPTABLE):
        abort(406, message="The API answers application/json only.")


def init_app(app: Flask) -> None:
    """Register the API blueprints, the OpenAPI document and the local docs UI."""
    from app.api.articles import blp as articles
    from app.api.auth import document_scheme
    from app.api.corrections import blp as corrections
    from app.api.facts import blp as facts
    from app.api.history import blp as history
    from app.api.ingest import blp as ingest
    from app.api.ingest import init_app as init_ingest
    from app.api.kill import blp as kill
    from app.api.libretranslate import bp as libretranslate
    from app.api.push import blp as push
    from app.api.push import init_app as init_push
    from app.api.review import blp as review
    from app.api.suggestions import blp as suggestions
    from app.api.translate import blp as translate

    app.config.update(
        API_TITLE="dépêche",
        API_VERSION="v1",
        OPENAPI_VERSION="3.0.3",
        OPENAPI_URL_PREFIX=API_PREFIX,
        OPENAPI_JSON_PATH="openapi.json",
        OPENAPI_SWAGGER_UI_PATH="docs",
        OPENAPI_SWAGGER_UI_URL=f"{API_PREFIX}/docs/assets/",
    )
    api = DepecheApi(app)
    api.register_blueprint(articles, url_prefix=f"{API_PREFIX}/articles")
    api.register_blueprint(suggestions, url_prefix=f"{API_PREFIX}/articles")
    for writes in (kill, corrections, review, facts, history):
        api.register_blueprint(writes, url_prefix=f"{API_PREFIX}/articles")
    api.register_blueprint(ingest, url_prefix=f"{API_PREFIX}/ingest")
    init_ingest(app)
    api.register_blueprint(push, url_prefix=f"{API_PREFIX}/push/superdesk")
    init_push(app)
    document_scheme(api)
    api.register_blueprint(translate, url_prefix=f"{API_PREFIX}/translate")
    app.register_blueprint(libretranslate)
    app.extensions["depeche.api"] = api
    # Errors are answered as application/problem+json: say so in the document.
    for response in api.spec.components.responses.values():
        content = response.get("content", {})
        if "application/json" in content:
            content[PROBLEM_MIMETYPE] = content.pop("application/json")

    @app.route(f"{API_PREFIX}/docs/assets/<path:filename>", endpoint="swagger_ui_assets")
    def swagger_ui_assets(filename: str) -> Response:
        return send_from_directory(SWAGGER_UI_ASSETS, filename, max_age=86_400)

    app.before_request(_api_guard)


def _api_guard() -> None:
    if request.path.startswith(API_PREFIX):
        _check_request()
