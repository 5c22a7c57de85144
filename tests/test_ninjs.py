"""``/api/v1/articles/<slug>/ninjs``: an IPTC ninjs 2.2 item per edition, valid against a
strict schema of the ninjs 2.2 properties it uses (tests/fixtures/ninjs, written from the
specification), the same on every replica, revalidated by ETag."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from flask import Flask
from flask.testing import FlaskClient

from app import create_app
from app.exchange.folders import import_folder
from tests.conftest import PROJECT_ROOT, SLUG
from tests.editions import SENTENCE, edit_catalog, retitle, untranslate
from tests.store import seed_settings

SCHEMA = json.loads(
    (PROJECT_ROOT / "tests" / "fixtures" / "ninjs" / "ninjs-2.2-items.schema.json").read_text()
)
VALIDATOR = jsonschema.Draft202012Validator(
    SCHEMA, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
)
URL = f"/api/v1/articles/{SLUG}/ninjs"


def _item(client: FlaskClient, lang: str) -> dict[str, Any]:
    response = client.get(f"{URL}?lang={lang}")
    assert response.status_code == 200
    data: dict[str, Any] = response.get_json()
    return data


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_items_are_valid_ninjs_2_2(client: FlaskClient, lang: str) -> None:
    item = _item(client, lang)
    assert [error.message for error in VALIDATOR.iter_errors(item)] == []


def test_the_schema_refuses_what_it_does_not_define(client: FlaskClient) -> None:
    """The schema is strict, as the standard's is: an unknown property is an error."""
    item = {**_item(client, "fr"), "slug": SLUG}
    assert not VALIDATOR.is_valid(item)


def test_the_french_item(client: FlaskClient) -> None:
    item = _item(client, "fr")
    assert item["uri"] == f"urn:depeche:article:{SLUG}:fr"
    assert item["language"] == "fr"
    assert item["version"] == "1"
    assert item["representationtype"] == "full"
    assert item["headlines"] == [
        {
            "role": "main",
            "value": "Un convoi de l’armée malienne fait route vers Kidal, bastion de la "
            "rébellion touareg",
        }
    ]
    assert item["descriptions"][0]["value"].startswith("Un convoi militaire de 119")
    plain, html = item["bodies"]
    assert (plain["contenttype"], html["contenttype"]) == ("text/plain", "text/html")
    assert plain["value"].startswith("Un important convoi de l’armée malienne")
    assert html["value"].startswith("<p>Un important convoi de l’armée malienne")
    assert (item["located"], item["by"], item["copyrightholder"]) == (
        "Gao",
        "AFP / France 24",
        "France 24",
    )
    assert [p["name"] for p in item["places"]] == ["Kidal", "Aguelhok", "Tessalit"]
    assert item["people"] == [{"name": "Assimi Goïta"}]
    assert {"name": "MINUSMA"} in item["organisations"]
    assert item["altids"] == [{"role": "translation-of", "value": f"urn:depeche:article:{SLUG}:en"}]
    assert "altids" not in _item(client, "en")


def test_replicas_answer_the_same_item() -> None:
    first, second = (create_app(seed_settings()).test_client() for _ in range(2))
    one = first.get(f"{URL}?lang=fr", headers={"Host": "replica-a.example"})
    two = second.get(f"{URL}?lang=fr", headers={"Host": "replica-b.example"})
    assert one.data == two.data
    assert one.headers["ETag"] == two.headers["ETag"]


@pytest.mark.parametrize("memo", [True, False])
def test_ninjs_answers_304_to_its_etag(memo: bool) -> None:
    client = create_app({**seed_settings(), "RESPONSE_MEMO": memo}).test_client()
    etag = client.get(f"{URL}?lang=fr").headers["ETag"]
    again = client.get(f"{URL}?lang=fr", headers={"If-None-Match": etag})
    assert again.status_code == 304


def test_an_incomplete_edition_is_a_partial_item(
    make_app: Callable[..., Flask], data_copy: Path
) -> None:
    edit_catalog(data_copy / "articles" / SLUG, untranslate)
    item = _item(make_app(data_copy).test_client(), "fr")
    assert item["representationtype"] == "partial"
    assert f'<span lang="en">{SENTENCE}</span>' in item["bodies"][1]["value"]
    assert VALIDATOR.is_valid(item)


def test_a_correction_reaches_another_workers_item_within_a_second(
    make_app: Callable[..., Flask], data_copy: Path
) -> None:
    reader = make_app(data_copy)
    writer = create_app(dict(reader.config))
    client = reader.test_client()
    assert _item(client, "fr")["version"] == "1"
    folder = data_copy / "articles" / SLUG
    edit_catalog(folder, retitle("Le convoi de l’armée malienne arrive à Kidal"))
    assert import_folder(writer.extensions["depeche.database"], folder, data_copy)
    started = time.monotonic()
    while _item(client, "fr")["version"] != "2":
        assert time.monotonic() - started < 1.0, "not served within a second"
        time.sleep(0.02)
    assert _item(client, "fr")["headlines"][0]["value"] == (
        "Le convoi de l’armée malienne arrive à Kidal"
    )


def test_the_openapi_document_describes_the_route(client: FlaskClient) -> None:
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    get = paths["/api/v1/articles/{slug}/ninjs"]["get"]
    assert set(get["responses"]) >= {"200", "304", "404"}


def test_the_items_times_are_the_storys_not_the_stores(client: FlaskClient) -> None:
    """The seed was published on 2 October 2023 (a day alone: its start in Paris)."""
    item = _item(client, "fr")
    assert item["firstcreated"] == "2023-10-02T00:00:00+02:00"
    assert item["versioncreated"] >= item["firstcreated"]
