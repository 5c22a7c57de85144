"""Feeds per language, the sitemap chain, the news sitemap and robots.txt: complete editions
only, read back by feedparser and an XML parser, cached and revalidated like the pages."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import feedparser
import pytest
from defusedxml import ElementTree
from flask import Flask
from flask.testing import FlaskClient

from app.exchange.folders import import_folder
from app.syndication import sitemaps
from tests.conftest import SLUG
from tests.editions import add_article, edit_catalog, retitle, untranslate

BASE = "http://localhost"
NS = {
    "s": sitemaps.SITEMAP_NS,
    "xhtml": sitemaps.XHTML_NS,
    "news": sitemaps.NEWS_NS,
}
FR_HEADLINE = "Un convoi de l’armée malienne fait route vers Kidal, bastion de la rébellion touareg"


def _xml(client: FlaskClient, url: str) -> Any:
    response = client.get(url)
    assert response.status_code == 200
    assert response.mimetype == "application/xml"
    return ElementTree.fromstring(response.data)


def _feed(client: FlaskClient, url: str) -> Any:
    response = client.get(url)
    assert response.status_code == 200
    parsed = feedparser.parse(response.data)
    assert parsed.bozo is False, parsed.get("bozo_exception")
    return parsed


@pytest.mark.parametrize("kind", ["feed", "atom"])
def test_feeds_carry_each_edition(client: FlaskClient, kind: str) -> None:
    parsed = _feed(client, f"/fr/{kind}.xml")
    assert parsed.feed.language == "fr"
    (entry,) = parsed.entries
    url = f"{BASE}/fr/articles/{SLUG}"
    assert (entry.id, entry.link) == (url, url)
    assert entry.title == FR_HEADLINE
    assert entry.summary.startswith("Un convoi militaire de 119")
    assert entry.published_parsed[:3] == (2023, 10, 2)
    assert "AFP / France 24" in (entry.get("author", ""), entry.get("dc_creator", ""))
    if kind == "atom":
        assert entry.updated_parsed is not None


@pytest.mark.parametrize(
    ("url", "mimetype"),
    [("/en/feed.xml", "application/rss+xml"), ("/en/atom.xml", "application/atom+xml")],
)
@pytest.mark.parametrize("memo", [True, False])
def test_feeds_answer_304_to_etag_and_date(
    no_models: Path, seed_database: str, url: str, mimetype: str, memo: bool
) -> None:
    from app import create_app

    app = create_app(
        {
            "TESTING": True,
            "DATABASE_URL": seed_database,
            "MODELS_DIR": no_models,
            "RESPONSE_MEMO": memo,
        }
    )
    client = app.test_client()
    first = client.get(url)
    assert first.status_code == 200
    assert first.mimetype == mimetype
    etag, modified = first.headers["ETag"], first.headers["Last-Modified"]
    assert client.get(url, headers={"If-None-Match": etag}).status_code == 304
    assert client.get(url, headers={"If-Modified-Since": modified}).status_code == 304
    assert client.get(url, headers={"If-Modified-Since": "Mon, 02 Oct 2023 00:00:00 GMT"}).data


def test_incomplete_editions_stay_out_of_their_languages_lists(
    make_app: Callable[..., Flask], data_copy: Path
) -> None:
    add_article(data_copy, "second-story", "2023-10-03")
    edit_catalog(data_copy / "articles" / "second-story", untranslate)
    client = make_app(data_copy).test_client()

    french = [e.id for e in _feed(client, "/fr/atom.xml").entries]
    english = [e.id for e in _feed(client, "/en/feed.xml").entries]
    assert french == [f"{BASE}/fr/articles/{SLUG}"]
    assert english == [f"{BASE}/en/articles/second-story", f"{BASE}/en/articles/{SLUG}"]

    fr_urls = _xml(client, "/sitemaps/fr-0.xml").findall("s:url", NS)
    assert [u.findtext("s:loc", namespaces=NS) for u in fr_urls] == [f"{BASE}/fr/articles/{SLUG}"]
    en_urls = {
        u.findtext("s:loc", namespaces=NS): {
            link.get("hreflang"): link.get("href") for link in u.findall("xhtml:link", NS)
        }
        for u in _xml(client, "/sitemaps/en-0.xml").findall("s:url", NS)
    }
    assert en_urls == {
        f"{BASE}/en/articles/{SLUG}": {
            "en": f"{BASE}/en/articles/{SLUG}",
            "fr": f"{BASE}/fr/articles/{SLUG}",
            "x-default": f"{BASE}/en/articles/{SLUG}",
        },
        f"{BASE}/en/articles/second-story": {},  # its only listed edition: no alternates
    }


def test_the_sitemap_chain_from_robots_txt(client: FlaskClient) -> None:
    robots = client.get("/robots.txt")
    assert robots.status_code == 200
    assert f"Sitemap: {BASE}/sitemap.xml" in robots.get_data(as_text=True).splitlines()
    index = _xml(client, "/sitemap.xml")
    assert index.tag == f"{{{sitemaps.SITEMAP_NS}}}sitemapindex"
    locations = [s.findtext("s:loc", namespaces=NS) for s in index.findall("s:sitemap", NS)]
    assert locations == [
        f"{BASE}/sitemaps/en-0.xml",
        f"{BASE}/sitemaps/fr-0.xml",
        f"{BASE}/news-sitemap.xml",
    ]
    for location in locations:
        root = _xml(client, location.removeprefix(BASE))
        assert root.tag == f"{{{sitemaps.SITEMAP_NS}}}urlset"
    assert client.get("/sitemaps/en-1.xml").status_code == 404


def test_sitemaps_split_by_id_ranges(
    make_app: Callable[..., Flask], data_copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    add_article(data_copy, "second-story", "2023-10-03")
    add_article(data_copy, "third-story", "2023-10-04")
    monkeypatch.setattr(sitemaps, "PER_FILE", 2)
    client = make_app(data_copy).test_client()
    index = _xml(client, "/sitemap.xml")
    locations = [s.findtext("s:loc", namespaces=NS) for s in index.findall("s:sitemap", NS)]
    assert len(locations) == 5  # two files per language, then the news sitemap
    counts = [len(_xml(client, f"/sitemaps/en-{n}.xml").findall("s:url", NS)) for n in (0, 1)]
    assert counts == [2, 1]


def test_the_news_sitemap_holds_the_last_two_days(
    make_app: Callable[..., Flask], data_copy: Path
) -> None:
    today = datetime.now(UTC).date().isoformat()
    add_article(data_copy, "fresh-story", today)
    client = make_app(data_copy).test_client()
    root = _xml(client, "/news-sitemap.xml")
    found = {
        u.findtext("s:loc", namespaces=NS): (
            u.findtext("news:news/news:publication/news:name", namespaces=NS),
            u.findtext("news:news/news:publication/news:language", namespaces=NS),
            u.findtext("news:news/news:publication_date", namespaces=NS),
            u.findtext("news:news/news:title", namespaces=NS),
        )
        for u in root.findall("s:url", NS)
    }
    assert found == {
        f"{BASE}/en/articles/fresh-story": (
            "dépêche",
            "en",
            today,
            "Malian army convoy heads for Kidal, stronghold of the Tuareg rebellion",
        ),
        f"{BASE}/fr/articles/fresh-story": ("dépêche", "fr", today, FR_HEADLINE),
    }


def _until(check: Callable[[], bool], seconds: float = 1.0) -> float:
    started = time.monotonic()
    while not check():
        assert time.monotonic() - started < seconds, "not served within a second"
        time.sleep(0.02)
    return time.monotonic() - started


def test_a_correction_reaches_feeds_and_sitemaps_of_another_worker_within_a_second(
    make_app: Callable[..., Flask], data_copy: Path
) -> None:
    reader = make_app(data_copy)
    url = reader.config["DATABASE_URL"]
    from app import create_app

    writer = create_app({**reader.config, "DATABASE_URL": url})
    client = reader.test_client()
    before = _feed(client, "/fr/atom.xml").entries[0]
    sitemap_before = client.get("/sitemaps/fr-0.xml").headers["ETag"]
    assert before.title == FR_HEADLINE

    folder = data_copy / "articles" / SLUG
    time.sleep(1.0)  # dates are written to the second: let the correction's be a later one
    edit_catalog(folder, retitle("Le convoi de l’armée malienne arrive à Kidal"))
    assert import_folder(writer.extensions["depeche.database"], folder, data_copy)

    _until(
        lambda: (
            client.get("/fr/atom.xml").data.count(b"arrive \xc3\xa0 Kidal") == 1
            and client.get("/sitemaps/fr-0.xml").headers["ETag"] != sitemap_before
        )
    )
    after = _feed(client, "/fr/atom.xml").entries[0]
    assert after.id == before.id
    assert after.updated_parsed > before.updated_parsed

    edit_catalog(folder, untranslate)
    assert import_folder(writer.extensions["depeche.database"], folder, data_copy)
    _until(
        lambda: (
            not _feed(client, "/fr/feed.xml").entries
            and not _xml(client, "/sitemaps/fr-0.xml").findall("s:url", NS)
        )
    )
