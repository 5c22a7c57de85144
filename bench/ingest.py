"""`make bench`: publishing through ``POST /api/v1/ingest`` under the production server.

On a SQLite store holding the seed, granian (2 workers, 8 threads, as `make run`) is asked:

* publish latency — 8 concurrent publishers, each POSTing the seed's wire copy as a new slug
  over its own keep-alive connection, for ``BENCH_SECONDS``; p50 and p99, for the seed and for
  a wire copy 20 times as long (translation is not done in this request);
* reads during a publish storm — wrk (-t2 -c64) on the hot article alone, then again while the
  8 publishers run; requests/sec with ÷ without, medians of 3 alternating rounds; errors of
  either side counted (any non-2xx answer or socket error).

Goals: publish p50 <= 50 ms whatever the length; reads ratio >= 0.8; 0 errors. The Markdown
report goes to stdout and into docs/performance.md's "Publishing" section.
"""

from __future__ import annotations

import http.client
import itertools
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
class Reads:
    alone: list[float] = field(default_factory=list)
    storm: list[float] = field(default_factory=list)
    read_errors: int = 0
    publish_errors: int = 0
    published: int = 0


def reads_during_storm(port: int, token: str, seconds: int) -> Reads:
    found = Reads()
    url = f"http://{HOST}:{port}{HOT}"
    for _ in range(ROUNDS):
        rate, errors = wrk_run(url, seconds)
        found.alone.append(rate)
        found.read_errors += errors
        publishers = Published()
        thread = threading.Thread(target=storm, args=(port, token, WIRE, seconds + 1.0, publishers))
        thread.start()
        time.sleep(0.5)  # the storm is on before the readers come
        rate, errors = wrk_run(url, seconds)
        thread.join()
        found.storm.append(rate)
        found.read_errors += errors
        found.publish_errors += publishers.errors
        found.published += len(publishers.latencies)
    return found


def report(publishes: dict[str, Published], reads: Reads, seconds: int) -> str:
    lines = [
        HEADING,
        "",
        f"`bench/ingest.py` (run by `make bench`), {machine()}: granian (2 workers, {THREADS} "
        "threads) on",
        "SQLite with the seed, `POST /api/v1/ingest` of the seed's wire copy as a new slug each",
        f"time, {PUBLISHERS} publishers at once on keep-alive connections, {seconds} s per run.",
        "",
        "| Publish (8 at once) | requests | p50 | p99 | goal p50 <= 50 ms | errors |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for name, found in publishes.items():
        p50 = percentile(found.latencies, 0.50)
        p99 = percentile(found.latencies, 0.99)
        met = "met" if p50 <= 50 else "**not met**"
        lines.append(
            f"| {name} | {len(found.latencies)} | {p50:.1f} ms | {p99:.1f} ms | {met} | "
            f"{found.errors} |"
        )
    alone, during = statistics.median(reads.alone), statistics.median(reads.storm)
    ratio = during / alone
    lines += [
        "",
        "| Hot article (wrk -t2 -c64) | requests/sec (median of 3) |",
        "| --- | --- |",
        f"| alone | {alone:,.0f} |",
        f"| during the publish storm ({reads.published} articles published) | {during:,.0f} |",
        f"| ratio (goal >= 0.8) | {ratio:.2f} {'met' if ratio >= 0.8 else '**not met**'} |",
        f"| errors (reads, publishes; goal 0) | {reads.read_errors}, {reads.publish_errors} |",
        "",
        f"Rounds alone: {', '.join(f'{r:,.0f}' for r in reads.alone)}; during: "
        f"{', '.join(f'{r:,.0f}' for r in reads.storm)}.",
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


def main() -> int:
    seconds = int(os.environ.get("BENCH_SECONDS", "5"))
    with tempfile.TemporaryDirectory(prefix="bench-ingest-") as tmpdir:
        tmp = Path(tmpdir)
        models = tmp / "no-models"
        models.mkdir()
        url, token = store(tmp)
        env = {
            k: v
            for k, v in os.environ.items()
            if not k.startswith("DEPECHE_") and k != "PROMETHEUS_MULTIPROC_DIR"
        }
        env.update(DEPECHE_DATABASE_URL=url, DEPECHE_MODELS_DIR=str(models))
        port = free_port()
        proc = start("app.wsgi:app", port, tmp / "server.log", env=env)
        try:
            wait_ready(proc, f"http://{HOST}:{port}/healthz", tmp / "server.log")
            storm(port, token, WIRE, 1.0)  # warm both workers
            publishes = {
                f"seed wire copy ({len(WIRE):,} bytes)": storm(port, token, WIRE, seconds),
                f"20 times as long ({len(LONG_WIRE):,} bytes)": storm(
                    port, token, LONG_WIRE, seconds
                ),
            }
            reads = reads_during_storm(port, token, seconds)
        finally:
            stop(proc)
    section = report(publishes, reads, seconds)
    print(section)
    write_section(section)
    return 0


if __name__ == "__main__":
    run_main(main)
