"""Settings come from one place: defaults, then the environment — or a test config instead of it.

A developer's exported ``DEPECHE_*`` variables must never change what a test sees: the test
config replaces the environment (``config.load``), and the suite clears those variables.
"""

from __future__ import annotations

import os

import pytest

from app import config, create_app
from tests.store import seed_settings

SLUG = "mali-army-convoy-kidal"


def test_the_environment_gives_settings_when_there_is_no_test_config(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("DEPECHE_PUBLIC_URL", "https://elsewhere.example")
    assert config.load()["PUBLIC_URL"] == "https://elsewhere.example"


def test_a_test_config_replaces_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DEPECHE_PUBLIC_URL", "https://elsewhere.example")
    monkeypatch.setenv("DEPECHE_MAX_CONTENT_LENGTH", "1")
    settings = config.load({"TESTING": True})
    assert settings["PUBLIC_URL"] == config.DEFAULTS["PUBLIC_URL"]
    assert settings["MAX_CONTENT_LENGTH"] == config.DEFAULTS["MAX_CONTENT_LENGTH"]


def test_an_app_from_a_test_config_ignores_exported_settings(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("DEPECHE_PUBLIC_URL", "https://elsewhere.example")
    client = create_app(seed_settings()).test_client()
    html = client.get(f"/en/articles/{SLUG}").get_data(as_text=True)
    assert f'<link rel="canonical" href="http://localhost/en/articles/{SLUG}">' in html
    assert "elsewhere.example" not in html


def test_no_outside_setting_reaches_a_test() -> None:
    # The suite's autouse fixtures clear them, whatever the shell running pytest exported.
    assert [n for n in os.environ if n.startswith("DEPECHE_")] == []
    assert "PROMETHEUS_MULTIPROC_DIR" not in os.environ
