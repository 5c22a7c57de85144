"""`make bench`: publishing through ``POST /api/v1/ingest`` under the production server.

On a SQLite store holding the seed, granian (2 workers, 8 threads, as `make run`) is asked:

* publish latency — 8 concurrent publishers, each POSTing the seed's wire copy as a new slug
  over its own keep-alive connection, for ``BENCH_SECONDS``; p50 and p99, for the seed and for
  a wire copy 20 times as long (translation is not done in this request);
* reads during a publish storm — wrk (-t2 -c64) on the hot article alone, then again while the
  8 publishers run; requests/sec with ÷ without, medians of 3 alternating rounds; errors of
  either side counted (any non-2xx answer or socket error).

Each of ROUNDS rounds starts a server on a new store and measures all three; the report gives
the medians of the rounds. ``--beside DIR``: DIR is another checkout of the code (e.g.
``git worktree add DIR main``); its rounds alternate with this code's, so that both are measured
side by side under the same load, and only the report is printed (the document is left as it is).

``--only writers [--beside DIR]``: the store's writers alone, no server: 2 processes of 4
threads, each thread building for 3 ms (CPU) then writing one change with 1 ms of CPU in the
transaction, for ``BENCH_SECONDS``; writes per second and a write's p50/p99 (its wait for the
write lock included), medians of ROUNDS alternating rounds; only printed.

Goals: publish p50 <= 50 ms whatever the length; reads ratio >= 0.8; 0 errors. The Markdown
report goes to stdout and into docs/performance.md's "Publishing" section.
"""

from __future__ import annotations

import http.client
import itertools
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "bench")]

from run import (  # noqa: E402
    BIN,
    HOST,
    ROUNDS,
    THREADS,
    BenchError,
    free_port,
    machine,
    run_main,
    start,
    stop,
    wait_ready,
)

from app.auth import tokens  # noqa: E402
from app.exchange.folders import article_folders, import_folder  # noqa: E402
from app.store.database import Database  # noqa: E402
from app.store.migrate import upgrade  # noqa: E402

DOC = ROOT / "docs" / "performance.md"
HEADING = "## Publishing"
SEED_SLUG = "mali-army-convoy-kidal"
WIRE = (ROOT / "data" / "articles" / SEED_SLUG / "source.txt").read_bytes()
LONG_WIRE = b"\n\n".join([WIRE.split(b"\n\nWith AFP")[0]] * 20) + b"\n\nWith AFP\n"
PUBLISHERS = 8
HOT = f"/api/v1/articles/{SEED_SLUG}"
EDITORIAL = {
    "headline": "Malian army convoy heads for Kidal",
    "standfirst": "A 119-vehicle army convoy left Gao for Kidal.",
    "dateline": "Gao",
    "published": "2023-10-02T16:05:00+02:00",
    "language": "en",
    "publisher": "France 24",
}
_slugs = itertools.count(1)


@dataclass
class Published:
    latencies: list[float] = field(default_factory=list)
    errors: int = 0


def store(tmp: Path) -> tuple[str, str]:
    """A SQLite store holding the seed, and a publish token for it."""
    url = f"sqlite:///{tmp / 'bench.sqlite3'}"
    database = Database(url)
    try:
        upgrade(database)
        for folder in article_folders(ROOT / "data"):
            import_folder(database, folder, ROOT / "data")
        with database.write() as session:
            token = tokens.create(session, "bench", ("publish",))
    finally:
        database.dispose()
    return url, token


def publish(port: int, token: str, body: bytes, until: float, found: Published) -> None:
    """POST *body* as new slugs over one keep-alive connection until *until*."""
    connection = http.client.HTTPConnection(HOST, port, timeout=30)
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "text/plain; charset=utf-8"}
    try:
        while time.monotonic() < until:
            query = urlencode({**EDITORIAL, "slug": f"bench-{next(_slugs)}"})
            began = time.perf_counter()
            connection.request("POST", f"/api/v1/ingest?{query}", body, headers)
            response = connection.getresponse()
            response.read()
            elapsed = time.perf_counter() - began
            if response.status == 201:
                found.latencies.append(elapsed * 1000)
            else:
                found.errors += 1
    finally:
        connection.close()


def storm(
    port: int, token: str, body: bytes, seconds: float, found: Published | None = None
) -> Published:
    """PUBLISHERS publishers at once for *seconds*; their latencies and errors in *found*."""
    found = found if found is not None else Published()
    until = time.monotonic() + seconds
    threads = [
        threading.Thread(target=publish, args=(port, token, body, until, found))
        for _ in range(PUBLISHERS)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return found


def wrk_run(url: str, seconds: int) -> tuple[float, int]:
    """Requests/sec of wrk (-t2 -c64) on *url*, and its errors (non-2xx/3xx and socket)."""
    cmd = ["wrk", "-t2", "-c64", f"-d{seconds}s", url]
    out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
    rate = re.search(r"Requests/sec:\s+([\d.]+)", out)
    if rate is None:
        raise BenchError(f"no Requests/sec in wrk output:\n{out}")
    errors = sum(int(n) for n in re.findall(r"Non-2xx or 3xx responses:\s+(\d+)", out))
    if socket := re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out
    ):
        errors += sum(int(n) for n in socket.groups())
    return float(rate.group(1)), errors


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


@dataclass
class Round:
    """One server's figures: the two publish storms, and reads alone and during a storm."""

    publishes: dict[str, Published]
    alone: float
    storm: float
    read_errors: int
    publish_errors: int
    published: int


def reads_during_storm(port: int, token: str, seconds: int) -> tuple[float, float, int, Published]:
    """wrk alone, then with the publishers on; both rates, wrk's errors, the storm's publishes."""
    url = f"http://{HOST}:{port}{HOT}"
    alone, errors = wrk_run(url, seconds)
    publishers = Published()
    thread = threading.Thread(target=storm, args=(port, token, WIRE, seconds + 1.0, publishers))
    thread.start()
    time.sleep(0.5)  # the storm is on before the readers come
    during, more = wrk_run(url, seconds)
    thread.join()
    return alone, during, errors + more, publishers


def one_round(tmp: Path, env: dict[str, str], code: Path, seconds: int) -> Round:
    """A server of the code in *code* on a new store with the seed: its figures."""
    for old in tmp.iterdir():
        if old.is_file():
            old.unlink()
    url, token = store(tmp)
    env = {**env, "DEPECHE_DATABASE_URL": url}
    extra = () if code == ROOT else ("--working-dir", str(code))
    port = free_port()
    proc = start("app.wsgi:app", port, tmp / "server.log", *extra, env=env)
    try:
        wait_ready(proc, f"http://{HOST}:{port}/healthz", tmp / "server.log")
        storm(port, token, WIRE, 1.0)  # warm both workers
        publishes = {
            f"seed wire copy ({len(WIRE):,} bytes)": storm(port, token, WIRE, seconds),
            f"20 times as long ({len(LONG_WIRE):,} bytes)": storm(port, token, LONG_WIRE, seconds),
        }
        alone, during, read_errors, publishers = reads_during_storm(port, token, seconds)
    finally:
        stop(proc)
    return Round(
        publishes, alone, during, read_errors, publishers.errors, len(publishers.latencies)
    )


def _ms(values: list[float]) -> str:
    return f"{statistics.median(values):.1f} ms ({', '.join(f'{v:.0f}' for v in values)})"


def report(runs: dict[str, list[Round]], seconds: int, load: tuple[str, str]) -> str:
    """The Markdown section: per code, medians of its rounds (each round's figure after it)."""
    lines = [
        HEADING,
        "",
        f"`bench/ingest.py` (run by `make bench`), {machine()}: granian (2 workers, {THREADS} "
        "threads) on",
        "SQLite with the seed, `POST /api/v1/ingest` of the seed's wire copy as a new slug each",
        f"time, {PUBLISHERS} publishers at once on keep-alive connections, {seconds} s per run;",
        f"medians of {ROUNDS} rounds, each on a new server and store (the rounds' own figures in",
        f"brackets). Load average (1 min) {load[0]} before, {load[1]} after.",
        "",
    ]
    for code, rounds in runs.items():
        if len(runs) > 1:
            lines += [f"**{code}**", ""]
        lines += [
            "| Publish (8 at once) | requests | p50 | p99 | goal p50 <= 50 ms | errors |",
            "| --- | --- | --- | --- | --- | --- |",
        ]
        for name in rounds[0].publishes:
            found = [r.publishes[name] for r in rounds]
            p50 = [percentile(f.latencies, 0.50) for f in found]
            p99 = [percentile(f.latencies, 0.99) for f in found]
            met = "met" if statistics.median(p50) <= 50 else "**not met**"
            requests = statistics.median(len(f.latencies) for f in found)
            errors = sum(f.errors for f in found)
            lines.append(
                f"| {name} | {requests:.0f} | {_ms(p50)} | {_ms(p99)} | {met} | {errors} |"
            )
        ratios = [r.storm / r.alone for r in rounds]
        ratio = statistics.median(ratios)
        read_errors = sum(r.read_errors for r in rounds)
        publish_errors = sum(r.publish_errors for r in rounds)
        lines += [
            "",
            f"| Hot article (wrk -t2 -c64) | requests/sec (median of {ROUNDS}) |",
            "| --- | --- |",
            f"| alone | {statistics.median(r.alone for r in rounds):,.0f} |",
            f"| during the publish storm ({sum(r.published for r in rounds)} articles published) | "
            f"{statistics.median(r.storm for r in rounds):,.0f} |",
            f"| ratio (goal >= 0.8) | {ratio:.2f} {'met' if ratio >= 0.8 else '**not met**'} "
            f"({', '.join(f'{r:.2f}' for r in ratios)}) |",
            f"| errors (reads, publishes; goal 0) | {read_errors}, {publish_errors} |",
            "",
        ]
    return "\n".join(lines)


def write_section(section: str) -> None:
    """Put *section* in place of docs/performance.md's own section, or at its end; notes under
    a ``###`` heading after it stay."""
    text = DOC.read_text()
    start_at = text.find(HEADING + "\n")
    if start_at < 0:
        DOC.write_text(text.rstrip("\n") + "\n\n" + section)
        return
    following = text.find("\n#", start_at + len(HEADING))
    rest = "" if following < 0 else text[following:]
    DOC.write_text(text[:start_at] + section.rstrip("\n") + "\n" + rest)


#: One process of ``--only writers``: its threads' write latencies (ms) as JSON on stdout.
WRITERS_PROCESS = """
import json, sys, threading, time
from app.store.database import Database
database, seconds = Database(sys.argv[1]), float(sys.argv[2])
latencies = []
def spin(ms):
    end = time.perf_counter() + ms / 1000
    while time.perf_counter() < end:
        pass
def write():
    until = time.monotonic() + seconds
    while time.monotonic() < until:
        spin(3)
        began = time.perf_counter()
        with database.write() as session:
            database.next_seq(session)
            spin(1)
        latencies.append((time.perf_counter() - began) * 1000)
threads = [threading.Thread(target=write) for _ in range(4)]
for thread in threads:
    thread.start()
for thread in threads:
    thread.join()
database.dispose()
print(json.dumps(latencies))
"""


def writers_round(tmp: Path, code: Path, seconds: int) -> tuple[float, float, float]:
    """Writes per second, p50 and p99 (ms) of two WRITERS_PROCESS of *code* on a new store."""
    for old in tmp.iterdir():
        old.unlink()
    url = f"sqlite:///{tmp / 'writers.sqlite3'}"
    database = Database(url)
    upgrade(database)
    database.dispose()
    cmd = [str(BIN / "python"), "-c", WRITERS_PROCESS, url, str(seconds)]
    procs = [subprocess.Popen(cmd, cwd=code, stdout=subprocess.PIPE) for _ in range(2)]
    latencies = [ms for proc in procs for ms in json.loads(proc.communicate()[0])]
    if any(proc.returncode for proc in procs):
        raise BenchError("a writers process failed")
    rate = len(latencies) / seconds
    return rate, percentile(latencies, 0.5), percentile(latencies, 0.99)


def writers_only(codes: dict[str, Path], seconds: int) -> str:
    before = _load()
    found: dict[str, list[tuple[float, float, float]]] = {name: [] for name in codes}
    with tempfile.TemporaryDirectory(prefix="bench-writers-") as tmpdir:
        for _ in range(ROUNDS):
            for name, code in codes.items():
                found[name].append(writers_round(Path(tmpdir), code, seconds))
    lines = [
        f"Writers alone (`bench/ingest.py --only writers`), {machine()}: 2 processes × 4 threads,",
        f"{seconds} s, medians of {ROUNDS} alternating rounds (each round's figure in brackets);",
        f"load average (1 min) {before} before, {_load()} after.",
        "",
        "| code | writes/s | write p50 | write p99 |",
        "| --- | ---: | ---: | ---: |",
    ]
    for name, rounds in found.items():
        rate, p50, p99 = (list(column) for column in zip(*rounds, strict=True))
        lines.append(f"| {name} | {statistics.median(rate):.0f} | {_ms(p50)} | {_ms(p99)} |")
    return "\n".join(lines)


def _load() -> str:
    return f"{os.getloadavg()[0]:.2f}"


def main() -> int:
    seconds = int(os.environ.get("BENCH_SECONDS", "5"))
    args = sys.argv[1:]
    only = args[1] if args[:1] == ["--only"] else None
    args = args[2:] if only else args
    beside = Path(args[1]).resolve() if args[:1] == ["--beside"] else None
    codes = {"this code": ROOT} if beside is None else {"this code": ROOT, beside.name: beside}
    if only == "writers":
        print(writers_only(codes, seconds))
        return 0
    runs: dict[str, list[Round]] = {name: [] for name in codes}
    before = _load()
    with tempfile.TemporaryDirectory(prefix="bench-ingest-") as tmpdir:
        tmp = Path(tmpdir)
        models = tmp / "no-models"
        models.mkdir()
        env = {
            k: v
            for k, v in os.environ.items()
            if not k.startswith("DEPECHE_") and k != "PROMETHEUS_MULTIPROC_DIR"
        }
        env["DEPECHE_MODELS_DIR"] = str(models)
        for _ in range(ROUNDS):
            for name, code in codes.items():
                found = one_round(tmp, env, code, seconds)
                runs[name].append(found)
                seed, long = (percentile(f.latencies, 0.99) for f in found.publishes.values())
                print(
                    f"  {name}: publish p99 {seed:.0f} / {long:.0f} ms, reads "
                    f"{found.storm / found.alone:.2f}, load {_load()}",
                    file=sys.stderr,
                )
    section = report(runs, seconds, (before, _load()))
    print(section)
    if beside is None:
        write_section(section)
    return 0


if __name__ == "__main__":
    run_main(main)
