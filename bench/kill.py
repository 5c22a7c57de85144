"""Kill → 410: how long a killed story is still served, by the other replica and through nginx.

Two replicas (granian, 2 workers each) share one SQLite store; nginx runs the real
deploy/nginx/depeche.conf in front of both. For each of KILLS stories: its page and API answer
are fetched until nginx answers from its cache, the story is killed through replica "a", and
both "b" (a new connection each time: either worker) and nginx are polled until they answer
410. Reported: the largest and the median delay, from the DELETE's answer. Written to
docs/performance.md; run by `make bench`.
"""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "bench")]

from baseline import fetch  # noqa: E402
from run import BenchError, free_port, machine, run_main, start, stop, wait_ready  # noqa: E402

from app.auth import tokens  # noqa: E402
from app.exchange.folders import article_folders, import_folder  # noqa: E402
from app.store.database import Database  # noqa: E402
from app.store.migrate import upgrade  # noqa: E402

SEED = ROOT / "data" / "articles" / "mali-army-convoy-kidal"
KILLS = int(os.environ.get("KILLS", "20"))
POLL_EVERY = 0.01
DOC = ROOT / "docs" / "performance.md"
HEADING = "## Kill → 410"
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"


def stories(root: Path, count: int) -> list[str]:
    """A data root of *count* copies of the seed (distinct slugs); their slugs."""
    slugs = []
    for number in range(count):
        slug = f"kill-{number:03d}"
        folder = root / "articles" / slug
        shutil.copytree(SEED, folder)
        md = folder / "article.md"
        md.write_text(md.read_text().replace("slug: mali-army-convoy-kidal", f"slug: {slug}"))
        slugs.append(slug)
    return slugs


def edge_conf(folder: Path, port: int, upstreams: list[int]) -> Path:
    """nginx.conf around the real deploy/nginx/depeche.conf, on loopback: its upstream is
    *upstreams*, its cache and temp files in *folder*, and it listens on *port*."""
    site = (ROOT / "deploy" / "nginx" / "depeche.conf").read_text()
    servers = "\n".join(f"    server 127.0.0.1:{u};" for u in upstreams)
    for old, new in (
        ("/var/cache/nginx/depeche", str(folder / "cache")),
        ("    server app:8000 max_fails=2 fail_timeout=5s;", servers),
        ("listen 8080;", f"listen 127.0.0.1:{port};"),
    ):
        if old not in site:
            raise BenchError(f"deploy/nginx/depeche.conf no longer has {old!r}")
        site = site.replace(old, new)
    (folder / "depeche.conf").write_text(site)
    user = "user root;" if os.geteuid() == 0 else ""
    temps = "\n".join(
        f"  {kind}_temp_path {folder / kind};"
        for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    conf = folder / "nginx.conf"
    conf.write_text(
        f"{user}\ndaemon off;\nworker_processes 1;\npid {folder / 'nginx.pid'};\n"
        f"error_log {folder / 'error.log'} warn;\nevents {{ worker_connections 256; }}\n"
        f"http {{\n  access_log off;\n{temps}\n  include {folder / 'depeche.conf'};\n}}\n"
    )
    return conf


def store(tmp: Path, count: int) -> tuple[str, list[str], str]:
    """A store holding *count* stories; its URL, the slugs and a publish token."""
    slugs = stories(tmp / "data", count)
    url = f"sqlite:///{tmp / 'shared.sqlite3'}"
    database = Database(url)
    try:
        upgrade(database)
        for folder in article_folders(tmp / "data"):
            import_folder(database, folder, tmp / "data")
        with database.write() as session:
            token = tokens.create(session, "bench", ("publish",))
    finally:
        database.dispose()
    return url, slugs, token


def delete(url: str, token: str) -> int:
    request = urllib.request.Request(
        url, method="DELETE", headers={"Authorization": f"Bearer {token}"}
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        return int(response.status)


def gone_after(urls: list[str], since: float, limit: float = 10.0) -> float:
    """Seconds from *since* until every one of *urls* answers 410."""
    pending = list(urls)
    while pending:
        if time.perf_counter() - since > limit:
            raise BenchError(f"still served {limit} s after the kill: {pending}")
        pending = [u for u in pending if fetch(u)[0] != 410]
        if pending:
            time.sleep(POLL_EVERY)
    return time.perf_counter() - since


def warm(url: str) -> str:
    """Fetch *url* until nginx answers from its cache; the cache status seen last."""
    status = ""
    for _ in range(5):
        code, headers, _ = fetch(url)
        if code != 200:
            raise BenchError(f"GET {url} answered {code}")
        status = dict((k.lower(), v) for k, v in headers).get("x-cache-status", "")
        if status == "HIT":
            break
    return status


def measure(shared: int) -> tuple[list[float], list[float], int]:
    """Kill KILLS stories with nginx keeping answers *shared* seconds (s-maxage); the delays
    at replica b, through nginx, and how many warmed answers nginx gave from its cache."""
    with tempfile.TemporaryDirectory(prefix="bench-kill-") as tmpdir:
        tmp = Path(tmpdir)
        url, slugs, token = store(tmp, KILLS)
        models = tmp / "no-models"
        models.mkdir()
        env = {k: v for k, v in os.environ.items() if not k.startswith("DEPECHE_")}
        env.update(
            DEPECHE_DATABASE_URL=url,
            DEPECHE_MODELS_DIR=str(models),
            DEPECHE_PUBLIC_URL="https://news.example",
            DEPECHE_CACHE_SHARED_MAX_AGE=str(shared),
        )
        env.pop("PROMETHEUS_MULTIPROC_DIR", None)
        ports = {"a": free_port(), "b": free_port()}
        procs = {}
        try:
            for name, port in ports.items():
                log = tmp / f"{name}.log"
                procs[name] = start("app.wsgi:app", port, log, env=env)
                wait_ready(procs[name], f"http://127.0.0.1:{port}/healthz", log)
            edge_port = free_port()
            conf = edge_conf(tmp, edge_port, list(ports.values()))
            procs["nginx"] = subprocess.Popen(
                [NGINX, "-p", str(tmp), "-c", str(conf), "-e", str(tmp / "error.log")],
                start_new_session=True,
            )
            time.sleep(0.5)
            a, b = (f"http://127.0.0.1:{ports[n]}" for n in ("a", "b"))
            front = f"http://127.0.0.1:{edge_port}"
            other, through, hits = [], [], 0
            for slug in slugs:
                paths = [f"/api/v1/articles/{slug}?lang=fr", f"/fr/articles/{slug}"]
                hits += sum(warm(front + p) == "HIT" for p in paths)
                for p in paths:
                    fetch(b + p)
                if delete(f"{a}/api/v1/articles/{slug}", token) != 200:
                    raise BenchError(f"the kill of {slug} failed")
                killed = time.perf_counter()
                other.append(gone_after([b + p for p in paths], killed))
                through.append(gone_after([front + p for p in paths], killed))
        finally:
            for proc in reversed(list(procs.values())):
                stop(proc)
    return other, through, hits


def main() -> int:
    found = {shared: measure(shared) for shared in (1, 0)}
    section = report(found)
    print(section)
    write_section(section)
    return 0


def report(found: dict[int, tuple[list[float], list[float], int]]) -> str:
    def ms(values: list[float]) -> str:
        return f"{max(values) * 1000:.0f} ms | {statistics.median(values) * 1000:.0f} ms"

    lines = [
        HEADING,
        "",
        f"`bench/kill.py` on {machine()}:",
        "two replicas (granian, 2 workers each) on one SQLite store, nginx with",
        "deploy/nginx/depeche.conf in front. Each story's French page and API answer are",
        "fetched through nginx until it answers from its cache, the story is",
        "killed through replica a, then replica b (a new connection each time: either worker)",
        "and nginx are polled until both answers are 410; delays from the DELETE's answer.",
        "",
        "| s-maxage | where | kills | max | median | cached before |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for shared, (other, through, hits) in found.items():
        warmed = 2 * len(other)
        lines.append(f"| {shared} s | replica b | {len(other)} | {ms(other)} | |")
        lines.append(
            f"| {shared} s | through nginx | {len(through)} | {ms(through)} | {hits}/{warmed} |"
        )
    worst_b = max(max(other) for other, _, _ in found.values())
    lines += [
        "",
        f"Replica b: ≤ 1 s on every try: {'met' if worst_b <= 1.0 else 'NOT met'} (the change",
        "check, `DEPECHE_CHANGE_CHECK_INTERVAL` = 0.25 s). Through nginx the delay adds the",
        "entry's freshness, s-maxage (`DEPECHE_CACHE_SHARED_MAX_AGE`), counted on nginx's",
        "whole-second clock: up to s-maxage + 1 s. With 0 nginx keeps nothing (it does not",
        "store an answer fresh for 0 s) and every request reaches a replica's memo.",
        "",
    ]
    return "\n".join(lines)


def write_section(section: str) -> None:
    """Put *section* in place of docs/performance.md's own section, or at its end."""
    text = DOC.read_text()
    start_at = text.find(HEADING)
    if start_at < 0:
        DOC.write_text(text.rstrip("\n") + "\n\n" + section)
        return
    following = text.find("\n## ", start_at + len(HEADING))
    rest = "" if following < 0 else text[following:]
    DOC.write_text(text[:start_at] + section.rstrip("\n") + "\n" + rest)


if __name__ == "__main__":
    run_main(main)
