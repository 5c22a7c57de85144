"""Supported locales, locale negotiation and Babel rendering of typed values."""

from __future__ import annotations

from flask import Flask, Response, g, request
from flask_babel import Babel

from app.config import PROJECT_ROOT
from app.i18n.locales import SUPPORTED_LANGUAGES, Negotiated, negotiate

__all__ = ["SUPPORTED_LANGUAGES", "Negotiated", "current", "init_app"]


#: Stylesheets and scripts read the same in every language: no Content-Language, no Vary.
LANGUAGE_NEUTRAL = {"text/css", "text/javascript", "application/javascript"}


def current() -> Negotiated:
    """The negotiation outcome of the current request."""
    negotiated: Negotiated = g.negotiated
    return negotiated


def _negotiate_request() -> None:
    prefix = (request.view_args or {}).get("lang")
    path_language = prefix if prefix in SUPPORTED_LANGUAGES else None
    # A ?lang= that is no language tag is ignored here; the API's schema reports it.
    query = request.args.get("lang")
    g.negotiated = negotiate(path_language, query, request.headers.get("Accept-Language"))


def _language_headers(response: Response) -> Response:
    negotiated: Negotiated | None = g.get("negotiated")
    if negotiated is None or response.mimetype in LANGUAGE_NEUTRAL:
        return response
    response.headers.setdefault("Content-Language", negotiated.language)
    if negotiated.varies_on_header:
        response.vary.add("Accept-Language")
    return response


def _selected_locale() -> str:
    negotiated: Negotiated | None = g.get("negotiated")
    return str(negotiated.locale) if negotiated else "en"


def _template_context() -> dict[str, Negotiated | None]:
    return {"negotiated": g.get("negotiated")}


def init_app(app: Flask) -> None:
    """Negotiate every request's language and set up Flask-Babel for UI strings."""
    app.config.setdefault("BABEL_TRANSLATION_DIRECTORIES", str(PROJECT_ROOT / "locales"))
    app.config.setdefault("BABEL_DEFAULT_LOCALE", "en")
    Babel(app, locale_selector=_selected_locale)
    app.before_request(_negotiate_request)
    app.after_request(_language_headers)
    app.context_processor(_template_context)
