"""Where jobs wait: a huey instance for ``JOBS_URL``.

Empty: the store's own engine — ``SqliteHuey``, a file next to a SQLite store (the embedded
default: `make run` needs nothing else), or huey's PostgreSQL tables in a PostgreSQL store, so
replicas and consumers on several machines share one queue with no other setting.
``postgresql://…``: ``PostgresHuey`` (psycopg 3), ``redis://…``: ``RedisHuey``,
for consumers on several machines.
"""

from __future__ import annotations

import atexit
import threading
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy.engine import make_url

from app import config

if TYPE_CHECKING:
    import psycopg
    from huey import Huey

#: The queue's name in the storage (tables and keys are per name).
NAME = "depeche"
FILE = "jobs.sqlite3"


class JobsConfigError(Exception):
    """JOBS_URL names a storage this installation cannot use; the message says why."""


def sqlite_path(settings: Mapping[str, Any]) -> Path:
    """The embedded queue's file: beside a SQLite store, else in the instance folder."""
    store = make_url(config.database_url(settings))
    if store.get_backend_name() == "sqlite" and store.database not in (None, "", ":memory:"):
        return Path(str(store.database)).parent / FILE
    return Path(settings["INSTANCE_DIR"]) / FILE


def where(settings: Mapping[str, Any]) -> str:
    """The queue's storage, for messages (no password)."""
    url = queue_url(settings)
    if not url:
        return f"sqlite:///{sqlite_path(settings)}"
    return make_url(url).render_as_string(hide_password=True)


def queue_url(settings: Mapping[str, Any]) -> str:
    """JOBS_URL, or the store's URL when the store is PostgreSQL (empty: the SQLite file)."""
    url = str(settings.get("JOBS_URL") or "")
    if url:
        return url
    store = config.database_url(settings)
    return store if make_url(store).get_backend_name() == "postgresql" else ""


class _Connections:
    """huey's PostgreSQL storage opens a connection per thread and leaves it to the garbage
    collector, which warns about each; these are kept, and closed when the process exits."""

    def __init__(self, dsn: str) -> None:
        self.dsn = dsn
        self._open: list[psycopg.Connection[Any]] = []
        self._lock = threading.Lock()
        atexit.register(self.close)

    def __call__(self) -> psycopg.Connection[Any]:
        import psycopg

        connection = psycopg.connect(self.dsn)
        with self._lock:
            self._open = [c for c in self._open if not c.closed] + [connection]
        return connection

    def close(self) -> None:
        with self._lock:
            found, self._open = self._open, []
        for connection in found:
            connection.close()


SQLITE, POSTGRESQL, REDIS = "sqlite", "postgresql", "redis"


def check_storage(settings: Mapping[str, Any]) -> str:
    """Which storage JOBS_URL names (sqlite, postgresql, redis); JobsConfigError if none."""
    url = queue_url(settings)
    if not url or url.startswith("sqlite:///"):
        return SQLITE
    if url.startswith(("postgresql://", "postgres://", "postgresql+psycopg://")):
        return POSTGRESQL
    if url.startswith(("redis://", "rediss://", "unix://")):
        return REDIS
    raise JobsConfigError(
        f"JOBS_URL must be empty, sqlite:///…, postgresql://… or redis://…, not {where(settings)!r}"
    )


def make_huey(settings: Mapping[str, Any]) -> Huey:
    """A huey instance on the configured storage (results are not kept: jobs return nothing)."""
    from huey import PostgresHuey, RedisHuey, SqliteHuey

    kind, url = check_storage(settings), queue_url(settings)
    options: dict[str, Any] = {"results": False, "utc": True}
    if kind == SQLITE:
        path = Path(url.removeprefix("sqlite:///")) if url else sqlite_path(settings)
        path.parent.mkdir(parents=True, exist_ok=True)
        return SqliteHuey(NAME, filename=str(path), timeout=10, **options)
    if kind == POSTGRESQL:
        # psycopg takes a libpq URL; SQLAlchemy's "postgresql+psycopg://" is not one.
        dsn = url.replace("postgresql+psycopg://", "postgresql://", 1)
        return PostgresHuey(
            NAME, connection=_Connections(dsn), table_prefix="depeche_jobs", **options
        )
    return RedisHuey(NAME, url=url, **options)
