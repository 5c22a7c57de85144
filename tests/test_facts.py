"""The fact summary: typed values rendered per locale, provenance, checks and bad data."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner
from flask import Flask
from flask.testing import FlaskClient

from app.api.schemas import FactSummarySchema
from app.cli import main
from app.content.folder import ContentError
from tests.conftest import SLUG
from tests.store import new_url

FACTS = f"/api/v1/articles/{SLUG}/facts"
NNBSP, NBSP = "\u202f", "\u00a0"


def displays(client: FlaskClient, lang: str) -> dict[str, str]:
    body = client.get(f"{FACTS}?lang={lang}").json
    return {fact["id"]: fact["display"] for fact in body["facts"]}


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        (
            "en",
            {
                "convoy-departure": "October 2, 2023",
                "bamako-kidal-distance": "more than 1,500 km",
                "un-camps-places": "Kidal, Aguelhok, and Tessalit",
                "un-camps-deadline": "by December 31, 2023",
                "bamako-kidal-drive": "24 hours",
            },
        ),
        (
            "en-GB",
            {
                "convoy-departure": "2 October 2023",
                "bamako-kidal-distance": "more than 1,500 km",
                "un-camps-places": "Kidal, Aguelhok and Tessalit",
                "un-camps-deadline": "by 31 December 2023",
            },
        ),
        (
            "fr",
            {
                "convoy-departure": "2 octobre 2023",
                "bamako-kidal-distance": f"plus de 1{NNBSP}500{NNBSP}km",
                "gao-kidal-distance": f"environ 300{NNBSP}km",
                "un-camps-places": "Kidal, Aguelhok et Tessalit",
                "un-camps-deadline": "d’ici au 31 décembre 2023",
                "renewed-hostilities": "depuis fin août 2023",
                "bamako-kidal-drive": f"24{NBSP}heures",
                "junta-head": "colonel Assimi Goïta",
            },
        ),
        (
            "fr-CA",
            {
                "bamako-kidal-distance": f"plus de 1{NBSP}500 km",
                "convoy-departure": "2 octobre 2023",
            },
        ),
        (
            "fr-CH",
            {
                "bamako-kidal-distance": f"plus de 1{NNBSP}500{NNBSP}km",
                "convoy-departure": "2 octobre 2023",
            },
        ),
    ],
)
def test_values_are_cldrs_output_for_the_locale(
    client: FlaskClient, lang: str, expected: dict[str, str]
) -> None:
    shown = displays(client, lang)
    assert {key: shown[key] for key in expected} == expected


def test_long_units(client: FlaskClient) -> None:
    body = client.get(f"{FACTS}?lang=fr").json
    long = {fact["id"]: fact["display_long"] for fact in body["facts"]}
    assert long["bamako-kidal-distance"] == f"plus de 1{NNBSP}500{NBSP}kilomètres"
    en = {fact["id"]: fact for fact in client.get(f"{FACTS}?lang=en-GB").json["facts"]}
    assert en["bamako-kidal-distance"]["display_long"] == "more than 1,500 kilometres"


def test_api_gives_the_raw_value_beside_the_display(client: FlaskClient) -> None:
    body = client.get(f"{FACTS}?lang=fr").json
    assert FactSummarySchema().validate(body) == {}
    facts = {fact["id"]: fact for fact in body["facts"]}
    assert facts["bamako-kidal-distance"]["value"] == {
        "type": "quantity",
        "number": 1500,
        "unit": "length-kilometer",
    }
    assert facts["bamako-kidal-distance"]["qualifier"] == "more-than"
    assert facts["renewed-hostilities"]["value"] == {
        "type": "date",
        "date": "2023-08",
        "precision": "late-month",
    }
    assert facts["convoy-vehicles"]["label"] == "Véhicules du convoi"
    assert body["locale"] == "fr"


def test_provenance_points_at_the_sentence_in_the_served_language(client: FlaskClient) -> None:
    article = client.get(f"/api/v1/articles/{SLUG}?lang=fr").json
    segment_ids = {s["id"] for s in article["translation"]["segments"]}
    for lang, quote in (
        ("fr", f"le convoi était composé de 119{NBSP}véhicules"),
        ("en", "the convoy consisted of 119 vehicles"),
    ):
        fact = client.get(f"{FACTS}?lang={lang}").json["facts"][0]
        assert fact["provenance"]["quote"] == quote
        assert fact["provenance"]["segment"] in segment_ids
        assert quote in fact["provenance"]["sentence"]


def test_seed_has_the_facts_a_newsroom_needs(client: FlaskClient) -> None:
    body = client.get(f"{FACTS}?lang=en").json
    assert len(body["facts"]) == 13
    types = {fact["value"]["type"] for fact in body["facts"]}
    assert types == {"count", "quantity", "duration", "date", "places", "person", "organisation"}
    numbers = {fact["value"].get("number") for fact in body["facts"]}
    assert {119, 300, 1500, 24} <= numbers
    assert [entry["date"]["date"] for entry in body["timeline"]] == [
        "2012",
        "2013",
        "2014",
        "2015",
        "2020",
        "2023-08",
        "2023-10-02",
        "2023-12-31",
    ]


def test_french_timeline(client: FlaskClient) -> None:
    timeline = client.get(f"{FACTS}?lang=fr").json["timeline"]
    assert [e["display"] for e in timeline[-3:]] == [
        "fin août 2023",
        "2 octobre 2023",
        "d’ici au 31 décembre 2023",
    ]
    assert timeline[-2]["text"] == "Un convoi de l’armée quitte Gao pour Kidal"


def test_article_page_has_a_key_facts_box_and_a_timeline(client: FlaskClient) -> None:
    html = client.get(f"/fr/articles/{SLUG}").get_data(as_text=True)
    assert '<h2 id="key-facts-title">Points clés</h2>' in html
    assert "<dt>Véhicules du convoi</dt>" in html
    assert f'<dd><data value="1500">plus de 1{NNBSP}500{NNBSP}km</data></dd>' in html
    assert '<h2 id="timeline-title">Chronologie</h2>' in html
    assert '<time datetime="2023-10-02">2 octobre 2023</time>' in html
    assert '<time datetime="2023-08">fin août 2023</time>' in html


def test_facts_page_shows_the_summary_alone(client: FlaskClient) -> None:
    html = client.get(f"/en/articles/{SLUG}/facts").get_data(as_text=True)
    assert '<h2 id="key-facts-title">Key facts</h2>' in html
    assert "<dt>Vehicles in the convoy</dt>" in html
    assert "Kidal occupies a special place" not in html
    assert client.get("/en/articles/nope/facts").status_code == 404


def test_facts_route_errors_are_problems(client: FlaskClient) -> None:
    response = client.get("/api/v1/articles/nope/facts")
    assert response.status_code == 404
    assert response.mimetype == "application/problem+json"
    invalid = client.get(f"{FACTS}?lang=xx-!!")
    assert invalid.status_code == 422
    assert invalid.mimetype == "application/problem+json"
    assert list(invalid.json["errors"]["query"]) == ["lang"]


def run_check(data_dir: Path) -> tuple[int, str]:
    """`depeche import DATA_DIR` then `depeche check`, on a database of their own."""
    env = {"DEPECHE_DATABASE_URL": new_url(data_dir.parent)}
    imported = CliRunner().invoke(main, ["import", str(data_dir)], env=env)
    if imported.exit_code != 0:
        return imported.exit_code, imported.output
    result = CliRunner().invoke(main, ["check"], env=env)
    return result.exit_code, result.output


def test_check_proves_the_seed(data_copy: Path) -> None:
    code, output = run_check(data_copy)
    assert code == 0, output
    # The whole line: 13 facts and 8 timeline entries ("21" alone would match "121").
    assert output.splitlines() == ["21 facts and timeline entries proved in en, fr"]


def test_check_fails_on_a_wrong_number(data_copy: Path) -> None:
    facts = data_copy / "articles" / SLUG / "facts.yaml"
    facts.write_text(
        facts.read_text().replace("{type: count, number: 119}", "{type: count, number: 118}")
    )
    code, output = run_check(data_copy)
    assert code == 1
    assert "fact convoy-vehicles [en]: expected '118' in: Another security official" in output
    assert "fact convoy-vehicles [fr]: expected '118' in: Un autre responsable" in output


def test_check_fails_on_a_wrong_french_figure(data_copy: Path) -> None:
    po = data_copy / "articles" / SLUG / "fr.po"
    po.write_text(
        po.read_text().replace(f"à plus de 1{NNBSP}500{NBSP}km et", "à plus de 1500 km et")
    )
    code, output = run_check(data_copy)
    assert code == 1
    forms = f"{'1' + NBSP + '500'!r} or {'1' + NNBSP + '500'!r}"
    assert f"fact bamako-kidal-distance [fr]: expected {forms} in: C’est une étape" in output


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        (
            "unit: length-kilometer}\n  qualifier: about",
            "unit: length-furlongs}\n  qualifier: about",
            "fact gao-kidal-distance: value.unit: 'length-furlongs' is not a CLDR unit.",
        ),
        (
            "date: '2023-12-31', precision: day}\n  qualifier: by\n  quote",
            "date: '2023-02-30', precision: day}\n  qualifier: by\n  quote",
            "fact un-camps-deadline: value.date: '2023-02-30' is not a real date",
        ),
        (  # a digit to str.isdigit(), not to int(): refused, not a crash
            "date: '2023-12-31', precision: day}\n  qualifier: by\n  quote",
            "date: '2023-12-3³', precision: day}\n  qualifier: by\n  quote",
            "fact un-camps-deadline: value.date: '2023-12-3³' is not a day date",
        ),
        (
            "quote: the convoy consisted of 119 vehicles",
            "quote: the convoy had 119 vehicles",
            "fact convoy-vehicles: quote: not in the article's text",
        ),
        ("qualifier: about", "qualifier: roughly", "fact gao-kidal-distance: qualifier:"),
        (
            "{type: count, number: 119}",
            "{type: count}",
            "fact convoy-vehicles: value.number: Required for a count.",
        ),
        (
            "precision: late-month}\n  qualifier: since",
            "precision: late}\n  qualifier: since",
            "fact renewed-hostilities: value.precision:",
        ),
    ],
)
def test_bad_facts_are_refused_by_import_naming_file_fact_and_field(
    data_copy: Path, make_app: Callable[[Path], Flask], old: str, new: str, message: str
) -> None:
    path = data_copy / "articles" / SLUG / "facts.yaml"
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new, 1))
    with pytest.raises(ContentError) as caught:
        make_app(data_copy)
    assert str(caught.value).startswith(f"{path}: ")
    assert message in str(caught.value)
    code, output = run_check(data_copy)
    assert code == 1
    assert message in output
