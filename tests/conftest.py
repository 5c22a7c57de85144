"""Fixtures: the real app on the real seed in a real database (SQLite, or PostgreSQL with
``--store=postgresql``), and copies to break."""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

# prometheus-client picks its storage when it is first imported (by the app, below): a
# developer's multiprocess folder must be gone before that, not only before each test.
os.environ.pop("PROMETHEUS_MULTIPROC_DIR", None)

from flask import Flask
from flask.testing import FlaskClient

from app import create_app
from app.config import PROJECT_ROOT
from tests import store
from tests.store import database_from, drop, new_url, seed_url

DATA_DIR = PROJECT_ROOT / "data"
SLUG = "mali-army-convoy-kidal"
#: The wire copy as received; source.txt is kept byte for byte (a test checks its sha256).
SEED = DATA_DIR / "articles" / SLUG / "source.txt"
#: Tiny real argos packages that memorize the seed (built by scripts/build-fixture-models).
FIXTURE_MODELS = PROJECT_ROOT / "tests" / "fixtures" / "models"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--store",
        choices=store.ENGINES,
        default="sqlite",
        help="the engine of every test store: sqlite (files), or postgresql (a server this "
        "run starts; only the tests that reach the store run)",
    )


def pytest_configure(config: pytest.Config) -> None:
    store.use(config.getoption("--store"))
    config.addinivalue_line("markers", "store: the test reaches the store (run on each engine)")


#: Fixtures that hand a test a store, or an app on one.
STORE_FIXTURES = {"seed_database", "app", "client", "database_for", "make_app", "runner_env"}
#: Names a test module uses to reach a store without those fixtures.
STORE_HELPERS = {"seed_settings", "seed_url", "database_from", "new_url", "granian", "cli"}


def reaches_the_store(item: pytest.Item) -> bool:
    """Whether *item* reads or writes a store (the rest runs once, on SQLite)."""
    names = set(getattr(item, "fixturenames", ()))
    module = getattr(item, "module", None)
    return bool(
        names & STORE_FIXTURES
        or item.get_closest_marker("store")
        or (module is not None and STORE_HELPERS & set(vars(module)))
    )


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if not store.on_postgresql():
        return
    kept = [item for item in items if reaches_the_store(item)]
    left = [item for item in items if not reaches_the_store(item)]
    if left:
        config.hook.pytest_deselected(items=left)
        items[:] = kept


def _outside_settings() -> list[str]:
    return [n for n in os.environ if n.startswith("DEPECHE_") or n == "PROMETHEUS_MULTIPROC_DIR"]


@pytest.fixture(scope="session", autouse=True)
def _no_outside_settings_for_the_session() -> Iterator[None]:
    """A developer's exported settings never change a test: cleared before any fixture (module
    ones start servers from this environment), restored at the end."""
    with pytest.MonkeyPatch.context() as patch:
        for name in _outside_settings():
            patch.delenv(name)
        yield


@pytest.fixture(autouse=True)
def _no_outside_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    """…and none set by a test reaches the next one (the CLI reads the environment)."""
    for name in _outside_settings():
        monkeypatch.delenv(name)


@pytest.fixture(scope="session")
def no_models(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An empty models folder: tests never see models installed on the machine."""
    return tmp_path_factory.mktemp("no-models")


@pytest.fixture(scope="session")
def seed_database() -> str:
    """The URL of a database holding the committed seed (read it, do not write it)."""
    return seed_url()


@pytest.fixture(scope="session")
def app(no_models: Path, seed_database: str) -> Flask:
    return create_app({"TESTING": True, "DATABASE_URL": seed_database, "MODELS_DIR": no_models})


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
def database_for(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Callable[[Path], str]]:
    """A new database holding the articles of a data folder (import errors propagate)."""
    made: list[str] = []

    def make(data_dir: Path) -> str:
        made.append(database_from(data_dir, tmp_path_factory.mktemp("db")))
        return made[-1]

    yield make
    for url in made:
        drop(url)


@pytest.fixture
def make_app(no_models: Path, database_for: Callable[[Path], str]) -> Callable[..., Flask]:
    """An app on its own database, imported from *data_dir*."""

    def make(data_dir: Path, **settings: Any) -> Flask:
        config = {"TESTING": True, "DATABASE_URL": database_for(data_dir), "MODELS_DIR": no_models}
        return create_app({**config, **settings})

    return make


@pytest.fixture(scope="session")
def models_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Both fixture packages, installed the way `depeche models install-file` does."""
    from app.translation.packages import install_archive

    target = tmp_path_factory.mktemp("models")
    for name in ("translate-en_fr.argosmodel", "translate-fr_en.argosmodel"):
        install_archive(FIXTURE_MODELS / name, target, origin=name)
    return target


@pytest.fixture
def runner_env(tmp_path: Path) -> Iterator[dict[str, str]]:
    """Environment for CLI runs on a database of their own (empty: the CLI creates it)."""
    url = new_url(tmp_path)
    yield {"DEPECHE_DATABASE_URL": url}
    drop(url)
