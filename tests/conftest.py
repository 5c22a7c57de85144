"""Fixtures: the real app on the real data in ``data/``, and copies of it to break."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from app import create_app
from app.config import PROJECT_ROOT

DATA_DIR = PROJECT_ROOT / "data"
SLUG = "mali-army-convoy-kidal"
#: The wire copy as received; source.txt is kept byte for byte (a test checks it against
#: the newsroom's original when that is at hand).
SEED = DATA_DIR / "articles" / SLUG / "source.txt"
ORIGINAL_SEED = PROJECT_ROOT.parent / "shared" / "seed" / "mali-army-convoy-kidal.txt"


@pytest.fixture(scope="session")
def app() -> Flask:
    return create_app({"TESTING": True, "DATA_DIR": DATA_DIR})


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def data_copy(tmp_path: Path) -> Path:
    """A writable copy of data/ to edit or break."""
    target = tmp_path / "data"
    shutil.copytree(DATA_DIR, target)
    return target


@pytest.fixture
def article_md(data_copy: Path) -> Path:
    return data_copy / "articles" / SLUG / "article.md"


@pytest.fixture
def make_app() -> Callable[[Path], Flask]:
    def make(data_dir: Path) -> Flask:
        return create_app({"TESTING": True, "DATA_DIR": data_dir})

    return make
