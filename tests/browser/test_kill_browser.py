"""A killed story's embeds collapse on the publisher's page, in real Chromium: no error box,
no empty frame; the other story's embeds beside them are drawn as before."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page
from werkzeug.wrappers import Request, Response

from app import create_app
from tests.browser.conftest import WSGIApp
from tests.conftest import SLUG
from tests.test_kill import OTHER, two_stories
from tests.tokens import bearer, issue_token

pytestmark = pytest.mark.browser

PAGE = """<!doctype html>
<html lang="fr"><head><meta charset="utf-8"><title>Le Quotidien de Gao</title></head>
<body>
<div id="killed-facts" data-depeche-embed="facts" data-article="{killed}" data-lang="fr"></div>
<div id="killed-card" data-depeche-embed="card" data-article="{killed}" data-lang="en"></div>
<div id="live-card" data-depeche-embed="card" data-article="{live}" data-lang="fr"></div>
<script src="{ours}/embed.js" async></script>
</body></html>"""


@pytest.fixture(scope="module")
def killed_site(
    serve: Callable[[WSGIApp], str], tmp_path_factory: pytest.TempPathFactory, no_models: Path
) -> str:
    """Our app (memo on, as in production) on a store of its own, the seed story killed after
    it was served; and a publisher's page embedding it and another story. The publisher's
    address is returned."""
    from tests.store import database_from

    root = two_stories(tmp_path_factory.mktemp("killed") / "data")
    url = database_from(root, tmp_path_factory.mktemp("killed-store"))
    app = create_app({"DATABASE_URL": url, "MODELS_DIR": no_models})
    ours = serve(app)
    client = app.test_client()
    assert client.get(f"/fr/embed/articles/{SLUG}/facts").status_code == 200
    token = issue_token(app, "publish")
    assert client.delete(f"/api/v1/articles/{SLUG}", headers=bearer(token)).status_code == 200
    page = PAGE.format(ours=ours, killed=SLUG, live=OTHER)

    @Request.application  # type: ignore[misc]
    def site(request: Request) -> Response:
        return Response(page, mimetype="text/html")

    return serve(site)


@pytest.fixture
def page(browser: Browser, killed_site: str) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1000, "height": 1600})
    tab = context.new_page()
    yield tab
    context.close()


def test_the_killed_story_collapses_and_the_other_is_drawn(page: Page, killed_site: str) -> None:
    page.goto(killed_site)
    for box in ("#killed-facts", "#killed-card"):
        page.wait_for_selector(f'{box}[data-depeche-state="gone"]', state="attached")
        frame = page.locator(f"{box} iframe")
        assert frame.evaluate("e => getComputedStyle(e).display") == "none"
        assert page.locator(box).evaluate("e => e.getBoundingClientRect().height") == 0
    live = page.locator("#live-card iframe")
    deadline = time.monotonic() + 10
    while live.evaluate("e => e.clientHeight") == 220:  # embed.js's first guess, then resized
        assert time.monotonic() < deadline, "the live card was never resized"
        page.wait_for_timeout(50)
    assert live.evaluate("e => getComputedStyle(e).display") == "block"
    assert page.locator("#live-card").get_attribute("data-depeche-state") is None
    inner = live.content_frame
    assert "Un convoi de l’armée malienne" in inner.locator("h1").inner_text()
