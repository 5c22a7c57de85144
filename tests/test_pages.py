"""What a reader sees on the English and French pages."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from flask.testing import FlaskClient

from app import create_app
from tests.conftest import SLUG
from tests.store import seed_settings


def page(client: FlaskClient, url: str, **headers: str) -> str:
    response = client.get(url, headers=headers)
    assert response.status_code == 200
    assert response.mimetype == "text/html"
    return response.get_data(as_text=True)


def test_french_reader_sees_the_french_edition(client: FlaskClient) -> None:
    html = page(client, f"/fr/articles/{SLUG}")
    assert '<html lang="fr">' in html
    assert "<h1>Un convoi de l’armée malienne fait route vers Kidal" in html
    assert '<time datetime="2023-10-02">lundi 2 octobre 2023</time>' in html
    assert "<h2>L’accord de 2015 vole en éclats</h2>" in html
    assert "<h2>À lire aussi</h2>" in html
    assert "119\u00a0véhicules" in html
    assert "1\u202f500\u00a0km" in html
    assert "«\u202fDans le cadre de la réorganisation" in html
    assert "The convoy left Gao" not in html
    assert (
        '<a href="/en/articles/mali-army-convoy-kidal" hreflang="en" lang="en">English</a>' in html
    )


def test_english_reader_sees_the_source(client: FlaskClient) -> None:
    html = page(client, f"/en/articles/{SLUG}")
    assert '<html lang="en">' in html
    assert "<h1>Malian army convoy heads for Kidal" in html
    assert '<time datetime="2023-10-02">Monday, October 2, 2023</time>' in html
    assert "<h2>The 2015 agreement is shattering</h2>" in html
    assert "<h2>See also</h2>" in html
    assert "more than 1,500 km and 24 hours drive" in html
    assert "&#34;As part of the reorganization" in html  # quotes are escaped
    assert (
        '<a href="/fr/articles/mali-army-convoy-kidal" hreflang="fr" lang="fr">Français</a>' in html
    )
    for dropped in ("I subscribe", "Download the France 24 app", "With AFP"):
        assert dropped not in html


def test_regional_formats_through_the_query(client: FlaskClient) -> None:
    html = page(client, f"/en/articles/{SLUG}?lang=en-GB")
    assert '<time datetime="2023-10-02">Monday, 2 October 2023</time>' in html


def test_home_pages_list_the_article(client: FlaskClient) -> None:
    assert "Dernières actualités" in page(client, "/fr/")
    assert f'href="/fr/articles/{SLUG}"' in page(client, "/fr/")
    assert f'href="/en/articles/{SLUG}"' in page(client, "/en/")


@pytest.mark.parametrize("url", ["/fr/", "/en/", f"/fr/articles/{SLUG}", f"/en/articles/{SLUG}"])
def test_pages_use_no_external_assets(client: FlaskClient, url: str) -> None:
    html = page(client, url)
    assert not re.search(r"""<(?:script|img|iframe)[^>]*\ssrc=["'](?:https?:)?//""", html)
    assert not re.search(r"""<link[^>]*rel="stylesheet"[^>]*href=["'](?:https?:)?//""", html)


@pytest.mark.parametrize("memo", [False, True], ids=["flask", "memo"])
@pytest.mark.parametrize("url", [f"/fr/articles/{SLUG}", "/en/"])
def test_pages_answer_304_to_their_etag(no_models: Path, url: str, memo: bool) -> None:
    """A fresh app each time: without the memo, Flask answers the 304; with it, the memo does
    (the first request, which it has never seen, goes through Flask)."""
    app = create_app({**seed_settings(), "MODELS_DIR": no_models, "RESPONSE_MEMO": memo})
    client = app.test_client()
    first = client.get(url)
    assert first.status_code == 200
    again = client.get(url, headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304
    assert again.data == b""
    assert again.headers["ETag"] == first.headers["ETag"]


NOTICE = "This page is not available in the language you asked for (de)."


@pytest.mark.parametrize(
    ("url", "headers"), [("/nope", {"Accept-Language": "de"}), ("/nope?lang=de", {})]
)
def test_fallback_notice_for_an_unserved_language(
    client: FlaskClient, url: str, headers: dict[str, str]
) -> None:
    """A page whose language the header or the query chose says when it is not the one asked."""
    response = client.get(url, headers=headers)
    assert response.status_code == 404 and response.mimetype == "text/html"
    html = response.get_data(as_text=True)
    assert '<html lang="en">' in html
    assert f'<p class="notice" role="status">{NOTICE}</p>' in html


@pytest.mark.parametrize("url", ["/en/", "/en/?lang=de"])
def test_no_fallback_notice_when_the_prefix_decided(client: FlaskClient, url: str) -> None:
    html = page(client, url, **{"Accept-Language": "de"})
    assert '<html lang="en">' in html
    assert 'class="notice"' not in html


def test_bare_root_sends_an_unserved_language_to_english(client: FlaskClient) -> None:
    response = client.get("/", headers={"Accept-Language": "de"})
    assert response.status_code == 302
    assert response.headers["Location"] == "/en/"


@pytest.mark.parametrize("url", ["/fr/", f"/en/articles/{SLUG}"])
def test_every_stylesheet_a_page_links_is_served(client: FlaskClient, url: str) -> None:
    html = page(client, url)
    sheets = re.findall(r'<link rel="stylesheet" href="([^"]+)"', html)
    assert sheets
    for sheet in sheets:
        with client.get(sheet) as response:
            assert response.status_code == 200 and response.mimetype == "text/css"


@pytest.mark.parametrize("url", ["/static/style.css", "/embed.js"])
def test_assets_do_not_vary_by_language(client: FlaskClient, url: str) -> None:
    with client.get(url, headers={"Accept-Language": "fr"}) as response:
        assert response.status_code == 200
        assert "Content-Language" not in response.headers
        assert "Accept-Language" not in response.headers.get("Vary", "")
