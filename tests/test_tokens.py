"""API tokens: made by the CLI and shown once, stored as a digest, required by write routes."""

from __future__ import annotations

import logging
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import select

from app.auth import tokens
from app.store.database import Database
from app.store.models import TokenRow
from tests.store import DATA_DIR
from tests.tokens import bearer, issue_token

SLUG = "mali-army-convoy-kidal"
SUGGESTIONS = f"/api/v1/articles/{SLUG}/facts/suggestions"


def depeche(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    code = "from app.cli import main; main()"
    return subprocess.run(
        [sys.executable, "-c", code, *args], env=env, capture_output=True, text=True, check=False
    )


@pytest.fixture
def cli_env(runner_env: dict[str, str]) -> dict[str, str]:
    import os

    return {"PATH": os.environ["PATH"], **runner_env}


@pytest.fixture
def app(make_app: Callable[..., Flask]) -> Flask:
    return make_app(DATA_DIR)


def test_create_prints_the_token_once_and_stores_only_its_digest(
    cli_env: dict[str, str],
) -> None:
    made = depeche(cli_env, "tokens", "create", "--name", "superdesk", "--scope", "publish,review")
    assert made.returncode == 0, made.stderr
    token = made.stdout.strip().splitlines()[-1]
    assert token.startswith(tokens.PREFIX) and len(token) == 47
    database = Database(cli_env["DEPECHE_DATABASE_URL"])
    try:
        with database.read() as session:
            rows = [tuple(row) for row in session.execute(select(*TokenRow.__table__.columns))]
    finally:
        database.dispose()
    assert [row[1:4] for row in rows] == [("superdesk", tokens.digest(token), "publish,review")]
    stored = [str(value) for row in rows for value in row]
    assert not any(token in value for value in stored)
    listed = depeche(cli_env, "tokens", "list")
    assert listed.stdout.split("\t")[:2] == ["superdesk", "publish,review"]
    assert token not in listed.stdout + listed.stderr


def test_two_tokens_differ_and_names_stay_unique(cli_env: dict[str, str]) -> None:
    first = depeche(cli_env, "tokens", "create", "--name", "a", "--scope", "publish")
    second = depeche(cli_env, "tokens", "create", "--name", "b", "--scope", "publish")
    assert first.stdout.splitlines()[-1] != second.stdout.splitlines()[-1]
    again = depeche(cli_env, "tokens", "create", "--name", "a", "--scope", "review")
    assert again.returncode != 0 and "exists" in again.stderr


@pytest.mark.parametrize(
    ("scope", "message"),
    [("publish,root", "unknown scope 'root'"), (",", "at least one scope")],
)
def test_a_bad_scope_is_refused(cli_env: dict[str, str], scope: str, message: str) -> None:
    made = depeche(cli_env, "tokens", "create", "--name", "x", "--scope", scope)
    assert made.returncode != 0 and message in made.stderr
    assert "publish, review, admin" in made.stderr


def test_revoke_from_the_cli_refuses_the_token_at_once(
    cli_env: dict[str, str], make_app: Callable[..., Flask], no_models: Path
) -> None:
    from app import create_app

    made = depeche(cli_env, "tokens", "create", "--name", "desk", "--scope", "publish")
    token = made.stdout.splitlines()[-1]
    app = create_app(
        {
            "TESTING": True,
            "DATABASE_URL": cli_env["DEPECHE_DATABASE_URL"],
            "MODELS_DIR": no_models,
        }
    )
    imported = depeche(cli_env, "import", str(DATA_DIR))
    assert imported.returncode == 0, imported.stderr
    client = app.test_client()
    assert client.post(SUGGESTIONS, headers=bearer(token)).status_code == 200
    revoked = depeche(cli_env, "tokens", "revoke", "desk")
    assert revoked.returncode == 0, revoked.stderr
    refused = client.post(SUGGESTIONS, headers=bearer(token))
    assert refused.status_code == 401
    assert refused.json["detail"] == "The API token was revoked."
    assert depeche(cli_env, "tokens", "revoke", "nobody").returncode != 0


@pytest.mark.parametrize(
    ("headers", "challenge"),
    [
        ({}, 'Bearer realm="depeche"'),
        ({"Authorization": "Basic ZGVzazpzZWNyZXQ="}, 'Bearer realm="depeche"'),
        ({"Authorization": "Bearer "}, 'Bearer realm="depeche"'),
        (bearer("dpc_" + "x" * 43), 'Bearer realm="depeche", error="invalid_token"'),
        (bearer("not-even-ours"), 'Bearer realm="depeche", error="invalid_token"'),
        (bearer("dpc_" + "x" * 10_000), 'Bearer realm="depeche", error="invalid_token"'),
    ],
)
def test_no_valid_token_is_a_401_problem_with_a_bearer_challenge(
    app: Flask, headers: dict[str, str], challenge: str
) -> None:
    issue_token(app, "publish")
    response = app.test_client().post(SUGGESTIONS, headers=headers)
    assert response.status_code == 401
    assert response.mimetype == "application/problem+json"
    assert response.headers["WWW-Authenticate"] == challenge
    assert response.json["status"] == 401 and response.json["instance"] == SUGGESTIONS


def test_a_token_without_the_scope_is_a_403_naming_it(app: Flask) -> None:
    token = issue_token(app, "review", "admin")
    response = app.test_client().post(SUGGESTIONS, headers=bearer(token))
    assert response.status_code == 403
    assert response.json["detail"] == "The API token has no 'publish' scope."
    assert response.headers["WWW-Authenticate"] == (
        'Bearer realm="depeche", error="insufficient_scope", scope="publish"'
    )


def test_the_right_scope_gets_the_drafted_facts(app: Flask) -> None:
    token = issue_token(app, "publish")
    response = app.test_client().post(SUGGESTIONS, headers=bearer(token))
    assert response.status_code == 200
    found = response.json["suggestions"]
    assert response.json["slug"] == SLUG and found
    first = found[0]
    assert {"id", "label", "value", "quote", "confidence", "segment", "start", "end"} <= set(first)
    assert first["value"]["type"] in {"count", "quantity", "date", "duration", "period"}


def test_an_unknown_article_is_404_only_after_the_token_is_checked(app: Flask) -> None:
    client = app.test_client()
    path = "/api/v1/articles/no-such-story/facts/suggestions"
    assert client.post(path).status_code == 401
    token = issue_token(app, "publish")
    assert client.post(path, headers=bearer(token)).status_code == 404


def test_reads_need_no_token(app: Flask) -> None:
    client = app.test_client()
    assert client.get(f"/api/v1/articles/{SLUG}").status_code == 200
    assert client.get(f"/fr/articles/{SLUG}").status_code == 200


def test_failed_attempts_are_counted_by_reason(app: Flask) -> None:
    client = app.test_client()
    review = issue_token(app, "review")
    client.post(SUGGESTIONS)
    client.post(SUGGESTIONS)
    client.post(SUGGESTIONS, headers=bearer("dpc_unknown"))
    client.post(SUGGESTIONS, headers=bearer(review))
    metrics = client.get("/metrics").get_data(as_text=True)
    assert 'depeche_auth_failures_total{reason="missing"} 2.0' in metrics
    assert 'depeche_auth_failures_total{reason="unknown"} 1.0' in metrics
    assert 'depeche_auth_failures_total{reason="scope"} 1.0' in metrics


def test_tokens_are_never_logged(app: Flask, caplog: pytest.LogCaptureFixture) -> None:
    token = issue_token(app, "publish")
    wrong = "dpc_" + "w" * 43
    client = app.test_client()
    with caplog.at_level(logging.DEBUG):  # buffered: the access line is written on close
        client.post(SUGGESTIONS, headers=bearer(token), buffered=True)
        client.post(SUGGESTIONS, headers=bearer(wrong), buffered=True)
    logged = "\n".join(str(vars(r)) for r in caplog.records)
    assert "facts/suggestions" in logged  # the access log saw both requests
    assert token not in logged and wrong not in logged


def test_write_routes_are_documented_with_their_scope(app: Flask) -> None:
    spec = app.test_client().get("/api/v1/openapi.json").json
    assert spec["components"]["securitySchemes"]["bearerToken"]["scheme"] == "bearer"
    operation = spec["paths"]["/api/v1/articles/{slug}/facts/suggestions"]["post"]
    assert operation["security"] == [{"bearerToken": ["publish"]}]
    assert {"401", "403", "404"} <= set(operation["responses"])
