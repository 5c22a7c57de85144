"""`make bench`: the content store at scale — start-up, memory, list pages, cold and hot
articles, import throughput and change propagation, on a SQLite database of N articles.

The database is filled straight into the tables (SQLAlchemy Core ``insert()`` executemany, in
large transactions): the seed article of data/ repeated with distinct slugs and dates, with its
segments, French translation memory, facts and one revision each. ``SCALE`` sets N (default
100,000); ``--quick`` is ``SCALE=2000``. ``BENCH_SECONDS`` sets each wrk run (default 5). The
Markdown report goes to stdout and, for N >= 100,000, into docs/performance.md's "Content store
at scale" section.

``--only import [--beside DIR]``: only the import throughput (no big database, no servers),
median of 3 runs; with DIR, another checkout of the code (``git worktree add DIR main``), its
runs alternate with this code's, so that both are measured side by side under the same load.
"""

from __future__ import annotations

import io
import json
import os
import pstats
import random
import re
import resource
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "bench")]

from baseline import PATHS, fetch  # noqa: E402
from run import (  # noqa: E402
    BENCH,
    BIN,
    HOST,
    ROUNDS,
    BenchError,
    free_port,
    machine,
    run_main,
    start,
    stop,
    wait_ready,
    worker_rss,
    wrk,
)
from sqlalchemy import create_engine, event, insert, select, update  # noqa: E402

from app.content import repository as articles  # noqa: E402
from app.content.repository import Cursor, segment_rows  # noqa: E402
from app.exchange.folders import read_folder  # noqa: E402
from app.store.database import Database  # noqa: E402
from app.store.migrate import upgrade  # noqa: E402
from app.store.models import ArticleRow, Base  # noqa: E402
from app.translation.catalogs import catalog_rows, source_key  # noqa: E402

SEED_SLUG = "mali-army-convoy-kidal"
SEED = ROOT / "data" / "articles" / SEED_SLUG
DOC = ROOT / "docs" / "performance.md"
HEADING = "## Content store at scale"
DEFAULT_SCALE, QUICK_SCALE, SMALL_SCALE = 100_000, 2_000, 100
PER_DAY = 30  # articles published per day: 100,000 of them span nine years
CHUNK = 5_000  # articles per transaction
SAMPLES = 200  # requests per p50 through the test client
DISTINCT_ARTICLES = 1_000  # articles served before worker RSS is read
DEEP_PAGES, PAGE_SIZE = 4_000, 20
IMPORT_FOLDERS = 1_000
CHANGES = 30
POLL_EVERY = 0.010
NEW_IN_A_ROW = 5  # consecutive answers with the new ETag: both workers serve it
ARTICLE, PAGE = PATHS[0], PATHS[3]


def slug(n: int) -> str:
    """Article *n* (1-based): the seed keeps its own slug, so bench/baseline.py's paths work."""
    return SEED_SLUG if n == 1 else f"{SEED_SLUG}-{n}"


@dataclass(frozen=True)
class SeedRows:
    """The seed article's rows, without ids: what every synthetic article repeats."""

    article: dict[str, Any]
    segments: list[dict[str, Any]]
    header: dict[str, Any]
    translations: list[dict[str, Any]]
    facts: list[dict[str, Any]]


def seed_rows() -> SeedRows:
    content = read_folder(SEED, SEED.parent.parent)
    a = content.article
    header, translations = catalog_rows(content.catalogs["fr"])
    document = content.document or {}
    facts = [
        {"kind": kind, "position": i, "data": data}
        for kind, key in (("fact", "facts"), ("timeline", "timeline"))
        for i, data in enumerate(document.get(key) or [])
    ]
    fields = {
        "language": a.language,
        "headline": a.headline.text,
        "standfirst": a.standfirst.text,
        "dateline": a.dateline,
        "published": a.published,
        "publisher": a.publisher,
        "credit": a.credit,
        "source": content.source,
    }
    keyed = [{**t, "source_key": source_key(t["source"])} for t in translations]
    return SeedRows(fields, segment_rows(a), header, keyed, facts)


@dataclass(frozen=True)
class Filled:
    url: str
    count: int
    rows: int
    seconds: float
    size: int


def fill(path: Path, count: int, seed: SeedRows) -> Filled:
    """A new database at *path* with *count* articles, each with the seed's rows.

    The articles and their revisions go in by executemany; so do the seed's own segments,
    catalog, translations and facts, as article 1. Every other article's copies of those are
    made by SQLite itself (``INSERT … SELECT`` from article 1's rows, one statement per table
    and chunk): replicating them through executemany ran at 30,000–40,000 rows/s on these
    shared cores, five minutes or more for 100,000 articles."""
    url = f"sqlite:///{path}"
    database = Database(url)
    try:
        upgrade(database)
    finally:
        database.dispose()
    # A plain engine: no reader is there yet and a failed fill is thrown away, so no journal
    # and no fsync; WAL (the app's mode) is turned back on at the end.
    engine = create_engine(url)
    started = time.perf_counter()
    with engine.connect() as conn:
        for pragma in ("journal_mode=OFF", "synchronous=OFF", "temp_store=MEMORY"):
            conn.exec_driver_sql(f"PRAGMA {pragma}")
        conn.exec_driver_sql("PRAGMA cache_size=-262144")
        conn.commit()
        rows = write_rows(conn, count, seed)
        conn.exec_driver_sql("PRAGMA journal_mode=WAL")
        conn.commit()
    engine.dispose()
    return Filled(url, count, rows, time.perf_counter() - started, path.stat().st_size)


def write_rows(conn: Any, count: int, seed: SeedRows) -> int:
    """*count* articles with the seed's rows on the open connection *conn* (any engine), in
    chunks of one transaction each, and the change number set to *count*; the rows written."""
    tables = Base.metadata.tables
    published: date = seed.article["published"]
    now = datetime.now(UTC)
    own: dict[str, list[dict[str, Any]]] = {
        "segments": [{**s, "article_id": 1} for s in seed.segments],
        "catalogs": [{"article_id": 1, "language": "fr", "header": seed.header}],
        "translations": [
            {**t, "article_id": 1, "language": "fr", "source_key": source_key(t["source"])}
            for t in seed.translations
        ],
        "facts": [{**f, "article_id": 1} for f in seed.facts],
    }
    rows = 0
    for first in range(1, count + 1, CHUNK):
        ids = range(first, min(first + CHUNK, count + 1))
        with conn.begin():
            conn.execute(
                insert(tables["articles"]),
                [
                    {
                        **seed.article,
                        "id": n,
                        "slug": slug(n),
                        "published": published - timedelta(days=(n - 1) // PER_DAY),
                        "version": 1,
                        "seq": n,
                        "created": now,
                        "updated": now,
                    }
                    for n in ids
                ],
            )
            conn.execute(
                insert(tables["revisions"]),
                [
                    {
                        "article_id": n,
                        "version_before": 0,
                        "version_after": 1,
                        "at": now,
                        "actor": "import",
                        "action": "import",
                        "detail": {},
                    }
                    for n in ids
                ],
            )
            rows += 2 * len(ids)
            if first == 1:
                for name, batch in own.items():
                    conn.execute(insert(tables[name]), batch)
                    rows += len(batch)
            for name, batch in own.items():
                rows += _copy(conn, tables[name], max(first, 2), ids[-1]) * len(batch)
    with conn.begin():
        state = tables["store_state"]
        conn.execute(update(state).where(state.c.id == 1).values(seq=count))
    return rows


def _copy(conn: Any, table: Any, low: int, high: int) -> int:
    """Copy article 1's rows of *table* to articles *low*..*high*; return how many articles."""
    if low > high:
        return 0
    article = Base.metadata.tables["articles"]
    seed = table.alias("seed")
    names = [c.name for c in table.columns if c.name not in ("article_id", "id")]
    copies = (
        select(article.c.id, *(seed.c[n] for n in names))
        .select_from(article.join(seed, seed.c.article_id == 1))
        .where(article.c.id.between(low, high))
        .order_by(article.c.id, *(seed.c[n] for n in names if n == "position"))
    )
    conn.execute(insert(table).from_select(["article_id", *names], copies))
    return high - low + 1


# --- 1. start-up ---------------------------------------------------------------------------

IN_PROCESS = """
import statistics, time
from app import create_app
create_app()  # the first call imports the blueprints and the rest
times = []
for _ in range(5):
    started = time.perf_counter()
    create_app()
    times.append(time.perf_counter() - started)
print(statistics.median(times))
"""


def create_app_seconds(env: dict[str, str], url: str) -> float:
    """Median of 5 ``create_app()`` calls in one interpreter, after the imports."""
    out = subprocess.run(
        [str(BIN / "python"), "-c", IN_PROCESS],
        cwd=ROOT,
        env={**env, "DEPECHE_DATABASE_URL": url},
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return float(out.split()[-1])


def fresh_start_seconds(
    env: dict[str, str], urls: list[str], tmp: Path
) -> tuple[list[float], list[float]]:
    """A fresh interpreter importing and building the app, per database: hyperfine's median
    wall time and its mean CPU time (user + system, less disturbed by other processes on
    shared cores), each the median of ROUNDS invocations in alternating order."""
    python = shlex.quote(str(BIN / "python"))
    script = shlex.quote("from app import create_app; create_app()")
    commands = [f"DEPECHE_DATABASE_URL={shlex.quote(u)} {python} -c {script}" for u in urls]
    medians: list[list[float]] = [[] for _ in urls]
    cpu: list[list[float]] = [[] for _ in urls]
    for round_ in range(ROUNDS):
        order = list(range(len(urls)))[:: -1 if round_ % 2 else 1]
        export = tmp / f"startup-{round_}.json"
        cmd = ["hyperfine", "--warmup", "2", "--runs", "10", "--export-json", str(export)]
        cmd += [commands[i] for i in order]
        subprocess.run(cmd, cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL)
        for i, result in zip(order, json.loads(export.read_text())["results"], strict=True):
            medians[i].append(float(result["median"]))
            cpu[i].append(float(result["user"]) + float(result["system"]))
    return [statistics.median(m) for m in medians], [statistics.median(c) for c in cpu]


# --- 3., 4. list pages and cold articles, in process ----------------------------------------


def p50_ms(get: Callable[[str], int], *series: list[str]) -> list[float]:
    """Median milliseconds of GET over each list of paths (each must answer 200), the lists
    taken in turn, a request of each, so that other load on the cores falls on all alike."""
    times: list[list[float]] = [[] for _ in series]
    for paths in zip(*series, strict=True):
        for i, path in enumerate(paths):
            started = time.perf_counter()
            status = get(path)
            times[i].append(time.perf_counter() - started)
            if status != 200:
                raise BenchError(f"GET {path} answered {status}")
    return [statistics.median(t) * 1000 for t in times]


@contextmanager
def statements(engine: Any) -> Iterator[list[tuple[str, Any]]]:
    """The SQL statements *engine* runs inside the block, with their parameters."""
    seen: list[tuple[str, Any]] = []

    def remember(_conn: Any, _cursor: Any, sql: str, params: Any, *_: Any) -> None:
        seen.append((sql, params))

    event.listen(engine, "before_cursor_execute", remember)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", remember)


def query_plan(engine: Any, sql: str, params: Any) -> list[str]:
    """The plan of *sql*: SQLite's EXPLAIN QUERY PLAN, or PostgreSQL's EXPLAIN, one line a step."""
    sqlite = engine.dialect.name == "sqlite"
    explain = "EXPLAIN QUERY PLAN" if sqlite else "EXPLAIN"
    with engine.connect() as conn:
        return [
            row[-1 if sqlite else 0] for row in conn.exec_driver_sql(f"{explain} {sql}", params)
        ]


@dataclass
class InProcess:
    depth: int = 0
    first_page: float = 0.0
    deep_page: float = 0.0
    plans: list[tuple[str, list[str]]] = field(default_factory=list)
    uses_index: bool = False
    cold_json: float = 0.0
    cold_html: float = 0.0


def in_process(url: str, count: int, models: Path) -> InProcess:
    """List pages and cold articles through the Flask test client, nothing cached: no
    response memo, a render cache of 0 bytes (every request renders), distinct slugs."""
    from app import create_app
    from app.api.cursor import encode

    app = create_app(
        {
            "DATABASE_URL": url,
            "MODELS_DIR": models,
            "RESPONSE_MEMO": False,
            "RENDER_CACHE_BYTES": 0,
        }
    )
    client = app.test_client()

    def get(path: str) -> int:
        return client.get(path).status_code

    found = InProcess(depth=min(DEEP_PAGES * PAGE_SIZE, count * 4 // 5))
    engine = app.extensions["depeche.database"].engine
    with engine.connect() as conn:
        after = conn.execute(
            select(ArticleRow.published, ArticleRow.slug)
            .order_by(ArticleRow.published.desc(), ArticleRow.slug.desc())
            .offset(found.depth - 1)
            .limit(SAMPLES + 5)
        ).all()
    cursors = [encode(Cursor(published, s)) for published, s in after]
    langs = ("fr", "en")
    deep = [
        f"/api/v1/articles?lang={langs[i % 2]}&limit={PAGE_SIZE}&cursor={c}"
        for i, c in enumerate(cursors)
    ]
    first = [f"/api/v1/articles?lang={langs[i % 2]}" for i in range(SAMPLES)]
    p50_ms(get, first[:5], deep[SAMPLES:])  # warm-up
    found.first_page, found.deep_page = p50_ms(get, first, deep[:SAMPLES])

    for name, path in (("first page", "/api/v1/articles?lang=fr"), ("deep page", deep[0])):
        with statements(engine) as seen:
            get(path)
        for sql, params in seen:
            if "FROM articles" in sql and "ORDER BY" in sql:
                found.plans.append((f"{name}: articles", query_plan(engine, sql, params)))
            elif "FROM translations" in sql:
                found.plans.append((f"{name}: headlines", query_plan(engine, sql, params)))
    keyset = [plan for name, plan in found.plans if name == "deep page: articles"]
    found.uses_index = bool(keyset) and any("ix_articles_published_slug" in s for s in keyset[0])

    # distinct articles: the JSON's, the page's, then a few to warm up with
    chosen = random.Random(1).sample(range(2, count + 1), 2 * SAMPLES + 10)
    json_paths = [f"/api/v1/articles/{slug(n)}?lang=fr" for n in chosen[:SAMPLES]]
    html_paths = [f"/fr/articles/{slug(n)}" for n in chosen[SAMPLES : 2 * SAMPLES]]
    warm = chosen[2 * SAMPLES :]
    p50_ms(
        get,
        [f"/api/v1/articles/{slug(n)}" for n in warm],
        [f"/fr/articles/{slug(n)}" for n in warm],
    )
    found.cold_json, found.cold_html = p50_ms(get, json_paths, html_paths)
    app.extensions["depeche.database"].dispose()
    return found


# --- 6. import throughput -------------------------------------------------------------------


def article_folders(root: Path, count: int) -> None:
    """*count* copies of the seed folder under *root*/articles, each with its own slug."""
    text = (SEED / "article.md").read_text()
    for n in range(count):
        name = f"{SEED_SLUG}-import-{n}"
        folder = root / "articles" / name
        shutil.copytree(SEED, folder)
        (folder / "article.md").write_text(
            text.replace(f"slug: {SEED_SLUG}\n", f"slug: {name}\n", 1)
        )


@dataclass
class Imported:
    count: int
    wall: float
    loop: float
    cpu: float
    """user + system seconds of the whole command, start-up included."""
    profile: list[str] = field(default_factory=list)

    @property
    def rate(self) -> float:
        return self.count / self.loop


def import_throughput(
    env: dict[str, str], tmp: Path, count: int, url: str | None = None, profile: bool = True
) -> Imported:
    """`depeche import` of *count* folders into a new database (SQLite in *tmp*, or *url*);
    profiled if below the goal."""
    root = tmp / "import-data"
    if not root.exists():
        article_folders(root, count)
    command = [str(BIN / "depeche"), "import", str(root)]
    new = Path(tempfile.mkdtemp(prefix="import-", dir=tmp)) / "import.sqlite3"
    db_env = {**env, "DEPECHE_DATABASE_URL": url or f"sqlite:///{new}"}
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    out = subprocess.run(command, cwd=ROOT, env=db_env, capture_output=True, text=True, check=True)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime
    said = re.search(
        rf"{count} articles read, {count} changed, 0 refused in ([\d.]+) s", out.stdout
    )
    if said is None:
        raise BenchError(f"unexpected import output: {out.stdout}{out.stderr}")
    found = Imported(count, wall, float(said.group(1)), cpu)
    if found.rate < 200 and profile:
        found.profile = profile_import(env, tmp, command)
    return found


def profile_import(env: dict[str, str], tmp: Path, command: list[str]) -> list[str]:
    """Where an import's time goes: cProfile of the same command into another new database."""
    out = tmp / "import.prof"
    db_env = {**env, "DEPECHE_DATABASE_URL": f"sqlite:///{tmp / 'import-profiled.sqlite3'}"}
    cmd = [str(BIN / "python"), "-m", "cProfile", "-o", str(out), *command]
    subprocess.run(cmd, cwd=ROOT, env=db_env, check=True, stdout=subprocess.DEVNULL)
    stats = pstats.Stats(str(out), stream=io.StringIO())
    table: dict[Any, Any] = stats.stats  # type: ignore[attr-defined]
    total = max(cum for _, _, _, cum, _ in table.values())
    lines = []
    # Our own functions by cumulative time: which step of an import costs what.
    ours = [
        (cum, f"{Path(file).relative_to(ROOT)}:{name}")
        for (file, _, name), (_, _, _, cum, _) in table.items()
        if file.startswith(str(ROOT / "app"))
    ]
    for cum, where in sorted(ours, reverse=True)[:14]:
        lines.append(f"{cum:7.2f} s {cum / total:5.1%}  {where}")
    lines.append("libraries it calls (cumulative):")
    for (file, _, name), (_, _, _, cum, _) in sorted(table.items(), key=lambda i: -i[1][3]):
        if (_short(file), name) in LIBRARY_STEPS:
            lines.append(f"{cum:7.2f} s {cum / total:5.1%}  {_short(file)}:{name}")
    # And where the time is spent itself, anywhere.
    own = [(tt, f"{_short(file)}:{name}") for (file, _, name), (_, _, tt, _, _) in table.items()]
    lines.append("own time:")
    for tt, where in sorted(own, reverse=True)[:10]:
        lines.append(f"{tt:7.2f} s {tt / total:5.1%}  {where}")
    return lines


#: Library entry points worth naming in an import profile.
LIBRARY_STEPS = {
    ("sqlalchemy/orm/session.py", "_flush"),
    ("sqlalchemy/orm/session.py", "commit"),
    ("yaml/__init__.py", "load"),
    ("babel/messages/pofile.py", "read_po"),
    ("marshmallow/schema.py", "load"),
}


def _short(file: str) -> str:
    for marker in ("site-packages/", "/lib/python3"):
        if marker in file:
            return file.split(marker, 1)[1]
    return Path(file).name if file.startswith("/") else file


# --- 2., 5., 7. under granian ---------------------------------------------------------------


@dataclass
class Served:
    rss_start: list[float] = field(default_factory=list)
    rss_after: list[float] = field(default_factory=list)
    ratios: dict[str, tuple[float, float]] = field(default_factory=dict)
    lags: list[float] = field(default_factory=list)


def etag_of(url: str) -> str:
    status, headers, _ = fetch(url)
    if status != 200:
        raise BenchError(f"GET {url} answered {status}")
    return dict((k.lower(), v) for k, v in headers)["etag"]


def change_lag(base: str, database: Database, n: int, i: int) -> float:
    """Seconds from the commit of a new headline of article *n* until both workers serve it."""
    url = f"{base}/api/v1/articles/{slug(n)}?lang=en"
    old = etag_of(url)
    with database.write() as session:
        row = articles.find(session, slug(n))
        assert row is not None
        row.headline = f"Malian army convoy heads for Kidal (correction {i})"
        articles.record(session, row, "bench", "correct")
    committed = time.perf_counter()
    in_a_row, since = 0, 0.0
    while time.perf_counter() - committed < 10:
        status, headers, _ = fetch(url)  # a new connection each time: either worker answers
        now = time.perf_counter()
        if dict((k.lower(), v) for k, v in headers).get("etag", old) != old:
            in_a_row, since = in_a_row + 1, since if in_a_row else now
            if in_a_row == NEW_IN_A_ROW:
                return since - committed
        else:
            in_a_row = 0
        time.sleep(POLL_EVERY)
    raise BenchError(f"{url}: the change was not served within 10 s")


def served(env: dict[str, str], url: str, count: int, tmp: Path, seconds: int) -> Served:
    """Worker RSS after distinct articles, hot routes against bare Flask, change lag."""
    found = Served()
    ours_port = free_port()
    base_port = next(p for p in iter(free_port, None) if p != ours_port)
    ours, bare = f"http://{HOST}:{ours_port}", f"http://{HOST}:{base_port}"
    procs: list[subprocess.Popen[bytes]] = []
    database = Database(url)
    try:
        procs.append(start("app.wsgi:app", ours_port, tmp / "ours.log", env=env))
        wait_ready(procs[0], ours + "/healthz", tmp / "ours.log")
        found.rss_start = worker_rss(procs[0].pid)
        step = max(1, count // DISTINCT_ARTICLES)
        for n in range(2, 2 + step * DISTINCT_ARTICLES, step):
            if fetch(f"{ours}/api/v1/articles/{slug(n)}?lang=fr")[0] != 200:
                raise BenchError(f"article {slug(n)} did not answer 200")
        found.rss_after = worker_rss(procs[0].pid)

        extra = ("--working-dir", str(BENCH), "--factory")
        procs.append(
            start(
                "baseline:create_app",
                base_port,
                tmp / "base.log",
                *extra,
                env={**env, "BENCH_UPSTREAM": ours},
            )
        )
        wait_ready(procs[1], bare + ARTICLE, tmp / "base.log")
        for path in (ARTICLE, PAGE):
            if fetch(ours + path) != fetch(bare + path):
                raise BenchError(f"baseline does not answer {path} as we do")
            runs: tuple[list[float], list[float]] = ([], [])
            for _ in range(ROUNDS):
                for side, where in enumerate((ours, bare)):
                    runs[side].append(wrk(where + path, seconds, {}))
            found.ratios[path] = (statistics.median(runs[0]), statistics.median(runs[1]))
            print(f"{path}: ours {runs[0]}, baseline {runs[1]}", file=sys.stderr)
        stop(procs.pop())

        found.lags = [change_lag(ours, database, 2, i) for i in range(CHANGES)]
    finally:
        database.dispose()
        for proc in reversed(procs):
            stop(proc)
    return found


# --- the report -----------------------------------------------------------------------------


def _met(ok: bool) -> str:
    return "yes" if ok else "**no**"


def report(
    count: int,
    big: Filled,
    seed: SeedRows,
    in_app: list[float],
    fresh: list[float],
    fresh_cpu: list[float],
    inproc: InProcess,
    imported: Imported,
    srv: Served,
    seconds: int,
) -> str:
    n = f"{count:,}"
    growth = fresh[1] / fresh[0] - 1
    cpu_growth = fresh_cpu[1] / fresh_cpu[0] - 1
    worst_rss = max(srv.rss_after)
    json_ratio = srv.ratios[ARTICLE][0] / srv.ratios[ARTICLE][1]
    page_ratio = srv.ratios[PAGE][0] / srv.ratios[PAGE][1]
    p50_lag, max_lag = statistics.median(srv.lags), max(srv.lags)
    rows = [
        (
            f"`create_app()` after the imports, median of 5 (N = {SMALL_SCALE} / {n})",
            f"{in_app[0] * 1000:.1f} ms / {in_app[1] * 1000:.1f} ms",
            "≤ 100 ms at N",
            _met(in_app[1] <= 0.1),
        ),
        (
            f"fresh interpreter: import + `create_app()`, hyperfine (N = {SMALL_SCALE} / {n})",
            f"{fresh[0] * 1000:.0f} ms / {fresh[1] * 1000:.0f} ms ({growth:+.1%})",
            "N within 10 % of 100",
            _met(growth <= 0.10),
        ),
        (
            "the same, CPU time (user + system)",
            f"{fresh_cpu[0] * 1000:.0f} ms / {fresh_cpu[1] * 1000:.0f} ms ({cpu_growth:+.1%})",
            "N within 10 % of 100",
            _met(cpu_growth <= 0.10),
        ),
        (
            f"worker RSS at start / after {DISTINCT_ARTICLES:,} distinct articles (2 workers)",
            ", ".join(f"{mb:.1f}" for mb in srv.rss_start)
            + " MB / "
            + ", ".join(f"{mb:.1f}" for mb in srv.rss_after)
            + " MB",
            "≤ 100 MB",
            _met(worst_rss <= 100),
        ),
        (
            "`/api/v1/articles` first page, p50 (`?lang=fr`/`en` alternating)",
            f"{inproc.first_page:.2f} ms",
            "≤ 10 ms",
            _met(inproc.first_page <= 10),
        ),
        (
            f"`/api/v1/articles` {inproc.depth // PAGE_SIZE:,} pages deep "
            f"(after row {inproc.depth:,}, `limit={PAGE_SIZE}`, `fr`/`en`), p50",
            f"{inproc.deep_page:.2f} ms",
            "≤ 10 ms",
            _met(inproc.deep_page <= 10),
        ),
        (
            "keyset query uses `ix_articles_published_slug`",
            "yes" if inproc.uses_index else "no",
            "yes",
            _met(inproc.uses_index),
        ),
        (
            "article not rendered yet, JSON `?lang=fr`, p50",
            f"{inproc.cold_json:.2f} ms",
            "≤ 15 ms",
            _met(inproc.cold_json <= 15),
        ),
        ("article not rendered yet, HTML page `/fr/…`, p50", f"{inproc.cold_html:.2f} ms", "—", ""),
        (
            f"hot `{ARTICLE}` under granian ÷ bare Flask",
            f"{srv.ratios[ARTICLE][0]:,.0f} ÷ {srv.ratios[ARTICLE][1]:,.0f} req/s "
            f"= {json_ratio:.2f}",
            "≥ 0.85",
            _met(json_ratio >= 0.85),
        ),
        (
            f"hot `{PAGE}` under granian ÷ bare Flask",
            f"{srv.ratios[PAGE][0]:,.0f} ÷ {srv.ratios[PAGE][1]:,.0f} req/s = {page_ratio:.2f}",
            "≥ 0.85",
            _met(page_ratio >= 0.85),
        ),
        (
            f"`depeche import` of {imported.count} folders into a new database",
            f"{imported.rate:.0f} articles/s ({imported.loop:.1f} s; {imported.wall:.1f} s "
            f"with start-up, {imported.cpu:.1f} s of CPU: {imported.count / imported.cpu:.0f} "
            "articles per CPU-second)",
            "≥ 200/s",
            _met(imported.rate >= 200),
        ),
        (
            f"a change served by both workers, {CHANGES} changes, p50 / max",
            f"{p50_lag * 1000:.0f} ms / {max_lag * 1000:.0f} ms",
            "≤ 1 s",
            _met(max_lag <= 1),
        ),
    ]
    lines = [
        f"{HEADING} (`make bench`, `bench/scale.py`)",
        "",
        f"Machine: {machine()}; load average {os.getloadavg()[0]:.1f} at the end of the run "
        f"(the two cores are shared). Command: `SCALE={count} .venv/bin/python bench/scale.py` "
        "(run by `make bench`; `--quick` for N = 2,000). Python processes run with their "
        "bytecode caches (the environment's `PYTHONDONTWRITEBYTECODE` is dropped for them).",
        "",
        f"The database: {n} articles, each the seed (`data/articles/{SEED_SLUG}`) with its own "
        f"slug (`{SEED_SLUG}-<n>`) and date ({PER_DAY} a day, back from the seed's), with all its "
        f"rows — {len(seed.segments)} segments, {len(seed.translations)} French translation "
        f"entries and their catalog header, {len(seed.facts)} facts and timeline entries, one "
        f"revision: {big.rows:,} rows, SQLite {big.size / 2**20:,.0f} MiB, filled in "
        f"{big.seconds:.1f} s ({big.rows / big.seconds:,.0f} rows/s), {CHUNK:,} articles per "
        "transaction. Articles, revisions and the seed's own rows go in by SQLAlchemy Core "
        "`insert()` executemany (row dicts from `segment_rows` and `catalog_rows`); the other "
        "articles' segments, translations, catalog headers and facts are copied from the "
        "seed's by SQLite (`insert().from_select()`), since replicating them through "
        "executemany ran at 30,000–40,000 rows/s on these shared cores (five minutes or more "
        "for 100,000 articles). The "
        f"N = {SMALL_SCALE} database is filled the same way.",
        "",
        "| measure | measured | goal | met |",
        "|---|---:|---|---|",
        *(f"| {what} | {value} | {goal} | {met} |" for what, value, goal, met in rows),
        "",
        f"- Start-up: `create_app()` timed inside one interpreter after a first call (which "
        "does the imports); and `python -c 'from app import create_app; create_app()'` with "
        f"`hyperfine --warmup 2 --runs 10`, {ROUNDS} invocations in alternating order, the "
        "median of their medians.",
        f"- List pages and articles not rendered yet: the Flask test client in one process, "
        f"{SAMPLES} requests each (two series measured in turn, a request of each), with "
        "`RESPONSE_MEMO` off and a render cache of 0 bytes, so "
        f"every request queries and renders (no cache hit); deep pages use {SAMPLES} distinct "
        f"cursors from row {inproc.depth:,} on (computed with `app.api.cursor.encode`), cold "
        f"articles {SAMPLES} distinct slugs each, no models installed.",
        f"- Worker RSS: granian, 2 workers, 4 threads, production settings; "
        f"{DISTINCT_ARTICLES:,} distinct articles fetched once each (`?lang=fr`), spread over "
        "the database, then `/proc/<worker>/status` VmRSS.",
        f"- Hot routes: `bench/run.py`'s wrk loop (`-t2 -c64 -d{seconds}s`, median of {ROUNDS} "
        "alternating rounds) against `bench/baseline.py` replaying our bytes, on the big database.",
        f"- Changes: a new headline for `{slug(2)}` committed by this process (through "
        "`app.content.repository.record`), then `GET …?lang=en` on a new connection every "
        f"{POLL_EVERY * 1000:.0f} ms until {NEW_IN_A_ROW} answers in a row carry the new ETag; "
        f"the time is that of the first of them (`DEPECHE_CHANGE_CHECK_INTERVAL` 0.25 s). "
        "Which worker answered cannot be told apart: the run of answers stands for both.",
        "",
        "Query plans (`EXPLAIN QUERY PLAN` of the statements the list route ran):",
        "",
        "```",
        *(f"{name}: {' | '.join(plan)}" for name, plan in inproc.plans),
        "```",
    ]
    if imported.profile:
        lines += [
            "",
            f"`depeche import` is below 200 articles/s; where its time goes (cProfile of the "
            f"same {imported.count} folders, cumulative time of our functions, then own time):",
            "",
            "```",
            *imported.profile,
            "```",
        ]
    return "\n".join(_wrapped(lines)) + "\n"


def _wrapped(lines: list[str]) -> Iterator[str]:
    """Prose at 100 columns, as the rest of docs/performance.md; tables and code as they are."""
    code = False
    for line in lines:
        code = code != line.startswith("```")
        if code or line.startswith(("|", "```")) or len(line) <= 100:
            yield line
        else:
            bullet = "  " if line.startswith("- ") else ""
            yield from textwrap.wrap(
                line, 100, subsequent_indent=bullet, break_on_hyphens=False, break_long_words=False
            )


def write_section(section: str, heading: str = HEADING) -> None:
    """Put *section* in place of docs/performance.md's own section (*heading*), or at its end.
    The generated part ends at the next heading: notes under a ``###`` heading after it stay."""
    text = DOC.read_text()
    start_at = text.find(heading)
    if start_at < 0:
        DOC.write_text(text.rstrip("\n") + "\n\n" + section)
        return
    following = text.find("\n#", start_at + len(heading))
    rest = "" if following < 0 else "\n" + text[following + 1 :]
    DOC.write_text(text[:start_at] + section + rest)


def bench_env(tmp: Path) -> dict[str, str]:
    """The environment of the commands run: none of ours, no models, bytecode caches on."""
    models = tmp / "no-models"
    models.mkdir()
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("DEPECHE_")
        and k not in ("PROMETHEUS_MULTIPROC_DIR", "PYTHONDONTWRITEBYTECODE")
    }
    env["DEPECHE_MODELS_DIR"] = str(models)
    return env


def import_only(env: dict[str, str], tmp: Path, beside: Path | None) -> str:
    """``--only import``: the import row alone, median of ROUNDS runs, each into a new database;
    with ``--beside DIR`` (another checkout of the code), its runs alternate with DIR's."""
    codes = {"this code": env}
    if beside is not None:
        codes[f"code in {beside.name}"] = {**env, "PYTHONPATH": str(beside.resolve())}
    runs: dict[str, list[Imported]] = {name: [] for name in codes}
    for _ in range(ROUNDS):
        for name, code_env in codes.items():
            runs[name].append(import_throughput(code_env, tmp, IMPORT_FOLDERS, profile=False))
            print(f"  {name}: {runs[name][-1].rate:.0f} articles/s", file=sys.stderr)
    lines = [
        f"`depeche import` of {IMPORT_FOLDERS:,} folders into a new SQLite database, median of "
        f"{ROUNDS} alternating rounds; {machine()}; load average "
        + " ".join(f"{load:.2f}" for load in os.getloadavg())
        + " at the end",
        "",
    ]
    for name, found in runs.items():
        rates = sorted(run.rate for run in found)
        median = statistics.median(rates)
        loop = statistics.median(run.loop for run in found)
        cpu = statistics.median(run.cpu for run in found)
        lines.append(
            f"- {name}: {median:.0f} articles/s ({', '.join(f'{r:.0f}' for r in rates)}; "
            f"{loop:.1f} s, {cpu:.1f} s of CPU)"
        )
    return "\n".join(lines) + "\n"


def main() -> int:
    if sys.argv[1:3] == ["--only", "import"]:
        beside = Path(sys.argv[4]) if sys.argv[3:4] == ["--beside"] else None
        with tempfile.TemporaryDirectory(prefix="bench-import-") as tmpdir:
            print(import_only(bench_env(Path(tmpdir)), Path(tmpdir), beside))
        return 0
    count = (
        QUICK_SCALE if "--quick" in sys.argv[1:] else int(os.environ.get("SCALE", DEFAULT_SCALE))
    )
    seconds = int(os.environ.get("BENCH_SECONDS", "5"))
    if count < 1000:
        raise BenchError("SCALE must be at least 1000")
    with tempfile.TemporaryDirectory(prefix="bench-scale-") as tmpdir:
        tmp = Path(tmpdir)
        env = bench_env(tmp)
        seed = seed_rows()
        print(f"filling {count:,} articles…", file=sys.stderr)
        big = fill(tmp / "big.sqlite3", count, seed)
        print(f"  {big.rows:,} rows in {big.seconds:.1f} s", file=sys.stderr)
        small = fill(tmp / "small.sqlite3", SMALL_SCALE, seed)

        print("start-up…", file=sys.stderr)
        in_app = [create_app_seconds(env, db.url) for db in (small, big)]
        fresh, fresh_cpu = fresh_start_seconds(env, [small.url, big.url], tmp)
        print("list pages and cold articles…", file=sys.stderr)
        inproc = in_process(big.url, count, tmp / "no-models")
        print("import…", file=sys.stderr)
        imported = import_throughput(env, tmp, IMPORT_FOLDERS)
        print("under granian…", file=sys.stderr)
        srv = served({**env, "DEPECHE_DATABASE_URL": big.url}, big.url, count, tmp, seconds)

    section = report(count, big, seed, in_app, fresh, fresh_cpu, inproc, imported, srv, seconds)
    print(section)
    if count >= DEFAULT_SCALE:
        write_section(section)
    else:
        print(f"(N < {DEFAULT_SCALE:,}: docs/performance.md left as it is)", file=sys.stderr)
    return 0


if __name__ == "__main__":
    run_main(main)
