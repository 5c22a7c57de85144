"""A page on another origin calls /translate with fetch, in real Chromium: JSON after its
preflight works, a form post is refused."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page
from werkzeug.wrappers import Request, Response

from app import create_app
from tests.browser.conftest import WSGIApp
from tests.store import seed_settings

pytestmark = pytest.mark.browser

SENTENCE = "Kidal has been under their control ever since."
FRENCH = "Kidal est depuis lors restée sous leur contrôle."

# Each call answers what the page's script could see: the status and the body, or the error.
CALL = """async ([url, init]) => {
  try {
    const response = await fetch(url, init);
    return { status: response.status, body: await response.json() };
  } catch (error) {
    return { error: String(error) };
  }
}"""


SEEN: list[tuple[str, str]] = []


@pytest.fixture(scope="module")
def translator(serve: Callable[[WSGIApp], str], models_dir: Path) -> str:
    """Our app with the fixture models, on its own loopback origin; it notes each request."""
    app = create_app(
        {**seed_settings(), "TESTING": False, "MODELS_DIR": models_dir, "BEAM_SIZE": 1}
    )

    def noting(environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        SEEN.append((environ["REQUEST_METHOD"], environ["PATH_INFO"]))
        return app(environ, start_response)

    return serve(noting)


@pytest.fixture(scope="module")
def elsewhere(serve: Callable[[WSGIApp], str]) -> str:
    """Another site: one empty page to run scripts in."""

    @Request.application  # type: ignore[misc]
    def site(request: Request) -> Response:
        return Response("<!doctype html><title>Elsewhere</title>", mimetype="text/html")

    return serve(site)


@pytest.fixture
def page(browser: Browser, elsewhere: str) -> Iterator[Page]:
    # No context.route here: with routing on, Playwright answers CORS preflights itself and
    # the server would never see one. The page is empty and loads nothing; its scripts
    # only call our loopback origin.
    context = browser.new_context()
    tab = context.new_page()
    tab.goto(elsewhere)
    yield tab
    context.close()


def call(page: Page, url: str, init: dict[str, Any]) -> dict[str, Any]:
    result: dict[str, Any] = page.evaluate(CALL, [url, init])
    return result


def test_a_json_fetch_from_another_origin_is_preflighted_and_answered(
    page: Page, translator: str
) -> None:
    SEEN.clear()
    result = call(
        page,
        f"{translator}/translate",
        {
            "method": "POST",
            "headers": {"Content-Type": "application/json"},
            "body": f'{{"q": "{SENTENCE}", "source": "en", "target": "fr"}}',
        },
    )
    assert result == {"status": 200, "body": {"translatedText": FRENCH}}
    assert SEEN == [("OPTIONS", "/translate"), ("POST", "/translate")]  # asked first
    languages = call(page, f"{translator}/languages", {})
    assert languages["status"] == 200 and languages["body"][0]["targets"] == ["fr"]


def test_a_form_post_from_another_origin_is_refused(page: Page, translator: str) -> None:
    form = f"q={SENTENCE}&source=en&target=fr"
    result = call(
        page,
        f"{translator}/translate",
        {
            "method": "POST",
            "headers": {"Content-Type": "application/x-www-form-urlencoded"},
            "body": form,
        },
    )
    SEEN.clear()
    assert result["status"] == 403
    assert "another origin" in result["body"]["error"]
    as_text = call(page, f"{translator}/translate", {"method": "POST", "body": form})
    assert as_text["status"] == 403  # a string body is text/plain: refused too
