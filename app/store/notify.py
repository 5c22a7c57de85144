"""PostgreSQL LISTEN/NOTIFY: one listener thread per process and database, which tells every
watcher of that database when a change was committed anywhere.

The thread keeps its own psycopg connection (autocommit, LISTEN on the change channel) and
waits on it. On any error — the server restarted, the connection was terminated — it says so
(``live`` is false: watchers then look for themselves), reconnects with backoff, and once it
listens again has every watcher catch up on what it missed. The thread is a daemon that
wakes every ``WAKE_EVERY`` seconds to see whether it should stop; it stops when no watcher is
left, and at interpreter exit (atexit), before the interpreter is torn down.
"""

from __future__ import annotations

import atexit
import logging
import threading
import time
import weakref
from typing import Any, Protocol

from sqlalchemy.engine import make_url

from app.store.database import CHANNEL, Database

log = logging.getLogger(__name__)

#: Seconds between the thread's looks at whether it should stop (and at the connection).
WAKE_EVERY = 0.25
#: Seconds of silence after which the connection is asked a question, to find a dead one.
HEARTBEAT = 10.0
BACKOFF_FIRST, BACKOFF_MAX = 0.05, 2.0
#: How the listening connections name themselves to the server (pg_stat_activity).
APPLICATION_NAME = "depeche-listen"


class Watcher(Protocol):
    def catch_up(self) -> None: ...


def conninfo(database: Database) -> str:
    """A libpq connection string for the SQLAlchemy URL of *database*."""
    url = make_url(database.url).set(drivername="postgresql")
    return url.render_as_string(hide_password=False)


class Listener:
    """LISTEN on one database; tell the subscribed watchers about every change."""

    def __init__(self, database: Database) -> None:
        self.conninfo = conninfo(database)
        self.connect_timeout = database.pool.connect_timeout
        self._watchers: weakref.WeakSet[Any] = weakref.WeakSet()
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._live = threading.Event()
        self.connection: Any = None
        """The psycopg connection listening now (tests terminate its backend)."""
        self._backoff = BACKOFF_FIRST
        self.notified = 0
        """Notifications received, for tests and metrics."""
        self.thread = threading.Thread(target=self._run, name="depeche-listen", daemon=True)

    @property
    def live(self) -> bool:
        """True while listening: every change will be told, nobody needs to look."""
        return self._live.is_set()

    def wait_live(self, timeout: float) -> bool:
        return self._live.wait(timeout)

    def subscribe(self, watcher: Watcher) -> None:
        with self._lock:
            self._watchers.add(watcher)

    def _wanted(self) -> bool:
        with self._lock:
            return not self._stop.is_set() and len(self._watchers) > 0

    def stop(self, timeout: float = 2.0) -> None:
        self._stop.set()
        if self.thread.is_alive() and self.thread is not threading.current_thread():
            self.thread.join(timeout)

    def _tell(self) -> None:
        with self._lock:
            watchers = list(self._watchers)
        for watcher in watchers:
            try:
                watcher.catch_up()
            except Exception as error:  # the store is away: the watcher polls meanwhile
                log.warning("catching up on changes failed: %s", error)
                self._live.clear()
                raise

    def _run(self) -> None:
        while True:
            if not self._wanted():
                with _registry_lock:  # nobody subscribes while this one decides to go
                    if not self._wanted():
                        self._stop.set()
                        _forget(self)
                        break
            try:
                self._listen()
            except Exception as error:
                self._live.clear()
                if not self._wanted():
                    break
                backoff = self._backoff
                log.warning("change notifications lost, reconnecting in %.2f s: %s", backoff, error)
                self._stop.wait(backoff)
                self._backoff = min(2 * backoff, BACKOFF_MAX)
        self._live.clear()

    def _listen(self) -> None:
        import psycopg  # only PostgreSQL stores get here

        with psycopg.connect(
            self.conninfo,
            autocommit=True,
            connect_timeout=self.connect_timeout,
            application_name=APPLICATION_NAME,
        ) as connection:
            self.connection = connection
            try:
                connection.execute(f"LISTEN {CHANNEL}")
                # Listening from here on; whatever was committed before is read now.
                self._tell()
                self._live.set()
                self._backoff = BACKOFF_FIRST  # listening again: the next loss retries at once
                quiet_since = time.monotonic()
                while self._wanted():
                    told = False
                    for _ in connection.notifies(timeout=WAKE_EVERY):
                        self.notified += 1
                        told = True
                        break  # one catch-up covers every change committed so far
                    if told:
                        self._tell()
                        self._live.set()
                        quiet_since = time.monotonic()
                    elif time.monotonic() - quiet_since > HEARTBEAT:
                        connection.execute("SELECT 1")
                        quiet_since = time.monotonic()
            finally:
                self.connection = None


_listeners: dict[str, Listener] = {}
_registry_lock = threading.Lock()
_stop_at_exit = False


def listen(database: Database, watcher: Watcher) -> Listener:
    """Tell *watcher* about every change committed to *database*, from this process's one
    listener thread for it (started on first use)."""
    global _stop_at_exit
    with _registry_lock:
        listener = _listeners.get(database.url)
        if listener is None or not listener.thread.is_alive() or listener._stop.is_set():
            if not _stop_at_exit:
                atexit.register(stop_all)
                _stop_at_exit = True
            listener = _listeners[database.url] = Listener(database)
            listener.subscribe(watcher)
            listener.thread.start()
        else:
            listener.subscribe(watcher)
    return listener


def _forget(listener: Listener) -> None:
    """Drop *listener* from the registry (the caller holds the registry lock)."""
    for url, found in list(_listeners.items()):
        if found is listener:
            del _listeners[url]


def stop_all() -> None:
    """Stop every listener thread and wait for them (briefly): at exit, or in tests."""
    with _registry_lock:
        listeners = list(_listeners.values())
    for listener in listeners:
        listener._stop.set()
    for listener in listeners:
        listener.stop()
