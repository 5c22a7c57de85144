"""Feeds and sitemaps follow a story's life: an embargoed story is in none of them until its
time (then in all, with nobody publishing again), a killed one leaves every one of them."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import feedparser
import pytest
from flask import Flask

from tests.conftest import DATA_DIR
from tests.conftest import SLUG as SEED_SLUG
from tests.test_embargo import FIXTURES, LIFT, SLUG, Clock
from tests.test_ingest_api import Desk

LISTS = ["/en/feed.xml", "/en/atom.xml", "/sitemaps/en-0.xml", "/news-sitemap.xml"]


@pytest.fixture
def clock() -> Clock:
    return Clock(LIFT - timedelta(minutes=30))


@pytest.fixture
def desk(make_app: Callable[..., Flask], clock: Clock) -> Desk:
    return Desk(make_app(DATA_DIR, CLOCK=clock, CHANGE_CHECK_INTERVAL=0))


def _listed(desk: Desk, url: str, slug: str) -> bool:
    response = desk.client.get(url)
    assert response.status_code == 200, url
    if url.endswith(("feed.xml", "atom.xml")):
        parsed = feedparser.parse(response.data)
        assert parsed.bozo is False, parsed.get("bozo_exception")
    return f"/articles/{slug}" in response.get_data(as_text=True)


def test_an_embargoed_story_is_in_no_feed_or_sitemap_until_its_time(
    desk: Desk, clock: Clock
) -> None:
    item = (FIXTURES / "ninjs3.json").read_bytes()  # embargoed until LIFT
    assert desk.post(item, "application/json").status_code == 201
    assert [url for url in LISTS if _listed(desk, url, SLUG)] == []
    assert all(_listed(desk, url, SEED_SLUG) for url in LISTS[:3])  # the lists do answer
    clock.advance(minutes=31)
    assert [url for url in LISTS if _listed(desk, url, SLUG)] == LISTS


def test_a_killed_story_leaves_every_feed_and_sitemap(desk: Desk) -> None:
    assert all(_listed(desk, url, SEED_SLUG) for url in LISTS[:3])
    killed = desk.client.delete(f"/api/v1/articles/{SEED_SLUG}", headers=desk.headers)
    assert killed.status_code == 200
    assert [url for url in LISTS if _listed(desk, url, SEED_SLUG)] == []
