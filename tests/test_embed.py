"""Embeds other sites frame, the script that frames them, and oEmbed that describes them."""

from __future__ import annotations

import base64
import hashlib
import re
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from flask import Flask
from flask.testing import FlaskClient

from app import create_app
from tests.conftest import SLUG
from tests.store import seed_settings
from tests.test_errors import assert_problem

FACTS = f"/fr/embed/articles/{SLUG}/facts"
CARD = f"/fr/embed/articles/{SLUG}"
ARTICLE = f"http://localhost/fr/articles/{SLUG}"
#: Budgets from the issue: what a publisher's reader downloads, uncompressed.
PAGE_BUDGET, SCRIPT_BUDGET = 15 * 1024, 3 * 1024
NNBSP = "\u202f"


def html_of(client: FlaskClient, url: str, **headers: str) -> str:
    response = client.get(url, headers=headers)
    assert response.status_code == 200, response.data
    assert response.mimetype == "text/html"
    return response.get_data(as_text=True)


def sha256_source(text: str) -> str:
    """The CSP source expression for an inline text, computed here rather than by the app."""
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode()).digest()).decode() + "'"


def oembed(client: FlaskClient, url: str, **params: str) -> Any:
    query = "&".join(f"{k}={quote(v, safe='')}" for k, v in {"url": url, **params}.items())
    return client.get(f"/oembed?{query}")


# Embed pages


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        (
            "fr",
            [
                '<html lang="fr">',
                "Points clés",
                "Chronologie",
                '<time datetime="2023-10-02">2 octobre 2023</time>',
                '<data value="119">119</data>',
                f"plus de 1{NNBSP}500{NNBSP}km",
                "Un convoi de l’armée malienne fait route vers Kidal",
                "Lire l’article sur dépêche",
            ],
        ),
        (
            "en",
            [
                '<html lang="en">',
                "Key facts",
                "Timeline",
                '<time datetime="2023-10-02">October 2, 2023</time>',
                '<data value="119">119</data>',
                "more than 1,500 km",
                "Malian army convoy heads for Kidal",
                "Read the article on dépêche",
            ],
        ),
    ],
)
def test_facts_embed_in_each_language(client: FlaskClient, lang: str, expected: list[str]) -> None:
    html = html_of(client, f"/{lang}/embed/articles/{SLUG}/facts")
    for text in expected:
        assert text in html
    link = f'href="http://localhost/{lang}/articles/{SLUG}" target="_blank" rel="noopener"'
    assert html.count(link) == 2  # the headline and "read the article"
    assert "<q " not in html  # source quotes stay on the article page: a box is short


@pytest.mark.parametrize(
    ("lang", "date", "standfirst"),
    [
        ("fr", "2 octobre 2023", "Un convoi militaire de 119\u00a0véhicules a quitté Gao"),
        ("en", "October 2, 2023", "A 119-vehicle army convoy left Gao on Monday"),
    ],
)
def test_card_embed_has_headline_standfirst_date_and_link(
    client: FlaskClient, lang: str, date: str, standfirst: str
) -> None:
    html = html_of(client, f"/{lang}/embed/articles/{SLUG}")
    assert f'<time datetime="2023-10-02">{date}</time>' in html
    assert standfirst in html
    assert (
        f'<a href="http://localhost/{lang}/articles/{SLUG}" target="_blank" rel="noopener">' in html
    )
    assert 'class="key-facts"' not in html


@pytest.mark.parametrize("url", [FACTS, CARD])
def test_embed_is_self_contained(client: FlaskClient, url: str) -> None:
    response = client.get(url)
    html = response.get_data(as_text=True)
    assert "Set-Cookie" not in response.headers
    assert "<link" not in html and "src=" not in html and "url(" not in html
    assert "@import" not in html
    assert html.count("<style>") == 1 and html.count("<script>") == 1
    assert "prefers-color-scheme:dark" in html  # readable in dark mode as well
    assert '<meta name="robots" content="noindex">' in html


@pytest.mark.parametrize("url", [FACTS, CARD])
def test_inline_script_and_style_are_allowed_by_hash(client: FlaskClient, url: str) -> None:
    response = client.get(url)
    html = response.get_data(as_text=True)
    policy = response.headers["Content-Security-Policy"]
    script = re.search(r"<script>(.*?)</script>", html, re.DOTALL)
    style = re.search(r"<style>(.*?)</style>", html, re.DOTALL)
    assert script and style and script.group(1).strip() and style.group(1).strip()
    directives = dict(d.strip().split(" ", 1) for d in policy.split(";"))
    assert directives["script-src"] == f"'self' {sha256_source(script.group(1))}"
    assert directives["style-src"] == f"'self' {sha256_source(style.group(1))}"
    assert "unsafe-inline" not in policy and "nonce-" not in policy


def test_embed_bodies_are_within_budget(client: FlaskClient) -> None:
    for url in (FACTS, f"/en/embed/articles/{SLUG}/facts", CARD):
        assert len(client.get(url).data) <= PAGE_BUDGET, url


@pytest.mark.parametrize("memo", [False, True], ids=["flask", "memo"])
def test_embed_answers_304_to_its_etag(no_models: Path, memo: bool) -> None:
    """A fresh app each time: without the memo, Flask answers the 304; with it, the memo does
    (the first request, which it has never seen, goes through Flask)."""
    app = create_app({**seed_settings(), "MODELS_DIR": no_models, "RESPONSE_MEMO": memo})
    client = app.test_client()
    first = client.get(FACTS)
    assert first.status_code == 200
    assert first.headers["Cache-Control"] == "public, max-age=300, s-maxage=1"
    again = client.get(FACTS, headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304
    assert again.data == b""
    assert again.headers["ETag"] == first.headers["ETag"]


@pytest.mark.parametrize(
    ("url", "lang", "heading"),
    [
        ("/fr/embed/articles/nope/facts", "fr", "Page introuvable"),
        ("/fr/embed/articles/nope", "fr", "Page introuvable"),
        ("/en/embed/articles/nope", "en", "Page not found"),
        (f"/de/embed/articles/{SLUG}/facts", "en", "Page not found"),
    ],
)
def test_unknown_embeds_are_localized_404_pages(
    client: FlaskClient, url: str, lang: str, heading: str
) -> None:
    response = client.get(url)
    assert response.status_code == 404
    assert response.mimetype == "text/html"
    html = response.get_data(as_text=True)
    assert f'<html lang="{lang}">' in html
    assert f"<h1>{heading}</h1>" in html


def test_embed_links_use_the_public_url_when_set() -> None:
    app = create_app({**seed_settings(), "PUBLIC_URL": "https://news.example/"})
    html = html_of(app.test_client(), FACTS)
    assert f'href="https://news.example/fr/articles/{SLUG}"' in html
    assert "localhost" not in html


@pytest.mark.parametrize("memo", [True, False])
def test_embed_links_follow_the_host_without_public_url(memo: bool) -> None:
    """Rendered once per base URL too: the memo keys on Host, the page cache as well."""
    app = create_app({**seed_settings(), "RESPONSE_MEMO": memo})
    client = app.test_client()
    first = html_of(client, FACTS, Host="one.example")
    second = html_of(client, FACTS, Host="two.example")
    assert f'href="http://one.example/fr/articles/{SLUG}"' in first
    assert f'href="http://two.example/fr/articles/{SLUG}"' in second


# embed.js


def test_embed_script_is_served_small_and_cacheable(client: FlaskClient) -> None:
    response = client.get("/embed.js")
    assert response.status_code == 200
    assert response.mimetype == "text/javascript"
    assert len(response.data) <= SCRIPT_BUDGET
    assert response.headers["Cache-Control"] == "public, max-age=86400, s-maxage=1"
    again = client.get("/embed.js", headers={"If-None-Match": response.headers["ETag"]})
    assert again.status_code == 304


# oEmbed


def test_oembed_describes_the_facts_box(client: FlaskClient) -> None:
    response = oembed(client, f"{ARTICLE}/facts")
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    body = response.json
    assert body["version"] == "1.0" and body["type"] == "rich"
    assert body["provider_name"] == "dépêche" and body["provider_url"] == "http://localhost/"
    assert body["title"].startswith("Un convoi de l’armée malienne")
    assert body["cache_age"] == 300
    assert body["width"] == 600 and 600 < body["height"] < 2000
    iframe = body["html"]
    assert iframe.startswith(f'<iframe src="http://localhost{FACTS}" width="600" height=')
    assert 'sandbox="allow-scripts allow-popups allow-popups-to-escape-sandbox"' in iframe
    assert response.headers["Content-Language"] == "fr"


def test_oembed_of_an_article_page_is_the_card(client: FlaskClient) -> None:
    body = oembed(client, f"http://localhost/en/articles/{SLUG}").json
    assert f'src="http://localhost/en/embed/articles/{SLUG}"' in body["html"]
    assert body["title"].startswith("Malian army convoy")


@pytest.mark.parametrize(("maxwidth", "width"), [("400", 400), ("5000", 800), ("200", 200)])
def test_oembed_honours_maxwidth(client: FlaskClient, maxwidth: str, width: int) -> None:
    body = oembed(client, f"{ARTICLE}/facts", maxwidth=maxwidth).json
    assert body["width"] == width
    assert body["height"] > 0  # how it follows the width is the next tests' concern
    assert f'width="{width}" height="{body["height"]}"' in body["html"]


@pytest.mark.parametrize(
    ("params", "width", "height"),
    [
        ({"maxwidth": "400", "maxheight": "300"}, 400, 300),
        ({"maxheight": "120"}, 600, 120),
    ],
)
def test_oembed_caps_the_height_at_maxheight(
    client: FlaskClient, params: dict[str, str], width: int, height: int
) -> None:
    natural = oembed(client, f"{ARTICLE}/facts", maxwidth=str(width)).json["height"]
    assert natural > height  # so the cap is what made it this short
    body = oembed(client, f"{ARTICLE}/facts", **params).json
    assert (body["width"], body["height"]) == (width, height)
    assert f'width="{width}" height="{height}"' in body["html"]


def test_oembed_height_grows_as_the_box_narrows(client: FlaskClient) -> None:
    heights = [
        oembed(client, f"{ARTICLE}/facts", maxwidth=str(w)).json["height"] for w in (800, 400, 280)
    ]
    assert heights == sorted(heights) and heights[0] < heights[-1]


@pytest.mark.parametrize(
    "url",
    [
        f"https://elsewhere.example/fr/articles/{SLUG}",
        f"http://localhost.example/fr/articles/{SLUG}",
        f"http://localhost:8080/fr/articles/{SLUG}",
        "http://localhost/fr/",
        "http://localhost/fr/articles/nope",
        f"http://localhost/de/articles/{SLUG}",
        f"http://localhost/fr/articles/{SLUG}/",
        f"http://localhost/fr/embed/articles/{SLUG}",
        f"http://localhost/api/v1/articles/{SLUG}",
        "http://localhost/oembed",
        "http://localhost/",
    ],
)
def test_oembed_of_a_url_not_ours_is_404(client: FlaskClient, url: str) -> None:
    assert_problem(oembed(client, url), 404)


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("url=not%20a%20url", "url"),
        ("url=ftp%3A%2F%2Flocalhost%2Ffr%2Farticles%2Fx", "url"),
        ("url=http%3A%2F%2F", "url"),
        ("", "url"),
        (f"url={quote(ARTICLE, safe='')}&maxwidth=wide", "maxwidth"),
        (f"url={quote(ARTICLE, safe='')}&maxheight=0", "maxheight"),
        (f"url={quote(ARTICLE, safe='')}&format=yaml", "format"),
    ],
)
def test_oembed_bad_queries_are_422(client: FlaskClient, query: str, field: str) -> None:
    body = assert_problem(client.get(f"/oembed?{query}"), 422)
    assert list(body["errors"]["query"]) == [field]


def test_oembed_xml_is_501(client: FlaskClient) -> None:
    assert_problem(oembed(client, ARTICLE, format="xml"), 501)


def test_oembed_repeated_parameter_is_400(client: FlaskClient) -> None:
    response = client.get(f"/oembed?url={quote(ARTICLE, safe='')}&maxwidth=300&maxwidth=400")
    body = assert_problem(response, 400)
    assert body["errors"] == {"query": {"maxwidth": ["Given more than once."]}}


def test_oembed_ignores_parameters_consumers_add(client: FlaskClient) -> None:
    assert oembed(client, ARTICLE, dnt="1", format="json").status_code == 200


@pytest.fixture
def public_app() -> Flask:
    return create_app({**seed_settings(), "PUBLIC_URL": "https://news.example"})


@pytest.mark.parametrize(
    "url",
    [
        f"https://news.example/fr/articles/{SLUG}",
        f"http://NEWS.example/fr/articles/{SLUG}",  # the same site, as typed
        f"https://news.example:443/fr/articles/{SLUG}?lang=fr-CA#top",
    ],
)
def test_oembed_knows_the_public_url_as_ours(public_app: Flask, url: str) -> None:
    response = oembed(public_app.test_client(), url)
    assert response.status_code == 200
    assert f'src="https://news.example/fr/embed/articles/{SLUG}"' in response.json["html"]
    assert response.json["provider_url"] == "https://news.example/"


@pytest.mark.parametrize(
    "url",
    [
        f"http://localhost/fr/articles/{SLUG}",  # the request's host is not ours then
        f"https://news.example:8443/fr/articles/{SLUG}",
    ],
)
def test_oembed_refuses_other_hosts_when_the_public_url_is_set(public_app: Flask, url: str) -> None:
    assert_problem(oembed(public_app.test_client(), url), 404)


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_discovery_link_leads_to_the_oembed_of_the_page(client: FlaskClient, lang: str) -> None:
    html = html_of(client, f"/{lang}/articles/{SLUG}")
    found = re.search(
        r'<link rel="alternate" type="application/json\+oembed" href="([^"]+)" title="([^"]+)">',
        html,
    )
    assert found is not None
    href = found.group(1).replace("&amp;", "&")
    assert href.startswith("http://localhost/oembed?url=")
    body = client.get(href.removeprefix("http://localhost")).json
    assert body["title"] == found.group(2).replace("&#39;", "'")
    assert f'src="http://localhost/{lang}/embed/articles/{SLUG}"' in body["html"]


def test_facts_page_discovers_the_facts_box(client: FlaskClient) -> None:
    html = html_of(client, f"/fr/articles/{SLUG}/facts")
    href = re.search(r'type="application/json\+oembed" href="([^"]+)"', html)
    assert href is not None
    body = client.get(href.group(1).replace("&amp;", "&").removeprefix("http://localhost")).json
    assert f'src="http://localhost{FACTS}"' in body["html"]
