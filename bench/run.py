"""`make bench`: our routes under granian against a bare Flask baseline, plus cold start and RSS.

Both apps run under the same granian configuration (WSGI, 2 workers) on free loopback ports; wrk
alternates ours/baseline for 3 rounds per route and the medians are compared. ``BENCH_SECONDS``
sets each wrk run's duration (default 5). The Markdown report goes to stdout and bench/results.md.
"""

from __future__ import annotations

import json
import os
import platform
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from baseline import PATHS, fetch

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
BIN = ROOT / ".venv" / "bin"
HOST = "127.0.0.1"
ROUNDS = 3
#: Python threads per granian worker, as `make run` and the image (Makefile THREADS).
THREADS = 8
READY_TIMEOUT = 20.0
ARTICLE, PAGE = PATHS[0], PATHS[3]


class BenchError(RuntimeError):
    """A server did not come up, or a tool failed: the run cannot go on."""


def free_port() -> int:
    """A loopback port nobody listens on right now."""
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


def start(
    target: str, port: int, log: Path, *extra: str, env: dict[str, str] | None = None
) -> subprocess.Popen[bytes]:
    """Launch granian (WSGI, 2 workers, THREADS threads) on *port* in its own group, logging to
    *log*."""
    cmd = [str(BIN / "granian"), "--interface", "wsgi", "--workers", "2", "--host", HOST]
    cmd += ["--blocking-threads", str(THREADS)]  # as `make run`
    cmd += ["--port", str(port), "--no-access-log", *extra, target]
    with log.open("wb") as out:
        return subprocess.Popen(
            cmd, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT, env=env, start_new_session=True
        )


def wait_ready(proc: subprocess.Popen[bytes], url: str, log: Path) -> None:
    """Poll *url* until it answers 200; raise with the server's log if it dies or times out."""
    deadline = time.monotonic() + READY_TIMEOUT
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            break
        try:
            if fetch(url)[0] == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    tail = log.read_text(errors="replace")[-2000:]
    raise BenchError(f"server for {url} did not come up within {READY_TIMEOUT:.0f} s:\n{tail}")


def stop(proc: subprocess.Popen[bytes]) -> None:
    """SIGTERM the granian main process (it stops its workers), then SIGKILL its group."""
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            pass
    try:
        os.killpg(proc.pid, signal.SIGKILL)  # the group this script created for it
    except ProcessLookupError:
        pass
    proc.wait()


def wrk(url: str, seconds: int, headers: dict[str, str]) -> float:
    """Requests/sec of one wrk run against *url* (-t2 -c64)."""
    cmd = ["wrk", "-t2", "-c64", f"-d{seconds}s", "--latency"]
    for name, value in headers.items():
        cmd += ["-H", f"{name}: {value}"]
    out = subprocess.run([*cmd, url], capture_output=True, text=True, check=True).stdout
    if "Non-2xx or 3xx" in out or "Socket errors" in out:
        print(f"warning: errors during wrk run against {url}:\n{out}", file=sys.stderr)
    found = re.search(r"Requests/sec:\s+([\d.]+)", out)
    if found is None:
        raise BenchError(f"no Requests/sec in wrk output:\n{out}")
    return float(found.group(1))


def worker_rss(parent: int) -> list[float]:
    """VmRSS in MB of each child of process *parent* (granian's workers)."""
    sizes = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            ppid = int(stat.read_text().rsplit(")", 1)[1].split()[1])
            if ppid == parent:
                status = (stat.parent / "status").read_text()
                kb = re.search(r"VmRSS:\s+(\d+) kB", status)
                sizes.append(int(kb.group(1)) / 1024 if kb else 0.0)
        except (OSError, IndexError, ValueError):
            continue
    return sorted(sizes)


def cold_start(tmp: Path) -> float:
    """Median seconds for a fresh interpreter to import the app and build it (hyperfine)."""
    export = tmp / "cold.json"
    script = f"{BIN / 'python'} -c 'from app import create_app; create_app()'"
    cmd = ["hyperfine", "--warmup", "1", "--runs", "10", "--export-json", str(export), script]
    subprocess.run(cmd, cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
    return float(json.loads(export.read_text())["results"][0]["median"])


NGINX_CONF = """daemon off; worker_processes 2; pid {tmp}/nginx.pid; error_log {tmp}/nginx.err;
events {{ worker_connections 1024; }}
http {{ access_log off; client_body_temp_path {tmp}; proxy_temp_path {tmp};
  fastcgi_temp_path {tmp}; uwsgi_temp_path {tmp}; scgi_temp_path {tmp};
  server {{ listen {host}:{port}; root {tmp}/static; default_type application/json; }} }}
"""


def nginx_static(tmp: Path, body: bytes, seconds: int) -> float | None:
    """Median req/s of nginx serving *body* as a static file: what the machine can do."""
    nginx = shutil.which("nginx") or (
        "/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None
    )
    if nginx is None:
        return None
    (tmp / "static").mkdir(exist_ok=True)
    (tmp / "static" / "article.json").write_bytes(body)
    port = free_port()
    conf = tmp / "nginx.conf"
    conf.write_text(NGINX_CONF.format(tmp=tmp, host=HOST, port=port))
    proc = subprocess.Popen(
        [nginx, "-c", str(conf), "-p", str(tmp)], start_new_session=True, stderr=subprocess.DEVNULL
    )
    try:
        wait_ready(proc, f"http://{HOST}:{port}/article.json", tmp / "nginx.err")
        return statistics.median(
            wrk(f"http://{HOST}:{port}/article.json", seconds, {}) for _ in range(ROUNDS)
        )
    finally:
        stop(proc)


def machine() -> str:
    """nproc, CPU model, Python version."""
    cpuinfo = Path("/proc/cpuinfo").read_text()
    model = re.search(r"model name\s*:\s*(.+)", cpuinfo)
    cpu = model.group(1).strip() if model else platform.processor() or "unknown CPU"
    return f"{len(os.sched_getaffinity(0))} CPUs ({cpu}), Python {platform.python_version()}"


def main() -> int:
    """Start both servers, measure, always stop them, and write the report."""
    seconds = int(os.environ.get("BENCH_SECONDS", "5"))
    ours_port = free_port()
    base_port = next(p for p in iter(free_port, None) if p != ours_port)
    ours_url, base_url = f"http://{HOST}:{ours_port}", f"http://{HOST}:{base_port}"
    procs: list[subprocess.Popen[bytes]] = []
    with tempfile.TemporaryDirectory(prefix="bench-") as tmpdir:
        tmp = Path(tmpdir)
        try:
            procs.append(start("app.wsgi:app", ours_port, tmp / "ours.log"))
            wait_ready(procs[0], ours_url + ARTICLE, tmp / "ours.log")
            env = {**os.environ, "BENCH_UPSTREAM": ours_url}
            extra = ("--working-dir", str(BENCH), "--factory")
            procs.append(start("baseline:create_app", base_port, tmp / "base.log", *extra, env=env))
            wait_ready(procs[1], base_url + ARTICLE, tmp / "base.log")

            etag = dict((k.lower(), v) for k, v in fetch(ours_url + ARTICLE)[1])["etag"]
            cases: list[tuple[str, str, dict[str, str]]] = [(p, p, {}) for p in PATHS]
            cases.append((f"{ARTICLE} (304)", ARTICLE, {"If-None-Match": etag}))
            page_etag = dict((k.lower(), v) for k, v in fetch(ours_url + PAGE)[1])["etag"]
            cases.append((f"{PAGE} (304)", PAGE, {"If-None-Match": page_etag}))
            for _, path, headers in cases:  # same status, headers and bytes, or it is no baseline
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
            rss = worker_rss(procs[0].pid)
            static = nginx_static(tmp, fetch(ours_url + ARTICLE)[2], seconds)
        finally:
            for proc in reversed(procs):
                stop(proc)
        cold = cold_start(tmp)

    lines = [
        "# `make bench` results",
        "",
        f"Machine: {machine()}. granian WSGI, 2 workers each; `wrk -t2 -c64 -d{seconds}s`, "
        f"median of {ROUNDS} alternating rounds.",
        "",
        "| route | ours RPS (median) | baseline RPS (median) | ours ÷ baseline |",
        "|---|---:|---:|---:|",
    ]
    for name, (ours, base) in medians.items():
        lines.append(f"| `{name}` | {ours:,.0f} | {base:,.0f} | {ours / base:.2f} |")
    conditional = medians[f"{ARTICLE} (304)"][0] / medians[ARTICLE][0]
    lines += [
        "",
        f"- 304 vs our own 200 for the article JSON: {conditional:.2f}×",
        f"- Cold start (`create_app()` in a fresh interpreter, hyperfine median): {cold:.3f} s",
        "- Worker RSS after load: " + ", ".join(f"{mb:.1f} MB" for mb in rss),
        f"- Physical reference, nginx serving the article JSON's bytes as a static file: "
        f"{static:,.0f} req/s (ours: {medians[ARTICLE][0] / static:.2f} of it)"
        if static
        else "- nginx is not installed: no static-file reference",
    ]
    report = "\n".join(lines) + "\n"
    print(report)
    (BENCH / "results.md").write_text(report)
    return 0


def run_main(main: Callable[[], int]) -> None:
    """A benchmark's entry point: servers stop on SIGTERM and Ctrl-C, a failure is one line."""
    signal.signal(signal.SIGTERM, _terminate)
    try:
        sys.exit(main())
    except KeyboardInterrupt:
        print("interrupted; servers stopped", file=sys.stderr)
        sys.exit(130)
    except (BenchError, subprocess.CalledProcessError) as err:
        sys.exit(f"bench failed: {err}")


def _terminate(signum: int, _frame: object) -> None:
    raise SystemExit(128 + signum)


if __name__ == "__main__":
    run_main(main)
