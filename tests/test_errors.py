"""One problem+json shape for every JSON error, on every API route; localized HTML errors."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.exceptions import BadRequest

from tests.conftest import SLUG
from tests.store import seed_settings

ROUTES = ["/api/v1/articles", f"/api/v1/articles/{SLUG}", "/api/v1/openapi.json"]
SCHEMA_ROUTES = ROUTES[:2]
PROBLEM_KEYS = {"type", "title", "status", "detail", "instance"}


def assert_problem(response: Any, status: int) -> dict[str, Any]:
    assert response.status_code == status
    assert response.mimetype == "application/problem+json"
    body: dict[str, Any] = response.json
    assert PROBLEM_KEYS <= set(body) <= PROBLEM_KEYS | {"errors"}
    assert body["status"] == status
    assert body["instance"] == response.request.path
    assert body["title"] and body["detail"]
    return body


@pytest.mark.parametrize("route", ROUTES)
def test_405(client: FlaskClient, route: str) -> None:
    response = client.patch(route)  # DELETE kills an article: PATCH is on no route
    assert_problem(response, 405)
    assert "GET" in response.headers["Allow"]


@pytest.mark.parametrize("route", ROUTES)
def test_406(client: FlaskClient, route: str) -> None:
    assert_problem(client.get(route, headers={"Accept": "text/csv"}), 406)


@pytest.mark.parametrize("route", ROUTES)
def test_413(client: FlaskClient, route: str) -> None:
    assert_problem(client.get(route, data=b"x" * 70_000), 413)


@pytest.mark.parametrize("route", ROUTES)
def test_400_repeated_parameter(client: FlaskClient, route: str) -> None:
    body = assert_problem(client.get(f"{route}?lang=fr&lang=en"), 400)
    assert body["errors"] == {"query": {"lang": ["Given more than once."]}}


@pytest.mark.parametrize("route", SCHEMA_ROUTES)
@pytest.mark.parametrize(
    ("query", "field"), [("lang=%3Cscript%3E", "lang"), ("lang=" + "a" * 40, "lang"), ("x=1", "x")]
)
def test_422_names_the_field(client: FlaskClient, route: str, query: str, field: str) -> None:
    body = assert_problem(client.get(f"{route}?{query}"), 422)
    assert list(body["errors"]["query"]) == [field]


@pytest.mark.parametrize("route", ["/api/v1/articles/nope", "/api/v1/nothing", "/api/v1/"])
def test_404(client: FlaskClient, route: str) -> None:
    assert_problem(client.get(route), 404)


def test_acceptable_types_are_served(client: FlaskClient) -> None:
    for accept in ("application/json", "application/*", "*/*", "application/problem+json"):
        assert client.get(ROUTES[0], headers={"Accept": accept}).status_code == 200


@pytest.fixture
def failing_app() -> Flask:
    """The real app, plus two routes that fail the way a bug or a bad request would."""
    from app import create_app

    app = create_app({**seed_settings(), "TESTING": False})

    @app.get("/api/v1/_boom")
    def boom() -> str:
        raise RuntimeError("secret internal detail")

    @app.get("/api/v1/_bad")
    def bad() -> str:
        raise BadRequest("The body cannot be decoded.")

    return app


def test_500_is_a_problem_without_internals(failing_app: Flask) -> None:
    response = failing_app.test_client().get("/api/v1/_boom")
    body = assert_problem(response, 500)
    assert "secret" not in response.get_data(as_text=True)
    assert body["title"] == "Internal Server Error"


def test_400_from_werkzeug_is_a_problem(failing_app: Flask) -> None:
    body = assert_problem(failing_app.test_client().get("/api/v1/_bad"), 400)
    assert body["detail"] == "The body cannot be decoded."


@pytest.mark.parametrize(
    ("url", "headers", "title"),
    [
        ("/fr/articles/nope", {}, "Page introuvable"),
        ("/en/articles/nope", {"Accept-Language": "fr"}, "Page not found"),
        ("/de/articles/" + SLUG, {"Accept-Language": "fr-CA"}, "Page introuvable"),
        ("/nowhere", {}, "Page not found"),
    ],
)
def test_html_errors_are_localized_pages(
    client: FlaskClient, url: str, headers: dict[str, str], title: str
) -> None:
    response = client.get(url, headers=headers)
    assert response.status_code == 404
    assert response.mimetype == "text/html"
    assert f"<h1>{title}</h1>" in response.get_data(as_text=True)
