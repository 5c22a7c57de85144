"""What article pages tell machines: canonical, hreflang, JSON-LD NewsArticle, Open Graph."""

from __future__ import annotations

import json
from collections.abc import Callable
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from app import create_app
from app.i18n.locales import SUPPORTED_LANGUAGES
from tests.conftest import SLUG
from tests.store import seed_settings

BASE = "http://localhost"


class Head(HTMLParser):
    """The <link>, <meta property> and JSON-LD of a page."""

    def __init__(self) -> None:
        super().__init__()
        self.links: list[dict[str, str]] = []
        self.properties: list[tuple[str, str]] = []
        self.json_ld: list[str] = []
        self._in_json_ld = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        named = {k: v or "" for k, v in attrs}
        if tag == "link":
            self.links.append(named)
        elif tag == "meta" and "property" in named:
            self.properties.append((named["property"], named["content"]))
        self._in_json_ld = tag == "script" and named.get("type") == "application/ld+json"

    def handle_endtag(self, tag: str) -> None:
        self._in_json_ld = False

    def handle_data(self, data: str) -> None:
        if self._in_json_ld:
            self.json_ld.append(data)

    def alternates(self) -> dict[str, str]:
        return {
            link["hreflang"]: link["href"]
            for link in self.links
            if link.get("rel") == "alternate" and "hreflang" in link
        }

    def canonical(self) -> str:
        (found,) = [link["href"] for link in self.links if link.get("rel") == "canonical"]
        return found

    def prop(self, name: str) -> list[str]:
        return [content for prop, content in self.properties if prop == name]

    def news_article(self) -> dict[str, Any]:
        (text,) = self.json_ld
        data: dict[str, Any] = json.loads(text)
        return data


def head(client: FlaskClient, url: str, **headers: str) -> Head:
    response = client.get(url, headers=headers)
    assert response.status_code == 200
    parser = Head()
    parser.feed(response.get_data(as_text=True))
    return parser


def article_url(lang: str, base: str = BASE) -> str:
    return f"{base}/{lang}/articles/{SLUG}"


@pytest.mark.parametrize("lang", SUPPORTED_LANGUAGES)
def test_canonical_url_is_absolute_and_drops_the_query(client: FlaskClient, lang: str) -> None:
    assert head(client, f"/{lang}/articles/{SLUG}").canonical() == article_url(lang)
    assert head(client, f"/{lang}/articles/{SLUG}?lang={lang}-CA").canonical() == article_url(lang)


@pytest.mark.parametrize("lang", SUPPORTED_LANGUAGES)
def test_hreflang_lists_every_language_and_a_default(client: FlaskClient, lang: str) -> None:
    expected = {code: article_url(code) for code in SUPPORTED_LANGUAGES}
    expected["x-default"] = article_url("en")
    assert head(client, f"/{lang}/articles/{SLUG}").alternates() == expected


def test_hreflang_is_reciprocal(client: FlaskClient) -> None:
    """Every page a page names as its translation names it back (else engines ignore both)."""
    for lang in SUPPORTED_LANGUAGES:
        here = article_url(lang)
        for code, there in head(client, f"/{lang}/articles/{SLUG}").alternates().items():
            back = head(client, there.removeprefix(BASE)).alternates()
            assert back[lang] == here, (lang, code)


def test_facts_pages_point_at_facts_pages(client: FlaskClient) -> None:
    page = head(client, f"/fr/articles/{SLUG}/facts")
    assert page.canonical() == f"{article_url('fr')}/facts"
    assert page.alternates()["en"] == f"{article_url('en')}/facts"


def test_french_json_ld_is_a_translation_of_the_english(client: FlaskClient) -> None:
    data = head(client, f"/fr/articles/{SLUG}").news_article()
    assert data["@context"] == "https://schema.org"
    assert data["@type"] == "NewsArticle"
    assert data["url"] == data["@id"] == data["mainEntityOfPage"] == article_url("fr")
    assert data["headline"].startswith("Un convoi de l’armée malienne fait route vers Kidal")
    assert data["description"].startswith("Un convoi militaire de 119\u00a0véhicules")
    assert data["datePublished"] == "2023-10-02"
    assert data["inLanguage"] == "fr"
    assert data["creditText"] == "AFP / France 24"
    assert [a["name"] for a in data["author"]] == ["AFP", "France 24"]
    assert data["publisher"] == {"@type": "Organization", "name": "dépêche", "url": f"{BASE}/"}
    assert data["isAccessibleForFree"] is True
    assert data["translationOfWork"]["@id"] == article_url("en")
    assert data["translationOfWork"]["inLanguage"] == "en"
    assert "workTranslation" not in data


def test_english_json_ld_names_its_translations(client: FlaskClient) -> None:
    data = head(client, f"/en/articles/{SLUG}").news_article()
    assert data["inLanguage"] == "en"
    assert data["headline"].startswith("Malian army convoy heads for Kidal")
    assert [(t["@id"], t["inLanguage"]) for t in data["workTranslation"]] == [
        (article_url("fr"), "fr")
    ]
    assert "translationOfWork" not in data


def test_json_ld_cannot_be_closed_by_the_text(
    article_md: Path, make_app: Callable[[Path], Flask]
) -> None:
    hostile = "Convoy </script><script>alert(1)</script> & <!-- heads north"
    text = article_md.read_text(encoding="utf-8")
    original = "Malian army convoy heads for Kidal, stronghold of the Tuareg rebellion"
    article_md.write_text(text.replace(original, hostile, 1), encoding="utf-8")
    client = make_app(article_md.parent.parent.parent).test_client()
    html = client.get(f"/en/articles/{SLUG}").get_data(as_text=True)
    assert "<script>alert(1)" not in html
    assert html.count("</script>") == 1  # the JSON-LD's own end tag
    parser = Head()
    parser.feed(html)
    assert parser.news_article()["headline"] == hostile


@pytest.mark.parametrize(
    ("url", "locale", "alternate"),
    [
        (f"/fr/articles/{SLUG}", "fr_FR", "en_US"),
        (f"/en/articles/{SLUG}", "en_US", "fr_FR"),
        (f"/fr/articles/{SLUG}?lang=fr-CA", "fr_CA", "en_US"),
        (f"/en/articles/{SLUG}?lang=en-GB", "en_GB", "fr_FR"),
    ],
)
def test_open_graph(client: FlaskClient, url: str, locale: str, alternate: str) -> None:
    page = head(client, url)
    lang = locale[:2]
    assert page.prop("og:type") == ["article"]
    assert page.prop("og:url") == [article_url(lang)]
    assert page.prop("og:locale") == [locale]
    assert page.prop("og:locale:alternate") == [alternate]
    assert page.prop("article:published_time") == ["2023-10-02"]
    assert page.prop("og:site_name") == ["dépêche"]
    (title,) = page.prop("og:title")
    (description,) = page.prop("og:description")
    assert title == page.news_article()["headline"]
    assert description == page.news_article()["description"]


def test_urls_come_from_the_public_url_when_set() -> None:
    app = create_app({**seed_settings(), "PUBLIC_URL": "https://news.example/"})
    page = head(app.test_client(), f"/fr/articles/{SLUG}")
    assert page.canonical() == article_url("fr", "https://news.example")
    assert set(page.alternates().values()) == {
        article_url(lang, "https://news.example") for lang in SUPPORTED_LANGUAGES
    }
    assert page.news_article()["publisher"]["url"] == "https://news.example/"


@pytest.mark.parametrize("memo", [True, False])
def test_urls_follow_the_host_without_public_url(memo: bool) -> None:
    """The page cache keys on the base URL, as the memo keys on Host: no host sees another's."""
    app = create_app({**seed_settings(), "RESPONSE_MEMO": memo})
    client = app.test_client()
    for host in ("one.example", "two.example:8080", "one.example"):
        page = head(client, f"/fr/articles/{SLUG}", Host=host)
        assert page.canonical() == article_url("fr", f"http://{host}")
        assert page.prop("og:url") == [article_url("fr", f"http://{host}")]
