"""Response headers per route: CSP and framing, sniffing, referrer, CORS and preflight."""

from __future__ import annotations

import re
from urllib.parse import quote

import pytest
from flask.testing import FlaskClient

from app import create_app
from app.security import csp_hash
from tests.conftest import SLUG
from tests.store import seed_settings

OEMBED = "/oembed?url=" + quote(f"http://localhost/fr/articles/{SLUG}", safe="")
HTML_PAGES = [
    "/fr/",
    f"/fr/articles/{SLUG}",
    f"/en/articles/{SLUG}/facts",
    "/fr/articles/nope",  # an error page is a page too
    "/api/v1/docs",
]
EMBEDS = [
    f"/fr/embed/articles/{SLUG}/facts",
    f"/en/embed/articles/{SLUG}",
    "/fr/embed/articles/nope/facts",  # its error page stays framable, so the box says why
]
CORS_ROUTES = [
    "/api/v1/articles",
    f"/api/v1/articles/{SLUG}/facts",
    "/api/v1/articles/nope",
    "/api/v1/openapi.json",
    OEMBED,
    "/oembed?url=https%3A%2F%2Felsewhere.example%2F",
]
EVERY_ROUTE = [*HTML_PAGES, *EMBEDS, *CORS_ROUTES, "/embed.js", "/static/style.css", "/healthz"]


def directives(policy: str) -> dict[str, str]:
    pairs = (d.strip().split(" ", 1) for d in policy.split(";"))
    return {name: value for name, value in pairs}


@pytest.mark.parametrize("url", EVERY_ROUTE)
def test_every_response_forbids_sniffing_and_trims_referrers(client: FlaskClient, url: str) -> None:
    response = client.get(url)
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"


@pytest.mark.parametrize("url", HTML_PAGES)
def test_pages_may_only_be_framed_by_us(client: FlaskClient, url: str) -> None:
    response = client.get(url)
    assert response.mimetype == "text/html"
    policy = directives(response.headers["Content-Security-Policy"])
    assert policy["default-src"] == "'self'"
    assert policy["frame-ancestors"] == "'self'"
    assert policy["object-src"] == "'none'"
    assert response.headers["X-Frame-Options"] == "SAMEORIGIN"


@pytest.mark.parametrize("url", EMBEDS)
def test_embeds_may_be_framed_by_anyone_by_default(client: FlaskClient, url: str) -> None:
    response = client.get(url)
    policy = directives(response.headers["Content-Security-Policy"])
    assert policy["frame-ancestors"] == "*"
    assert policy["default-src"] == "'self'"
    assert "X-Frame-Options" not in response.headers


def test_embed_framing_follows_the_setting() -> None:
    ancestors = "https://news.example https://*.partner.example"
    app = create_app({**seed_settings(), "EMBED_FRAME_ANCESTORS": ancestors})
    client = app.test_client()
    embed = client.get(EMBEDS[0]).headers["Content-Security-Policy"]
    assert directives(embed)["frame-ancestors"] == ancestors
    page = client.get(HTML_PAGES[1]).headers["Content-Security-Policy"]
    assert directives(page)["frame-ancestors"] == "'self'"


@pytest.mark.parametrize("value", ["*; script-src *", "https://a.example,https://b", "", "a\nb"])
def test_a_framing_setting_that_would_break_the_policy_stops_start_up(value: str) -> None:
    with pytest.raises(ValueError, match="EMBED_FRAME_ANCESTORS"):
        create_app({**seed_settings(), "EMBED_FRAME_ANCESTORS": value})


@pytest.mark.parametrize("url", [*HTML_PAGES, *EMBEDS])
def test_no_page_allows_arbitrary_inline_code(client: FlaskClient, url: str) -> None:
    policy = client.get(url).headers["Content-Security-Policy"]
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
    for name in ("script-src", "style-src"):
        for source in directives(policy).get(name, "'self'").split():
            assert source == "'self'" or source.startswith("'sha256-"), source


def test_article_pages_allow_no_inline_script(client: FlaskClient) -> None:
    """Their one <script> is JSON-LD, data the browser never runs: it needs no hash."""
    response = client.get(HTML_PAGES[1])
    assert "script-src" not in directives(response.headers["Content-Security-Policy"])
    assert '<script type="application/ld+json">' in response.get_data(as_text=True)


def test_docs_page_allows_its_bootstrap_script_by_hash(client: FlaskClient) -> None:
    response = client.get("/api/v1/docs")
    inline = re.findall(r"<script>(.*?)</script>", response.get_data(as_text=True), re.DOTALL)
    assert len(inline) == 1
    policy = directives(response.headers["Content-Security-Policy"])
    assert policy["script-src"] == f"'self' {csp_hash(inline[0])}"
    assert "style-src" not in policy


@pytest.mark.parametrize("url", CORS_ROUTES)
def test_json_routes_are_readable_from_any_origin_without_credentials(
    client: FlaskClient, url: str
) -> None:
    response = client.get(url, headers={"Origin": "https://reader.example"})
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert response.headers["Access-Control-Expose-Headers"] == "ETag, Content-Language, Link"
    assert "Access-Control-Allow-Credentials" not in response.headers
    assert "Content-Security-Policy" not in response.headers  # JSON, never rendered


@pytest.mark.parametrize("url", [HTML_PAGES[1], EMBEDS[0], "/embed.js", "/static/style.css"])
def test_pages_and_scripts_send_no_cors_headers(client: FlaskClient, url: str) -> None:
    response = client.get(url, headers={"Origin": "https://reader.example"})
    assert not any(name.startswith("Access-Control-") for name in response.headers.keys())


@pytest.mark.parametrize(
    ("url", "methods"),
    [
        ("/api/v1/articles", "GET, HEAD, OPTIONS"),
        (f"/api/v1/articles/{SLUG}", "DELETE, GET, HEAD, OPTIONS, PUT"),
        (OEMBED, "GET, HEAD, OPTIONS"),
    ],
)
def test_preflight_is_answered_204(client: FlaskClient, url: str, methods: str) -> None:
    response = client.options(
        url,
        headers={
            "Origin": "https://reader.example",
            "Access-Control-Request-Method": "GET",
            "Access-Control-Request-Headers": "accept-language, if-none-match",
        },
    )
    assert response.status_code == 204
    assert response.data == b""
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert response.headers["Access-Control-Allow-Methods"] == methods
    assert response.headers["Allow"] == methods
    allowed = {h.strip() for h in response.headers["Access-Control-Allow-Headers"].split(",")}
    assert allowed == {"Accept", "Accept-Language", "Content-Type", "If-None-Match"}
    assert int(response.headers["Access-Control-Max-Age"]) > 0
    assert "Access-Control-Allow-Credentials" not in response.headers


def test_preflight_for_an_unknown_url_is_a_404_problem(client: FlaskClient) -> None:
    response = client.options(
        "/api/v1/nothing",
        headers={"Origin": "https://reader.example", "Access-Control-Request-Method": "GET"},
    )
    assert response.status_code == 404
    assert response.mimetype == "application/problem+json"
    assert response.headers["Access-Control-Allow-Origin"] == "*"


def test_remembered_answers_keep_the_headers(client: FlaskClient) -> None:
    """The memo answers repeats before Flask runs: the headers must come with the body."""
    for url in (EMBEDS[0], HTML_PAGES[1], "/api/v1/articles", "/embed.js"):
        first, again = client.get(url), client.get(url)
        for name in ("Content-Security-Policy", "Access-Control-Allow-Origin", "Referrer-Policy"):
            assert first.headers.get(name) == again.headers.get(name)


@pytest.mark.parametrize("memo", [False, True], ids=["flask", "memo"])
def test_a_304_on_the_api_still_carries_cors(memo: bool) -> None:
    """A cross-origin script revalidating with If-None-Match must be able to read the 304,
    whether Flask answers it (no memo) or the response memo does (a repeat)."""
    client = create_app({**seed_settings(), "RESPONSE_MEMO": memo}).test_client()
    url = "/api/v1/articles?lang=fr"
    etag = client.get(url).headers["ETag"]
    for _ in range(2):
        response = client.get(url, headers={"If-None-Match": etag, "Origin": "https://x.test"})
        assert response.status_code == 304
        assert response.headers["Access-Control-Allow-Origin"] == "*"
        assert "ETag" in response.headers["Access-Control-Expose-Headers"]
