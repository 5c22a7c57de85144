"""Killing a story: 410 Gone on every route that showed it, out of every list, on every worker."""

from __future__ import annotations

import shutil
import time
from collections.abc import Callable
from pathlib import Path
from urllib.parse import quote

import pytest
from flask import Flask

from app import create_app
from tests.conftest import DATA_DIR, SLUG
from tests.tokens import bearer, issue_token

OTHER = "story-001"
ARTICLE = f"/api/v1/articles/{SLUG}"
PROBLEM = "application/problem+json"
#: Every reader's route of the story: (path, problem+json or a page).
ROUTES = [
    (ARTICLE, PROBLEM),
    (f"{ARTICLE}?lang=fr", PROBLEM),
    (f"{ARTICLE}/facts?lang=fr", PROBLEM),
    (f"/en/articles/{SLUG}", "text/html"),
    (f"/fr/articles/{SLUG}", "text/html"),
    (f"/fr/articles/{SLUG}/facts", "text/html"),
    (f"/fr/embed/articles/{SLUG}", "text/html"),
    (f"/en/embed/articles/{SLUG}/facts", "text/html"),
    ("/oembed?url=" + quote(f"http://localhost/fr/articles/{SLUG}"), PROBLEM),
    ("/oembed?url=" + quote(f"http://localhost/en/articles/{SLUG}/facts"), PROBLEM),
]


def two_stories(root: Path) -> Path:
    """A data root with the seed and a copy of it under another slug, published a day later."""
    shutil.copytree(DATA_DIR, root)
    folder = root / "articles" / OTHER
    shutil.copytree(root / "articles" / SLUG, folder)
    md = folder / "article.md"
    md.write_text(
        md.read_text()
        .replace(f"slug: {SLUG}", f"slug: {OTHER}")
        .replace("published: 2023-10-02", "published: 2023-10-03")
    )
    return root


@pytest.fixture
def store(tmp_path: Path, database_for: Callable[[Path], str]) -> str:
    return database_for(two_stories(tmp_path / "data"))


@pytest.fixture
def app(store: str, no_models: Path) -> Flask:
    return create_app({"TESTING": True, "DATABASE_URL": store, "MODELS_DIR": no_models})


def kill(app: Flask, slug: str = SLUG, *scopes: str) -> tuple[int, dict[str, object]]:
    token = issue_token(app, *(scopes or ("publish",)), name=f"desk-{time.monotonic_ns()}")
    response = app.test_client().delete(f"/api/v1/articles/{slug}", headers=bearer(token))
    return response.status_code, response.get_json()


def slugs(app: Flask, path: str) -> list[str]:
    return [a["slug"] for a in app.test_client().get(path).get_json()["articles"]]


def test_every_route_of_a_killed_story_is_410(app: Flask) -> None:
    client = app.test_client()
    for path, _ in ROUTES:  # rendered and remembered (render cache, memo) before the kill
        assert client.get(path).status_code == 200, path
        assert client.get(path).status_code == 200, path
    status, body = kill(app)
    assert status == 200
    assert body["slug"] == SLUG and body["killed"]
    for path, mimetype in ROUTES:
        response = client.get(path)
        assert response.status_code == 410, path
        assert response.mimetype == mimetype, path
    problem = client.get(ARTICLE).get_json()
    assert problem["status"] == 410 and SLUG in problem["detail"]


def test_the_killed_page_is_localized_and_the_embed_says_gone(app: Flask) -> None:
    kill(app)
    client = app.test_client()
    french = client.get(f"/fr/articles/{SLUG}").get_data(as_text=True)
    assert "Cet article a été retiré" in french
    assert "This story has been withdrawn" in client.get(f"/en/articles/{SLUG}").get_data(
        as_text=True
    )
    embed = client.get(f"/fr/embed/articles/{SLUG}/facts")
    html = embed.get_data(as_text=True)
    assert "data-depeche-gone" in html and "depeche:gone" in html
    assert "frame-ancestors *" in embed.headers["Content-Security-Policy"]
    assert "Cet article a été retiré." in html


def test_a_killed_story_leaves_every_list(app: Flask) -> None:
    client = app.test_client()
    assert slugs(app, "/api/v1/articles") == [OTHER, SLUG]
    assert f"/en/articles/{SLUG}" in client.get("/en/").get_data(as_text=True)
    kill(app)
    assert slugs(app, "/api/v1/articles") == [OTHER]
    assert slugs(app, "/api/v1/articles?lang=fr&language=en") == [OTHER]
    home = client.get("/fr/").get_data(as_text=True)
    assert f"/fr/articles/{OTHER}" in home
    assert f"/fr/articles/{SLUG}" not in home
    assert client.get(f"/api/v1/articles/{OTHER}").status_code == 200


def test_a_second_kill_is_410_and_an_unknown_story_404(app: Flask) -> None:
    assert kill(app)[0] == 200
    status, problem = kill(app)
    assert status == 410 and problem["status"] == 410
    assert kill(app, "no-such-story")[0] == 404


def test_killing_needs_a_publish_token(app: Flask) -> None:
    client = app.test_client()
    assert client.delete(ARTICLE).status_code == 401
    assert kill(app, SLUG, "review")[0] == 403
    assert client.get(ARTICLE).status_code == 200


def test_the_kill_is_recorded_with_its_token_and_versions(app: Flask) -> None:
    client = app.test_client()
    token = issue_token(app, "publish", name="night-desk")
    admin = bearer(issue_token(app, "admin"))
    before = client.get(f"{ARTICLE}/history", headers=admin).get_json()["revisions"][0]
    assert client.delete(ARTICLE, headers=bearer(token)).status_code == 200
    latest = client.get(f"{ARTICLE}/history", headers=admin).get_json()["revisions"][0]
    assert latest["actor"] == "night-desk" and latest["action"] == "kill"
    assert latest["version_before"] == before["version_after"]
    assert latest["version_after"] == before["version_after"] + 1


def test_another_worker_answers_410_within_a_second(store: str, no_models: Path) -> None:
    """Two apps on one store are two workers: the one that did not kill learns it from the
    change watcher, past its memo and its render cache."""
    settings = {"TESTING": True, "DATABASE_URL": store, "MODELS_DIR": no_models}
    writer, reader = create_app(settings), create_app(settings)
    client = reader.test_client()
    pages = [path for path, _ in ROUTES]
    for path in pages:
        assert client.get(path).status_code == 200, path
    assert SLUG in slugs(reader, "/api/v1/articles")
    assert kill(writer)[0] == 200
    started = time.monotonic()
    while any(client.get(path).status_code != 410 for path in pages):
        assert time.monotonic() - started < 1.0, "still served a second after the kill"
        time.sleep(0.02)
    assert slugs(reader, "/api/v1/articles") == [OTHER]
