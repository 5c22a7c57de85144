"""SQLite writers take turns on our lock (app/store/writelock.py): a writer whose turn has not
come waits on it, not in SQLite's sleeping busy handler, and goes on when it is released; the
wait is bounded by the busy timeout, and a process that dies gives its turn up."""

from __future__ import annotations

import multiprocessing
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlencode

import pytest
from sqlalchemy.exc import OperationalError

from app import create_app
from app.store.database import Database, PoolSettings, sqlite_file
from app.store.migrate import upgrade
from app.store.writelock import WriteLock
from tests.conftest import DATA_DIR, SEED
from tests.store import imported
from tests.test_ingest_api import EDITORIAL
from tests.tokens import bearer, issue_token

#: Another process that takes the writers' lock file (as our writers do: a POSIX lock), and
#: with "sqlite" SQLite's write lock too, says "held", and keeps them until its stdin closes.
HOLDER = """
import fcntl, os, sqlite3, sys
lock = os.open(sys.argv[1], os.O_RDWR | os.O_CREAT)
fcntl.lockf(lock, fcntl.LOCK_EX)
if sys.argv[3] == "sqlite":
    database = sqlite3.connect(sys.argv[2], isolation_level=None)
    database.execute("BEGIN IMMEDIATE")
print("held", flush=True)
sys.stdin.read()
"""


def url_of(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'depeche.sqlite3'}"


@pytest.fixture
def database(tmp_path: Path) -> Iterator[Database]:
    found = Database(url_of(tmp_path))
    upgrade(found)
    yield found
    found.dispose()


def lock_file(database: Database) -> Path:
    file = sqlite_file(database.url)
    assert file is not None
    return WriteLock.of(file).path


def hold(database: Database, what: str) -> subprocess.Popen[str]:
    """Another process holding the writers' lock ("lock"), or SQLite's lock too ("sqlite")."""
    file = sqlite_file(database.url)
    args = [sys.executable, "-c", HOLDER, str(lock_file(database)), str(file), what]
    holder = subprocess.Popen(args, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    assert holder.stdout is not None
    assert holder.stdout.readline() == "held\n"
    return holder


def release(holder: subprocess.Popen[str], kill: bool = False) -> None:
    """Let the holder go (it exits), or kill it (the kernel releases what it held)."""
    if kill:
        holder.kill()
    holder.communicate(timeout=10)


def sqlite_lock_is_free(database: Database) -> bool:
    """Whether SQLite's write lock can be taken at once (another connection, no waiting)."""
    connection = sqlite3.connect(str(sqlite_file(database.url)), isolation_level=None, timeout=0)
    try:
        connection.execute("BEGIN IMMEDIATE")
        connection.execute("ROLLBACK")
        return True
    except sqlite3.OperationalError:
        return False
    finally:
        connection.close()


class Writer(threading.Thread):
    """One write on *database* in a thread of its own: its new change number, or its error,
    and how much of the busy timeout its turn left."""

    def __init__(self, database: Database) -> None:
        super().__init__(daemon=True)
        self.database = database
        self.seq: int | None = None
        self.error: Exception | None = None
        self.left: float | None = None
        self.start()

    def run(self) -> None:
        try:
            with self.database.turn() as left:
                self.left = left
            with self.database.write() as session:
                self.seq = self.database.next_seq(session)
        except Exception as error:  # looked at by the test
            self.error = error


def parked(writer: Writer) -> bool:
    """The writer is still waiting (it had a quarter of a second to get through)."""
    writer.join(0.25)
    return writer.is_alive()


def test_a_writer_waits_on_the_lock_of_another_process_and_goes_on_when_it_is_released(
    database: Database,
) -> None:
    # The other process holds our lock but not SQLite's: a writer that went by SQLite alone
    # would write at once. It waits on our lock instead, while SQLite's is free.
    before = database.seq()
    holder = hold(database, "lock")
    try:
        writer = Writer(database)
        assert parked(writer)
        assert sqlite_lock_is_free(database)
    finally:
        release(holder)
    writer.join(5)
    assert writer.error is None
    assert writer.seq == before + 1
    assert writer.left is not None and writer.left > 0  # its turn came, not its timeout


def test_a_writer_waits_on_a_thread_of_its_own_process_and_goes_on_after_it(
    database: Database,
) -> None:
    with database.turn():
        writer = Writer(database)
        assert parked(writer)
        assert sqlite_lock_is_free(database)
    writer.join(5)
    assert writer.error is None
    assert writer.left is not None and writer.left > 0


def test_a_writer_that_raises_gives_its_turn_up(database: Database) -> None:
    with pytest.raises(ZeroDivisionError), database.write():
        raise ZeroDivisionError
    writer = Writer(database)
    writer.join(5)
    assert writer.error is None
    assert writer.left is not None and writer.left > 0


def test_the_turn_of_a_killed_process_goes_to_the_next_writer(database: Database) -> None:
    holder = hold(database, "lock")
    writer = Writer(database)
    assert parked(writer)
    release(holder, kill=True)
    writer.join(15)
    assert writer.error is None
    assert writer.left is not None and writer.left > 0


def test_a_writer_waits_the_busy_timeout_in_all_then_gets_sqlites_error(tmp_path: Path) -> None:
    # Another process holds both locks for longer than the timeout. The writer waits for our
    # lock, then SQLite's handler for what is left: 1.5 s in all, not 1.5 s for each.
    database = Database(url_of(tmp_path), PoolSettings(busy_timeout=1.5))
    upgrade(database)
    holder = hold(database, "sqlite")
    try:
        began = time.monotonic()
        with pytest.raises(OperationalError, match="database is locked"), database.write():
            pass
        waited = time.monotonic() - began
    finally:
        release(holder)
        database.dispose()
    assert 1.4 <= waited < 2.8


def test_a_publish_past_the_busy_timeout_is_a_503_with_retry_after(
    tmp_path: Path, no_models: Path
) -> None:
    url = imported(DATA_DIR, url_of(tmp_path))  # SQLite whatever the run's store
    app = create_app(
        {
            "TESTING": True,
            "DATABASE_URL": url,
            "MODELS_DIR": no_models,
            "DATABASE_BUSY_TIMEOUT": 0.5,
        }
    )
    database: Database = app.extensions["depeche.database"]
    headers = {**bearer(issue_token(app, "publish")), "Content-Type": "text/plain; charset=utf-8"}
    query = urlencode({**EDITORIAL, "slug": "locked-out"})
    holder = hold(database, "sqlite")
    try:
        response = app.test_client().post(
            f"/api/v1/ingest?{query}", data=SEED.read_bytes(), headers=headers
        )
    finally:
        release(holder)
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "2"
    assert response.content_type == "application/problem+json"


def _write_in_child(database: Database, lefts: multiprocessing.SimpleQueue[float]) -> None:
    with database.turn() as left:
        lefts.put(left)


def test_a_forked_child_does_not_inherit_the_parents_turn(database: Database) -> None:
    # Forked while this process holds its turn (as `depeche import` forks its readers): the
    # child waits for the parent's file lock, and gets its turn when the parent lets it go,
    # not stuck behind a copy of the parent's thread lock.
    context = multiprocessing.get_context("fork")
    lefts: multiprocessing.SimpleQueue[float] = context.SimpleQueue()
    with database.turn():
        child = context.Process(target=_write_in_child, args=(database, lefts))
        child.start()
        child.join(0.25)
        assert child.is_alive()
    child.join(15)
    assert child.exitcode == 0
    assert lefts.get() > 0


def test_an_in_memory_database_has_no_lock_file() -> None:
    database = Database("sqlite://")
    try:
        upgrade(database)
        with database.write() as session:
            assert database.next_seq(session) == 1
    finally:
        database.dispose()
    assert sqlite_file("sqlite:///:memory:") is None
    assert sqlite_file("sqlite:///file:x?mode=memory&uri=true") is None
    assert sqlite_file("postgresql+psycopg://u@h/d") is None
