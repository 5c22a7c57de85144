"""Request ids, one JSON log line per request, and Prometheus metrics with bounded labels."""

from __future__ import annotations

import json
import logging

import pytest
from flask import Flask

from app.observe import JSONFormatter
from tests.conftest import SLUG
from tests.store import seed_settings


@pytest.fixture
def fresh(make_app: object) -> Flask:
    from app import create_app

    return create_app(seed_settings())


def test_an_incoming_request_id_is_echoed(fresh: Flask) -> None:
    response = fresh.test_client().get("/healthz", headers={"X-Request-ID": "abc-123.def"})
    assert response.headers["X-Request-ID"] == "abc-123.def"


@pytest.mark.parametrize("bad", ["", "x" * 200, "a b", "<script>"])
def test_a_bad_request_id_is_replaced(fresh: Flask, bad: str) -> None:
    response = fresh.test_client().get("/healthz", headers={"X-Request-ID": bad})
    assert len(response.headers["X-Request-ID"]) == 32 and response.headers["X-Request-ID"] != bad


def test_remembered_answers_get_their_own_request_id(fresh: Flask) -> None:
    client = fresh.test_client()
    ids = {client.get(f"/fr/articles/{SLUG}").headers["X-Request-ID"] for _ in range(3)}
    assert len(ids) == 3


# buffered=True: the test client then closes each answer, as a server does after sending it;
# the log line and the metrics are written on close.
def test_one_access_log_line_per_request(fresh: Flask, caplog: pytest.LogCaptureFixture) -> None:
    client = fresh.test_client()
    with caplog.at_level(logging.INFO, logger="depeche.access"):
        client.get(
            f"/api/v1/articles/{SLUG}?lang=fr", headers={"X-Request-ID": "r1"}, buffered=True
        )
        client.get(
            f"/api/v1/articles/{SLUG}?lang=fr", headers={"X-Request-ID": "r2"}, buffered=True
        )
        client.get("/nowhere", headers={"X-Request-ID": "r3"}, buffered=True)
    records = [r for r in caplog.records if r.name == "depeche.access"]
    assert [r.request_id for r in records] == ["r1", "r2", "r3"]  # type: ignore[attr-defined]
    assert [r.route for r in records] == [  # type: ignore[attr-defined]
        "/api/v1/articles/<slug>",
        "/api/v1/articles/<slug>",
        "unmatched",
    ]
    assert [r.status for r in records] == [200, 200, 404]  # type: ignore[attr-defined]
    assert records[0].lang == "fr"  # type: ignore[attr-defined]
    line = json.loads(JSONFormatter().format(records[0]))
    assert {
        "time",
        "level",
        "message",
        "request_id",
        "route",
        "status",
        "lang",
        "duration_ms",
        "method",
        "path",
    } <= set(line)
    assert "remote_addr" not in line


def test_metrics_count_by_route_template_method_status_and_language(fresh: Flask) -> None:
    client = fresh.test_client()
    for _ in range(3):
        client.get(f"/fr/articles/{SLUG}", buffered=True)
    client.get("/en/articles/nope", buffered=True)
    text = client.get("/metrics").get_data(as_text=True)
    assert (
        'depeche_http_requests_total{lang="fr",method="GET",route="/<any(en, fr):lang>'
        '/articles/<slug>",status="200"} 3.0'
    ) in text
    assert 'status="404"' in text
    assert "depeche_http_request_duration_seconds_bucket" in text
    assert SLUG not in text  # templates, not paths
