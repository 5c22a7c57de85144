"""`make bench`: feeds, sitemaps and ninjs — under granian against a bare Flask app returning
the same bytes, and the ``/sitemap.xml`` chain's size and generation time at 100,000 articles.

Part 1 serves the seed store (a fresh SQLite database imported from data/) with granian (WSGI,
2 workers) next to ``bench/baseline.py`` replaying the same routes, wrk ``-t2 -c64`` on
127.0.0.1, ``BENCH_SECONDS`` per run, 3 alternating rounds, medians. Part 2 fills a store of
``SCALE`` articles (100,000 by default) the way bench/scale.py does and, in process, times the
first (cold) and a second (cached) answer of every file of the chain. The Markdown report goes
to stdout and into docs/performance.md's "Syndication" section.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "bench")]

from baseline import fetch  # noqa: E402
from run import (  # noqa: E402
    BENCH,
    HOST,
    ROUNDS,
    BenchError,
    free_port,
    machine,
    run_main,
    start,
    stop,
    wait_ready,
    wrk,
)
from scale import DOC, _wrapped, fill, seed_rows  # noqa: E402

from app.exchange.folders import article_folders, import_folder  # noqa: E402
from app.store.database import Database  # noqa: E402
from app.store.migrate import upgrade  # noqa: E402

SLUG = "mali-army-convoy-kidal"
ROUTES = (
    "/fr/feed.xml",
    "/fr/atom.xml",
    "/sitemap.xml",
    "/sitemaps/fr-0.xml",
    f"/api/v1/articles/{SLUG}/ninjs?lang=fr",
)
HEADING = "## Syndication (`make bench`, `bench/syndication.py`)"
DEFAULT_SCALE = 100_000


def seed_store(directory: Path) -> str:
    url = f"sqlite:///{directory / 'seed.sqlite3'}"
    database = Database(url)
    try:
        upgrade(database)
        for folder in article_folders(ROOT / "data"):
            import_folder(database, folder, ROOT / "data")
    finally:
        database.dispose()
    return url


def served(tmp: Path, seconds: int) -> dict[str, tuple[float, float]]:
    """Median RPS of ours and of the baseline, per route (and the feed's 304)."""
    ours_port = free_port()
    base_port = next(p for p in iter(free_port, None) if p != ours_port)
    ours_url, base_url = f"http://{HOST}:{ours_port}", f"http://{HOST}:{base_port}"
    env = {**os.environ, "DEPECHE_DATABASE_URL": seed_store(tmp), "DEPECHE_WARM_MODELS": "0"}
    procs: list[subprocess.Popen[bytes]] = []
    try:
        procs.append(start("app.wsgi:app", ours_port, tmp / "ours.log", env=env))
        wait_ready(procs[0], ours_url + ROUTES[0], tmp / "ours.log")
        base_env = {**os.environ, "BENCH_UPSTREAM": ours_url, "BENCH_PATHS": " ".join(ROUTES)}
        extra = ("--working-dir", str(BENCH), "--factory")
        procs.append(
            start("baseline:create_app", base_port, tmp / "base.log", *extra, env=base_env)
        )
        wait_ready(procs[1], base_url + ROUTES[0], tmp / "base.log")
        etag = dict((k.lower(), v) for k, v in fetch(ours_url + ROUTES[0])[1])["etag"]
        cases = [(r, r, {}) for r in ROUTES]
        cases.append((f"{ROUTES[0]} (304)", ROUTES[0], {"If-None-Match": etag}))
        for _, path, headers in cases:
            if fetch(ours_url + path, headers) != fetch(base_url + path, headers):
                raise BenchError(f"baseline does not answer {path} {headers} as we do")
        medians: dict[str, tuple[float, float]] = {}
        for name, path, headers in cases:
            runs: tuple[list[float], list[float]] = ([], [])
            for _ in range(ROUNDS):
                for side, url in enumerate((ours_url, base_url)):
                    runs[side].append(wrk(url + path, seconds, headers))
            medians[name] = (statistics.median(runs[0]), statistics.median(runs[1]))
            print(f"{name}: ours {runs[0]}, baseline {runs[1]}", file=sys.stderr)
        return medians
    finally:
        for proc in reversed(procs):
            stop(proc)


def chain(tmp: Path, count: int) -> tuple[list[tuple[str, int, int, float, float]], float]:
    """Each file of the sitemap chain at *count* articles: (path, status, bytes, cold s, hot
    s); and the fill's seconds."""
    filled = fill(tmp / "scale.sqlite3", count, seed_rows())
    from app import create_app

    models = tmp / "no-models"
    models.mkdir()
    app = create_app({"DATABASE_URL": filled.url, "MODELS_DIR": models, "WARM_MODELS": False})
    client = app.test_client()

    def timed(path: str) -> tuple[int, int, float]:
        started = time.perf_counter()
        response = client.get(path)
        return response.status_code, len(response.data), time.perf_counter() - started

    status, size, cold = timed("/sitemap.xml")
    found = [("/sitemap.xml", status, size, cold, timed("/sitemap.xml")[2])]
    index = client.get("/sitemap.xml").get_data(as_text=True)
    paths = [
        line.split("<loc>")[1].split("</loc>")[0].removeprefix("http://localhost")
        for line in index.splitlines()
        if "<loc>" in line
    ]
    paths += ["/fr/feed.xml", "/en/atom.xml"]
    for path in paths:
        status, size, cold = timed(path)
        hot = timed(path)[2]
        found.append((path, status, size, cold, hot))
        print(
            f"{path}: {status} {size} B, cold {cold:.3f} s, hot {hot * 1000:.2f} ms",
            file=sys.stderr,
        )
    return found, filled.seconds


def report(
    medians: dict[str, tuple[float, float]],
    files: list[tuple[str, int, int, float, float]],
    count: int,
    seconds: int,
) -> str:
    lines = [
        HEADING,
        "",
        f"Machine: {machine()}. granian WSGI, 2 workers each, on the seed store; "
        f"`wrk -t2 -c64 -d{seconds}s` on 127.0.0.1, median of {ROUNDS} alternating rounds; the "
        "baseline is bench/baseline.py replaying the same status, headers and bytes.",
        "",
        "| route | ours RPS (median) | baseline RPS (median) | ours ÷ baseline |",
        "|---|---:|---:|---:|",
    ]
    for name, (ours, base) in medians.items():
        lines.append(f"| `{name}` | {ours:,.0f} | {base:,.0f} | {ours / base:.2f} |")
    total = sum(size for path, _, size, _, _ in files if path.startswith(("/sitemap", "/news")))
    cold = sum(c for path, _, _, c, _ in files if path.startswith(("/sitemap", "/news")))
    lines += [
        "",
        f"The `/sitemap.xml` chain at {count:,} articles (each written in English with a "
        "reviewed French edition), in process, first request (cold: queries and rendering) "
        "and second (from the render cache):",
        "",
        "| file | status | bytes | cold | cached |",
        "|---|---:|---:|---:|---:|",
    ]
    for path, status, size, c, hot in files:
        lines.append(f"| `{path}` | {status} | {size:,} | {c:.3f} s | {hot * 1000:.2f} ms |")
    lines += [
        "",
        f"- The whole chain (index, every language file, news sitemap): {total / 1e6:.1f} MB, "
        f"{cold:.1f} s to build cold, file by file as crawlers ask; a file holds the "
        "editions of 10,000 article ids (far under the protocol's 50,000 URLs and 50 MB).",
        f"- Load average during the run: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores "
        "(the machine is shared: cold times vary with it).",
    ]
    return "\n".join(_wrapped(lines)) + "\n"


def main() -> int:
    seconds = int(os.environ.get("BENCH_SECONDS", "5"))
    count = 2_000 if "--quick" in sys.argv[1:] else int(os.environ.get("SCALE", DEFAULT_SCALE))
    with tempfile.TemporaryDirectory(prefix="bench-syndication-") as tmpdir:
        tmp = Path(tmpdir)
        medians = served(tmp, seconds)
        files, _ = chain(tmp, count)
    section = report(medians, files, count, seconds)
    print(section)
    if count >= DEFAULT_SCALE:
        write_section_at(section)
    return 0


def write_section_at(section: str) -> None:
    """docs/performance.md's "Syndication" section, replaced or appended."""
    text = DOC.read_text()
    start_at = text.find(HEADING)
    if start_at < 0:
        DOC.write_text(text.rstrip("\n") + "\n\n" + section)
        return
    following = text.find("\n## ", start_at + len(HEADING))
    rest = "" if following < 0 else text[following:]
    DOC.write_text(text[:start_at] + section + rest)


if __name__ == "__main__":
    run_main(main)
