"""The review desk: segments riskiest first, reviewed work signed and never overwritten by a
machine, and risky machine translations held back from readers until a person looks."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from babel.messages.pofile import read_po
from flask import Flask

from app import config
from app.content.model import Segment
from app.exchange.translate import translate_article
from app.translation.risk import assess, publishable
from tests.conftest import DATA_DIR, SLUG
from tests.tokens import bearer, issue_token

DESK = f"/api/v1/articles/{SLUG}/translations/fr"
STANDFIRST = (
    "A 119-vehicle army convoy left Gao on Monday for the strategic northeastern region, held "
    "by Tuareg-led separatists since 2013, as the UN mission prepares to leave its camps there "
    "by 31 December."
)
STANDFIRST_ID = Segment("standfirst", STANDFIRST).id
HEADLINE = "Malian army convoy heads for Kidal, stronghold of the Tuareg rebellion"
HEADLINE_ID = Segment("headline", HEADLINE).id
#: The seed's French standfirst, and a machine's with the wrong number of vehicles.
with (DATA_DIR / "articles" / SLUG / "fr.po").open("rb") as _po:
    _SEED_FR = read_po(_po, locale="fr")
GOOD = str(_SEED_FR.get(STANDFIRST, context="standfirst").string)
WRONG = GOOD.replace("119", "118")
MACHINE_NOTE = "# machine: argos/ctranslate2 translate-en_fr 1.0 2023-10-02\n"


def machine_standfirst(data: Path, text: str) -> None:
    """Make the seed's French standfirst a machine translation reading *text*."""
    po = data / "articles" / SLUG / "fr.po"
    content = po.read_text()
    start = content.index('msgctxt "standfirst"')
    end = content.index("\n\n", start)
    entry = f'msgctxt "standfirst"\nmsgid "{STANDFIRST}"\nmsgstr "{text}"'
    po.write_text(content[:start] + MACHINE_NOTE + entry + content[end:])


def desk(app: Flask, *scopes: str) -> dict[str, str]:
    return bearer(issue_token(app, *(scopes or ("review",))))


def segment(listing: dict[str, Any], segment_id: str) -> dict[str, Any]:
    found: dict[str, Any] = next(s for s in listing["segments"] if s["id"] == segment_id)
    return found


@pytest.fixture
def app(make_app: Callable[..., Flask], data_copy: Path) -> Flask:
    return make_app(data_copy)


@pytest.mark.parametrize(
    ("source", "target", "reason"),
    [
        ("The convoy had 119 vehicles.", "Le convoi comptait 118 véhicules.", "number 119"),
        ("It is more than 1,500 km away.", "C’est à plus de 1,500 km.", "number 1500"),
        ("They must leave by 31 December.", "Ils doivent partir d’ici au 31 octobre.", "month 12"),
        ("They left Gao on Monday morning.", "Ils ont quitté Gao mardi matin.", "weekday 0"),
        ("The convoy left Gao towards Kidal.", "Le convoi a quitté la ville.", "name 'Gao'"),
        ("The convoy left Gao towards Kidal.", "The convoy left Gao towards Kidal.", "identical"),
        ("The convoy left Gao towards Kidal on Monday.", "Le convoi.", "length ratio"),
    ],
)
def test_risk_names_what_is_wrong(source: str, target: str, reason: str) -> None:
    found = assess(source, target, "en", "fr")
    assert 0.0 < found.score <= 1.0
    assert any(reason in r for r in found.reasons), found.reasons


def test_numbers_are_read_as_each_language_writes_them() -> None:
    found = assess(
        "It is more than 1,500 km, 2.5 hours away.", "À plus de 1 500 km, 2,5 heures.", "en", "fr"
    )
    assert found.score == 0.0 and found.reasons == ()


def test_one_wrong_number_holds_a_machine_translation_back_a_name_does_not() -> None:
    number = assess("The convoy had 119 vehicles.", "Le convoi comptait 118 véhicules.", "en", "fr")
    name = assess("The convoy left Gao at dawn.", "Le convoi est parti à l’aube.", "en", "fr")
    default = config.DEFAULTS["MT_PUBLISH_MAX_RISK"]
    assert not publishable("machine", number.score, default)
    assert publishable("machine", name.score, default)
    assert publishable("reviewed", number.score, default)
    assert not publishable("stale", 0.0, default)


def test_the_desk_needs_a_review_token(app: Flask) -> None:
    client = app.test_client()
    assert client.get(DESK).status_code == 401
    assert client.get(DESK, headers=desk(app, "publish")).status_code == 403
    assert client.get(DESK, headers=desk(app)).status_code == 200


def test_the_desk_lists_every_segment_riskiest_first(app: Flask, data_copy: Path) -> None:
    listing = app.test_client().get(DESK, headers=desk(app)).get_json()
    assert listing["language"] == "fr" and listing["source_language"] == "en"
    assert listing["max_risk"] == 0.5
    risks = [s["risk"] for s in listing["segments"]]
    assert risks == sorted(risks, reverse=True) and risks[0] > 0
    headline = segment(listing, HEADLINE_ID)
    assert headline["source"] == HEADLINE
    assert headline["text"].startswith("Un convoi de l’armée malienne")
    assert headline["status"] == "reviewed" and headline["published"] is True
    contexts = {s["context"] for s in listing["segments"]}
    assert {"headline", "body", "fact-label", "fact-quote", "timeline"} <= contexts


def test_a_risky_machine_translation_waits_and_readers_get_the_source(
    make_app: Callable[..., Flask], data_copy: Path
) -> None:
    machine_standfirst(data_copy, WRONG)
    app = make_app(data_copy)
    client = app.test_client()
    listing = client.get(DESK, headers=desk(app)).get_json()
    first = listing["segments"][0]
    assert first["id"] == STANDFIRST_ID and first["status"] == "machine"
    assert first["risk"] >= 0.5 and first["published"] is False
    assert "number 119 of the source is missing" in first["reasons"]
    article = client.get(f"/api/v1/articles/{SLUG}?lang=fr").get_json()
    assert article["standfirst"] == STANDFIRST
    assert article["translation"]["complete"] is False
    page = client.get(f"/fr/articles/{SLUG}").get_data(as_text=True)
    assert f'<p class="standfirst"><span lang="en">{STANDFIRST}</span></p>' in page
    assert "118" not in page
    trusting = make_app(data_copy, MT_PUBLISH_MAX_RISK=1.0)
    served = trusting.test_client().get(f"/api/v1/articles/{SLUG}?lang=fr").get_json()
    assert served["standfirst"] == WRONG


def test_a_safe_machine_translation_is_published(
    make_app: Callable[..., Flask], data_copy: Path
) -> None:
    machine_standfirst(data_copy, GOOD)
    app = make_app(data_copy)
    article = app.test_client().get(f"/api/v1/articles/{SLUG}?lang=fr").get_json()
    assert article["standfirst"] == GOOD
    statuses = {s["id"]: s["status"] for s in article["translation"]["segments"]}
    assert statuses[STANDFIRST_ID] == "machine"


def test_a_review_is_stored_signed_and_served(
    make_app: Callable[..., Flask], data_copy: Path
) -> None:
    machine_standfirst(data_copy, WRONG)
    app = make_app(data_copy)
    client = app.test_client()
    token = issue_token(app, "review", name="relecture")
    put = client.put(f"{DESK}/segments/{STANDFIRST_ID}", json={"text": GOOD}, headers=bearer(token))
    assert put.status_code == 200, put.get_json()
    stored = put.get_json()
    assert stored["status"] == "reviewed" and stored["text"] == GOOD
    assert stored["reviewed_by"] == "relecture" and stored["reviewed_at"].endswith("Z")
    assert stored["published"] is True and stored["risk"] < 0.5  # "Tuareg" is "Touareg"
    article = client.get(f"/api/v1/articles/{SLUG}?lang=fr").get_json()
    assert article["standfirst"] == GOOD
    history = client.get(f"/api/v1/articles/{SLUG}/history", headers=desk(app, "admin"))
    latest = history.get_json()["revisions"][0]
    assert latest["actor"] == "relecture" and latest["action"] == "review"
    assert latest["detail"] == {"language": "fr", "segment": STANDFIRST_ID, "changed": True}
    assert latest["version_after"] == latest["version_before"] + 1


@pytest.mark.parametrize(
    ("path", "body", "status", "named"),
    [
        (f"{DESK}/segments/000000000000", {"text": "Bonjour"}, 404, "000000000000"),
        (
            f"/api/v1/articles/{SLUG}/translations/en/segments/{HEADLINE_ID}",
            {"text": "x"},
            404,
            "'en'",
        ),
        (
            f"/api/v1/articles/{SLUG}/translations/de/segments/{HEADLINE_ID}",
            {"text": "x"},
            404,
            "'de'",
        ),
        (
            f"/api/v1/articles/no-such/translations/fr/segments/{HEADLINE_ID}",
            {"text": "x"},
            404,
            "no-such",
        ),
        (f"{DESK}/segments/{HEADLINE_ID}", {"text": ""}, 422, "text"),
        (f"{DESK}/segments/{HEADLINE_ID}", {"text": "   "}, 422, "text"),
        (f"{DESK}/segments/{HEADLINE_ID}", {"text": "x" * 5001}, 422, "text"),
        (f"{DESK}/segments/{HEADLINE_ID}", {}, 422, "text"),
        (f"{DESK}/segments/{HEADLINE_ID}", {"text": "x", "by": "me"}, 422, "by"),
    ],
)
def test_bad_reviews_are_refused_naming_what_and_nothing_is_written(
    app: Flask, path: str, body: dict[str, Any], status: int, named: str
) -> None:
    client = app.test_client()
    headers = desk(app, "review", "admin")
    history = f"/api/v1/articles/{SLUG}/history"
    before = client.get(history, headers=headers).get_json()
    response = client.put(path, json=body, headers=headers)
    assert response.status_code == status
    assert response.mimetype == "application/problem+json"
    assert named in response.get_data(as_text=True)
    assert client.get(history, headers=headers).get_json() == before


def test_a_machine_never_overwrites_a_review(
    make_app: Callable[..., Flask], data_copy: Path, models_dir: Path
) -> None:
    (data_copy / "articles" / SLUG / "fr.po").unlink()
    app = make_app(data_copy, MODELS_DIR=models_dir)
    client = app.test_client()
    mine = "Le convoi de l’armée malienne en route vers Kidal"
    put = client.put(f"{DESK}/segments/{HEADLINE_ID}", json={"text": mine}, headers=desk(app))
    assert put.status_code == 200
    settings = {**config.load({}), "DATABASE_URL": app.config["DATABASE_URL"]}
    settings["MODELS_DIR"] = models_dir
    outcome = translate_article(
        app.extensions["depeche.database"], settings, SLUG, "fr", machine=True
    )
    assert outcome.filled > 50  # every other segment, by the fixture model
    listing = client.get(DESK, headers=desk(app)).get_json()
    headline = segment(listing, HEADLINE_ID)
    assert headline["text"] == mine and headline["status"] == "reviewed"
    standfirst = segment(listing, STANDFIRST_ID)
    assert standfirst["status"] == "machine" and standfirst["published"] is True
