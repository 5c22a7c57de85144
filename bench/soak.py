"""`make soak`: wrk across the routes for a while; no socket errors, no 5xx, RSS steady.

Starts the production server (granian, 2 workers) on loopback, warms it, samples the workers'
RSS, runs wrk (64 connections by default) over a rotation of routes — article JSON in both
languages and locales, facts, HTML pages, embed pages, conditional requests, the API list —
then samples RSS again. Fails (exit 1) on any socket error, any non-2xx/3xx answer, or RSS
growth of 10 % or more. ``SOAK_SECONDS`` (default 60) and ``SOAK_CONNECTIONS`` (default 64).
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "bench")]

from run import worker_rss  # noqa: E402

from tests.granian import granian  # noqa: E402

SLUG = "mali-army-convoy-kidal"
LUA = """
local requests = {
  {"/api/v1/articles/%(slug)s?lang=fr", {}},
  {"/api/v1/articles/%(slug)s", {["Accept-Language"] = "en-GB,en;q=0.9"}},
  {"/api/v1/articles/%(slug)s/facts", {["Accept-Language"] = "fr-CA"}},
  {"/api/v1/articles?lang=en", {}},
  {"/fr/articles/%(slug)s", {}},
  {"/en/articles/%(slug)s/facts", {}},
  {"/fr/embed/articles/%(slug)s/facts", {}},
  {"/en/embed/articles/%(slug)s", {}},
  {"/fr/articles/%(slug)s", {["If-None-Match"] = "%(etag)s"}},
  {"/embed.js", {}},
  {"/healthz", {}},
}
local i = 0
request = function()
  i = i + 1
  local r = requests[(i %% #requests) + 1]
  return wrk.format("GET", r[1], r[2])
end
"""


#: Warm-up passes of 5 s at most, until no worker's RSS moves by 2 % or more.
WARM_ROUNDS = 4


def granian_pid(port: int) -> int:
    for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
        try:
            args = cmdline.read_bytes().split(b"\0")
        except OSError:
            continue
        if any(a.endswith(b"granian") for a in args) and str(port).encode() in args:
            return int(cmdline.parent.name)
    raise RuntimeError("granian's main process not found")


def main() -> int:
    seconds = int(os.environ.get("SOAK_SECONDS", "60"))
    connections = int(os.environ.get("SOAK_CONNECTIONS", "64"))
    with tempfile.TemporaryDirectory(prefix="soak-") as folder:
        tmp = Path(folder)
        with granian(tmp / "granian.log", workers=2) as base:
            port = int(base.rsplit(":", 1)[1])
            with urllib.request.urlopen(f"{base}/fr/articles/{SLUG}", timeout=5) as response:
                etag = response.headers["ETag"].replace('"', '\\"')
            script = tmp / "routes.lua"
            script.write_text(LUA % {"slug": SLUG, "etag": etag})
            warm = ["wrk", "-t2", f"-c{connections}", "-d5s", "-s", str(script), base]
            parent = granian_pid(port)
            # Warm until every worker's RSS settles: on a busy machine one worker may get few
            # of the first connections and still be loading what the others already have.
            before: list[float] = []
            for _ in range(WARM_ROUNDS):
                subprocess.run(warm, check=True, capture_output=True)
                now = worker_rss(parent)
                settled = len(before) == len(now) and all(
                    abs(a - b) / b < 0.02 for a, b in zip(now, before, strict=True)
                )
                before = now
                if settled:
                    break
            started = time.monotonic()
            run = subprocess.run(
                [
                    "wrk",
                    "-t2",
                    f"-c{connections}",
                    f"-d{seconds}s",
                    "--timeout",
                    "5s",
                    "-s",
                    str(script),
                    base,
                ],
                check=True,
                capture_output=True,
                text=True,
            )
            after = worker_rss(parent)
            elapsed = time.monotonic() - started
    out = run.stdout
    rps = re.search(r"Requests/sec:\s+([\d.]+)", out)
    socket_errors = re.search(r"Socket errors:.*", out)
    non_ok = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    growth = max((a - b) / b for a, b in zip(after, before, strict=True)) if before else 0.0
    print(out)
    print(
        f"soak: {elapsed:.0f} s, {connections} connections, "
        f"{float(rps.group(1)) if rps else 0:,.0f} req/s"
    )
    print(f"soak: worker RSS before {before} MB, after {after} MB, growth {growth:.1%}")
    failures = []
    if socket_errors:
        failures.append(socket_errors.group(0))
    if non_ok:
        failures.append(f"{non_ok.group(1)} non-2xx/3xx answers")
    if growth >= 0.10:
        failures.append(f"worker RSS grew {growth:.1%}")
    for failure in failures:
        print(f"soak FAILED: {failure}", file=sys.stderr)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
