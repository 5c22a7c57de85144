"""`make bench`: PostgreSQL beside SQLite — the same N articles in each, in the same run: cold
and hot article reads, list pages, `depeche import`, and how long a change takes to reach
another replica (two granian instances on one store), also right after the replicas'
notification connections are killed (pg_terminate_backend).

PostgreSQL is a throwaway server of this run (tests/postgres.py's), with fsync on and
``synchronous_commit=off``: commits are not flushed one by one, as SQLite's WAL with
``synchronous=NORMAL`` does not flush them either. ``PG_SCALE`` sets N (default 20,000;
``--quick``: 2,000). The report goes to stdout and, for the default N or more, into
docs/performance.md's "PostgreSQL beside SQLite" section.
"""

from __future__ import annotations

import gc
import os
import shutil
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "bench")]

from run import HOST, ROUNDS, BenchError, free_port, machine, run_main, start, stop, wait_ready, wrk  # noqa: E402
from scale import (  # noqa: E402
    ARTICLE,
    IMPORT_FOLDERS,
    PAGE,
    PAGE_SIZE,
    Imported,
    InProcess,
    SeedRows,
    change_lag,
    fill,
    import_throughput,
    in_process,
    seed_rows,
    write_rows,
    write_section,
)
from sqlalchemy import create_engine, text  # noqa: E402

from app.store.database import Database  # noqa: E402
from app.store.migrate import upgrade  # noqa: E402
from app.store.notify import APPLICATION_NAME  # noqa: E402
from tests.postgres import PostgresServer  # noqa: E402

HEADING = "## PostgreSQL beside SQLite"
DEFAULT_SCALE, QUICK_SCALE = 20_000, 2_000
CHANGES = 50
KILLS = 20
ENGINES = ("SQLite", "PostgreSQL")


def fill_postgres(url: str, count: int, seed: SeedRows) -> float:
    """*count* articles in the new PostgreSQL database *url*, the rows bench/scale.py's
    ``fill`` puts in SQLite (executemany for articles and revisions, INSERT … SELECT for the
    copies); the id sequences moved past them. Seconds taken."""
    database = Database(url)
    try:
        upgrade(database)
    finally:
        database.dispose()
    engine = create_engine(url)
    started = time.perf_counter()
    with engine.connect() as conn:
        write_rows(conn, count, seed)
        with conn.begin():
            for table in ("articles", "revisions", "translations"):
                conn.execute(
                    text(
                        f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                        f"(SELECT max(id) FROM {table}))"
                    )
                )
        conn.commit()
        conn.execution_options(isolation_level="AUTOCOMMIT").exec_driver_sql("VACUUM ANALYZE")
    engine.dispose()
    return time.perf_counter() - started


@dataclass
class Figures:
    """One engine's figures."""

    fill: float = 0.0
    reads: InProcess | None = None
    imported: Imported | None = None
    hot: dict[str, float] = field(default_factory=dict)
    lags: list[float] = field(default_factory=list)
    killed_lags: list[float] = field(default_factory=list)


def replicas(env: dict[str, str], url: str, tmp: Path, name: str) -> list[Any]:
    """Two granian instances ("replicas", 2 workers each) on the store *url*; their bases."""
    procs, bases = [], []
    for replica in ("a", "b"):
        port = free_port()
        log = tmp / f"{name}-{replica}.log"
        procs.append(start("app.wsgi:app", port, log, env={**env, "DEPECHE_DATABASE_URL": url}))
        bases.append(f"http://{HOST}:{port}")
        wait_ready(procs[-1], bases[-1] + "/healthz", log)
    return [procs, bases]


def lags_at(base: str, url: str, server: Any | None, first: int) -> list[float]:
    """Seconds until replica *base* serves each of CHANGES changes committed by another
    process; with *server*, each committed right after the listeners were terminated."""
    database = Database(url)
    listening = (
        f"SELECT count(*) FROM pg_stat_activity WHERE application_name = '{APPLICATION_NAME}'"
    )
    found: list[float] = []
    try:
        for i in range(KILLS if server else CHANGES):
            if server is not None:
                deadline = time.monotonic() + 10
                while server.execute(listening)[0][0] < 4:  # 2 replicas x 2 workers
                    if time.monotonic() > deadline:
                        raise BenchError("the listeners did not come back within 10 s")
                    time.sleep(0.05)
                time.sleep(0.2)  # and caught up
                server.terminate(APPLICATION_NAME)
            found.append(change_lag(base, database, first + i % 10, i))
    finally:
        database.dispose()
    return found


def served(
    env: dict[str, str], urls: dict[str, str], tmp: Path, seconds: int, server: Any
) -> dict[str, tuple[dict[str, float], list[float], list[float]]]:
    """Two replicas per engine, all running at once: hot reads at each engine's "a" (wrk,
    the engines in turn, so that other load on the cores falls on both alike), then change
    lags at "b"; on PostgreSQL, also right after the listeners are terminated."""
    procs: list[Any] = []
    bases: dict[str, list[str]] = {}
    try:
        for name, url in urls.items():
            started, bases[name] = replicas(env, url, tmp, name)
            procs += started
        hot: dict[str, dict[str, list[float]]] = {n: {ARTICLE: [], PAGE: []} for n in urls}
        for path in (ARTICLE, PAGE):
            for _ in range(ROUNDS):
                for name in urls:
                    hot[name][path].append(wrk(bases[name][0] + path, seconds, {}))
        found = {}
        for name, url in urls.items():
            lags = lags_at(bases[name][1], url, None, 2)
            killed = lags_at(bases[name][1], url, server, 20) if name == "PostgreSQL" else []
            medians = {path: statistics.median(runs) for path, runs in hot[name].items()}
            found[name] = (medians, lags, killed)
    finally:
        for proc in reversed(procs):
            stop(proc)
    return found


def _ms(values: list[float]) -> str:
    return f"{statistics.median(values) * 1000:.0f} ms / {max(values) * 1000:.0f} ms"


def report(count: int, figures: dict[str, Figures], seconds: int) -> str:
    sqlite, pg = figures["SQLite"], figures["PostgreSQL"]
    assert sqlite.reads and pg.reads and sqlite.imported and pg.imported

    def row(what: str, a: str, b: str) -> str:
        return f"| {what} | {a} | {b} |"

    rows = [
        row(
            f"fill {count:,} articles (Core executemany + INSERT … SELECT)",
            f"{sqlite.fill:.1f} s",
            f"{pg.fill:.1f} s",
        ),
        row(
            "`/api/v1/articles` first page, p50",
            f"{sqlite.reads.first_page:.2f} ms",
            f"{pg.reads.first_page:.2f} ms",
        ),
        row(
            f"`/api/v1/articles` {sqlite.reads.depth // PAGE_SIZE:,} pages deep, p50",
            f"{sqlite.reads.deep_page:.2f} ms",
            f"{pg.reads.deep_page:.2f} ms",
        ),
        row(
            "keyset query uses `ix_articles_published_slug`",
            "yes" if sqlite.reads.uses_index else "**no**",
            "yes" if pg.reads.uses_index else "**no**",
        ),
        row(
            "cold article (not rendered yet), JSON `?lang=fr`, p50",
            f"{sqlite.reads.cold_json:.2f} ms",
            f"{pg.reads.cold_json:.2f} ms",
        ),
        row(
            "cold article, HTML page `/fr/…`, p50",
            f"{sqlite.reads.cold_html:.2f} ms",
            f"{pg.reads.cold_html:.2f} ms",
        ),
        *(
            row(
                f"hot `{path}` under granian (2 workers), wrk",
                f"{sqlite.hot[path]:,.0f} req/s",
                f"{pg.hot[path]:,.0f} req/s",
            )
            for path in (ARTICLE, PAGE)
        ),
        row(
            f"`depeche import` of {IMPORT_FOLDERS} folders into a new database",
            f"{sqlite.imported.rate:.0f} articles/s ({sqlite.imported.loop:.1f} s)",
            f"{pg.imported.rate:.0f} articles/s ({pg.imported.loop:.1f} s)",
        ),
        row(
            f"a change served by the other replica, {CHANGES} changes, p50 / max",
            _ms(sqlite.lags) + " (each worker looks every 0.25 s)",
            _ms(pg.lags) + " (NOTIFY)",
        ),
        row(
            f"the same right after the listeners were terminated, {KILLS} changes, p50 / max",
            "—",
            _ms(pg.killed_lags),
        ),
    ]
    return "\n".join(
        [
            f"{HEADING} (`make bench`, `bench/postgres.py`)",
            "",
            f"Machine: {machine()}; load average {os.getloadavg()[0]:.1f} at the end of the run "
            f"(the two cores are shared; the server runs on them too). Command: "
            f"`PG_SCALE={count} .venv/bin/python bench/postgres.py` (run by `make bench`). "
            f"The same {count:,} articles in each store (bench/scale.py's rows: the seed with "
            "its own slug and date each); PostgreSQL 15 on 127.0.0.1, fsync on, "
            "`synchronous_commit=off` (as SQLite's `synchronous=NORMAL`, commits are not "
            "flushed one by one). In-process figures through the Flask test client with no "
            "memo and no render cache; hot figures `wrk -t2 -c64 "
            f"-d{seconds}s`, median of {ROUNDS}. Changes: a new headline committed by another "
            "process, timed until 5 answers in a row from the other replica (a new connection "
            "each: either of its workers) carry the new ETag.",
            "",
            "| | SQLite | PostgreSQL |",
            "| --- | ---: | ---: |",
            *rows,
            "",
        ]
    )


def main() -> int:
    quick = "--quick" in sys.argv[1:]
    count = QUICK_SCALE if quick else int(os.environ.get("PG_SCALE", DEFAULT_SCALE))
    seconds = int(os.environ.get("BENCH_SECONDS", "5"))
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("DEPECHE_")
        and k not in ("PROMETHEUS_MULTIPROC_DIR", "PYTHONDONTWRITEBYTECODE")
    }
    figures = {name: Figures() for name in ENGINES}
    seed = seed_rows()
    folder = Path(tempfile.mkdtemp(prefix="bench-pg-"))
    # A folder of its own: the server's user cannot enter this run's (root's, 0700) folder.
    cluster = Path(tempfile.mkdtemp(prefix="bench-pg-server-"))
    server = PostgresServer(cluster, "-c synchronous_commit=off")
    try:
        server.init()
        server.start()
        models = folder / "no-models"
        models.mkdir()
        env["DEPECHE_MODELS_DIR"] = str(models)
        sqlite_url = f"sqlite:///{folder / 'big.sqlite3'}"
        pg_url = server.url(server.create_database())
        print(f"filling {count:,} articles into each store…", file=sys.stderr)
        figures["SQLite"].fill = fill(folder / "big.sqlite3", count, seed).seconds
        figures["PostgreSQL"].fill = fill_postgres(pg_url, count, seed)
        for name, url in (("SQLite", sqlite_url), ("PostgreSQL", pg_url)):
            print(f"{name}: list pages and cold articles…", file=sys.stderr)
            figures[name].reads = in_process(url, count, models)
            gc.collect()  # that app goes, and with it its listener
        for name in ENGINES:
            print(f"{name}: import…", file=sys.stderr)
            target = None if name == "SQLite" else server.url(server.create_database())
            figures[name].imported = import_throughput(
                env, folder, IMPORT_FOLDERS, target, profile=False
            )
        print("two replicas of each…", file=sys.stderr)
        urls = {"SQLite": sqlite_url, "PostgreSQL": pg_url}
        for name, (hot, lags, killed) in served(env, urls, folder, seconds, server).items():
            figures[name].hot, figures[name].lags, figures[name].killed_lags = hot, lags, killed
    finally:
        try:
            server.stop()
        finally:
            shutil.rmtree(folder, ignore_errors=True)
            shutil.rmtree(cluster, ignore_errors=True)
    section = report(count, figures, seconds)
    print(section)
    if count >= DEFAULT_SCALE:
        write_section(section, HEADING)
    else:
        print(f"(N < {DEFAULT_SCALE:,}: docs/performance.md left as it is)", file=sys.stderr)
    return 0


if __name__ == "__main__":
    run_main(main)
