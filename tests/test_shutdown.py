"""`make run` stops within seconds of a Ctrl-C or a SIGTERM, every time, and leaves nothing.

Each test runs `make run` itself on a free loopback port, in its own process group as a
terminal would, and signals the whole group as Ctrl-C does.
"""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path

import pytest

from app.config import PROJECT_ROOT
from tests.granian import free_port

#: The Makefile's STOP_TIMEOUT (2 s), and room for a busy machine.
STOP_WITHIN = 10.0
PIDS = re.compile(
    r"(?:main PID|worker-\d+ with PID): (\d+)|Huey consumer started with .*?PID (\d+)"
)


@dataclass
class Run:
    process: subprocess.Popen[bytes]
    port: int
    log: Path

    def pids(self) -> list[int]:
        """granian's main process and its workers, and the job consumer, as their logs name them."""
        found = PIDS.findall(self.log.read_text(errors="replace"))
        return [int(granian or consumer) for granian, consumer in found]

    def wait_until_serving(self) -> None:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/healthz", timeout=1):
                    return
            except OSError:
                if self.process.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(f"make run did not serve:\n{self.log.read_text()[-3000:]}")
                time.sleep(0.05)

    def wait_for_log(self, text: str) -> None:
        deadline = time.monotonic() + 60
        while text not in self.log.read_text(errors="replace"):
            if self.process.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"no {text!r} in the log:\n{self.log.read_text()[-3000:]}")
            time.sleep(0.01)

    def stop(self, signum: int) -> float:
        """Signal the whole process group, as a terminal does; the seconds until make exits."""
        pids = self.pids()
        started = time.monotonic()
        os.killpg(self.process.pid, signum)
        try:
            self.process.wait(timeout=STOP_WITHIN)
        except subprocess.TimeoutExpired:
            pytest.fail(f"still running {STOP_WITHIN} s after the signal:\n{self.tail()}")
        seconds = time.monotonic() - started
        left = [pid for pid in pids if alive(pid)]
        assert left == [], f"left running: {left}\n{self.tail()}"
        with pytest.raises(ConnectionRefusedError):
            socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
        return seconds

    def tail(self) -> str:
        return self.log.read_text(errors="replace")[-3000:]


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


@contextmanager
def make_run(folder: Path) -> Iterator[Run]:
    """`make run` on a free port; whatever happens, nothing it started outlives the test."""
    port = free_port()
    log = folder / f"make-run-{port}.log"
    # A `make test` above us must not lend its jobserver or flags to this make; a database,
    # wherever `make run` sets one up, is the test's own (the runs of one test share it).
    env = {k: v for k, v in os.environ.items() if k not in ("MAKEFLAGS", "MFLAGS", "MAKELEVEL")}
    env["DEPECHE_DATABASE_URL"] = f"sqlite:///{folder / 'store.sqlite3'}"
    with log.open("wb") as out:
        process = subprocess.Popen(
            ["make", "--no-print-directory", "run", "HOST=127.0.0.1", f"PORT={port}"],
            cwd=PROJECT_ROOT,
            stdout=out,
            stderr=subprocess.STDOUT,
            env=env,
            start_new_session=True,
        )
    run = Run(process, port, log)
    try:
        yield run
    finally:
        for pid in [process.pid, *run.pids()]:
            with suppress(ProcessLookupError, PermissionError):
                os.killpg(pid, signal.SIGKILL)
            with suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        process.wait()


def test_ctrl_c_stops_make_run_within_seconds_ten_times_in_a_row(tmp_path: Path) -> None:
    took = []
    for _ in range(10):
        with make_run(tmp_path) as run:
            run.wait_until_serving()
            took.append(round(run.stop(signal.SIGINT), 2))
    assert len(took) == 10, took


def test_sigterm_while_the_workers_import_the_app_stops_make_run(tmp_path: Path) -> None:
    with make_run(tmp_path) as run:
        run.wait_for_log("Spawning worker-1")  # the import takes a second or two from here
        run.stop(signal.SIGTERM)


def test_sigterm_half_a_second_after_make_run_starts_stops_it(tmp_path: Path) -> None:
    with make_run(tmp_path) as run:
        time.sleep(0.5)
        run.stop(signal.SIGTERM)
