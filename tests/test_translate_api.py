"""POST /api/v1/translate and the LibreTranslate-compatible routes, without and with models."""

from __future__ import annotations

from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from app import create_app
from tests.store import seed_settings

API = "/api/v1/translate"


@pytest.fixture
def bare(tmp_path: Path) -> FlaskClient:
    """The app with an empty models folder: no model installed is a normal state."""
    app: Flask = create_app({**seed_settings(), "MODELS_DIR": tmp_path})
    return app.test_client()


def test_no_model_is_a_503_that_says_what_to_install(bare: FlaskClient) -> None:
    response = bare.post(API, json={"q": "Hello.", "source": "en", "target": "fr"})
    assert response.status_code == 503
    assert response.mimetype == "application/problem+json"
    body = response.json
    assert body["model"] == "translate-en_fr"
    assert body["install"] == "depeche models install en fr"
    assert "depeche models install en fr" in body["detail"]


def test_libretranslate_no_model_carries_an_error_member(bare: FlaskClient) -> None:
    response = bare.post("/translate", data={"q": "Bonjour.", "source": "fr", "target": "en"})
    assert response.status_code == 503
    assert "depeche models install fr en" in response.json["error"]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"q": "x", "source": "en", "target": "de"}, "target"),
        ({"q": "x", "source": "xx", "target": "fr"}, "source"),
        ({"q": 42, "source": "en", "target": "fr"}, "q"),
        ({"q": ["a", 1], "source": "en", "target": "fr"}, "q"),
        ({"source": "en", "target": "fr"}, "q"),
        ({"q": "x", "source": "en", "target": "fr", "format": "pdf"}, "format"),
        ({"q": "x", "source": "en", "target": "fr", "extra": 1}, "extra"),
    ],
)
def test_bad_bodies_are_422_naming_the_field(
    bare: FlaskClient, body: dict[str, object], field: str
) -> None:
    response = bare.post(API, json=body)
    assert response.status_code == 422
    assert list(response.json["errors"]["json"]) == [field]


def test_caps_are_413(bare: FlaskClient) -> None:
    many = bare.post(API, json={"q": ["a"] * 65, "source": "en", "target": "fr"})
    assert many.status_code == 413 and many.json["errors"] == {
        "json": {"q": ["More than 64 items."]}
    }
    long = bare.post(API, json={"q": "a" * 20_001, "source": "en", "target": "fr"})
    assert long.status_code == 413
    body = bare.post(API, data=b"x" * 70_000, content_type="application/json")
    assert body.status_code == 413


def test_malformed_json_is_a_400_problem(bare: FlaskClient) -> None:
    response = bare.post(API, data=b"{not json", content_type="application/json")
    assert response.status_code in (400, 422)
    assert response.mimetype == "application/problem+json"


def test_libretranslate_validation_is_a_400_with_error(bare: FlaskClient) -> None:
    response = bare.post("/translate", json={"q": "x", "source": "en", "target": "de"})
    assert response.status_code == 400
    assert response.json["error"].startswith("Invalid request: target")
    nothing = bare.post("/translate", data=b"[1, 2]", content_type="application/json")
    assert nothing.status_code == 400 and nothing.json["error"]


def test_languages_without_models(bare: FlaskClient) -> None:
    assert bare.get("/languages").json == [
        {"code": "en", "name": "English", "targets": []},
        {"code": "fr", "name": "French", "targets": []},
    ]


def test_readyz_reports_missing_models_with_the_command(bare: FlaskClient) -> None:
    response = bare.get("/readyz")
    assert response.status_code == 200
    body = response.json
    assert body["status"] == "ready" and body["database"] == {"status": "ok", "articles": 1}
    assert body["models"] == [
        {
            "source": "en",
            "target": "fr",
            "installed": False,
            "install": "depeche models install en fr",
        },
        {
            "source": "fr",
            "target": "en",
            "installed": False,
            "install": "depeche models install fr en",
        },
    ]


def test_readyz_is_503_when_a_required_model_is_missing(tmp_path: Path) -> None:
    app = create_app({**seed_settings(), "MODELS_DIR": tmp_path, "REQUIRE_MODELS": "en-fr"})
    response = app.test_client().get("/readyz")
    assert response.status_code == 503
    assert response.json["status"] == "not ready"


def test_healthz(bare: FlaskClient) -> None:
    response = bare.get("/healthz")
    assert response.status_code == 200 and response.json == {"status": "ok"}
    assert response.headers["Cache-Control"] == "no-store"


def test_same_source_and_target_gives_the_text_back(bare: FlaskClient) -> None:
    response = bare.post(API, json={"q": ["Kidal.", ""], "source": "fr", "target": "fr"})
    assert response.status_code == 200
    assert response.json["translatedText"] == ["Kidal.", ""]
    assert response.json["model"] is None
