"""Machine translation as a background job: publish → French stored and served, and recovery
from a kill -9 mid-job. Real `depeche jobs worker` consumers on a real SQLite store, the fixture
models, the translation memory off (SEGMENT_CACHE_BYTES=0: every segment goes to the engine).

- publish: `ingest_wire` of the seed's wire copy as a new article, then `queue_translations`
  (what a publish does), at 1× and 8× the seed's length;
- publish → served: from the start of the publish until the article API (a worker of its own,
  CHANGE_CHECK_INTERVAL=0) serves the French edition complete, not pending;
- kill -9 mid-job: the job is held after translating, before storing (DEPECHE_JOBS_TEST_HOLD),
  then killed — only the worker process running it (the consumer starts a new one), or the
  whole consumer (a new consumer is started at once, as a supervisor would) — and the hold
  released: the time from the kill until the translation is stored, and how many machine-fill
  revisions the article has (1: stored once).

Markdown on stdout; `--write` also puts it in docs/performance.md's section.
"""

from __future__ import annotations

import os
import signal
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from datetime import date
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import func, select  # noqa: E402

from app import create_app  # noqa: E402
from app.exchange.ingest import ingest_wire  # noqa: E402
from app.jobs import queue_translations  # noqa: E402
from app.store.database import Database  # noqa: E402
from app.store.migrate import upgrade  # noqa: E402
from app.store.models import ArticleRow, RevisionRow  # noqa: E402
from app.translation.packages import install_archive  # noqa: E402

DOC = ROOT / "docs" / "performance.md"
HEADING = "## Machine translation jobs (`make bench`, `bench/jobs.py`)"
SEED = ROOT / "data" / "articles" / "mali-army-convoy-kidal" / "source.txt"
FIXTURES = ROOT / "tests" / "fixtures" / "models"
DEPECHE = [sys.executable, "-c", "from app.cli import main; main()"]
RUNS = int(os.environ.get("BENCH_JOB_RUNS", "10"))
KILLS = int(os.environ.get("BENCH_JOB_KILLS", "5"))


def p50(values: list[float]) -> float:
    return statistics.median(values)


def until(check: Callable[[], Any], within: float = 120) -> Any:
    deadline = time.monotonic() + within
    while not (found := check()):
        if time.monotonic() > deadline:
            raise SystemExit("timed out waiting; see the consumer's log")
        time.sleep(0.005)
    return found


@contextmanager
def consumer(env: dict[str, str], log: Path) -> Iterator[subprocess.Popen[bytes]]:
    with log.open("ab") as out:
        process = subprocess.Popen(
            [*DEPECHE, "jobs", "worker"],
            cwd=ROOT,
            env=env,
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


def publish(settings: dict[str, Any], database: Database, slug: str, times: int) -> float:
    """Ingest the seed's wire copy (*times* over) as *slug* and queue it; seconds taken."""
    raw = SEED.read_bytes()
    body = raw if times == 1 else b"\n\n".join([raw] * times)
    started = time.perf_counter()
    ingest_wire(
        database,
        body,
        slug,
        headline=f"Mali army convoy heads to Kidal ({slug})",
        standfirst="A convoy.",
        dateline="Gao",
        published=date(2023, 10, 2),
        language="en",
    )
    queue_translations(settings, slug)
    return time.perf_counter() - started


def served(client: Any, slug: str) -> bool:
    body = client.get(f"/api/v1/articles/{slug}?lang=fr").json
    t = body["translation"]
    return bool(not t["pending"] and t["counts"]["untranslated"] == 0 and t["error"] is None)


def fills(database: Database, slug: str) -> int:
    with database.read() as session:
        found = session.execute(
            select(func.count())
            .select_from(RevisionRow)
            .join(ArticleRow, ArticleRow.id == RevisionRow.article_id)
            .where(ArticleRow.slug == slug, RevisionRow.action == "machine-fill")
        ).scalar_one()
    return int(found)


def main() -> int:
    with tempfile.TemporaryDirectory(prefix="bench-jobs-") as tmpdir:
        tmp = Path(tmpdir)
        models = tmp / "models"
        for name in ("translate-en_fr.argosmodel", "translate-fr_en.argosmodel"):
            install_archive(FIXTURES / name, models, origin=name)
        url = f"sqlite:///{tmp / 'store' / 'depeche.sqlite3'}"
        database = Database(url)
        upgrade(database)
        hold = tmp / "hold"
        reached = hold.with_name(hold.name + ".reached")
        settings: dict[str, Any] = {
            "DATABASE_URL": url,
            "MODELS_DIR": models,
            "SEGMENT_CACHE_BYTES": 0,
            "JOBS_TEST_HOLD": hold,
        }
        env = {k: v for k, v in os.environ.items() if not k.startswith("DEPECHE_")}
        env.update({f"DEPECHE_{k}": str(v) for k, v in settings.items()})
        env["DEPECHE_WARM_MODELS"] = "0"
        reader = create_app(
            {**settings, "TESTING": True, "CHANGE_CHECK_INTERVAL": 0, "WARM_MODELS": False}
        ).test_client()
        log = tmp / "consumer.log"
        rows: list[str] = []
        with consumer(env, log) as running:
            until(lambda: "Huey consumer started" in log.read_text())
            publish(settings, database, "warm-up", 1)  # the worker loads its model once
            until(lambda: served(reader, "warm-up"))
            for times in (1, 8):
                took, total = [], []
                for i in range(RUNS):
                    slug = f"story-{times}x-{i}"
                    started = time.perf_counter()
                    took.append(publish(settings, database, slug, times))
                    until(lambda slug=slug: served(reader, slug))  # type: ignore[misc]
                    total.append(time.perf_counter() - started)
                    assert fills(database, slug) == 1
                rows.append(
                    f"| publish, {times}× the seed | {RUNS} | {p50(took) * 1000:.1f} ms "
                    f"| {p50(total) * 1000:.0f} ms | {max(total) * 1000:.0f} ms |"
                )
            child: list[float] = []
            for i in range(KILLS):
                slug = f"killed-worker-{i}"
                hold.touch()
                publish(settings, database, slug, 1)
                pid = int(until(lambda: reached.exists() and reached.read_text()).split()[0])
                reached.unlink()
                hold.unlink()
                killed = time.perf_counter()
                os.kill(pid, signal.SIGKILL)
                until(lambda slug=slug: served(reader, slug))  # type: ignore[misc]
                child.append(time.perf_counter() - killed)
                assert fills(database, slug) == 1, slug
                assert running.poll() is None
        whole: list[float] = []
        for i in range(KILLS):
            slug = f"killed-consumer-{i}"
            hold.touch()
            with consumer(env, log) as first:
                publish(settings, database, slug, 1)
                until(lambda: reached.exists())
                reached.unlink()
                killed = time.perf_counter()
                os.killpg(first.pid, signal.SIGKILL)
                first.wait()
            hold.unlink()
            with consumer(env, log):
                until(lambda slug=slug: served(reader, slug))  # type: ignore[misc]
                whole.append(time.perf_counter() - killed)
            assert fills(database, slug) == 1, slug
        database.dispose()
    section = "\n".join(
        [
            HEADING,
            "",
            "`.venv/bin/python bench/jobs.py --write`: one `depeche jobs worker` (one worker "
            "process) on a SQLite store, the fixture models, beam 4, the translation memory off "
            "(every segment goes to the engine). *Publish* is `ingest_wire` of the seed's wire "
            "copy as a new article plus `queue_translations`; *served* is until the article API "
            "of another app on the store answers the French edition complete and not pending. "
            "8× is the same copy eight times over: the article is 8× longer, its distinct "
            "sentences the same, so the job does the same work and only the publish grows. "
            "The runs follow each other, so the consumer is awake; an idle one looks at the "
            "queue at least every second (huey polls SQLite, up to 1 s apart when idle).",
            "",
            "| what | runs | publish p50 | publish → French served, p50 | max |",
            "| --- | --- | --- | --- | --- |",
            *rows,
            "",
            "A job held after translating, before storing, then killed with `kill -9` and let "
            "go: the time from the kill until the French edition is served, and the article's "
            "machine-fill revisions (stored once). A worker process's death is seen by huey's "
            "health check (every second), whose new process sweeps at its start; a new "
            "consumer sweeps when its worker process starts. Both then translate again (the "
            "model loads in the new process) and store.",
            "",
            "| killed | runs | kill → stored and served, p50 | max | revisions per article |",
            "| --- | --- | --- | --- | --- |",
            f"| the worker process running the job (the consumer starts another) | {KILLS} "
            f"| {p50(child):.2f} s | {max(child):.2f} s | 1 |",
            f"| the whole consumer, a new one started at once | {KILLS} "
            f"| {p50(whole):.2f} s | {max(whole):.2f} s | 1 |",
            "",
        ]
    )
    section = "\n".join(
        line if line.startswith("|") or len(line) <= 100 else textwrap.fill(line, 100)
        for line in section.split("\n")
    )
    print(section)
    if "--write" in sys.argv[1:]:
        text = DOC.read_text()
        start = text.find(HEADING)
        if start < 0:
            DOC.write_text(text.rstrip("\n") + "\n\n" + section)
        else:
            following = text.find("\n## ", start + len(HEADING))
            rest = "" if following < 0 else text[following:]
            DOC.write_text(text[:start] + section.rstrip("\n") + "\n" + rest)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
