"""Write routes in the OpenAPI document: the bearer scheme, and each route's scope and refusals."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from flask_smorest import Api, Blueprint

from app.auth.bearer import requires

F = TypeVar("F", bound=Callable[..., Any])
SCHEME = "bearerToken"


def document_scheme(api: Api) -> None:
    api.spec.components.security_scheme(
        SCHEME,
        {
            "type": "http",
            "scheme": "bearer",
            "description": "A token made with `depeche tokens create --name NAME --scope …`.",
        },
    )


def protected(blp: Blueprint, scope: str) -> Callable[[F], F]:
    """A write view needing a token with *scope*: checked first, documented with its 401/403."""

    def decorate(view: F) -> F:
        view = requires(scope)(view)
        view = blp.doc(security=[{SCHEME: [scope]}])(view)
        view = blp.alt_response(
            401, response="DEFAULT_ERROR", description="No token, or not a valid one."
        )(view)
        return blp.alt_response(  # type: ignore[no-any-return]
            403, response="DEFAULT_ERROR", description=f"The token has no {scope!r} scope."
        )(view)

    return decorate
