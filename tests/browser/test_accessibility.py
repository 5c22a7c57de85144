"""axe-core, in Chromium, finds nothing on our pages and embeds: WCAG 2.1 AA and best practice."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, Page

from tests.conftest import SLUG

pytestmark = pytest.mark.browser

#: The rule sets the review asked for: WCAG 2.0 A and AA, WCAG 2.1 AA, and axe's best practice.
TAGS = ["wcag2a", "wcag2aa", "wcag21aa", "best-practice"]
OPTIONS = {"runOnly": {"type": "tag", "values": TAGS}, "resultTypes": ["violations"]}


@pytest.fixture(scope="module")
def axe() -> Axe:
    return Axe()


@pytest.fixture(params=["light", "dark"])
def page(request: pytest.FixtureRequest, browser: Browser) -> Iterator[Page]:
    """A 600 px wide tab in the reader's colour scheme (contrast is checked in each)."""
    context = browser.new_context(
        color_scheme=request.param, viewport={"width": 600, "height": 900}
    )
    yield context.new_page()
    context.close()


def violations(axe: Axe, page: Page) -> list[str]:
    """Each violation as its rule and the elements it names, for a readable failure."""
    found: list[dict[str, Any]] = axe.run(page, options=OPTIONS).response["violations"]
    return [
        f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']]}"
        for v in found
    ]


@pytest.mark.parametrize("lang", ["en", "fr"])
@pytest.mark.parametrize("suffix", ["/facts", ""], ids=["facts", "card"])
def test_embeds_have_no_violations(axe: Axe, page: Page, ours: str, lang: str, suffix: str) -> None:
    response = page.goto(f"{ours}/{lang}/embed/articles/{SLUG}{suffix}")
    assert response is not None and response.status == 200
    found = violations(axe, page)
    assert found == [], "\n".join(found)


@pytest.mark.parametrize("lang", ["en", "fr"])
@pytest.mark.parametrize("suffix", ["", "/facts"], ids=["article", "facts"])
def test_article_pages_have_no_violations(
    axe: Axe, page: Page, ours: str, lang: str, suffix: str
) -> None:
    response = page.goto(f"{ours}/{lang}/articles/{SLUG}{suffix}")
    assert response is not None and response.status == 200
    found = violations(axe, page)
    assert found == [], "\n".join(found)
