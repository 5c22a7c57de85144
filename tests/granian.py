"""Run the app under granian, the production server, on a free loopback port (for tests)."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

from app.config import PROJECT_ROOT
from tests.store import seed_url

GRANIAN = PROJECT_ROOT / ".venv" / "bin" / "granian"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def granian(log: Path, workers: int = 1, **env: str) -> Iterator[str]:
    """Serve app.wsgi:app with DEPECHE_* *env*; yield its base URL; always stop it."""
    port = free_port()
    command = [
        str(GRANIAN),
        "--interface",
        "wsgi",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--workers",
        str(workers),
        "--blocking-threads",  # as `make run`
        "8",
        "app.wsgi:app",
    ]
    with log.open("wb") as out:
        process = subprocess.Popen(
            command,
            cwd=PROJECT_ROOT,
            stdout=out,
            stderr=subprocess.STDOUT,
            env={"DEPECHE_DATABASE_URL": seed_url(), **os.environ, **env},
            start_new_session=True,
        )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                with urllib.request.urlopen(f"{base}/healthz", timeout=1):
                    break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(
                        f"granian did not start:\n{log.read_text()[-2000:]}"
                    ) from None
                time.sleep(0.1)
        yield base
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        # A worker that outlived its main process (seen under load) goes with its group.
        with suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
