"""The JSON API: what it answers, documented by schemas, with content ETags and 304s."""

from __future__ import annotations

import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from app import create_app
from app.api.schemas import ArticleListSchema, ArticleSchema
from app.config import PROJECT_ROOT
from tests.conftest import DATA_DIR, SLUG
from tests.store import seed_settings

ARTICLE = f"/api/v1/articles/{SLUG}"


def test_article_list(client: FlaskClient) -> None:
    body = client.get("/api/v1/articles?lang=fr").json
    assert ArticleListSchema().validate(body) == {}
    (article,) = body["articles"]
    assert article["slug"] == SLUG
    assert article["headline"].startswith("Un convoi de l’armée malienne")
    assert article["published"] == {"date": "2023-10-02", "display": "2 octobre 2023"}
    assert article["languages"] == ["en", "fr"]
    assert {a["language"]: a["html"] for a in article["alternates"]} == {
        "en": f"/en/articles/{SLUG}",
        "fr": f"/fr/articles/{SLUG}",
    }


def test_french_article(client: FlaskClient) -> None:
    body = client.get(f"{ARTICLE}?lang=fr").json
    assert ArticleSchema().validate(body) == {}
    assert body["language"] == "fr"
    assert body["dateline"] == "Gao"
    assert body["credit"] == "AFP / France 24"
    assert body["published"]["display"] == "2 octobre 2023"
    assert [s["heading"] for s in body["sections"]] == [None, "L’accord de 2015 vole en éclats"]
    lede = body["sections"][0]["paragraphs"][0]
    assert lede["text"].startswith("Un important convoi de l’armée malienne s’est ébranlé")
    assert len(lede["segments"]) == 1
    assert body["related"][0]["title"] == (
        "Blocus jihadiste de Tombouctou au Mali\u202f: «\u202fLa situation est intenable\u202f»"
    )
    translation = body["translation"]
    assert translation["source"] == "en"
    assert translation["served"] == "fr"
    assert translation["fallback"] is False
    assert translation["complete"] is True
    assert translation["counts"]["reviewed"] == len(translation["segments"]) == 27
    assert {s["status"] for s in translation["segments"]} == {"reviewed"}


def test_english_article_is_the_source(client: FlaskClient) -> None:
    body = client.get(f"{ARTICLE}?lang=en").json
    assert body["headline"] == (
        "Malian army convoy heads for Kidal, stronghold of the Tuareg rebellion"
    )
    assert body["published"]["display"] == "October 2, 2023"
    assert body["translation"]["counts"]["source"] == 27
    text = " ".join(p["text"] for s in body["sections"] for p in s["paragraphs"])
    assert "about 300 km southwest of Kidal" in text
    assert "I subscribe" not in text


@pytest.mark.parametrize("memo", [False, True], ids=["flask", "memo"])
def test_etag_and_304(no_models: Path, memo: bool) -> None:
    """A fresh app each time: without the memo, Flask answers the 304; with it, the memo does
    (the first request, which it has never seen, goes through Flask)."""
    app = create_app({**seed_settings(), "MODELS_DIR": no_models, "RESPONSE_MEMO": memo})
    client = app.test_client()
    first = client.get(f"{ARTICLE}?lang=fr")
    assert first.status_code == 200
    etag = first.headers["ETag"]
    assert first.headers["Cache-Control"] == "public, max-age=300, s-maxage=1"
    again = client.get(f"{ARTICLE}?lang=fr", headers={"If-None-Match": etag})
    assert again.status_code == 304
    assert again.data == b""
    assert again.headers["ETag"] == etag
    other = client.get(f"{ARTICLE}?lang=en", headers={"If-None-Match": etag})
    assert other.status_code == 200
    assert other.headers["ETag"] != etag


def test_etag_is_the_same_in_another_process_on_another_database(
    client: FlaskClient, database_for: Callable[[Path], str]
) -> None:
    code = (
        "from app import create_app\n"
        f"r = create_app().test_client().get('{ARTICLE}?lang=fr')\n"
        "print(r.headers['ETag'])"
    )
    other = subprocess.run(
        [sys.executable, "-c", code],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        check=True,
        env={"PYTHONHASHSEED": "12345", "PATH": "", "DEPECHE_DATABASE_URL": database_for(DATA_DIR)},
    )
    assert other.stdout.strip() == client.get(f"{ARTICLE}?lang=fr").headers["ETag"]


def test_openapi_documents_every_route_and_the_problem_shape(
    app: Flask, client: FlaskClient
) -> None:
    spec = client.get("/api/v1/openapi.json").json
    assert spec["openapi"].startswith("3.")
    routes = {
        re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule.rule)
        for rule in app.url_map.iter_rules()
        if rule.rule.startswith("/api/v1/") and not rule.rule.startswith("/api/v1/docs")
    } - {"/api/v1/openapi.json"}
    assert set(spec["paths"]) == routes
    assert {"/api/v1/articles", "/api/v1/articles/{slug}", "/api/v1/translate"} <= routes
    schemas = spec["components"]["schemas"]
    assert {"Article", "ArticleList", "Problem"} <= set(schemas)
    assert {"type", "title", "status", "detail", "errors"} <= set(schemas["Problem"]["properties"])
    get = spec["paths"]["/api/v1/articles/{slug}"]["get"]
    assert {"200", "304", "404", "422"} <= set(get["responses"])
    assert [p["name"] for p in get["parameters"] if p["in"] == "query"] == ["lang"]


def test_docs_ui_loads_only_local_assets(client: FlaskClient) -> None:
    page = client.get("/api/v1/docs").get_data(as_text=True)
    assert "https://" not in page and "http://" not in page
    for asset in ("swagger-ui.css", "swagger-ui-bundle.js", "swagger-ui-standalone-preset.js"):
        assert f"/api/v1/docs/assets/{asset}" in page
        with client.get(f"/api/v1/docs/assets/{asset}") as response:
            assert response.status_code == 200
