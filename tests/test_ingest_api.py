"""POST /api/v1/ingest with wire copy: a new article (201, Location, ETag, status), the same copy
twice one article, a derived slug, the language from the request, aware times shown in the
newsroom's time zone."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlencode

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from app.content.slugs import derive_slug, distinct_slug, slugify
from app.store.models import ArticleRow, RevisionRow
from tests.conftest import DATA_DIR, SEED
from tests.tokens import bearer, issue_token

HEADLINE = "Army convoy heads for Kidal"
EDITORIAL = {
    "headline": HEADLINE,
    "standfirst": "A standfirst.",
    "dateline": "Gao",
    "published": "2023-10-02T16:05:00+02:00",
    "language": "en",
    "publisher": "France 24",
}
TEXT = "text/plain; charset=utf-8"
DERIVED = "army-convoy-heads-for-kidal-20231002"


class Desk:
    """An app on a store of its own, and a client with a publish token."""

    def __init__(self, app: Flask) -> None:
        self.app = app
        self.client: FlaskClient = app.test_client()
        self.headers = bearer(issue_token(app, "publish"))

    def post(
        self, body: bytes, content_type: str = TEXT, path: str = "/api/v1/ingest", **query: str
    ) -> Any:
        url = f"{path}?{urlencode(query)}" if query else path
        return self.client.post(
            url, data=body, headers={**self.headers, "Content-Type": content_type}
        )

    def count(self, model: Any = ArticleRow) -> int:
        with self.app.extensions["depeche.database"].read() as session:
            return int(session.execute(select(func.count()).select_from(model)).scalar_one())

    def row(self, slug: str) -> ArticleRow:
        """The stored row of *slug*, detached (its columns loaded)."""
        with self.app.extensions["depeche.database"].read() as session:
            row = session.execute(select(ArticleRow).where(ArticleRow.slug == slug)).scalar_one()
            _ = row.source  # deferred: load it before the session goes
            session.expunge(row)
            return row


@pytest.fixture
def desk(make_app: Callable[..., Flask]) -> Desk:
    return Desk(make_app(DATA_DIR))


def test_wire_copy_becomes_an_article_with_location_etag_and_translation_status(
    desk: Desk,
) -> None:
    before = desk.count()
    response = desk.post(SEED.read_bytes(), **EDITORIAL)
    assert response.status_code == 201, response.get_json()
    data = response.get_json()
    assert data["slug"] == DERIVED
    assert data["version"] == 1
    assert data["outcome"] == "created"
    assert data["languages"] == ["en", "fr"]
    assert data["translation"]["en"]["complete"] is True
    assert data["translation"]["fr"]["complete"] is False
    assert data["translation"]["fr"]["counts"]["untranslated"] == 27
    assert response.headers["Location"] == f"/api/v1/articles/{DERIVED}"
    assert response.headers["ETag"].startswith('"')
    assert desk.count() == before + 1
    article = desk.client.get(response.headers["Location"]).get_json()
    assert article["headline"] == HEADLINE
    assert article["credit"] == "AFP / France 24"


def test_the_same_wire_copy_twice_is_one_article(desk: Desk) -> None:
    first = desk.post(SEED.read_bytes(), **EDITORIAL)
    again = desk.post(SEED.read_bytes(), **EDITORIAL)
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.get_json()["outcome"] == "unchanged"
    assert again.get_json()["version"] == 1
    assert again.headers["ETag"] == first.headers["ETag"]
    assert desk.count(RevisionRow) == 2  # the seed's import, then this one


def test_changed_wire_copy_at_the_same_slug_is_a_new_version(desk: Desk) -> None:
    first = desk.post(SEED.read_bytes(), **EDITORIAL)
    changed = SEED.read_bytes().replace(b"119 vehicles", b"120 vehicles")
    second = desk.post(changed, **EDITORIAL)
    assert second.status_code == 200
    assert second.get_json()["outcome"] == "corrected"
    assert second.get_json()["version"] == 2
    assert second.headers["ETag"] != first.headers["ETag"]


def test_a_given_slug_is_used(desk: Desk) -> None:
    response = desk.post(SEED.read_bytes(), slug="convoy-kidal", **EDITORIAL)
    assert response.status_code == 201
    assert response.get_json()["slug"] == "convoy-kidal"


def test_the_slug_is_ascii_lower_case_hyphens_and_bounded() -> None:
    assert slugify("Mali : l’armée à Kidal, cœur de la rébellion") == (
        "mali-l-armee-a-kidal-coeur-de-la-rebellion"
    )
    long = slugify("word " * 40)
    assert len(long) <= 60 and long.endswith("word") and long.startswith("word-word")
    assert derive_slug("Straße nach Kidal", datetime(2023, 10, 2).date()) == (
        "strasse-nach-kidal-20231002"
    )
    assert distinct_slug("a-20231002", "urn:x") == distinct_slug("a-20231002", "urn:x")
    assert distinct_slug("a-20231002", "urn:x") != distinct_slug("a-20231002", "urn:y")


def test_wire_copy_without_a_language_is_422_naming_language(desk: Desk) -> None:
    before = desk.count()
    fields = {k: v for k, v in EDITORIAL.items() if k != "language"}
    response = desk.post(SEED.read_bytes(), **fields)
    assert response.status_code == 422
    assert response.mimetype == "application/problem+json"
    assert "language" in response.get_json()["errors"]["body"]
    assert desk.count() == before


def test_a_regional_language_falls_back_by_lookup(desk: Desk) -> None:
    response = desk.post(SEED.read_bytes(), **{**EDITORIAL, "language": "en-GB"})
    assert response.status_code == 201
    assert desk.row(DERIVED).language == "en"


def test_a_language_we_do_not_publish_is_422_naming_the_supported_ones(desk: Desk) -> None:
    response = desk.post(SEED.read_bytes(), **{**EDITORIAL, "language": "de"})
    assert response.status_code == 422
    problem = response.get_json()
    assert "language" in problem["errors"]["body"]
    assert problem["errors"]["supported"] == ["en", "fr"]


def test_a_published_time_is_stored_aware_and_shown_in_the_newsroom_zone(desk: Desk) -> None:
    desk.post(SEED.read_bytes(), **{**EDITORIAL, "published": "2023-10-02T23:30:00+00:00"})
    slug = "army-convoy-heads-for-kidal-20231003"  # 23:30 UTC is the 3rd in Paris
    row = desk.row(slug)
    assert row.published_at == datetime(2023, 10, 2, 23, 30, tzinfo=UTC)
    assert row.published.isoformat() == "2023-10-03"
    en = desk.client.get(f"/api/v1/articles/{slug}?lang=en-GB").get_json()["published"]
    assert en == {
        "date": "2023-10-03",
        "time": "2023-10-03T01:30:00+02:00",
        "display": "3 October 2023, 01:30 CEST",
    }
    fr = desk.client.get(f"/api/v1/articles/{slug}?lang=fr").get_json()["published"]
    assert fr["display"] == "3 octobre 2023, 01:30 +0200"
    page = desk.client.get(f"/fr/articles/{slug}").get_data(as_text=True)
    assert '<time datetime="2023-10-03T01:30:00+02:00">' in page
    assert '"datePublished": "2023-10-03T01:30:00+02:00"' in page


def test_another_time_zone_shows_another_hour(make_app: Callable[..., Flask]) -> None:
    desk = Desk(make_app(DATA_DIR, TIMEZONE="America/Montreal"))
    desk.post(SEED.read_bytes(), **EDITORIAL)
    data = desk.client.get(f"/api/v1/articles/{DERIVED}?lang=en").get_json()
    assert data["published"]["time"] == "2023-10-02T10:05:00-04:00"


def test_a_date_only_story_shows_as_a_date(desk: Desk) -> None:
    desk.post(SEED.read_bytes(), **{**EDITORIAL, "published": "2023-10-02"})
    assert desk.row(DERIVED).published_at is None
    data = desk.client.get(f"/api/v1/articles/{DERIVED}?lang=en").get_json()
    assert data["published"] == {"date": "2023-10-02", "display": "October 2, 2023"}
    page = desk.client.get(f"/en/articles/{DERIVED}").get_data(as_text=True)
    assert '<time datetime="2023-10-02">' in page


def test_ingest_needs_a_publish_token(desk: Desk) -> None:
    anonymous = desk.client.post(
        "/api/v1/ingest", data=SEED.read_bytes(), headers={"Content-Type": TEXT}
    )
    assert anonymous.status_code == 401
    review = bearer(issue_token(desk.app, "review"))
    refused = desk.client.post(
        "/api/v1/ingest", data=SEED.read_bytes(), headers={**review, "Content-Type": TEXT}
    )
    assert refused.status_code == 403
