"""``GET /api/v1/articles/<slug>/history``: every write, newest first, who and the versions."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from flask import Flask

from tests.conftest import SLUG
from tests.tokens import bearer, issue_token

HISTORY = f"/api/v1/articles/{SLUG}/history"


@pytest.fixture
def app(make_app: Callable[..., Flask], data_copy: Path) -> Flask:
    return make_app(data_copy)


def test_every_write_is_listed_newest_first_with_who_and_the_versions(app: Flask) -> None:
    client = app.test_client()
    admin = bearer(issue_token(app, "admin"))
    desk = bearer(issue_token(app, "review", name="relecteur"))
    listing = client.get(f"/api/v1/articles/{SLUG}/translations/fr", headers=desk).get_json()
    ids = [s["id"] for s in listing["segments"][:3]]
    for number, segment_id in enumerate(ids):
        path = f"/api/v1/articles/{SLUG}/translations/fr/segments/{segment_id}"
        assert client.put(path, json={"text": f"Texte {number}"}, headers=desk).status_code == 200
    revisions = client.get(HISTORY, headers=admin).get_json()["revisions"]
    assert [r["action"] for r in revisions] == ["review", "review", "review", "import"]
    assert [r["actor"] for r in revisions] == ["relecteur"] * 3 + ["import"]
    assert [r["detail"].get("segment") for r in revisions[:3]] == ids[::-1]
    for newer, older in zip(revisions, revisions[1:], strict=False):
        assert newer["version_before"] == older["version_after"]
        assert newer["version_after"] == newer["version_before"] + 1
        assert newer["at"] >= older["at"]


def test_the_history_is_paged_with_a_cursor(app: Flask) -> None:
    client = app.test_client()
    admin = bearer(issue_token(app, "admin", "review"))
    listing = client.get(f"/api/v1/articles/{SLUG}/translations/fr", headers=admin).get_json()
    for segment in listing["segments"][:4]:
        path = f"/api/v1/articles/{SLUG}/translations/fr/segments/{segment['id']}"
        assert client.put(path, json={"text": "Relu"}, headers=admin).status_code == 200
    whole = client.get(HISTORY, headers=admin).get_json()["revisions"]
    assert len(whole) == 5
    seen, url = [], f"{HISTORY}?limit=2"
    while url:
        page = client.get(url, headers=admin)
        body = page.get_json()
        seen += body["revisions"]
        assert len(body["revisions"]) <= 2
        link = page.headers.get("Link")
        assert (link is None) is (body["next"] is None)
        url = f"{HISTORY}?limit=2&cursor={body['next']}" if body["next"] else ""
    assert seen == whole
    assert page.headers["Cache-Control"] == "no-store"


@pytest.mark.parametrize(
    ("query", "status", "named"),
    [
        ("?limit=0", 422, "limit"),
        ("?limit=101", 422, "limit"),
        ("?cursor=zz", 422, "cursor"),
        ("?cursor=" + "A" * 60, 422, "cursor"),
        ("?order=asc", 422, "order"),
    ],
)
def test_bad_queries_are_refused_naming_the_field(
    app: Flask, query: str, status: int, named: str
) -> None:
    response = app.test_client().get(HISTORY + query, headers=bearer(issue_token(app, "admin")))
    assert response.status_code == status
    assert response.mimetype == "application/problem+json"
    assert named in response.get_json()["errors"]["query"]


def test_the_history_needs_an_admin_token_and_an_article(app: Flask) -> None:
    client = app.test_client()
    assert client.get(HISTORY).status_code == 401
    assert client.get(HISTORY, headers=bearer(issue_token(app, "review"))).status_code == 403
    admin = bearer(issue_token(app, "admin", "publish"))
    assert client.get("/api/v1/articles/no-such/history", headers=admin).status_code == 404
    assert client.delete(f"/api/v1/articles/{SLUG}", headers=admin).status_code == 200
    killed = client.get(HISTORY, headers=admin).get_json()["revisions"]
    assert killed[0]["action"] == "kill"
