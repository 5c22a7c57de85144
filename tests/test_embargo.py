"""Embargo: an item is stored, but does not exist for readers — 404 everywhere, absent from
lists, embeds, oEmbed and every cache — until its time, then appears by itself, with nobody
publishing again. The clock is the app's own, moved forward by the test (no sleeping)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import quote

import pytest
from click.testing import CliRunner
from flask import Flask

from app.cli import main
from tests.conftest import DATA_DIR, SEED
from tests.test_ingest_api import EDITORIAL, Desk

FIXTURES = Path(__file__).parent / "fixtures" / "wire"
SLUG = "malian-army-convoy-heads-for-kidal-stronghold-of-the-tuareg-20231002"
#: ninjs3.json says: embargoed until 2023-10-02T16:30:00+02:00.
LIFT = datetime(2023, 10, 2, 14, 30, tzinfo=UTC)


class Clock:
    """A clock the test moves."""

    def __init__(self, at: datetime) -> None:
        self.at = at

    def __call__(self) -> datetime:
        return self.at

    def advance(self, **delta: float) -> None:
        self.at += timedelta(**delta)


@pytest.fixture
def clock() -> Clock:
    return Clock(LIFT - timedelta(minutes=30))


@pytest.fixture
def desk(make_app: Callable[..., Flask], clock: Clock) -> Desk:
    return Desk(make_app(DATA_DIR, CLOCK=clock, CHANGE_CHECK_INTERVAL=0))


READER_PATHS = [
    f"/api/v1/articles/{SLUG}",
    f"/api/v1/articles/{SLUG}?lang=fr",
    f"/en/articles/{SLUG}",
    f"/fr/articles/{SLUG}",
    f"/en/embed/articles/{SLUG}",
    "/oembed?url=" + quote(f"http://localhost/en/articles/{SLUG}", safe=""),
]


def seq(desk: Desk) -> int:
    return int(desk.app.extensions["depeche.database"].seq())


def listed(desk: Desk) -> tuple[list[str], str]:
    """The slugs of the API's list, and the home page's HTML."""
    data = desk.client.get("/api/v1/articles?limit=100").get_json()
    return [a["slug"] for a in data["articles"]], desk.client.get("/en/").get_data(as_text=True)


def test_an_embargoed_item_exists_for_nobody_until_its_time_then_appears_by_itself(
    desk: Desk, clock: Clock
) -> None:
    # Lists and pages are rendered and remembered before the item comes.
    slugs, home = listed(desk)
    response = desk.post((FIXTURES / "ninjs3.json").read_bytes(), "application/json")
    assert response.status_code == 201
    assert response.get_json()["embargo"] == "2023-10-02T16:30:00+02:00"
    for path in READER_PATHS:
        assert desk.client.get(path).status_code == 404, path
        assert desk.client.get(path).status_code == 404, path  # and not remembered
    slugs, home = listed(desk)
    assert SLUG not in slugs and SLUG not in home
    clock.advance(minutes=29, seconds=59)
    assert desk.client.get(READER_PATHS[0]).status_code == 404
    assert SLUG not in listed(desk)[0]
    written = seq(desk)
    clock.advance(seconds=1)
    for path in READER_PATHS:
        assert desk.client.get(path).status_code == 200, path
    slugs, home = listed(desk)
    assert SLUG in slugs and SLUG in home
    assert seq(desk) == written  # nobody published again


def test_an_embargoed_articles_facts_and_embeds_are_404(desk: Desk) -> None:
    desk.post((FIXTURES / "ninjs3.json").read_bytes(), "application/json")
    for path in (
        f"/api/v1/articles/{SLUG}/facts",
        f"/en/articles/{SLUG}/facts",
        f"/fr/embed/articles/{SLUG}/facts",
    ):
        response = desk.client.get(path)
        assert response.status_code == 404, path
        assert "no-store" in response.headers["Cache-Control"]


def test_wire_copy_takes_an_embargo_from_the_query(desk: Desk, clock: Clock) -> None:
    embargo = (clock() + timedelta(hours=1)).isoformat()
    response = desk.post(SEED.read_bytes(), **EDITORIAL, embargo=embargo)
    slug = response.get_json()["slug"]
    assert response.status_code == 201
    assert desk.client.get(f"/api/v1/articles/{slug}").status_code == 404
    clock.advance(hours=1)
    assert desk.client.get(f"/api/v1/articles/{slug}").status_code == 200


def test_an_embargo_without_an_offset_is_422(desk: Desk) -> None:
    before = desk.count()
    response = desk.post(SEED.read_bytes(), **EDITORIAL, embargo="2023-10-02T18:00:00")
    assert response.status_code == 422
    assert "embargo" in response.get_json()["errors"]["query"]
    assert desk.count() == before


def test_a_correction_before_the_lift_keeps_the_embargo(desk: Desk, clock: Clock) -> None:
    item = (FIXTURES / "ninjs3.json").read_bytes()
    desk.post(item, "application/json")
    newer = item.replace(b'"version": "2"', b'"version": "3"').replace(
        b'"embargoed": "2023-10-02T16:30:00+02:00",', b""
    )
    assert newer != item
    response = desk.post(newer, "application/json")
    assert response.get_json()["outcome"] == "corrected"
    assert response.get_json()["embargo"] == "2023-10-02T16:30:00+02:00"
    assert desk.client.get(f"/api/v1/articles/{SLUG}").status_code == 404
    clock.advance(minutes=30)
    assert desk.client.get(f"/api/v1/articles/{SLUG}").status_code == 200


def test_the_cli_ingests_with_an_embargo(runner_env: dict[str, str]) -> None:
    editorial = [f"--{k}={v}" for k, v in EDITORIAL.items() if k != "published"]
    result = CliRunner().invoke(
        main,
        ["ingest", str(SEED), "--slug", "convoy", "--published", "2023-10-02", *editorial,
         "--embargo", "2999-01-01T00:00:00+00:00"],
        env=runner_env,
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "embargoed until 2999-01-01T00:00:00+00:00" in result.output
    refused = CliRunner().invoke(
        main, ["ingest", str(SEED), "--slug", "convoy", "--embargo", "tomorrow"], env=runner_env
    )
    assert refused.exit_code != 0
    assert "--embargo" in refused.output
