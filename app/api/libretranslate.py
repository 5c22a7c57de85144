"""LibreTranslate-compatible ``POST /translate`` and ``GET /languages``.

Same field names, JSON or form bodies, and the same answers (``translatedText``; errors carry
``error``), so existing LibreTranslate clients work unchanged. Errors are our problem+json with
``error`` added as an extension member. Any origin may call them (CORS, no credentials); form
bodies from another origin's page are refused (403) unless ``ALLOW_CROSS_ORIGIN_FORMS``.
"""

from __future__ import annotations

from typing import Any

from babel import Locale
from flask import Blueprint, Response, json, request
from flask_smorest import abort
from marshmallow import EXCLUDE, ValidationError
from werkzeug.exceptions import HTTPException

from app.api.translate import TranslateRequestSchema, run_translation
from app.errors import handle_http_exception
from app.i18n.locales import SUPPORTED_LANGUAGES
from app.security import CORS_REQUEST_HEADERS, PREFLIGHT_MAX_AGE
from app.translation import engine

bp = Blueprint("libretranslate", __name__)
_REQUEST = TranslateRequestSchema(unknown=EXCLUDE)  # built once, not per request


@bp.post("/translate")
def translate() -> Response:
    body: Any = request.get_json(silent=True) if request.is_json else request.form.to_dict()
    if not isinstance(body, dict):
        abort(
            400,
            message="The body must be a JSON object or a form.",
            errors={"json": {"_schema": ["Invalid input type."]}},
        )
    try:
        data = _REQUEST.load(body)
    except ValidationError as error:
        messages: dict[str, Any] = error.messages if isinstance(error.messages, dict) else {}
        summary = "; ".join(f"{field}: {' '.join(map(str, m))}" for field, m in messages.items())
        abort(400, message=f"Invalid request: {summary}", errors={"json": messages})
    answer = run_translation(data)
    return Response(
        json.dumps({"translatedText": answer["translatedText"]}), mimetype="application/json"
    )


@bp.get("/languages")
def languages() -> Response:
    machine = engine()
    listed = []
    for code in SUPPORTED_LANGUAGES:
        targets = [t for t in SUPPORTED_LANGUAGES if t != code and machine.available(code, t)]
        listed.append({"code": code, "name": Locale.parse(code).english_name, "targets": targets})
    return Response(json.dumps(listed), mimetype="application/json")


def _cors(response: Response) -> Response:
    """Any page may call these without credentials, as LibreTranslate allows; a JSON POST is
    preflighted, and a cross-origin form POST is refused before it gets here (app.http.origin).
    """
    response.headers["Access-Control-Allow-Origin"] = "*"
    response.headers["Access-Control-Expose-Headers"] = "Retry-After"
    if request.method == "OPTIONS":
        response.headers["Access-Control-Allow-Methods"] = response.headers.get("Allow", "")
        response.headers["Access-Control-Allow-Headers"] = CORS_REQUEST_HEADERS
        response.headers["Access-Control-Max-Age"] = str(PREFLIGHT_MAX_AGE)
    return response


def _with_error_member(error: HTTPException) -> Response:
    response = handle_http_exception(error)
    payload: dict[str, Any] = json.loads(response.get_data())
    payload["error"] = payload.get("detail", "")
    response.set_data(json.dumps(payload))
    return response


bp.register_error_handler(HTTPException, _with_error_member)
bp.after_request(_cors)
