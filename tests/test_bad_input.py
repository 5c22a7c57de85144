"""Bad input of every kind gets a documented 4xx (problem+json or an HTML error page), never a
5xx, never reflected markup, and nothing is written to disk."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
from flask import Flask

from app import create_app
from tests.conftest import SLUG

ARTICLE = f"/api/v1/articles/{SLUG}"
PAGE = f"/fr/articles/{SLUG}"
OURS = f"http://localhost/fr/articles/{SLUG}"
SCRIPT = "<script>alert(1)</script>"

# (method, url, request keywords, status, "problem" | "html" | "json" | "empty")
CASES: list[tuple[str, str, dict[str, Any], int, str]] = [
    ("GET", "/api/v1/articles/nope", {}, 404, "problem"),
    ("GET", "/fr/articles/nope", {}, 404, "html"),
    ("GET", f"/de/articles/{SLUG}", {}, 404, "html"),
    ("GET", f"/xx-YY/articles/{SLUG}", {}, 404, "html"),
    ("GET", ARTICLE, {"headers": {"Accept-Language": "fr;q=0.9," * 2000}}, 200, "json"),
    ("GET", ARTICLE, {"headers": {"Accept-Language": ";;q=;,,=fr;q"}}, 200, "json"),
    ("GET", ARTICLE, {"headers": {"Accept-Language": "fr;q=2, en;q=-1, de;q=abc"}}, 200, "json"),
    ("GET", ARTICLE, {"headers": {"Accept-Language": SCRIPT}}, 200, "json"),
    ("GET", "/api/v1/articles/..%2F..%2Fetc%2Fpasswd", {}, 404, "problem"),
    ("GET", "/fr/articles/..%2F..%2Fdata%2Farticles", {}, 404, "html"),
    ("GET", "/api/v1/articles/a%00b", {}, 404, "problem"),
    ("GET", "/" + "a" * 5000, {}, 404, "html"),
    ("GET", f"{ARTICLE}?lang={SCRIPT}", {}, 422, "problem"),
    ("GET", f"{ARTICLE}?lang=fr&lang=en", {}, 400, "problem"),
    ("GET", f"{ARTICLE}?unknown=1", {}, 422, "problem"),
    ("GET", ARTICLE, {"headers": {"Accept": "text/csv"}}, 406, "problem"),
    ("GET", f"/fr/articles/{SCRIPT}", {}, 404, "html"),
    ("GET", f"{PAGE}?lang={SCRIPT}", {}, 200, "html"),
    ("DELETE", ARTICLE, {}, 401, "problem"),
    ("PATCH", ARTICLE, {}, 405, "problem"),
    ("PUT", PAGE, {}, 405, "html"),
    (
        "POST",
        "/api/v1/translate",
        {"data": b"x" * 70_000, "content_type": "application/json"},
        413,
        "problem",
    ),
    (
        "POST",
        "/api/v1/translate",
        {"data": b"{not json", "content_type": "application/json"},
        400,
        "problem",
    ),
    ("POST", "/api/v1/translate", {"data": "q=x", "content_type": "text/plain"}, 422, "problem"),
    (
        "POST",
        "/api/v1/translate",
        {"json": {"q": SCRIPT, "source": "en", "target": "xx"}},
        422,
        "problem",
    ),
    ("POST", "/api/v1/translate", {"json": [1, 2, 3]}, 422, "problem"),
    ("POST", "/translate", {"data": "q=x", "content_type": "text/plain"}, 400, "problem"),
    (
        "POST",
        "/translate",
        {"data": b"x" * 70_000, "content_type": "application/json"},
        413,
        "problem",
    ),
    ("GET", "/oembed?url=https://evil.example/fr/articles/" + SLUG, {}, 404, "problem"),
    ("GET", "/oembed?url=file:///etc/passwd", {}, 422, "problem"),
    ("GET", "/oembed?url=not%20a%20url", {}, 422, "problem"),
    ("GET", "/oembed", {}, 422, "problem"),
    ("GET", f"/oembed?url={OURS}&format=xml", {}, 501, "problem"),
    ("GET", f"/oembed?url={OURS}&maxwidth=-5", {}, 422, "problem"),
    ("GET", f"/oembed?url={OURS}/../../../etc/passwd", {}, 404, "problem"),
    ("GET", PAGE, {"headers": {"Host": "a" * 64 + ".example"}}, 400, "html"),
    ("GET", ARTICLE, {"headers": {"Host": "a..b"}}, 400, "problem"),
    ("GET", "/fr", {"headers": {"Host": f"{SCRIPT}.example"}}, 400, "html"),
]


def snapshot(*folders: Path) -> dict[str, tuple[int, float]]:
    return {
        str(path): (path.stat().st_size, path.stat().st_mtime)
        for folder in folders
        for path in folder.rglob("*")
    }


@pytest.fixture(scope="module")
def guarded(tmp_path_factory: pytest.TempPathFactory) -> tuple[Flask, Path, Path]:
    import shutil

    from tests.conftest import DATA_DIR
    from tests.store import database_from

    data = tmp_path_factory.mktemp("data")
    shutil.copytree(DATA_DIR, data, dirs_exist_ok=True)
    models = tmp_path_factory.mktemp("models")
    url = database_from(data, tmp_path_factory.mktemp("db"))
    app = create_app({"TESTING": True, "DATABASE_URL": url, "DATA_DIR": data, "MODELS_DIR": models})
    return app, data, models


@pytest.mark.parametrize(
    ("method", "url", "kwargs", "status", "kind"), CASES, ids=[f"{c[0]} {c[1][:60]}" for c in CASES]
)
def test_bad_input_table(
    guarded: tuple[Flask, Path, Path],
    method: str,
    url: str,
    kwargs: dict[str, Any],
    status: int,
    kind: str,
    tmp_path: Path,
) -> None:
    app, data, models = guarded
    before = snapshot(data, models)
    cwd_before = set(os.listdir(Path.cwd()))
    response = app.test_client().open(url, method=method, **kwargs)
    body = response.get_data(as_text=True)
    assert response.status_code == status, body[:300]
    expected_type = {
        "problem": "application/problem+json",
        "html": "text/html",
        "json": "application/json",
    }[kind]
    assert response.mimetype == expected_type
    assert SCRIPT not in body  # escaped wherever it is echoed
    assert snapshot(data, models) == before
    assert set(os.listdir(Path.cwd())) == cwd_before


PROBLEMS = [case for case in CASES if case[4] == "problem"]


@pytest.mark.parametrize(
    ("method", "url", "kwargs", "status", "kind"),
    PROBLEMS,
    ids=[f"{c[0]} {c[1][:60]}" for c in PROBLEMS],
)
def test_bad_input_problems_are_complete(
    guarded: tuple[Flask, Path, Path],
    method: str,
    url: str,
    kwargs: dict[str, Any],
    status: int,
    kind: str,
) -> None:
    problem = guarded[0].test_client().open(url, method=method, **kwargs).json
    assert problem["status"] == status and problem["title"] and problem["detail"]


ROUTES = [
    "/",
    "/fr/",
    PAGE,
    f"{PAGE}/facts",
    f"/fr/embed/articles/{SLUG}",
    f"/fr/embed/articles/{SLUG}/facts",
    "/embed.js",
    "/healthz",
    "/readyz",
    "/metrics",
    "/api/v1/articles",
    ARTICLE,
    f"{ARTICLE}/facts",
    "/api/v1/openapi.json",
    f"/oembed?url={OURS}",
    "/languages",
]


@pytest.mark.parametrize("url", ROUTES)
def test_head_and_options_on_every_route(guarded: tuple[Flask, Path, Path], url: str) -> None:
    client = guarded[0].test_client()
    get = client.get(url)
    head = client.head(url)
    assert head.status_code == get.status_code < 500
    assert head.data == b""
    options = client.options(url)
    cross_origin = url.startswith(("/api/", "/oembed"))  # CORS preflight: 204
    assert options.status_code == (204 if cross_origin else 200)
    assert "GET" in options.headers["Allow"]
