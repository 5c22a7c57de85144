"""Machine translation as a persisted background job: real huey consumers (`depeche jobs
worker`) in subprocesses, on a real SQLite store, with the fixture models."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import func, select, text

from app import create_app
from app.config import PROJECT_ROOT
from app.jobs import jobs_for, queue_translations
from app.jobs.board import FAILED, RUNNING, Board, Record
from app.store.database import Database
from app.store.models import RevisionRow
from app.translation.packages import install_archive
from tests.conftest import FIXTURE_MODELS, SLUG
from tests.store import on_postgresql

ARTICLE = f"/api/v1/articles/{SLUG}?lang=fr"
DEPECHE = [sys.executable, "-c", "from app.cli import main; main()"]


@pytest.fixture
def store(data_copy: Path, database_for: Callable[[Path], str]) -> str:
    """The seed without its French edition: every French segment is owed."""
    (data_copy / "articles" / SLUG / "fr.po").unlink()
    return database_for(data_copy)


@pytest.fixture
def own_models(tmp_path: Path) -> Path:
    """The fixture packages in a folder of the test's own, to break."""
    target = tmp_path / "models"
    for name in ("translate-en_fr.argosmodel", "translate-fr_en.argosmodel"):
        install_archive(FIXTURE_MODELS / name, target, origin=name)
    return target


def settings(store: str, models: Path, **more: Any) -> dict[str, Any]:
    return {
        "TESTING": True,
        "DATABASE_URL": store,
        "MODELS_DIR": models,
        "BEAM_SIZE": 1,
        "WARM_MODELS": False,
        "CHANGE_CHECK_INTERVAL": 0,
        **more,
    }


def environment(config: dict[str, Any]) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("DEPECHE_")}
    env.update({f"DEPECHE_{k}": str(v) for k, v in config.items() if k != "TESTING"})
    env["DEPECHE_WARM_MODELS"] = "0"
    return env


@contextmanager
def consumer(config: dict[str, Any], log: Path) -> Iterator[subprocess.Popen[bytes]]:
    """`depeche jobs worker` in a process group of its own; nothing of it outlives the test."""
    with log.open("ab") as out:
        process = subprocess.Popen(
            [*DEPECHE, "jobs", "worker"],
            cwd=PROJECT_ROOT,
            env=environment(config),
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        yield process
    finally:
        with suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait()


def until(check: Callable[[], Any], what: str, log: Path | None = None, within: float = 60) -> Any:
    deadline = time.monotonic() + within
    while True:
        found = check()
        if found:
            return found
        if time.monotonic() > deadline:
            tail = log.read_text(errors="replace")[-3000:] if log and log.exists() else ""
            pytest.fail(f"{what} not within {within} s\n{tail}")
        time.sleep(0.02)


def revisions(store: str, action: str) -> int:
    database = Database(store)
    try:
        with database.read() as session:
            return int(
                session.execute(
                    select(func.count())
                    .select_from(RevisionRow)
                    .where(RevisionRow.action == action)
                ).scalar_one()
            )
    finally:
        database.dispose()


def translation(app: Flask) -> dict[str, Any]:
    body = app.test_client().get(ARTICLE).json
    assert body is not None
    found: dict[str, Any] = body["translation"]
    return found


def board_record(app: Flask) -> Record | None:
    return Board(jobs_for(app).huey).get(SLUG, "fr")


def test_a_read_of_an_edition_with_gaps_queues_a_job_and_never_calls_the_engine(
    store: str, models_dir: Path
) -> None:
    app = create_app(settings(store, models_dir))
    first = translation(app)
    assert first["pending"] is True and first["error"] is None
    assert first["counts"]["untranslated"] == 27  # the source is served, marked
    engine = app.extensions["depeche.engine"]
    assert not engine.is_loaded("en", "fr")  # no model was even loaded, let alone run
    record = board_record(app)
    assert record is not None and record.state == "queued" and record.version == 1
    assert jobs_for(app).huey.pending_count() == 1
    # Another read of the same version queues nothing more.
    again = app.extensions["depeche.publication"].read(SLUG, "fr")  # not the render cache
    assert again is not None and again.machine.pending is True
    assert jobs_for(app).huey.pending_count() == 1
    assert revisions(store, "machine-fill") == 0


def test_an_edition_without_a_model_is_not_pending_and_queues_nothing(
    store: str, no_models: Path
) -> None:
    app = create_app(settings(store, no_models))
    found = translation(app)
    assert (found["pending"], found["error"]) == (False, None)
    assert jobs_for(app).huey.pending_count() == 0


def test_the_api_shows_pending_then_done_when_a_real_consumer_ran_the_job(
    store: str, models_dir: Path, tmp_path: Path
) -> None:
    config = settings(store, models_dir)
    app = create_app(config)
    assert translation(app)["pending"] is True
    log = tmp_path / "consumer.log"
    with consumer(config, log):
        done = until(lambda: (t := translation(app))["pending"] is False and t, "done", log)
    assert done["counts"]["machine"] == 27 and done["error"] is None
    headline = app.test_client().get(ARTICLE).json["headline"]  # type: ignore[index]
    assert headline.startswith("Un convoi de l’armée malienne fait route vers Kidal")
    assert revisions(store, "machine-fill") == 1
    assert board_record(app) is None


def test_ingest_queues_and_a_consumer_translates(
    store: str, models_dir: Path, tmp_path: Path
) -> None:
    config = settings(store, models_dir)
    source = PROJECT_ROOT / "data" / "articles" / SLUG / "source.txt"
    run = subprocess.run(
        [*DEPECHE, "ingest", str(source), "--slug", "wire-copy"]
        + ["--headline", "Mali army convoy heads to Kidal", "--standfirst", "Convoy."]
        + ["--dateline", "Gao", "--published", "2023-10-02"],
        cwd=PROJECT_ROOT,
        env=environment(config),
        capture_output=True,
        text=True,
    )
    assert run.returncode == 0, run.stderr
    assert "machine translation queued: fr" in run.stdout
    app = create_app(config)
    record = Board(jobs_for(app).huey).get("wire-copy", "fr")
    assert record is not None and record.state == "queued"
    log = tmp_path / "consumer.log"
    with consumer(config, log):
        until(lambda: Board(jobs_for(app).huey).get("wire-copy", "fr") is None, "job done", log)
    body = app.test_client().get("/api/v1/articles/wire-copy?lang=fr").json
    assert body is not None and body["translation"]["pending"] is False
    assert body["translation"]["counts"]["untranslated"] == 0
    assert revisions(store, "machine-fill") == 1


def _held(hold: Path, log: Path) -> int:
    reached = hold.with_name(hold.name + ".reached")
    text = until(lambda: reached.exists() and reached.read_text(), "the job at its hold", log)
    return int(text.split()[0])


def test_a_consumer_killed_mid_job_is_finished_by_the_next_one_and_stored_once(
    store: str, models_dir: Path, tmp_path: Path
) -> None:
    hold = tmp_path / "hold"
    hold.touch()
    config = settings(store, models_dir, JOBS_TEST_HOLD=hold)
    app = create_app(config)
    assert queue_translations(app, SLUG) == ("fr",)
    log = tmp_path / "consumer.log"
    with consumer(config, log) as first:
        worker = _held(hold, log)  # translated, not stored yet
        record = board_record(app)
        assert record is not None and record.state == RUNNING and record.pid == worker
        os.killpg(first.pid, signal.SIGKILL)  # the consumer and its worker process
        first.wait()
    assert revisions(store, "machine-fill") == 0
    assert translation(app)["pending"] is True  # still owed, not lost
    # huey itself had dropped the task when the consumer took it.
    assert [t.args for t in jobs_for(app).huey.pending() if t.args] == []
    hold.unlink()
    with consumer(config, log):
        until(lambda: board_record(app) is None, "the job run again and done", log)
    assert translation(app)["counts"]["machine"] == 27
    assert revisions(store, "machine-fill") == 1


def test_a_worker_process_killed_mid_job_is_replaced_and_the_job_runs_again(
    store: str, models_dir: Path, tmp_path: Path
) -> None:
    hold = tmp_path / "hold"
    hold.touch()
    config = settings(store, models_dir, JOBS_TEST_HOLD=hold)
    app = create_app(config)
    queue_translations(app, SLUG)
    log = tmp_path / "consumer.log"
    with consumer(config, log) as running:
        worker = _held(hold, log)
        hold.unlink()  # the next run goes through
        os.kill(worker, signal.SIGKILL)  # only the process running the job
        until(lambda: board_record(app) is None, "the job run again by a new process", log)
        assert running.poll() is None  # the same consumer, which started a new process
    assert translation(app)["counts"]["machine"] == 27
    assert revisions(store, "machine-fill") == 1
    assert "Worker 1 died, restarting" in log.read_text()


def test_a_broken_model_is_retried_with_backoff_then_the_api_shows_the_error(
    store: str, own_models: Path, tmp_path: Path
) -> None:
    (own_models / "translate-en_fr" / "model" / "model.bin").write_bytes(b"garbage")
    config = settings(store, own_models, JOBS_RETRIES=2, JOBS_RETRY_DELAY=1, JOBS_RETRY_BACKOFF=3)
    app = create_app(config)
    assert queue_translations(app, SLUG) == ("fr",)
    log = tmp_path / "consumer.log"
    started: dict[int, float] = {}
    seen: list[str] = []

    def watch() -> Record | None:
        record = board_record(app)
        if record is not None:
            seen.append(record.state)
            if record.heartbeat:  # when this attempt started (kept while it waits to retry)
                started.setdefault(record.attempts, record.heartbeat)
        return record if record is not None and record.state == FAILED else None

    with consumer(config, log):
        failed = until(watch, "the job given up", log, within=30)
    assert failed.attempts == 3 and sorted(started) == [1, 2, 3]  # first run and two retries
    assert "retrying" in seen
    first_wait, second_wait = started[2] - started[1], started[3] - started[2]
    assert second_wait > first_wait + 1  # 1 s, then 3 s (give or take the scheduler's second)
    assert failed.error == "the en→fr translation model cannot be loaded"
    shown = translation(app)
    assert shown["pending"] is False  # given up on this model: nothing more will come
    assert shown["error"] == "the en→fr translation model cannot be loaded"
    assert shown["counts"]["untranslated"] == 27
    assert revisions(store, "machine-fill") == 0
    # A good install of the model: the next read queues it again, a run clears the error.
    install_archive(FIXTURE_MODELS / "translate-en_fr.argosmodel", own_models, origin="fixed")
    again = translation(app)
    assert again["pending"] is True and again["error"] == failed.error
    assert jobs_for(app).drain() == 1
    fixed = translation(app)
    assert (fixed["pending"], fixed["error"], fixed["counts"]["machine"]) == (False, None, 27)


def test_make_run_runs_a_job_consumer_and_ctrl_c_stops_it_too(tmp_path: Path) -> None:
    from tests.test_shutdown import alive, make_run

    with make_run(tmp_path) as run:
        run.wait_until_serving()
        run.wait_for_log("Huey consumer started")
        text = run.log.read_text()
        consumer_pid = int(text.split("Huey consumer started with 1 process, PID ")[1].split()[0])
        assert alive(consumer_pid)
        run.stop(signal.SIGINT)
        until(lambda: not alive(consumer_pid), "the consumer stopped", run.log, within=10)


def test_the_embedded_queue_is_a_file_beside_the_sqlite_store(tmp_path: Path) -> None:
    from app.jobs.storage import make_huey

    store = f"sqlite:///{tmp_path / 'store' / 'depeche.sqlite3'}"
    huey = make_huey({"JOBS_URL": "", "DATABASE_URL": store, "INSTANCE_DIR": tmp_path / "i"})
    assert huey.storage.filename == str(tmp_path / "store" / "jobs.sqlite3")
    assert (tmp_path / "store" / "jobs.sqlite3").exists()


@pytest.mark.skipif(not on_postgresql(), reason="a PostgreSQL store: pytest --store=postgresql")
def test_the_queue_of_a_postgresql_store_is_in_that_database(store: str, models_dir: Path) -> None:
    """Replicas and consumers on several machines share the queue with no other setting."""
    app = create_app(settings(store, models_dir))
    huey = jobs_for(app).huey
    assert type(huey).__name__ == "PostgresHuey"
    assert translation(app)["pending"] is True  # a read queued the job, in the store
    database = Database(store)
    try:
        with database.read() as session:
            tables = session.execute(
                text("SELECT tablename FROM pg_tables WHERE tablename LIKE 'depeche_jobs%'")
            ).scalars()
            assert list(tables)
    finally:
        database.dispose()
    assert make_huey_for(store).pending_count() == 1


def make_huey_for(store: str) -> Any:
    from app.jobs.storage import make_huey

    return make_huey({"JOBS_URL": "", "DATABASE_URL": store, "INSTANCE_DIR": Path("/nonexistent")})


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("amqp://127.0.0.1/", "JOBS_URL must be empty, sqlite:///…, postgresql://… or redis://…"),
    ],
)
def test_a_jobs_url_that_cannot_be_used_is_refused_saying_why(
    tmp_path: Path, url: str, message: str
) -> None:
    from app.jobs import JobsConfigError
    from app.jobs.storage import make_huey

    with pytest.raises(JobsConfigError, match=message):
        make_huey({"JOBS_URL": url, "DATABASE_URL": "", "INSTANCE_DIR": tmp_path})
