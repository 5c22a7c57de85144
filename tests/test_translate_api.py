"""POST /api/v1/translate and the LibreTranslate-compatible routes, without and with models."""

from __future__ import annotations

import json
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
    assert response.status_code == 400
    assert response.mimetype == "application/problem+json"
    assert response.json["errors"] == {"json": ["Invalid JSON body."]}


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
    assert body == {
        "status": "ready",
        "database": {"status": "ok", "articles": 1},
        "models": [
            {
                "source": "en",
                "target": "fr",
                "installed": False,
                "state": "missing",
                "install": "depeche models install en fr",
            },
            {
                "source": "fr",
                "target": "en",
                "installed": False,
                "state": "missing",
                "install": "depeche models install fr en",
            },
        ],
    }


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


@pytest.mark.parametrize("route", [API, "/translate"])
@pytest.mark.parametrize("q", ["\ud800", ["Kidal.", "a\udfffb"]])
def test_a_lone_surrogate_is_refused_naming_the_field(
    bare: FlaskClient, route: str, q: object
) -> None:
    # Raw JSON: Python's json module writes the escape, as a client would.
    body = json.dumps({"q": q, "source": "en", "target": "fr"})
    response = bare.post(route, data=body, content_type="application/json")
    assert response.status_code == (422 if route == API else 400)
    assert response.mimetype == "application/problem+json"
    assert list(response.json["errors"]["json"]) == ["q"]
    assert "surrogate" in response.json["errors"]["json"]["q"][0]


def test_no_model_503_is_the_documented_problem(bare: FlaskClient) -> None:
    spec = bare.get("/api/v1/openapi.json").json
    documented = spec["paths"][API]["post"]["responses"]["503"]["content"]
    schema = documented["application/problem+json"]["schema"]
    name = schema["$ref"].rsplit("/", 1)[1]
    allowed = set(spec["components"]["schemas"][name]["properties"])
    body = bare.post(API, json={"q": "Hello.", "source": "en", "target": "fr"}).json
    assert {"model", "install"} <= set(body) <= allowed


ORIGIN = {"Origin": "https://elsewhere.example"}


@pytest.mark.parametrize(
    ("content_type", "data"),
    [
        ("application/x-www-form-urlencoded", "q=Bonjour.&source=fr&target=en"),
        ("multipart/form-data; boundary=x", '--x\r\nContent-Disposition: form-data; name="q"'),
        ("text/plain", '{"q": "Bonjour.", "source": "fr", "target": "en"}'),
    ],
)
@pytest.mark.parametrize("route", ["/translate", API])
def test_cross_origin_form_writes_are_refused(
    bare: FlaskClient, route: str, content_type: str, data: str
) -> None:
    response = bare.post(route, data=data, content_type=content_type, headers=ORIGIN)
    assert response.status_code == 403
    assert response.mimetype == "application/problem+json"
    assert "another origin" in response.json["detail"]


def test_form_writes_from_our_own_origin_or_no_browser_pass(bare: FlaskClient) -> None:
    form = {"q": "Bonjour.", "source": "fr", "target": "en"}
    own = bare.post("/translate", data=form, headers={"Origin": "http://localhost"})
    assert own.status_code == 503  # past the guard: no model installed here
    assert bare.post("/translate", data=form).status_code == 503  # a client, not a page
    cross_json = bare.post("/translate", json=form, headers=ORIGIN)
    assert cross_json.status_code == 503  # JSON from elsewhere was preflighted: allowed


def test_cross_origin_forms_may_be_allowed_by_a_setting(tmp_path: Path) -> None:
    app = create_app(
        {
            **seed_settings(),
            "MODELS_DIR": tmp_path,
            "ALLOW_CROSS_ORIGIN_FORMS": True,
        }
    )
    form = {"q": "Bonjour.", "source": "fr", "target": "en"}
    assert app.test_client().post("/translate", data=form, headers=ORIGIN).status_code == 503


def test_libretranslate_routes_answer_a_cors_preflight(bare: FlaskClient) -> None:
    preflight = bare.options(
        "/translate",
        headers={
            **ORIGIN,
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "content-type",
        },
    )
    assert preflight.status_code in (200, 204)
    assert preflight.headers["Access-Control-Allow-Origin"] == "*"
    assert "POST" in preflight.headers["Access-Control-Allow-Methods"]
    assert "Content-Type" in preflight.headers["Access-Control-Allow-Headers"]
    languages = bare.get("/languages", headers=ORIGIN)
    assert languages.headers["Access-Control-Allow-Origin"] == "*"


def limited_app(models: Path, **settings: object) -> Flask:
    return create_app(
        {
            **seed_settings(),
            "MODELS_DIR": models,
            "TRANSLATE_RATE_LIMIT": "2 per minute",
            **settings,
        }
    )


SAME = {"q": "Kidal.", "source": "fr", "target": "fr"}  # answered without a model


def test_translation_is_rate_limited_per_client_across_both_routes(tmp_path: Path) -> None:
    client = limited_app(tmp_path).test_client()
    remote = {"REMOTE_ADDR": "203.0.113.7"}
    assert client.post(API, json=SAME, environ_base=remote).status_code == 200
    assert client.post("/translate", json=SAME, environ_base=remote).status_code == 200
    refused = client.post(API, json=SAME, environ_base=remote)
    assert refused.status_code == 429
    assert refused.mimetype == "application/problem+json"
    assert "Too many translations" in refused.json["detail"]
    assert int(refused.headers["Retry-After"]) > 0
    libre = client.post("/translate", json=SAME, environ_base=remote)
    assert libre.status_code == 429 and libre.json["error"]
    other = {"REMOTE_ADDR": "203.0.113.8"}
    assert client.post(API, json=SAME, environ_base=other).status_code == 200
    for _ in range(3):  # loopback is exempt by default
        assert client.post(API, json=SAME).status_code == 200


def test_loopback_exemption_can_be_turned_off(tmp_path: Path) -> None:
    client = limited_app(tmp_path, RATE_LIMIT_EXEMPT_LOOPBACK=False).test_client()
    statuses = [client.post(API, json=SAME).status_code for _ in range(3)]
    assert statuses == [200, 200, 429]


def test_forwarded_for_counts_only_behind_a_trusted_proxy(tmp_path: Path) -> None:
    proxy = {"REMOTE_ADDR": "198.51.100.1"}
    direct = limited_app(tmp_path).test_client()
    spoofed = [
        direct.post(
            API, json=SAME, environ_base=proxy, headers={"X-Forwarded-For": f"192.0.2.{i}"}
        ).status_code
        for i in range(3)
    ]
    assert spoofed == [200, 200, 429]  # the header is ignored: one client
    behind = limited_app(tmp_path, TRUSTED_PROXIES=1).test_client()
    clients = [
        behind.post(
            API, json=SAME, environ_base=proxy, headers={"X-Forwarded-For": f"192.0.2.{i}"}
        ).status_code
        for i in range(3)
        for _ in range(2)
    ]
    assert clients == [200] * 6  # three clients, two each
    loopback_behind = behind.post(
        API,
        json=SAME,
        environ_base={"REMOTE_ADDR": "127.0.0.1"},
        headers={"X-Forwarded-For": "192.0.2.1"},
    )
    assert loopback_behind.status_code == 429  # the proxy's own address is not the client's


def test_the_libretranslate_client_works_against_granian(tmp_path: Path, models_dir: Path) -> None:
    """libretranslatepy, unchanged, against the production server on loopback."""
    from libretranslatepy import LibreTranslateAPI

    from tests.granian import granian

    with granian(
        tmp_path / "granian.log",
        DEPECHE_MODELS_DIR=str(models_dir),
        DEPECHE_BEAM_SIZE="1",
    ) as base:
        client = LibreTranslateAPI(base)
        assert client.translate("Kidal has been under their control ever since.", "en", "fr") == (
            "Kidal est depuis lors restée sous leur contrôle."
        )
        assert client.translate(
            "La Minusma a commencé à rétrocéder ses camps aux autorités maliennes.", "fr", "en"
        ) == ("MINUSMA has begun to return its camps to the Malian authorities.")
        assert client.languages() == [
            {"code": "en", "name": "English", "targets": ["fr"]},
            {"code": "fr", "name": "French", "targets": ["en"]},
        ]
