"""Real SQLite databases for tests: the seed imported once per run, or any data folder."""

from __future__ import annotations

import atexit
import shutil
import tempfile
from functools import cache
from pathlib import Path

from app.config import PROJECT_ROOT
from app.exchange.folders import article_folders, import_folder
from app.store.database import Database
from app.store.migrate import upgrade

DATA_DIR = PROJECT_ROOT / "data"


def database_from(data_dir: Path, directory: Path) -> str:
    """A new database in *directory* holding the articles of *data_dir*; its URL. A bad
    folder raises the error `depeche import` reports."""
    url = f"sqlite:///{directory / 'depeche.sqlite3'}"
    database = Database(url)
    try:
        upgrade(database)
        for folder in article_folders(data_dir):
            import_folder(database, folder, data_dir)
    finally:
        database.dispose()
    return url


@cache
def seed_url() -> str:
    """The committed seed, imported once per test run (tests only read it)."""
    directory = Path(tempfile.mkdtemp(prefix="depeche-seed-"))
    atexit.register(shutil.rmtree, directory, ignore_errors=True)
    return database_from(DATA_DIR, directory)


@cache
def empty_models() -> Path:
    """An empty models folder: no test sees models installed on the machine by accident."""
    directory = Path(tempfile.mkdtemp(prefix="depeche-no-models-"))
    atexit.register(shutil.rmtree, directory, ignore_errors=True)
    return directory


def seed_settings() -> dict[str, object]:
    """Settings for an app on the seed database, with no models unless a test gives some."""
    return {"TESTING": True, "DATABASE_URL": seed_url(), "MODELS_DIR": empty_models()}
