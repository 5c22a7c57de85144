"""``PUT /api/v1/articles/<slug>``: a correction against the version its author saw. If-Match
missing → 428, stale → 412, nothing written; a correction keeps the translations of unchanged
segments, turns those of changed ones stale, and is recorded under the token's name."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from app.content.model import Segment
from tests.conftest import DATA_DIR, SLUG
from tests.tokens import bearer, issue_token

ARTICLE = f"/api/v1/articles/{SLUG}"
WIRE = (DATA_DIR / "articles" / SLUG / "source.txt").read_text(encoding="utf-8")
CHANGED = "The convoy left Gao on Monday morning, about 300 km southwest of Kidal, he said."
CORRECTED = "The convoy left Gao early on Monday, about 300 km southwest of Kidal, he said."
TEXT = "text/plain; charset=utf-8"


class Desk:
    def __init__(self, app: Flask) -> None:
        self.client: FlaskClient = app.test_client()
        self.token = issue_token(app, "publish", "admin", name="desk-anna")

    def etag(self, lang: str = "en") -> str:
        response = self.client.get(f"{ARTICLE}?lang={lang}")
        assert response.status_code == 200
        return str(response.headers["ETag"])

    def put(self, body: str, etag: str | None, **query: str) -> Any:
        headers = {**bearer(self.token), "Content-Type": TEXT}
        if etag is not None:
            headers["If-Match"] = etag
        return self.client.put(ARTICLE, data=body.encode(), headers=headers, query_string=query)

    def article(self, lang: str) -> dict[str, Any]:
        found: dict[str, Any] = self.client.get(f"{ARTICLE}?lang={lang}").get_json()
        return found


@pytest.fixture
def desk(make_app: Callable[..., Flask]) -> Desk:
    return Desk(make_app(DATA_DIR))


def _status_of(article: dict[str, Any], source: str) -> str:
    wanted = Segment("body", source).id
    return str(next(s["status"] for s in article["translation"]["segments"] if s["id"] == wanted))


def test_a_correction_without_if_match_is_428_and_writes_nothing(desk: Desk) -> None:
    before = desk.article("en")
    response = desk.put(WIRE.replace(CHANGED, CORRECTED), None)
    assert response.status_code == 428
    assert response.mimetype == "application/problem+json"
    assert "If-Match" in response.get_json()["detail"]
    assert desk.article("en") == before


def test_a_correction_against_a_stale_etag_is_412_and_writes_nothing(desk: Desk) -> None:
    stale = desk.etag()
    first = desk.put(WIRE.replace(CHANGED, CORRECTED), stale)
    assert first.status_code == 200, first.get_json()
    after_first = desk.article("en")
    again = desk.put(WIRE.replace(CHANGED, "The convoy left Gao on Monday, he said."), stale)
    assert again.status_code == 412
    assert desk.article("en") == after_first


def test_an_etag_of_another_language_is_not_the_articles(desk: Desk) -> None:
    response = desk.put(WIRE.replace(CHANGED, CORRECTED), desk.etag("fr"))
    assert response.status_code == 412


def test_a_correction_changes_the_text_and_the_version_and_keeps_unchanged_translations(
    desk: Desk,
) -> None:
    before_fr = desk.article("fr")
    assert before_fr["translation"]["counts"]["reviewed"] > 1
    version_before = desk.article("en")["version"]
    response = desk.put(WIRE.replace(CHANGED, CORRECTED), desk.etag())
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["outcome"] == "corrected"
    english = desk.article("en")
    assert english["version"] == version_before + 1
    texts = [p["text"] for s in english["sections"] for p in s["paragraphs"]]
    assert any(CORRECTED in text for text in texts)
    assert not any(CHANGED in text for text in texts)
    french = desk.article("fr")
    counts = french["translation"]["counts"]
    # Only the changed sentence lost its reviewed French; every other segment kept its own.
    assert counts["reviewed"] == before_fr["translation"]["counts"]["reviewed"] - 1
    # Its old translation is kept as a draft for the desk, marked stale (never shown).
    assert _status_of(french, CORRECTED) == "stale"
    assert english["updated"]["time"] > english["published"]["date"]
    page = desk.client.get(f"/en/articles/{SLUG}").get_data(as_text=True)
    assert f'"dateModified": "{english["updated"]["time"]}"' in page  # the JSON-LD says it too
    assert CORRECTED in page


def test_a_correction_is_in_the_history_under_the_tokens_name(desk: Desk) -> None:
    assert desk.put(WIRE.replace(CHANGED, CORRECTED), desk.etag()).status_code == 200
    history = desk.client.get(f"{ARTICLE}/history", headers=bearer(desk.token)).get_json()
    latest = history["revisions"][0] if "revisions" in history else history["items"][0]
    assert (latest["actor"], latest["action"]) == ("desk-anna", "ingest")
    assert latest["version_after"] == latest["version_before"] + 1


def test_a_correction_that_changes_nothing_keeps_the_version(desk: Desk) -> None:
    version = desk.article("en")["version"]
    response = desk.put(WIRE, desk.etag())
    assert response.status_code == 200
    assert response.get_json()["outcome"] == "unchanged"
    assert desk.article("en")["version"] == version


def test_a_killed_or_unknown_article_cannot_be_corrected(desk: Desk) -> None:
    headers = {**bearer(desk.token), "Content-Type": TEXT, "If-Match": '"x"'}
    unknown = desk.client.put("/api/v1/articles/no-such-story", data=b"Text.", headers=headers)
    assert unknown.status_code == 404
    assert desk.client.delete(ARTICLE, headers=bearer(desk.token)).status_code == 200
    assert desk.client.put(ARTICLE, data=WIRE.encode(), headers=headers).status_code == 410


def test_a_correction_needs_a_publish_token(desk: Desk, make_app: Callable[..., Flask]) -> None:
    assert desk.client.put(ARTICLE, data=b"x", headers={"Content-Type": TEXT}).status_code == 401


def test_a_correction_takes_items_as_large_as_the_ingest_does(desk: Desk) -> None:
    """Over MAX_CONTENT_LENGTH (64 KiB), under MAX_INGEST_BYTES: taken; over that: 413."""
    filler = "\n\n".join(
        f"The mission's convoy number {n} reached the camp in the afternoon, officials said."
        for n in range(1_000)
    )
    body = WIRE.replace("With AFP", filler + "\n\nWith AFP")
    assert 64 * 1024 < len(body.encode()) < 1024 * 1024
    taken = desk.put(body, desk.etag())
    assert taken.status_code == 200, taken.get_json()
    refused = desk.put(body * 20, desk.etag())
    assert refused.status_code == 413
