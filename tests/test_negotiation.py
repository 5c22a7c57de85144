"""Locale negotiation: URL prefix > ?lang= > Accept-Language > default, RFC 4647 lookup."""

from __future__ import annotations

import tracemalloc

import pytest
from flask.testing import FlaskClient

from app.i18n.locales import (
    CACHEABLE_HEADER_LENGTH,
    LANGUAGE_TAG,
    MAX_TAG_LENGTH,
    _parse_cached,
    lookup,
    negotiate,
    parse_accept_language,
)
from tests.conftest import SLUG

# (path language, ?lang=, Accept-Language) → (served, formatting locale, source, fallback)
TABLE = [
    ("fr", None, "en-GB", "fr", "fr", "path", False),
    ("en", None, "fr", "en", "en", "path", False),
    ("en", "fr", None, "en", "en", "path", False),
    ("en", "en-GB", None, "en", "en_GB", "path", False),
    (None, "fr", "en", "fr", "fr", "query", False),
    (None, "fr-CA", None, "fr", "fr_CA", "query", False),
    (None, "FR-be", None, "fr", "fr_BE", "query", False),
    (None, "de", "fr", "fr", "fr", "header", True),
    (None, None, "fr-CA", "fr", "fr_CA", "header", False),
    (None, None, "fr-CH, en;q=0.5", "fr", "fr_CH", "header", False),
    (None, None, "en-GB,en;q=0.9", "en", "en_GB", "header", False),
    (None, None, "de, fr;q=0.8, en;q=0.5", "fr", "fr", "header", True),
    (None, None, "en;q=0.4, fr;q=0.9", "fr", "fr", "header", False),
    (None, None, "fr;q=0, en", "en", "en", "header", False),
    (None, None, "fr;q=0", "en", "en", "default", False),
    (None, None, "EN-gb", "en", "en_GB", "header", False),
    (None, None, "fr;q=abc, en;q=0.5", "en", "en", "header", False),
    (None, None, "fr;q=1.5, en;q=0.5", "en", "en", "header", False),
    (None, None, ";;;,,fr", "fr", "fr", "header", False),
    (None, None, "*", "en", "en", "default", False),
    (None, None, "de-DE", "en", "en", "default", True),
    (None, None, "x" * 5000, "en", "en", "default", False),
    (None, None, None, "en", "en", "default", False),
    (None, None, "", "en", "en", "default", False),
    (None, None, "fr-XX", "fr", "fr", "header", False),
    (None, None, "zh-Hant-TW, fr;q=0.1", "fr", "fr", "header", True),
    # Tags of more than 35 characters or 8 subtags are malformed: ignored, like junk.
    (None, None, "fr-" + "a" * 33, "en", "en", "default", False),
    (None, None, "fr-" + "a" * 33 + ", en-GB;q=0.5", "en", "en_GB", "header", False),
    (None, None, "fr-CA-a-b-c-d-e-f", "fr", "fr", "header", False),
    (None, None, "fr-CA-a-b-c-d-e-f-g", "en", "en", "default", False),
    (None, None, "fr" + "-a" * 30_000, "en", "en", "default", False),
    (None, "fr" + "-a" * 30_000, "fr-CA", "fr", "fr_CA", "header", False),
    (None, "fr-CA-a-b-c-d-e-f-g", None, "en", "en", "default", False),
    (None, "fr\n", None, "en", "en", "default", False),
    ("fr", "fr-CA-a-b-c-d-e-f-g", None, "fr", "fr", "path", False),
    (None, None, "fr;q=0.5;a;b;c;d;e;f, en;q=0.9", "en", "en", "header", False),
]


@pytest.mark.parametrize(
    ("path", "query", "header", "served", "locale", "source", "fallback"), TABLE
)
def test_negotiation_table(
    path: str | None,
    query: str | None,
    header: str | None,
    served: str,
    locale: str,
    source: str,
    fallback: bool,
) -> None:
    outcome = negotiate(path, query, header)
    assert (outcome.language, str(outcome.locale), outcome.source, outcome.fallback) == (
        served,
        locale,
        source,
        fallback,
    )


def test_q_values_order_the_header_and_ties_keep_their_order() -> None:
    assert parse_accept_language("a;q=0.5, b, c;q=0.5, d;q=0.9") == ("b", "d", "a", "c")


def test_fr_prefix_wins_over_accept_language(client: FlaskClient) -> None:
    response = client.get(f"/fr/articles/{SLUG}", headers={"Accept-Language": "en"})
    assert response.headers["Content-Language"] == "fr"
    assert "Accept-Language" not in response.headers.get("Vary", "")


def test_header_decides_and_caches_are_told_to_vary(client: FlaskClient) -> None:
    response = client.get(f"/api/v1/articles/{SLUG}", headers={"Accept-Language": "fr-CA"})
    assert response.headers["Content-Language"] == "fr"
    assert "Accept-Language" in response.headers["Vary"]


def test_query_decides_without_vary(client: FlaskClient) -> None:
    response = client.get(f"/api/v1/articles/{SLUG}?lang=fr", headers={"Accept-Language": "en"})
    assert response.headers["Content-Language"] == "fr"
    assert "Accept-Language" not in response.headers.get("Vary", "")


def test_en_gb_reader_sees_british_dates(client: FlaskClient) -> None:
    body = client.get(f"/api/v1/articles/{SLUG}", headers={"Accept-Language": "en-GB"}).json
    assert body["published"] == {"date": "2023-10-02", "display": "2 October 2023"}
    us = client.get(f"/api/v1/articles/{SLUG}", headers={"Accept-Language": "en-US"}).json
    assert us["published"]["display"] == "October 2, 2023"


def test_unsupported_language_says_a_fallback_happened(client: FlaskClient) -> None:
    body = client.get(f"/api/v1/articles/{SLUG}", headers={"Accept-Language": "de"}).json
    assert body["translation"]["served"] == "en"
    assert body["translation"]["requested"] == "de"
    assert body["translation"]["fallback"] is True


@pytest.mark.parametrize(
    ("header", "location"),
    [("fr-BE", "/fr/"), ("en-GB", "/en/"), ("de", "/en/"), (None, "/en/"), ("!!!", "/en/")],
)
def test_root_redirects_to_the_negotiated_locale(
    client: FlaskClient, header: str | None, location: str
) -> None:
    response = client.get("/", headers={"Accept-Language": header} if header else {})
    assert response.status_code == 302
    assert response.headers["Location"] == location
    assert "Accept-Language" in response.headers["Vary"]


@pytest.mark.parametrize("header", ["x" * 20_000, "fr;q=", ",,,", "fr;;q=0.5", "\u00e9t\u00e9"])
def test_a_bad_header_is_never_a_client_error(client: FlaskClient, header: str) -> None:
    response = client.get(f"/api/v1/articles/{SLUG}", headers={"Accept-Language": header})
    assert response.status_code == 200


@pytest.mark.parametrize(
    ("tag", "valid"),
    [
        ("fr", True),
        ("fr-CA", True),
        ("zh-Hant-TW", True),
        ("sr-Latn-RS-1994-x-a-b", True),
        ("a" * 8 + "-" + "-".join(["b" * 8] * 3), True),  # 35 characters
        ("a" * 8 + "-" + "-".join(["b" * 8] * 3) + "c", False),  # 36
        ("fr-a-b-c-d-e-f-g", True),  # 8 subtags
        ("fr-a-b-c-d-e-f-g-h", False),  # 9
        ("fr-", False),
        ("fr--CA", False),
        ("fr\n", False),
        ("abcdefghi", False),
        ("fr" + "-a" * 30_000, False),
    ],
)
def test_language_tags_are_capped(tag: str, valid: bool) -> None:
    assert (LANGUAGE_TAG.fullmatch(tag) is not None) is valid
    assert MAX_TAG_LENGTH == 35


@pytest.mark.parametrize(
    ("tag", "found"),
    [
        ("fr", "fr"),
        ("FR-ca", "fr"),
        ("en-GB-oxendict", "en"),
        ("fra", None),
        ("f", None),
        ("*", None),
        ("de-CH", None),
        ("fr" + "-a" * 30_000, "fr"),
    ],
)
def test_lookup_truncates_subtag_by_subtag(tag: str, found: str | None) -> None:
    assert lookup(tag) == found


def test_a_60_kb_accept_language_gets_the_default(client: FlaskClient) -> None:
    header = "fr" + "-a" * 30_000
    assert len(header) == 60_002
    response = client.get("/healthz", headers={"Accept-Language": header})
    assert response.status_code == 200
    assert response.headers["Content-Language"] == "en"
    assert "Accept-Language" in response.headers["Vary"]
    body = client.get(f"/api/v1/articles/{SLUG}", headers={"Accept-Language": header}).json
    assert body["translation"] == body["translation"] | {"served": "en", "requested": None}


def test_a_60_kb_lang_query_is_ignored_by_pages_and_refused_by_the_api(
    client: FlaskClient,
) -> None:
    query = {"lang": "fr" + "-a" * 30_000}
    page = client.get("/healthz", query_string=query, headers={"Accept-Language": "fr"})
    assert (page.status_code, page.headers["Content-Language"]) == (200, "fr")
    api = client.get(f"/api/v1/articles/{SLUG}", query_string=query)
    assert api.status_code == 422
    assert api.mimetype == "application/problem+json"
    assert "lang" in api.json["errors"]["query"]


def _retained_bytes(headers: int, length: int) -> int:
    """Bytes still allocated after parsing *headers* distinct headers of *length* characters."""
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        for index in range(headers):
            # Each header is built here and dropped after the call: only a cache keeps it.
            parse_accept_language(f"fr-CA;q=0.{index % 10}, en-{index}," + "x" * length)
        return tracemalloc.get_traced_memory()[0] - before
    finally:
        tracemalloc.stop()


def test_huge_accept_language_headers_are_not_cached() -> None:
    entries = _parse_cached.cache_info().currsize
    retained = _retained_bytes(headers=200, length=420_000)  # 84 MB of distinct headers
    assert retained < 1_000_000
    assert _parse_cached.cache_info().currsize == entries


def test_the_header_cache_is_bounded_in_entries_and_bytes() -> None:
    maxsize = _parse_cached.cache_info().maxsize
    assert maxsize is not None
    retained = _retained_bytes(headers=3 * maxsize, length=CACHEABLE_HEADER_LENGTH - 30)
    assert _parse_cached.cache_info().currsize == maxsize
    # Each entry: its key (at most CACHEABLE_HEADER_LENGTH characters), the parsed tags and
    # the cache's own bookkeeping; well under 1 KB.
    assert retained < maxsize * 1024
