"""Real databases for tests: the seed imported once per run, or any data folder — on SQLite
(files in temp folders), or with ``pytest --store=postgresql`` on a real PostgreSQL server
that the run starts itself (tests/postgres.py), one database per store."""

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
ENGINES = ("sqlite", "postgresql")

#: The engine every store of this run is made on (``pytest --store``; tests/conftest.py).
engine = "sqlite"


def use(name: str) -> None:
    """Make every store of this run on *name* (one of ENGINES)."""
    global engine
    if name not in ENGINES:
        raise ValueError(f"--store must be one of {', '.join(ENGINES)}, not {name!r}")
    engine = name


def on_postgresql() -> bool:
    return engine == "postgresql"


def new_url(directory: Path) -> str:
    """The URL of a new, empty database (no schema yet): a SQLite file in *directory*, or a
    database of its own on the run's PostgreSQL server."""
    if not on_postgresql():
        return f"sqlite:///{directory / 'depeche.sqlite3'}"
    from tests.postgres import server

    return server().url(server().create_database())


def drop(url: str) -> None:
    """Drop a PostgreSQL database made by new_url (SQLite files go with their temp folder)."""
    if url.startswith("postgresql"):
        from tests.postgres import server

        server().drop_database(url.rsplit("/", 1)[1])


def _files(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()
    }


def database_from(data_dir: Path, directory: Path) -> str:
    """A new database holding the articles of *data_dir*; its URL. A bad folder raises the
    error `depeche import` reports. On PostgreSQL, a data folder that is the seed as committed
    becomes a copy of one imported database (CREATE DATABASE … TEMPLATE: a few ms)."""
    if on_postgresql() and _files(data_dir) == _seed_files():
        from tests.postgres import server

        return server().url(server().create_database(template=_seed_template()))
    return imported(data_dir, new_url(directory))


def imported(data_dir: Path, url: str) -> str:
    """*url* migrated, and the articles of *data_dir* imported into it; the URL."""
    database = Database(url)
    try:
        upgrade(database)
        for folder in article_folders(data_dir):
            import_folder(database, folder, data_dir)
    finally:
        database.dispose()
    return url


@cache
def _seed_files() -> dict[str, bytes]:
    return _files(DATA_DIR)


@cache
def _seed_template() -> str:
    """A PostgreSQL database holding the seed that nothing connects to: the template of
    every copy (a template must have no connection while it is copied)."""
    url = imported(DATA_DIR, new_url(Path()))
    return url.rsplit("/", 1)[1]


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
