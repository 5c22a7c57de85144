"""Locale negotiation: URL prefix > ?lang= > Accept-Language > default, RFC 4647 lookup."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient

from app.i18n.locales import negotiate, parse_accept_language
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
