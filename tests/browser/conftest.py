"""Real servers on loopback ports: our app, and a publisher's site on another origin.

Both run in threads of the test process, so pytest-socket's ``--allow-hosts`` (loopback only)
still guards every connection Python makes; Chromium is a separate process that only ever
loads these two origins.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Iterable, Iterator
from typing import Any

import pytest
from playwright.sync_api import Browser, sync_playwright
from werkzeug.serving import make_server

from app import create_app
from tests.store import seed_settings

#: Debian's chromium, never a browser Playwright downloads (`playwright install` is not used).
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

WSGIApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "browser: drives Chromium (deselect with -m 'not browser')")


@pytest.fixture(scope="session")
def serve() -> Iterator[Callable[[WSGIApp], str]]:
    """Start WSGI apps on free loopback ports; stop them all at the end."""
    servers = []

    def start(app: WSGIApp) -> str:
        server = make_server("127.0.0.1", 0, app, threaded=True)
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        servers.append((server, thread))
        return f"http://127.0.0.1:{server.server_port}"

    yield start
    for server, thread in servers:
        server.shutdown()
        server.server_close()
        thread.join()


@pytest.fixture(scope="session")
def ours(serve: Callable[[WSGIApp], str]) -> str:
    """Our app, as production runs it (memo on), on its own origin."""
    return serve(create_app({**seed_settings(), "TESTING": False}))


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not os.access(CHROMIUM, os.X_OK):
        pytest.fail(f"{CHROMIUM} is missing: apt-get install chromium (Debian's package)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()
