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
#: Tiny real argos packages that memorize the seed (built by scripts/build-fixture-models).
FIXTURE_MODELS = PROJECT_ROOT / "tests" / "fixtures" / "models"


@pytest.fixture(scope="session")
def no_models(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An empty models folder: tests never see models installed on the machine."""
    return tmp_path_factory.mktemp("no-models")


@pytest.fixture(scope="session")
def app(no_models: Path) -> Flask:
    return create_app({"TESTING": True, "DATA_DIR": DATA_DIR, "MODELS_DIR": no_models})


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
def make_app(no_models: Path) -> Callable[[Path], Flask]:
    def make(data_dir: Path) -> Flask:
        return create_app({"TESTING": True, "DATA_DIR": data_dir, "MODELS_DIR": no_models})

    return make


@pytest.fixture(scope="session")
def models_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Both fixture packages, installed the way `depeche models install-file` does."""
    from app.translation.packages import install_archive

    target = tmp_path_factory.mktemp("models")
    for name in ("translate-en_fr.argosmodel", "translate-fr_en.argosmodel"):
        install_archive(FIXTURE_MODELS / name, target, origin=name)
    return target
