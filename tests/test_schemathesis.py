"""Fuzz every API operation from its own OpenAPI document (schemathesis), in process.

Budget: 300 generated cases per operation (4 operations: over 1,000 requests in all). Every
answer must be documented: no server error, status code, content type and body as the
document says. The fixture models are installed, so translation answers for real; then the
translate operation again with no model installed (what `make run` gives a new user), where
every translation is a 503 that must match its documented problem schema.
"""

from __future__ import annotations

import atexit
import shutil
import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import positive_data_acceptance

from app import create_app
from app.auth import tokens
from app.translation.packages import install_archive
from tests.conftest import FIXTURE_MODELS
from tests.store import DATA_DIR, database_from, seed_settings
from tests.tokens import bearer, issue_token

# schemathesis parametrizes at collection time, before fixtures exist: set up here.
MODELS = Path(tempfile.mkdtemp(prefix="depeche-schemathesis-"))
atexit.register(shutil.rmtree, MODELS, True)
for package in ("translate-en_fr.argosmodel", "translate-fr_en.argosmodel"):
    install_archive(FIXTURE_MODELS / package, MODELS)

NO_MODELS = Path(tempfile.mkdtemp(prefix="depeche-schemathesis-none-"))
atexit.register(shutil.rmtree, NO_MODELS, True)
# The WSGI client names no peer address, so the per-client rate limit would count the whole
# run as one client: set it out of reach, to fuzz the schemas rather than the limiter.
# Superdesk's push is on: unsigned or wrongly signed requests are its 403s.
UNLIMITED = {
    **seed_settings(),
    "TRANSLATE_RATE_LIMIT": "1000000 per minute",
    "SUPERDESK_SECRET": "schemathesis",
}
# Write routes change the store: the documented run has a database of its own, and a token
# with every scope (schemathesis also checks that each of them refuses a request without it).
STORE = Path(tempfile.mkdtemp(prefix="depeche-schemathesis-store-"))
atexit.register(shutil.rmtree, STORE, True)
app = create_app(
    {
        **UNLIMITED,
        "DATABASE_URL": database_from(DATA_DIR, STORE),
        "MODELS_DIR": MODELS,
        "BEAM_SIZE": 1,
    }
)
AUTHORIZED = bearer(issue_token(app, *tokens.SCOPES, name="schemathesis"))
bare = create_app({**UNLIMITED, "MODELS_DIR": NO_MODELS})
served: list[str] = []
served_bare: list[int] = []
inner = app.wsgi_app
inner_bare = bare.wsgi_app


def counting(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
    """Count the requests that reach the app (the test's budget), then serve them."""
    served.append(environ["PATH_INFO"])
    return inner(environ, start_response)


def counting_bare(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
    def status(line: str, headers: Any, exc_info: Any = None) -> Any:
        served_bare.append(int(line.split(" ", 1)[0]))
        return start_response(line, headers, exc_info)

    return inner_bare(environ, status)


app.wsgi_app = counting  # type: ignore[method-assign]
bare.wsgi_app = counting_bare  # type: ignore[method-assign]
schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
bare_schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", bare).include(
    path="/api/v1/translate"
)


@schema.parametrize()
@settings(max_examples=300, deadline=None, suppress_health_check=list(HealthCheck))
def test_api_answers_as_documented(case: schemathesis.Case) -> None:
    case.call_and_validate(headers=AUTHORIZED)


def only_the_documented_503(ctx: Any, response: Any, case: schemathesis.Case) -> bool:
    """Without models a valid request is refused with 503, never another server error."""
    assert response.status_code < 500 or response.status_code == 503, response.status_code
    return True


@bare_schema.parametrize()
@settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))
def test_api_without_models_answers_as_documented(case: schemathesis.Case) -> None:
    # Status, content type and body are still checked against the document; a 503 is this
    # configuration's documented answer, so the two checks that refuse any 5xx give way to one
    # that allows exactly that.
    case.call_and_validate(
        excluded_checks=[not_a_server_error, positive_data_acceptance],
        additional_checks=[only_the_documented_503],
    )


def test_the_budget_was_spent() -> None:
    """Over 1,000 requests reached the app, on every operation."""
    assert len(served) >= 1000, len(served)
    assert {"/api/v1/articles", "/api/v1/translate", "/api/v1/ingest"} <= set(served)
    assert "/api/v1/push/superdesk" in served
    # Without models, schema-valid translations were 503s (and were checked against the doc).
    assert served_bare.count(503) >= 5, served_bare
