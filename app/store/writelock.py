"""SQLite's write lock handed from one writer to the next, without SQLite's sleeps.

A SQLite writer that finds the database locked waits in SQLite's busy handler, which *sleeps*
(1, 2, 5, 10 … 100 ms) and looks again: under 8 publishers a publish's p99 was 0.75–1.3 s for a
p50 of 13–40 ms, writers asleep while the lock was free (docs/performance.md, "Publishing").
So writers of one database file first take a lock of ours that wakes the next one when it is
released: a ``threading.Lock`` between the threads of a process, then a POSIX record lock
(``fcntl.lockf``) on a file beside the database between processes. By the time a writer begins
``BEGIN IMMEDIATE`` the writer before it has committed, and SQLite's own lock is free.

Why these locks: the kernel releases a POSIX lock when its process dies, and a fork does not
hand it to the child (a forked import reader holds nothing); a flock lock would be shared with
forked children. POSIX locks belong to the process, not to a file descriptor, so a process
keeps one descriptor per lock file (``WriteLock.of``) and its threads queue on the
``threading.Lock`` first. The wait is bounded: a blocking ``lockf`` cannot time out, so it
runs on a helper thread that the writer waits for at most its timeout; what is left of the
timeout goes to SQLite's busy handler, which raises its own "database is locked" when that
runs out, as before. SQLite's lock stays what keeps writers apart; ours only orders them.
"""

from __future__ import annotations

import fcntl
import logging
import os
import threading
import time
import weakref
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

log = logging.getLogger(__name__)


class _Waiting:
    """A blocking ``lockf`` on a helper thread, and whether a writer still wants what it gets."""

    def __init__(self) -> None:
        self.done = threading.Event()
        self.wanted = True
        self.failed = False


class Turn:
    """One writer's turn on a ``WriteLock``: taken once, given back once (or never taken)."""

    def __init__(self, lock: WriteLock, timeout: float) -> None:
        self.lock = lock
        self.timeout = timeout
        self.left = timeout
        """Seconds of the timeout left when the turn came: SQLite's busy handler's share."""
        self._asked = False
        self._threads = False
        self._file = False

    def take(self) -> float:
        """Wait for the turn, the timeout at most; the seconds left of it (0 when the turn did
        not come: SQLite's handler then says at once whether the database is free)."""
        if self._asked:  # asked already (a connection that begins again in the same turn)
            return self.left
        self._asked = True
        deadline = time.monotonic() + self.timeout
        self._threads = self.lock._threads.acquire(timeout=max(self.timeout, 0.0))
        if not self._threads:
            self.left = 0.0
            return self.left
        taken = self.lock._acquire_file(deadline)
        self._file = bool(taken)
        self.left = 0.0 if taken is False else max(deadline - time.monotonic(), 0.0)
        return self.left

    def give_back(self) -> None:
        """Let the next writer go; nothing if the turn was not taken."""
        try:
            if self._file:
                self._file = False
                fcntl.lockf(self.lock._require_fd(), fcntl.LOCK_UN)
        finally:
            if self._threads:
                self._threads = False
                self.lock._threads.release()


class WriteLock:
    """The turn of one database file's writers, in this process and across processes."""

    _all: dict[Path, WriteLock] = {}
    _all_lock = threading.Lock()
    _instances: weakref.WeakSet[WriteLock] = weakref.WeakSet()

    def __init__(self, path: Path) -> None:
        self.path = path
        self._reset()
        WriteLock._instances.add(self)

    @classmethod
    def of(cls, database: Path) -> WriteLock:
        """The lock of *database*'s writers in this process (one per file: see above)."""
        path = Path(os.path.realpath(database)).with_name(Path(database).name + ".writelock")
        with cls._all_lock:
            found = cls._all.get(path)
            if found is None:
                found = cls._all[path] = cls(path)
            return found

    def _reset(self) -> None:
        self._threads = threading.Lock()
        self._state = threading.Lock()
        self._fd: int | None = None
        self._opened = False
        self._waiting: _Waiting | None = None

    @contextmanager
    def held(self, timeout: float) -> Iterator[float]:
        """The turn, for the block: see ``Turn.take``."""
        turn = Turn(self, timeout)
        try:
            yield turn.take()
        finally:
            turn.give_back()

    def _require_fd(self) -> int:
        assert self._fd is not None
        return self._fd

    def _open(self) -> int | None:
        """The lock file's descriptor, opened once; None when it cannot be (a read-only
        folder): this process's threads still take turns, other processes meet in SQLite."""
        if not self._opened:
            self._opened = True
            try:
                self._fd = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
            except OSError as error:
                log.warning("writers wait in SQLite's busy handler: %s", error)
        return self._fd

    def _acquire_file(self, deadline: float) -> bool | None:
        """Take the file lock by *deadline*: True if taken, False if the time ran out, None
        if there is no file lock to be had. Called with ``_threads`` held, so one thread of
        the process at most is here."""
        fd = self._open()
        if fd is None:
            return None
        with self._state:
            waiting = self._waiting
            if waiting is None:
                try:
                    fcntl.lockf(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    return True
                except OSError:  # another process has it: wait for it below
                    waiting = self._waiting = _Waiting()
                    helper = threading.Thread(
                        target=self._block, args=(fd, waiting), name="depeche-writelock"
                    )
                    helper.daemon = True  # a process that ends does not wait for it
                    helper.start()
            else:  # a writer before gave up on it: the helper is still waiting, for us now
                waiting.wanted = True
        waiting.done.wait(max(deadline - time.monotonic(), 0.0))
        with self._state:
            if waiting.done.is_set():
                self._waiting = None
                return None if waiting.failed else True
            waiting.wanted = False
            return False

    def _block(self, fd: int, waiting: _Waiting) -> None:
        try:
            fcntl.lockf(fd, fcntl.LOCK_EX)
        except OSError as error:  # e.g. EDEADLK: the writer goes on to SQLite's handler
            log.warning("the writers' lock file could not be locked: %s", error)
            waiting.failed = True
        with self._state:
            if waiting.wanted:
                waiting.done.set()
                return
            self._waiting = None
            if not waiting.failed:  # nobody wants it any more
                fcntl.lockf(fd, fcntl.LOCK_UN)

    @classmethod
    def _after_fork(cls) -> None:
        # A forked child starts with no turn taken: the threads that held or waited for one
        # are not in it, and it holds no POSIX lock (the kernel does not hand them on).
        cls._all_lock = threading.Lock()
        for lock in list(cls._instances):
            if lock._fd is not None:
                os.close(lock._fd)
            lock._reset()


os.register_at_fork(after_in_child=WriteLock._after_fork)
