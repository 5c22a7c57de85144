"""PostgreSQL: changes told by LISTEN/NOTIFY (and caught up after the listening connection is
cut), reads in one snapshot, and a server that restarts or stops under a running app — a 503
with Retry-After, never a 500 or a hang. Run by ``pytest --store=postgresql`` (make test)."""

from __future__ import annotations

import gc
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import psycopg
import pytest
from flask import Flask
from sqlalchemy import select, text
from sqlalchemy.orm import Session

from app import create_app
from app.content import repository as articles
from app.store import notify
from app.store.database import Database
from app.store.migrate import MIGRATION_LOCK, current, head
from app.store.models import StoreState
from tests.conftest import SLUG
from tests.postgres import PostgresServer, server
from tests.store import DATA_DIR, imported, on_postgresql

pytestmark = [
    pytest.mark.store,
    pytest.mark.skipif(not on_postgresql(), reason="PostgreSQL only: pytest --store=postgresql"),
]

ARTICLE = f"/api/v1/articles/{SLUG}?lang=en"
#: Far longer than any test: a change served sooner was told, not looked for.
NEVER = 3600.0


def correct(url: str, headline: str) -> None:
    """Commit a new headline of the seed article from another Database (another process's)."""
    database = Database(url)
    try:
        with database.write() as session:
            row = articles.find(session, SLUG)
            assert row is not None
            row.headline = headline
            articles.record(session, row, "test", "correct")
    finally:
        database.dispose()


def served_within(app: Flask, text: str, seconds: float) -> float:
    """Seconds until *app* serves *text* in the article; fails after *seconds*."""
    client, started = app.test_client(), time.monotonic()
    while text not in client.get(ARTICLE).get_data(as_text=True):
        assert time.monotonic() - started < seconds, f"{text!r} not served in {seconds} s"
        time.sleep(0.01)
    return time.monotonic() - started


@pytest.fixture
def store(database_for: Callable[[Path], str]) -> str:
    return database_for(DATA_DIR)


def app_on(url: str, no_models: Path) -> Flask:
    return create_app(
        {
            "TESTING": True,
            "DATABASE_URL": url,
            "MODELS_DIR": no_models,
            "CHANGE_CHECK_INTERVAL": NEVER,
        }
    )


def test_a_change_is_told_to_a_worker_that_never_looks(store: str, no_models: Path) -> None:
    app = app_on(store, no_models)
    listener = app.extensions["depeche.publication"].watcher.listener
    assert listener.wait_live(5)
    assert "Malian army" in app.test_client().get(ARTICLE).get_data(as_text=True)
    before = listener.notified
    correct(store, "Told at once")
    assert served_within(app, "Told at once", 1.0) < 1.0
    assert listener.notified > before


def test_changes_missed_while_the_listener_was_cut_are_caught_up(
    store: str, no_models: Path
) -> None:
    app = app_on(store, no_models)
    client = app.test_client()
    listener = app.extensions["depeche.publication"].watcher.listener
    assert listener.wait_live(5)
    assert client.get(ARTICLE).status_code == 200
    name = store.rsplit("/", 1)[1]
    writer = Database(store)
    with writer.write() as session:  # the writer's connection, open before the door shuts
        session.execute(select(StoreState.seq))
    try:
        # No new connection to this database from here on: the listener cannot come back.
        server().execute(f"ALTER DATABASE {name} ALLOW_CONNECTIONS false")
        assert server().terminate(notify.APPLICATION_NAME) >= 1
        deadline = time.monotonic() + 5
        while listener.live:
            assert time.monotonic() < deadline
            time.sleep(0.01)
        with writer.write() as session:
            row = articles.find(session, SLUG)
            assert row is not None
            row.headline = "Committed while nobody listened"
            articles.record(session, row, "test", "correct")
        time.sleep(0.3)
        assert "Committed while" not in client.get(ARTICLE).get_data(as_text=True)
    finally:
        server().execute(f"ALTER DATABASE {name} ALLOW_CONNECTIONS true")
        writer.dispose()
    # It reconnects by itself, and reads what it missed.
    served_within(app, "Committed while nobody listened", 3.0)
    assert listener.wait_live(1)


def test_a_read_whose_connection_dies_under_it_is_read_again(store: str) -> None:
    database = Database(store)
    calls: list[int] = []

    def query(session: Session) -> int:
        calls.append(len(calls))
        if len(calls) == 1:  # the server ends this very connection mid-read
            session.execute(text("SELECT pg_terminate_backend(pg_backend_pid())"))
        return int(session.execute(select(StoreState.seq)).scalar_one())

    try:
        assert database.reading(query) >= 0
    finally:
        database.dispose()
    assert calls == [0, 1]


# --- a server that goes away ----------------------------------------------------------------


@pytest.fixture(scope="module")
def own_server() -> Iterator[PostgresServer]:
    """A server of this module's own, to stop and restart without disturbing other tests."""
    folder = Path(tempfile.mkdtemp(prefix="depeche-pg-restart-"))
    found = PostgresServer(folder)
    try:
        found.init()
        found.start()
        yield found
    finally:
        found.stop()
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture
def restartable(own_server: PostgresServer, no_models: Path) -> Iterator[Flask]:
    url = own_server.url(own_server.create_database())
    imported(DATA_DIR, url)
    app = create_app(
        {
            "TESTING": True,
            "DATABASE_URL": url,
            "MODELS_DIR": no_models,
            "RESPONSE_MEMO": False,
            "RENDER_CACHE_BYTES": 0,
            "DATABASE_CONNECT_TIMEOUT": 2,
        }
    )
    yield app
    app.extensions["depeche.database"].dispose()


def test_a_restarted_server_is_read_again_without_an_error(
    own_server: PostgresServer, restartable: Flask
) -> None:
    client = restartable.test_client()
    assert client.get(ARTICLE).status_code == 200
    assert client.get("/api/v1/articles?lang=fr").status_code == 200
    own_server.restart()  # every pooled connection is dead now
    assert client.get(ARTICLE).status_code == 200
    assert client.get("/api/v1/articles?lang=fr").status_code == 200
    assert client.get("/readyz").json["database"]["status"] == "ok"


def test_a_stopped_server_is_a_503_with_retry_after_and_readyz_says_so(
    own_server: PostgresServer, restartable: Flask
) -> None:
    client = restartable.test_client()
    assert client.get(ARTICLE).status_code == 200
    own_server.stop()
    try:
        started = time.monotonic()
        api = client.get(ARTICLE)
        page = client.get(f"/fr/articles/{SLUG}")
        ready = client.get("/readyz")
        took = time.monotonic() - started
    finally:
        own_server.start()
    assert api.status_code == 503 and api.mimetype == "application/problem+json"
    assert api.headers["Retry-After"] == "2"
    assert api.json["status"] == 503 and "content store" in api.json["detail"]
    assert page.status_code == 503 and page.mimetype == "text/html"
    assert page.headers["Retry-After"] == "2"
    assert "Veuillez réessayer" in page.get_data(as_text=True)
    assert ready.status_code == 503
    assert ready.json["database"] == {"status": "unavailable"}
    assert took < 5  # refused at once; never waiting on a server that is gone
    assert client.get(ARTICLE).status_code == 200  # and back as soon as it is


def test_the_memo_asks_the_app_when_the_store_is_away(
    own_server: PostgresServer, no_models: Path
) -> None:
    url = own_server.url(own_server.create_database())
    imported(DATA_DIR, url)
    app = create_app({"TESTING": True, "DATABASE_URL": url, "MODELS_DIR": no_models})
    client = app.test_client()
    assert client.get(ARTICLE).status_code == 200  # remembered by the memo
    versions = app.extensions["depeche.publication"].versions
    own_server.stop()
    try:
        # What a catch-up does when many articles changed: every version forgotten.
        versions.advance(versions.seq, None)
        answer = client.get(ARTICLE)
    finally:
        own_server.start()
        app.extensions["depeche.database"].dispose()
    assert answer.status_code == 503
    assert answer.headers["Retry-After"] == "2"


def test_migrations_started_together_run_one_after_the_other() -> None:
    url = server().url(server().create_database())
    env = {**os.environ, "DEPECHE_DATABASE_URL": url}
    command = [str(Path(sys.executable).with_name("depeche")), "db", "upgrade"]
    name = url.rsplit("/", 1)[1]
    waiting = (
        "SELECT count(*) FROM pg_stat_activity WHERE wait_event = 'advisory' "
        f"AND datname = '{name}'"
    )
    conninfo = f"host=127.0.0.1 port={server().port} user=postgres dbname={name}"
    with psycopg.connect(conninfo) as holder:  # a migration under way elsewhere
        holder.execute("SELECT pg_advisory_xact_lock(%s)", (MIGRATION_LOCK,))
        # As pods starting together do, each with its init container.
        runs = [
            subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
            for _ in range(3)
        ]
        deadline = time.monotonic() + 60
        while server().execute(waiting)[0][0] != 3:
            assert time.monotonic() < deadline, "the upgrades did not wait for the lock"
            assert all(run.poll() is None for run in runs), "an upgrade ran beside another"
            time.sleep(0.1)
        holder.rollback()
    outputs = [run.communicate(timeout=60)[0].decode() for run in runs]
    database = Database(url)
    try:
        assert [run.returncode for run in runs] == [0, 0, 0], outputs
        assert current(database) == head()
    finally:
        database.dispose()
        server().drop_database(name)


def test_the_listener_stops_when_its_app_goes_away(store: str, no_models: Path) -> None:
    app = app_on(store, no_models)
    listener = app.extensions["depeche.publication"].watcher.listener
    assert listener.wait_live(5)
    del app
    gc.collect()
    listener.thread.join(5)
    assert not listener.thread.is_alive()


EXITS = """
import sys
from app import create_app
app = create_app({"TESTING": True, "DATABASE_URL": sys.argv[1], "MODELS_DIR": sys.argv[2]})
assert app.extensions["depeche.publication"].watcher.listener.wait_live(10)
print("listening", flush=True)
"""


def test_an_interpreter_with_a_listener_exits_at_once_and_cleanly(
    store: str, no_models: Path
) -> None:
    started = time.monotonic()
    done = subprocess.run(
        [sys.executable, "-c", EXITS, store, str(no_models)],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=Path(__file__).resolve().parent.parent,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout == "listening\n"
    assert "Traceback" not in done.stderr and "Fatal" not in done.stderr
    assert time.monotonic() - started < 30
