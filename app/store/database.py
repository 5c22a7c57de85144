"""The database: one SQLAlchemy engine per process, sessions, and the change sequence."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, select, update
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from app.store.models import StoreState


class StoreError(Exception):
    """The database cannot be used as it is; the message says what to do."""


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    # pysqlite opens transactions lazily, only before writes: reads inside one session would
    # each see a different state. Emit BEGIN ourselves (SQLAlchemy's documented recipe), so a
    # session reads one snapshot, never half an old article and half a new one.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.close()


def _sqlite_begin(connection: Any) -> None:
    connection.exec_driver_sql("BEGIN")


def make_engine(url: str) -> Engine:
    """An engine for *url*; SQLite gets WAL mode and real transactions, its folder created."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        return create_engine(url, pool_pre_ping=True)
    if parsed.database and parsed.database != ":memory:":
        Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url)
    event.listen(engine, "connect", _sqlite_pragmas)
    event.listen(engine, "begin", _sqlite_begin)
    return engine


class Database:
    """Sessions on one engine, and the store-wide change sequence."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.engine = make_engine(url)
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)

    @contextmanager
    def read(self) -> Iterator[Session]:
        """A session that sees one consistent snapshot and writes nothing."""
        with self._sessions() as session:
            try:
                yield session
            finally:
                session.rollback()

    @contextmanager
    def write(self) -> Iterator[Session]:
        """A session committed at the end of the block, rolled back on any error."""
        with self._sessions() as session, session.begin():
            yield session

    @staticmethod
    def next_seq(session: Session) -> int:
        """Take the next change number. The row lock orders concurrent writers, so numbers
        commit in order and a reader that saw N has seen everything up to N."""
        session.execute(update(StoreState).where(StoreState.id == 1).values(seq=StoreState.seq + 1))
        seq: int = session.execute(select(StoreState.seq).where(StoreState.id == 1)).scalar_one()
        return seq

    def seq(self) -> int:
        """The number of the last committed change."""
        with self.engine.connect() as connection:
            found = connection.execute(select(StoreState.seq).where(StoreState.id == 1))
            return int(found.scalar_one_or_none() or 0)

    def dispose(self) -> None:
        self.engine.dispose()
