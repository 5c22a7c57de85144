"""Fuzz every API operation from its own OpenAPI document (schemathesis), in process.

Budget: 300 generated cases per operation (4 operations: over 1,000 requests in all). Every
answer must be documented: no server error, status code, content type and body as the
document says. The fixture models are installed, so translation answers for real.
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

from app import create_app
from app.translation.packages import install_archive
from tests.conftest import FIXTURE_MODELS
from tests.store import seed_settings

# schemathesis parametrizes at collection time, before fixtures exist: set up here.
MODELS = Path(tempfile.mkdtemp(prefix="depeche-schemathesis-"))
atexit.register(shutil.rmtree, MODELS, True)
for package in ("translate-en_fr.argosmodel", "translate-fr_en.argosmodel"):
    install_archive(FIXTURE_MODELS / package, MODELS)

app = create_app({**seed_settings(), "MODELS_DIR": MODELS, "BEAM_SIZE": 1})
served: list[str] = []
inner = app.wsgi_app


def counting(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
    """Count the requests that reach the app (the test's budget), then serve them."""
    served.append(environ["PATH_INFO"])
    return inner(environ, start_response)


app.wsgi_app = counting  # type: ignore[method-assign]
schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)


@schema.parametrize()
@settings(max_examples=300, deadline=None, suppress_health_check=list(HealthCheck))
def test_api_answers_as_documented(case: schemathesis.Case) -> None:
    case.call_and_validate()


def test_the_budget_was_spent() -> None:
    """Over 1,000 requests reached the app, on every operation."""
    assert len(served) >= 1000, len(served)
    assert {"/api/v1/articles", "/api/v1/translate"} <= set(served)
