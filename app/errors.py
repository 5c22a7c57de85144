"""One error shape for every JSON error: RFC 9457 problem+json, with field errors."""

from __future__ import annotations

import logging
from typing import Any

from flask import Flask, Response, json, render_template, request
from marshmallow import Schema, fields
from werkzeug.exceptions import HTTPException, InternalServerError
from werkzeug.http import HTTP_STATUS_CODES

PROBLEM_MIMETYPE = "application/problem+json"
JSON_PREFIXES = ("/api/", "/oembed", "/translate", "/languages", "/healthz", "/readyz")

log = logging.getLogger(__name__)


class ProblemSchema(Schema):
    """RFC 9457 problem details, plus ``errors``: marshmallow's messages by location and field."""

    type = fields.String(metadata={"description": "A URI naming the problem type."})
    title = fields.String(metadata={"description": "The HTTP status phrase."})
    status = fields.Integer(metadata={"description": "The HTTP status code."})
    detail = fields.String(metadata={"description": "What went wrong, for a person."})
    instance = fields.String(metadata={"description": "The path that was requested."})
    errors = fields.Dict(
        metadata={"description": "Field errors by location: {'query': {'lang': ['...']}}."}
    )


def problem(
    status: int,
    detail: str,
    errors: dict[str, Any] | None = None,
    title: str | None = None,
    extensions: dict[str, Any] | None = None,
) -> Response:
    """Build a problem+json response."""
    body: dict[str, Any] = {
        "type": "about:blank",
        "title": title or HTTP_STATUS_CODES.get(status, "Error"),
        "status": status,
        "detail": detail,
        "instance": request.path,
    }
    if errors:
        body["errors"] = errors
    body.update(extensions or {})
    return Response(json.dumps(body), status=status, mimetype=PROBLEM_MIMETYPE)


def wants_json() -> bool:
    return request.path.startswith(JSON_PREFIXES)


def handle_http_exception(error: HTTPException) -> Response:
    """Render any HTTP error as problem+json (API) or as a localized page (HTML)."""
    status = error.code or 500
    if isinstance(error, InternalServerError) and error.original_exception is not None:
        log.error(
            "unhandled error on %s %s",
            request.method,
            request.path,
            exc_info=error.original_exception,
        )
    data = getattr(error, "data", None) or {}
    if wants_json():
        detail = data.get("message") or error.description or HTTP_STATUS_CODES.get(status, "Error")
        response = problem(
            status,
            detail,
            data.get("errors") or data.get("messages"),
            extensions=data.get("extensions"),
        )
    else:
        response = Response(
            render_template("error.html", status=status, description=error.description),
            status=status,
            mimetype="text/html",
        )
    for name, value in error.get_headers():
        if name in ("Allow", "Retry-After", "WWW-Authenticate"):
            response.headers[name] = value
    if status in (401, 403, 404, 405, 406, 413, 422):
        response.cache_control.no_store = True
    return response


def init_app(app: Flask) -> None:
    """Route every HTTP error, and every unhandled exception, through one handler."""
    app.register_error_handler(HTTPException, handle_http_exception)
    app.register_error_handler(Exception, _handle_unexpected)


def _handle_unexpected(error: Exception) -> Response:
    return handle_http_exception(InternalServerError(original_exception=error))
