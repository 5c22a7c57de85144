"""POST /api/v1/ingest with agency items (ninjs 1/2/3, NewsML-G2, NewsML 1.2): identity and
version order decide — the same item twice is one article, an older version changes nothing,
a newer one corrects it; times, language and slug come from the item."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from flask import Flask

from app.content.slugs import distinct_slug
from tests.conftest import DATA_DIR
from tests.test_ingest_api import Desk

FIXTURES = Path(__file__).parent / "fixtures" / "wire"
AFP_URI = "urn:newsml:afp.com:20231002:TX-PAR-ABC12"
SLUG = "malian-army-convoy-heads-for-kidal-stronghold-of-the-tuareg-20231002"
SAMPLES = [
    ("ninjs1-superdesk.json", "application/json"),
    ("ninjs2.json", "application/json"),
    ("ninjs3.json", "application/json; charset=utf-8"),
    ("newsml-g2-xhtml.xml", "application/xml"),
    ("newsml-g2-nitf.xml", "text/xml"),
    ("newsml12-utf8.xml", "application/xml"),
    ("newsml12-latin1.xml", "text/xml; charset=iso-8859-1"),
]
JSON = "application/json"


@pytest.fixture
def desk(make_app: Callable[..., Flask]) -> Desk:
    return Desk(make_app(DATA_DIR))


def ninjs2(**changes: Any) -> bytes:
    """The AFP sample in ninjs 2, with *changes* (None removes a key)."""
    data = json.loads((FIXTURES / "ninjs2.json").read_bytes())
    data.update(changes)
    return json.dumps({k: v for k, v in data.items() if v is not None}).encode()


def headline(text: str) -> list[dict[str, str]]:
    return [{"role": "main", "value": text}]


@pytest.mark.parametrize(("name", "content_type"), SAMPLES)
def test_every_format_becomes_an_article_with_the_items_times(
    desk: Desk, name: str, content_type: str
) -> None:
    response = desk.post((FIXTURES / name).read_bytes(), content_type)
    assert response.status_code == 201, response.get_json()
    data = response.get_json()
    assert data["slug"] == SLUG
    assert data["item_version"] == 2
    row = desk.row(SLUG)
    assert row.language == "en"  # ninjs 3's en-GB by lookup
    assert row.published_at == datetime(2023, 10, 2, 13, 58, 4, tzinfo=UTC)
    assert row.modified_at == datetime(2023, 10, 2, 14, 5, 12, tzinfo=UTC)
    assert row.source == (FIXTURES / name).read_bytes()
    article = desk.client.get(f"/api/v1/articles/{SLUG}?lang=en").get_json()
    assert article["headline"].startswith("Malian army convoy heads for Kidal")
    assert article["updated"]["time"] == "2023-10-02T16:05:12+02:00"
    headings = [s["heading"] for s in article["sections"] if s["heading"]]
    assert "The 2015 agreement is shattering" in headings


def test_the_same_item_in_another_format_is_the_same_article(desk: Desk) -> None:
    before = desk.count()
    first = desk.post((FIXTURES / "ninjs2.json").read_bytes(), JSON)
    again = desk.post((FIXTURES / "newsml12-latin1.xml").read_bytes(), "text/xml")
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.get_json()["outcome"] == "unchanged"
    assert again.get_json()["slug"] == SLUG
    assert desk.count() == before + 1


def test_a_newer_version_corrects_the_article_and_an_older_one_changes_nothing(
    desk: Desk,
) -> None:
    desk.post(ninjs2(), JSON)
    newer = desk.post(ninjs2(version="3", headlines=headline("Convoy reaches Kidal")), JSON)
    assert newer.status_code == 200
    assert newer.get_json()["outcome"] == "corrected"
    assert newer.get_json()["version"] == 2
    assert newer.get_json()["slug"] == SLUG  # a correction keeps its URL
    older = desk.post(ninjs2(version="2"), JSON)
    assert older.status_code == 200
    assert older.get_json()["outcome"] == "older"
    assert "older version" in older.get_json()["message"]
    assert older.get_json()["version"] == 2
    article = desk.client.get(f"/api/v1/articles/{SLUG}?lang=en").get_json()
    assert article["headline"] == "Convoy reaches Kidal"
    assert desk.row(SLUG).item_version == 3


def test_without_versions_the_version_time_decides(desk: Desk) -> None:
    desk.post(ninjs2(version=None, versioncreated="2023-10-02T15:00:00Z"), JSON)
    older = desk.post(
        ninjs2(version=None, versioncreated="2023-10-02T14:00:00Z", headlines=headline("Old")),
        JSON,
    )
    assert older.get_json()["outcome"] == "older"


def test_another_item_with_the_same_headline_and_day_gets_a_suffix(desk: Desk) -> None:
    desk.post(ninjs2(), JSON)
    other = desk.post(ninjs2(uri="urn:newsml:afp.com:20231002:TX-PAR-XYZ99"), JSON)
    assert other.status_code == 201
    assert other.get_json()["slug"] == distinct_slug(
        SLUG, "urn:newsml:afp.com:20231002:TX-PAR-XYZ99"
    )


def test_a_slug_asked_for_that_another_item_holds_is_409(desk: Desk) -> None:
    before = desk.count()
    response = desk.post(ninjs2(), JSON, slug="mali-army-convoy-kidal")  # the seed's
    assert response.status_code == 409
    assert "slug" in response.get_json()["errors"]["body"]
    assert desk.count() == before


def test_the_items_language_wins_and_an_unpublished_one_names_its_field(desk: Desk) -> None:
    refused = desk.post(ninjs2(language="de"), JSON, language="en")
    assert refused.status_code == 422
    assert "/language" in refused.get_json()["errors"]["body"]
    assert refused.get_json()["errors"]["supported"] == ["en", "fr"]
    given = desk.post(ninjs2(language=None), JSON, language="fr-CA")
    assert given.status_code == 201
    assert desk.row(SLUG).language == "fr"


def test_an_item_without_a_language_nor_a_query_is_422_naming_language(desk: Desk) -> None:
    response = desk.post(ninjs2(language=None), JSON)
    assert response.status_code == 422
    assert "language" in response.get_json()["errors"]["body"]


def test_a_canceled_item_kills_the_article_it_names(desk: Desk) -> None:
    assert desk.post(ninjs2(), JSON).status_code == 201
    assert desk.client.get(f"/api/v1/articles/{SLUG}").status_code == 200
    response = desk.post(ninjs2(pubstatus="canceled", version="3"), JSON)
    assert response.status_code == 200, response.get_json()
    assert (response.get_json()["outcome"], response.get_json()["slug"]) == ("killed", SLUG)
    assert desk.row(SLUG).killed is not None
    assert desk.client.get(f"/api/v1/articles/{SLUG}").status_code == 410
    assert desk.client.get(f"/fr/articles/{SLUG}").status_code == 410
    again = desk.post(ninjs2(pubstatus="canceled", version="3"), JSON)
    assert (again.status_code, again.get_json()["outcome"]) == (200, "killed")
    # A kill is never undone by a later version of the item.
    assert desk.post(ninjs2(version="4"), JSON).status_code in (200, 201)
    assert desk.client.get(f"/api/v1/articles/{SLUG}").status_code == 410


def test_a_canceled_item_we_never_had_is_404_and_stores_nothing(desk: Desk) -> None:
    before = desk.count()
    response = desk.post(ninjs2(pubstatus="canceled"), JSON)
    assert response.status_code == 404
    assert "uri" in response.get_json()["errors"]["body"]
    assert desk.count() == before


def test_body_html_keeps_paragraphs_and_subheadings_and_nothing_executable(desk: Desk) -> None:
    html = (
        '<p onclick="steal()">First <b>paragraph</b> of the story.</p>'
        "<script>alert('x')</script><h2>A subheading</h2>"
        '<p>Second paragraph.<img src=x onerror="alert(1)"></p><p>With AFP</p>'
    )
    body = ninjs2(bodies=[{"role": "main", "contenttype": "text/html", "value": html}])
    assert desk.post(body, JSON).status_code == 201
    article = desk.client.get(f"/api/v1/articles/{SLUG}?lang=en").get_json()
    assert [s["heading"] for s in article["sections"]] == [None, "A subheading"]
    texts = [p["text"] for s in article["sections"] for p in s["paragraphs"]]
    assert texts == ["First paragraph of the story.", "Second paragraph."]
    page = desk.client.get(f"/en/articles/{SLUG}").get_data(as_text=True)
    assert "alert" not in page and "steal" not in page and "onerror" not in page
