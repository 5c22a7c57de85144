"""``PUT /api/v1/articles/<slug>/facts``: typed facts proven in the source and in every
published edition before they are stored; each edition shows only the facts proven in it."""

from __future__ import annotations

import copy
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from flask import Flask

from app.facts.document import read_document
from tests.conftest import DATA_DIR, SLUG
from tests.tokens import bearer, issue_token

FACTS = f"/api/v1/articles/{SLUG}/facts"
HISTORY = f"/api/v1/articles/{SLUG}/history"
SEED_FACTS = read_document(DATA_DIR / "articles" / SLUG / "facts.yaml")
#: The French sentence (and its quote) that says how many vehicles, without the number.
VAGUE = ("composé de 119\u00a0véhicules", "composé de plus d’une centaine de véhicules")


def document(**changes: Any) -> dict[str, Any]:
    """The seed's facts as JSON, with the fact *id*'s fields changed (``id={...}``)."""
    found = copy.deepcopy(SEED_FACTS)
    for fact in found["facts"]:
        fact.update(changes.get(fact["id"].replace("-", "_"), {}))
    return found


def vague_french(data: Path) -> Path:
    po = data / "articles" / SLUG / "fr.po"
    content = po.read_text()
    assert content.count(VAGUE[0]) == 2  # the sentence and the quote
    po.write_text(content.replace(*VAGUE))
    return data


@pytest.fixture
def app(make_app: Callable[..., Flask], data_copy: Path) -> Flask:
    return make_app(data_copy)


def editor(app: Flask, *scopes: str) -> dict[str, str]:
    return bearer(issue_token(app, *(scopes or ("publish", "admin"))))


def fact_ids(app: Flask, lang: str) -> list[str]:
    answer = app.test_client().get(f"{FACTS}?lang={lang}").get_json()
    return [fact["id"] for fact in answer["facts"]]


def test_the_facts_are_proven_in_every_published_edition_and_stored(app: Flask) -> None:
    client = app.test_client()
    headers = editor(app)
    changed = document(convoy_vehicles={"label": "Vehicles that left Gao"})
    response = client.put(FACTS, json=changed, headers=headers)
    assert response.status_code == 200, response.get_json()
    stored = response.get_json()
    assert stored["proven_in"] == ["en", "fr"]
    assert stored["facts"] == len(SEED_FACTS["facts"])
    labels = {f["id"]: f["label"] for f in client.get(f"{FACTS}?lang=en").get_json()["facts"]}
    assert labels["convoy-vehicles"] == "Vehicles that left Gao"
    latest = client.get(HISTORY, headers=headers).get_json()["revisions"][0]
    assert latest["action"] == "facts" and latest["version_after"] == stored["version"]


def test_a_value_the_source_does_not_say_is_refused_naming_fact_and_language(app: Flask) -> None:
    client = app.test_client()
    headers = editor(app)
    before = client.get(HISTORY, headers=headers).get_json()
    wrong = document(convoy_vehicles={"value": {"type": "count", "number": 118}})
    response = client.put(FACTS, json=wrong, headers=headers)
    assert response.status_code == 422
    problem = response.get_json()
    assert problem["detail"].startswith("fact convoy-vehicles [en]: expected '118'")
    assert "en" in problem["errors"]["json"]["fact convoy-vehicles"]
    assert "fr" in problem["errors"]["json"]["fact convoy-vehicles"]
    assert client.get(HISTORY, headers=headers).get_json() == before
    assert 119 in [f["value"].get("number") for f in client.get(FACTS).get_json()["facts"]]


def test_a_published_edition_that_does_not_say_it_refuses_the_fact(
    make_app: Callable[..., Flask], data_copy: Path
) -> None:
    app = make_app(vague_french(data_copy))
    response = app.test_client().put(FACTS, json=document(), headers=editor(app))
    assert response.status_code == 422
    named = response.get_json()["errors"]["json"]
    assert list(named) == ["fact convoy-vehicles"]
    assert list(named["fact convoy-vehicles"]) == ["fr"]
    assert "expected '119'" in named["fact convoy-vehicles"]["fr"][0]


def test_an_edition_shows_only_the_facts_proven_in_its_language(
    make_app: Callable[..., Flask], data_copy: Path
) -> None:
    app = make_app(vague_french(data_copy))
    assert "convoy-vehicles" in fact_ids(app, "en")
    french = fact_ids(app, "fr")
    assert "convoy-vehicles" not in french
    assert "convoy-departure" in french and len(french) == len(SEED_FACTS["facts"]) - 1
    page = app.test_client().get(f"/fr/articles/{SLUG}/facts").get_data(as_text=True)
    assert "Départ du convoi de Gao" in page
    assert "Véhicules du convoi" not in page


def test_a_fact_not_translated_yet_is_stored_and_shown_where_it_is_proven(app: Flask) -> None:
    new = {
        "id": "convoy-position",
        "label": "Convoy stopped north of Gao",
        "value": {"type": "places", "items": ["Gao"]},
        "quote": "stopped on the road several dozen kilometers north of Gao",
    }
    body = document()
    body["facts"].append(new)
    response = app.test_client().put(FACTS, json=body, headers=editor(app))
    assert response.status_code == 200, response.get_json()
    assert "convoy-position" in fact_ids(app, "en")
    assert "convoy-position" not in fact_ids(app, "fr")  # its quote has no French yet


@pytest.mark.parametrize(
    ("body", "status", "named"),
    [
        ({"facts": [{"id": "x"}]}, 422, "label"),
        ({"facts": []}, 200, None),
        ({"timeline": []}, 422, "facts"),
        ({"facts": [], "extra": 1}, 422, "extra"),
        (document(convoy_vehicles={"quote": "a convoy of 500 vehicles"}), 422, "convoy-vehicles"),
        (document(convoy_vehicles={"value": {"type": "count"}}), 422, "number"),
        (
            document(
                convoy_departure={
                    "value": {"type": "date", "date": "2023-02-30", "precision": "day"}
                }
            ),
            422,
            "date",
        ),
        (document(convoy_vehicles={"id": "Bad Id"}), 422, "id"),
    ],
)
def test_bad_facts_are_refused_naming_the_field_and_nothing_is_written(
    app: Flask, body: dict[str, Any], status: int, named: str | None
) -> None:
    client = app.test_client()
    headers = editor(app)
    before = client.get(HISTORY, headers=headers).get_json()
    response = client.put(FACTS, json=body, headers=headers)
    assert response.status_code == status, response.get_json()
    after = client.get(HISTORY, headers=headers).get_json()
    assert (after == before) is (status != 200)
    assert named is None or named in response.get_data(as_text=True)


def test_writing_facts_needs_a_publish_token_and_a_live_article(app: Flask) -> None:
    client = app.test_client()
    assert client.put(FACTS, json=document()).status_code == 401
    assert client.put(FACTS, json=document(), headers=editor(app, "review")).status_code == 403
    missing = client.put("/api/v1/articles/no-such/facts", json=document(), headers=editor(app))
    assert missing.status_code == 404
    headers = editor(app)
    assert client.delete(f"/api/v1/articles/{SLUG}", headers=headers).status_code == 200
    assert client.put(FACTS, json=document(), headers=headers).status_code == 410
