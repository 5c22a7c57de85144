"""The response memo answers repeat GETs exactly as Flask would, and nothing else."""

from __future__ import annotations

import pytest
from flask import Flask
from werkzeug.datastructures import Headers

from app import create_app
from app.memo import ResponseMemo
from app.observe import Observe
from tests.conftest import SLUG
from tests.store import seed_settings

URLS = [
    (f"/api/v1/articles/{SLUG}?lang=fr", {}),
    (f"/api/v1/articles/{SLUG}", {"Accept-Language": "fr-CA"}),
    (f"/api/v1/articles/{SLUG}", {"Accept-Language": "en-GB"}),
    (f"/api/v1/articles/{SLUG}/facts", {"Accept-Language": "fr-CH"}),
    (f"/fr/articles/{SLUG}", {}),
    ("/en/", {"Accept": "text/html"}),
]


def without_per_request(headers: Headers) -> list[tuple[str, str]]:
    """Headers minus those that differ per request by design: the request id and the Date
    werkzeug stamps on 304s (the server adds a Date to every response anyway)."""
    return sorted((n, v) for n, v in headers.items() if n not in ("X-Request-ID", "Date"))


def memo_of(app: Flask) -> ResponseMemo:
    outer = app.wsgi_app
    assert isinstance(outer, Observe) and isinstance(outer.app, ResponseMemo)
    return outer.app


@pytest.fixture
def memo_app() -> Flask:
    return create_app({**seed_settings(), "RESPONSE_MEMO": True})


@pytest.fixture
def plain_app() -> Flask:
    return create_app({**seed_settings(), "RESPONSE_MEMO": False})


@pytest.mark.parametrize(("url", "headers"), URLS)
def test_a_remembered_answer_is_the_one_flask_gives(
    memo_app: Flask, plain_app: Flask, url: str, headers: dict[str, str]
) -> None:
    memo, plain = memo_app.test_client(), plain_app.test_client()
    first = memo.get(url, headers=headers)
    remembered = memo.get(url, headers=headers)
    expected = plain.get(url, headers=headers)
    assert remembered.status_code == first.status_code == expected.status_code == 200
    assert remembered.data == expected.data
    assert without_per_request(remembered.headers) == without_per_request(expected.headers)
    assert len(memo_of(memo_app)._entries) == 1


@pytest.mark.parametrize("form", ['"{}"', 'W/"{}"', '"other", "{}"', "*"])
def test_if_none_match_forms_get_a_304(memo_app: Flask, form: str) -> None:
    client = memo_app.test_client()
    etag = client.get(f"/fr/articles/{SLUG}").headers["ETag"].strip('"')
    response = client.get(f"/fr/articles/{SLUG}", headers={"If-None-Match": form.format(etag)})
    assert response.status_code == 304
    assert response.data == b""
    assert response.headers["ETag"] == f'"{etag}"'
    assert response.headers["Cache-Control"] == "public, max-age=300, s-maxage=1"


def test_a_remembered_304_is_the_one_flask_gives(memo_app: Flask, plain_app: Flask) -> None:
    memo, plain = memo_app.test_client(), plain_app.test_client()
    url = f"/api/v1/articles/{SLUG}"
    etag = memo.get(url).headers["ETag"]
    remembered = memo.get(url, headers={"If-None-Match": etag})
    expected = plain.get(url, headers={"If-None-Match": etag})
    assert remembered.status_code == expected.status_code == 304
    assert without_per_request(remembered.headers) == without_per_request(expected.headers)


def test_a_stale_etag_gets_the_body(memo_app: Flask) -> None:
    client = memo_app.test_client()
    client.get(f"/fr/articles/{SLUG}")
    response = client.get(f"/fr/articles/{SLUG}", headers={"If-None-Match": '"stale"'})
    assert response.status_code == 200
    assert b"Points cl" in response.data


def test_head_gets_headers_only(memo_app: Flask) -> None:
    client = memo_app.test_client()
    body = client.get(f"/fr/articles/{SLUG}").data
    head = client.head(f"/fr/articles/{SLUG}")
    assert head.status_code == 200
    assert head.data == b""
    assert head.headers["Content-Length"] == str(len(body))


def test_languages_never_leak_between_readers(memo_app: Flask) -> None:
    client = memo_app.test_client()
    url = f"/api/v1/articles/{SLUG}"
    for _ in range(2):
        assert client.get(url, headers={"Accept-Language": "fr"}).json["language"] == "fr"
        assert client.get(url, headers={"Accept-Language": "en"}).json["language"] == "en"
        assert client.get(url).json["language"] == "en"


def test_errors_and_bodies_are_not_remembered(memo_app: Flask) -> None:
    client = memo_app.test_client()
    for _ in range(2):
        assert client.get("/api/v1/articles/nope").status_code == 404
        assert client.get(f"/api/v1/articles/{SLUG}", data=b"x" * 70_000).status_code == 413
        assert client.get(f"/api/v1/articles/{SLUG}?x=1").status_code == 422
    assert memo_of(memo_app)._entries == {}


def test_the_memo_is_bounded_by_bytes(memo_app: Flask) -> None:
    memo = memo_of(memo_app)
    client = memo_app.test_client()
    client.get(f"/fr/articles/{SLUG}", headers={"Accept-Language": "fr-x-0"})
    one = memo.size
    assert one > 0
    memo.max_bytes = 3 * one
    for number in range(10):
        client.get(f"/fr/articles/{SLUG}", headers={"Accept-Language": f"fr-x-{number}"})
    assert len(memo) == 3 and memo.size <= memo.max_bytes


def test_huge_distinct_headers_are_not_remembered(memo_app: Flask) -> None:
    memo = memo_of(memo_app)
    client = memo_app.test_client()
    before = len(memo)
    for number in range(50):
        huge = f"fr-x-{number}," + "en;q=0.5," * 10_000
        assert (
            client.get(f"/fr/articles/{SLUG}", headers={"Accept-Language": huge}).status_code == 200
        )
    assert len(memo) == before


def test_http_and_https_are_remembered_apart(memo_app: Flask) -> None:
    client = memo_app.test_client()
    plain = client.get(f"/fr/articles/{SLUG}", base_url="http://news.example")
    secure = client.get(f"/fr/articles/{SLUG}", base_url="https://news.example")
    assert 'href="http://news.example/' in plain.get_data(as_text=True)
    assert 'href="https://news.example/' in secure.get_data(as_text=True)
    assert 'href="http://news.example/' not in secure.get_data(as_text=True)
