"""The job queue on Redis (for consumers on several machines): a real redis-server the test
starts on a socket of its own, a real consumer, the same job as on the embedded queue."""

from __future__ import annotations

import shutil
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from app import create_app
from app.jobs import jobs_for
from app.jobs.storage import make_huey
from tests.test_jobs import consumer, revisions, settings, store, translation, until

__all__ = ["store"]  # the fixture, shared with the embedded queue's tests


@pytest.fixture
def redis_socket(tmp_path: Path) -> Iterator[Path]:
    server = shutil.which("redis-server")
    if server is None:
        pytest.fail("redis-server is missing: apt-get install redis-server (make test does)")
    socket = tmp_path / "redis.sock"
    process = subprocess.Popen(
        [server, "--port", "0", "--unixsocket", str(socket), "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 10
        while not socket.exists():
            if time.monotonic() > deadline or process.poll() is not None:
                pytest.fail("redis-server did not start")
            time.sleep(0.01)
        yield socket
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_a_job_queued_on_redis_is_run_by_a_consumer_and_stored_once(
    store: str, models_dir: Path, tmp_path: Path, redis_socket: Path
) -> None:
    config = settings(store, models_dir, JOBS_URL=f"unix://{redis_socket}")
    app = create_app(config)
    assert type(jobs_for(app).huey).__name__ == "RedisHuey"
    assert translation(app)["pending"] is True
    assert make_huey(config).pending_count() == 1  # in Redis, not in a file beside the store
    assert not (Path(store.removeprefix("sqlite:///")).parent / "jobs.sqlite3").exists()
    log = tmp_path / "consumer.log"
    with consumer(config, log):
        done = until(lambda: (t := translation(app))["pending"] is False and t, "done", log)
    assert done["counts"]["machine"] == 27 and done["error"] is None
    assert revisions(store, "machine-fill") == 1
