"""Docs stay honest: every setting is documented in the README."""

from __future__ import annotations

import pytest

from app.config import DEFAULTS, PROJECT_ROOT

README = (PROJECT_ROOT / "README.md").read_text()


@pytest.mark.parametrize("name", sorted(DEFAULTS))
def test_every_setting_is_in_the_readme(name: str) -> None:
    assert f"`DEPECHE_{name}`" in README


def test_readme_opens_with_the_two_commands() -> None:
    head = README[:600]
    assert "make run" in head and "make test" in head
