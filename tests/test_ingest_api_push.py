"""POST /api/v1/push/superdesk: Superdesk's HTTP Push — a ninjs body signed with HMAC-SHA1 of
the raw bytes — answered 201 for a new article, 200 for a retry; a bad or missing signature
is 403, no secret configured 404, and nothing is stored."""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Callable
from pathlib import Path

import pytest
from flask import Flask

from tests.conftest import DATA_DIR
from tests.test_ingest_api import Desk

FIXTURES = Path(__file__).parent / "fixtures" / "wire"
ITEM = (FIXTURES / "ninjs1-superdesk.json").read_bytes()
SECRET = "a shared secret"
PATH = "/api/v1/push/superdesk"


def signature(body: bytes, secret: str = SECRET) -> str:
    return "sha1=" + hmac.new(secret.encode(), body, hashlib.sha1).hexdigest()


@pytest.fixture
def desk(make_app: Callable[..., Flask]) -> Desk:
    return Desk(make_app(DATA_DIR, SUPERDESK_SECRET=SECRET))


def push(desk: Desk, body: bytes, sign: str | None) -> object:
    headers = {"Content-Type": "application/json"}
    if sign is not None:
        headers["x-superdesk-signature"] = sign
    return desk.client.post(PATH, data=body, headers=headers)


def test_a_signed_push_is_a_new_article_and_a_retry_is_200(desk: Desk) -> None:
    before = desk.count()
    first = push(desk, ITEM, signature(ITEM))
    assert first.status_code == 201, first.get_json()
    slug = first.get_json()["slug"]
    assert first.headers["Location"] == f"/api/v1/articles/{slug}"
    retry = push(desk, ITEM, signature(ITEM))
    assert retry.status_code == 200
    assert retry.get_json()["outcome"] == "unchanged"
    assert desk.count() == before + 1
    assert desk.client.get(f"/api/v1/articles/{slug}").status_code == 200


@pytest.mark.parametrize(
    "sign",
    [
        None,
        "",
        signature(ITEM, "another secret"),
        signature(ITEM + b" "),
        signature(ITEM).replace("sha1=", "sha256="),
        signature(ITEM)[5:],
    ],
)
def test_a_missing_or_wrong_signature_is_403_and_nothing_is_stored(
    desk: Desk, sign: str | None
) -> None:
    before = desk.count()
    response = push(desk, ITEM, sign)
    assert response.status_code == 403
    assert response.mimetype == "application/problem+json"
    assert "x-superdesk-signature" in response.get_json()["errors"]["headers"]
    assert desk.count() == before


def test_the_signature_is_checked_before_the_body_is_read(desk: Desk) -> None:
    response = push(desk, b"{not json", "sha1=00")
    assert response.status_code == 403  # not the 400 a parse would give


def test_a_signed_malformed_body_is_400_naming_the_line(desk: Desk) -> None:
    body = b'{\n"guid": "x",\n'
    response = push(desk, body, signature(body))
    assert response.status_code == 400
    assert "line 3" in response.get_json()["errors"]["body"]


def test_without_a_secret_the_route_is_404(make_app: Callable[..., Flask]) -> None:
    desk = Desk(make_app(DATA_DIR))
    assert push(desk, ITEM, signature(ITEM, "")).status_code == 404
