"""The database: one SQLAlchemy engine per process, sessions, and the change sequence.

SQLite (embedded, one host) and PostgreSQL (psycopg 3, several replicas) run the same code;
what differs is said where it differs, and only where the engine makes it necessary:

* SQLite gets WAL mode, foreign keys and an explicit BEGIN (``make_engine``); PostgreSQL gets a
  connect timeout (a libpq parameter).
* A read sees one snapshot: SQLite's explicit BEGIN gives that already; PostgreSQL's default
  (READ COMMITTED) takes a snapshot per statement, so reads run REPEATABLE READ, READ ONLY.
* A change is announced to other processes with NOTIFY on PostgreSQL (app/store/notify.py);
  SQLite has no such thing, and other processes notice the change sequence move instead.
"""

from __future__ import annotations

import logging
import time
import weakref
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar, cast

from sqlalchemy import Engine, Table, create_engine, event, func, select, update
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session, sessionmaker

from app.store.models import StoreState

T = TypeVar("T")
log = logging.getLogger(__name__)

#: The PostgreSQL channel a committed change is announced on; its payload is the change number.
CHANNEL = "depeche_changes"
#: Tries of a read whose connection was lost under it (a server restart, a failover).
READ_ATTEMPTS = 2


class StoreError(Exception):
    """The database cannot be used as it is; the message says what to do."""


@dataclass(frozen=True)
class PoolSettings:
    """How many connections a process keeps and opens, and how long it waits for them."""

    size: int = 5
    max_overflow: int = 5
    timeout: float = 5.0
    connect_timeout: int = 5

    @classmethod
    def from_settings(cls, settings: Any) -> PoolSettings:
        return cls(
            int(settings["DATABASE_POOL_SIZE"]),
            int(settings["DATABASE_MAX_OVERFLOW"]),
            float(settings["DATABASE_POOL_TIMEOUT"]),
            int(settings["DATABASE_CONNECT_TIMEOUT"]),
        )


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


#: The execution option that marks a writer's connection (``Database.write``).
WRITER = "depeche_writer"


def _sqlite_begin(connection: Any) -> None:
    # A writer begins IMMEDIATE: it waits for the write lock in SQLite's busy handler before
    # it reads anything. A deferred transaction that read first and then writes is refused at
    # once ("database is locked", the busy handler is never asked) when another connection
    # holds the lock or committed since its snapshot: 8 publishers got a 503 in three.
    immediate = connection.get_execution_options().get(WRITER, False)
    connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


def make_engine(url: str, pool: PoolSettings | None = None) -> Engine:
    """An engine for *url*, its pool sized by *pool*, connections checked before use (a
    restarted server leaves dead ones behind). SQLite gets WAL mode and real transactions, its
    folder created; PostgreSQL a bound on connecting, so nothing waits on a server that is gone."""
    pool = pool or PoolSettings()
    parsed = make_url(url)
    options: dict[str, Any] = {"pool_pre_ping": True}
    if parsed.database not in (None, "", ":memory:"):
        # An in-memory SQLite database lives in one connection: it keeps its own pool.
        options.update(
            pool_size=pool.size, max_overflow=pool.max_overflow, pool_timeout=pool.timeout
        )
    if parsed.get_backend_name() != "sqlite":
        options["connect_args"] = {"connect_timeout": pool.connect_timeout}
        return create_engine(url, **options)
    if parsed.database and parsed.database != ":memory:":
        Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url, **options)
    event.listen(engine, "connect", _sqlite_pragmas)
    event.listen(engine, "begin", _sqlite_begin)
    return engine


def connection_lost(error: BaseException) -> bool:
    """Whether *error* says the database connection went away (the server restarted, or
    cannot be reached), rather than that a statement was wrong."""
    return isinstance(error, DBAPIError) and bool(error.connection_invalidated)


class Database:
    """Sessions on one engine, and the store-wide change sequence."""

    def __init__(self, url: str, pool: PoolSettings | None = None) -> None:
        self.url = url
        self.pool = pool or PoolSettings()
        self.engine = make_engine(url, self.pool)
        self.dialect = self.engine.dialect.name
        reading = self.engine
        if self.dialect == "postgresql":
            reading = self.engine.execution_options(
                isolation_level="REPEATABLE READ", postgresql_readonly=True
            )
        self._readers = sessionmaker(reading, expire_on_commit=False)
        self._writers = sessionmaker(
            self.engine.execution_options(**{WRITER: True}), expire_on_commit=False
        )
        # A Database dropped without dispose() (an app that goes away) closes its pooled
        # connections rather than leaving them to the garbage collector, open.
        weakref.finalize(self, self.engine.dispose)

    @contextmanager
    def read(self) -> Iterator[Session]:
        """A session that sees one consistent snapshot and writes nothing."""
        with self._readers() as session:
            try:
                yield session
            finally:
                session.rollback()

    def reading(self, query: Callable[[Session], T]) -> T:
        """*query* run in a read session; run again when the connection was lost under it (a
        restarted server), at most READ_ATTEMPTS times. A database still away raises."""
        for attempt in range(1, READ_ATTEMPTS + 1):
            try:
                with self.read() as session:
                    return query(session)
            except DBAPIError as error:
                if attempt == READ_ATTEMPTS or not connection_lost(error):
                    raise
                log.warning("the database connection was lost; reading again: %s", error.orig)
                time.sleep(0.05)
        raise AssertionError("unreachable")

    @contextmanager
    def write(self) -> Iterator[Session]:
        """A session committed at the end of the block, rolled back on any error. Writers take
        the store's one state row first (FOR UPDATE; SQLite locks the whole database for a
        writer anyway), so they run one after another and none works on a state another
        is changing."""
        with self._writers() as session, session.begin():
            session.execute(select(StoreState.seq).where(StoreState.id == 1).with_for_update())
            yield session

    @staticmethod
    def next_seq(session: Session) -> int:
        """Take the next change number. The row lock orders concurrent writers, so numbers
        commit in order and a reader that saw N has seen everything up to N. On PostgreSQL the
        number is announced to every listener when (and only if) the transaction commits."""
        state = cast(Table, StoreState.__table__)  # Core, not ORM: nothing in the session to sync
        taken = update(state).where(state.c.id == 1).values(seq=state.c.seq + 1)
        seq: int = session.execute(taken.returning(state.c.seq)).scalar_one()
        if session.get_bind().dialect.name == "postgresql":
            session.execute(select(func.pg_notify(CHANNEL, str(seq))))
        return seq

    def seq(self) -> int:
        """The number of the last committed change."""
        with self.engine.connect() as connection:
            found = connection.execute(select(StoreState.seq).where(StoreState.id == 1))
            return int(found.scalar_one_or_none() or 0)

    def dispose(self) -> None:
        self.engine.dispose()
