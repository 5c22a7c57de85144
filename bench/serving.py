"""Translation over HTTP (granian), measured beside the same code called directly.

- one sentence per request: the engine's share of a request's time;
- 22 sentences in one request: HTTP ÷ direct;
- one sentence per request from 8 and 32 connections (wrk, cycling the seed's sentences),
  batching across requests on ÷ off (``DEPECHE_TRANSLATE_BATCH_SEGMENTS=1``), alternated;
- start-up to the first translation with the models required, and what the first reader pays;
- a 22-sentence request answered from the segment cache (translation memory, then the LRU).

The engine-only figures run on an empty store with the segment cache off
(``DEPECHE_SEGMENT_CACHE_BYTES=0``): the seed's sentences are in the seed's translation memory,
and cycling them would measure the cache instead of the engine.
"""

from __future__ import annotations

import http.client
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Any

from run import HOST, free_port, start, stop, wait_ready

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from app.config import DEFAULTS  # noqa: E402
from app.translation.engine import Engine  # noqa: E402
from app.translation.text import translate_texts  # noqa: E402

SECONDS = int(os.environ.get("BENCH_SECONDS", "5"))
ROUNDS = 3
SAMPLES = 40
LUA = """
bodies = {BODIES}
i = 0
request = function()
  i = i % #bodies + 1
  return wrk.format("POST", "{PATH}", {{["Content-Type"] = "application/json"}}, bodies[i])
end
"""


def lua_script(
    sentences: Sequence[str], path: str = "/api/v1/translate", target: str = "fr"
) -> str:
    """A wrk script that POSTs one sentence per request, cycling through *sentences*
    (*target* "en": the same language, answered without the engine)."""
    bodies = [json.dumps({"q": s, "source": "en", "target": target}) for s in sentences]
    return LUA.format(BODIES="{" + ", ".join(json.dumps(b) for b in bodies) + "}", PATH=path)


#: Engine only: nothing answered from the translation memory or the LRU.
ENGINE_ONLY = {"SEGMENT_CACHE_BYTES": "0"}


def store(tmp: Path, seed: bool = False) -> str:
    """A migrated SQLite store in *tmp*: empty, or with the seed imported; its URL."""
    from app.exchange.folders import article_folders, import_folder
    from app.store.database import Database
    from app.store.migrate import upgrade

    name = "seed" if seed else "empty"
    url = f"sqlite:///{tmp / f'{name}.sqlite3'}"
    database = Database(url)
    try:
        upgrade(database)
        for folder in article_folders(ROOT / "data") if seed else []:
            import_folder(database, folder, ROOT / "data")
    finally:
        database.dispose()
    return url


def env(models: Path, **settings: str) -> dict[str, str]:
    extra = {f"DEPECHE_{name}": value for name, value in settings.items()}
    return {**os.environ, "DEPECHE_MODELS_DIR": str(models), **extra}


@contextmanager
def server(
    tmp: Path, models: Path, workers: int = 2, threads: int = 4, **settings: str
) -> Iterator[tuple[int, int]]:
    """granian as `make run` starts it (*workers* × *threads*), with *settings*; yield its port
    and pid once warm."""
    port = free_port()
    log = tmp / f"granian-{port}.log"
    # run.start passes --workers 2 --blocking-threads 4; a later one wins.
    flags = ["--workers", str(workers), "--blocking-threads", str(threads)]
    # Every worker's figures on /metrics, as `make run` has them.
    metrics = tempfile.mkdtemp(prefix="metrics-", dir=tmp)
    environment = {**env(models, **settings), "PROMETHEUS_MULTIPROC_DIR": metrics}
    proc = start("app.wsgi:app", port, log, *flags, env=environment)
    try:
        wait_ready(proc, f"http://{HOST}:{port}/readyz", log)
        yield port, proc.pid
    finally:
        stop(proc)


def poster(port: int) -> Callable[[bytes], bytes]:
    connection = http.client.HTTPConnection(HOST, port)

    def post(body: bytes) -> bytes:
        connection.request("POST", "/api/v1/translate", body, {"Content-Type": "application/json"})
        response = connection.getresponse()
        answer = response.read()
        if response.status != 200:
            raise RuntimeError(f"{response.status}: {answer[:300]!r}")
        return answer

    return post


def median_ms(work: Callable[[], object], samples: int = SAMPLES) -> float:
    work()
    times = []
    for _ in range(samples):
        started = time.perf_counter()
        work()
        times.append(time.perf_counter() - started)
    return statistics.median(times) * 1000


def http_against_direct(tmp: Path, models: Path, one: str, many: Sequence[str]) -> dict[str, float]:
    """Medians over alternating rounds: direct call, then the same request over HTTP."""
    engine = Engine(models, int(DEFAULTS["BEAM_SIZE"]), int(DEFAULTS["INTRA_THREADS"]))
    figures: dict[str, list[float]] = {k: [] for k in ("one", "one_http", "many", "many_http")}
    settings = {**ENGINE_ONLY, "DATABASE_URL": store(tmp)}
    with server(tmp, models, workers=1, **settings) as (port, _):
        post = poster(port)
        one_body = json.dumps({"q": one, "source": "en", "target": "fr"}).encode()
        many_body = json.dumps({"q": list(many), "source": "en", "target": "fr"}).encode()
        for _ in range(ROUNDS):
            figures["one"].append(median_ms(lambda: engine.translate([one], "en", "fr")))
            figures["one_http"].append(median_ms(lambda: post(one_body)))
            figures["many"].append(
                median_ms(lambda: translate_texts(engine, many, "en", "fr"), SAMPLES // 2)
            )
            figures["many_http"].append(median_ms(lambda: post(many_body), SAMPLES // 2))
    return {name: statistics.median(values) for name, values in figures.items()}


def cpu_seconds(parent: int) -> float:
    """User + system CPU seconds used so far by the children of *parent* (granian's workers)."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0.0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        if int(fields[1]) == parent:
            total += (int(fields[11]) + int(fields[12])) / ticks
    return total


def settle(parent: int, quiet: float = 0.3, longest: float = 120.0) -> None:
    """Wait until the workers of *parent* have used no CPU for *quiet* seconds: when wrk stops,
    a server still translates what its connections had queued (seconds of work for an
    argos-sized model at 32 connections, batching off), which ran during the next server's
    round and took cores from it."""
    deadline = time.monotonic() + longest
    used = cpu_seconds(parent)
    while time.monotonic() < deadline:
        time.sleep(quiet)
        now = cpu_seconds(parent)
        if now - used < 0.02 * quiet:  # the odd tick of an idle worker
            return
        used = now


def wrk_rate(port: int, script: Path, connections: int) -> tuple[float, int]:
    """Requests per second, and requests answered, of one wrk run."""
    command = [
        "wrk",
        f"-t{min(2, connections)}",
        f"-c{connections}",
        f"-d{SECONDS}s",
        "--timeout",
        "60s",  # a queued request of the argos-sized model waits seconds at 32 connections
        "-s",
        str(script),
    ]
    out = subprocess.run(
        [*command, f"http://{HOST}:{port}/api/v1/translate"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    if "Non-2xx or 3xx" in out or "Socket errors" in out:
        raise RuntimeError(f"errors during the wrk run:\n{out}")
    found = re.search(r"Requests/sec:\s+([\d.]+)", out)
    answered = re.search(r"(\d+) requests in", out)
    if found is None or answered is None:
        raise RuntimeError(f"no Requests/sec in wrk output:\n{out}")
    return float(found.group(1)), int(answered.group(1))


def batched(port: int) -> tuple[float, float]:
    """Engine batches sent so far by the server on *port*, and the requests they held."""
    connection = http.client.HTTPConnection(HOST, port, timeout=10)
    connection.request("GET", "/metrics")
    text = connection.getresponse().read().decode()
    connection.close()
    found = dict(
        re.findall(r"^depeche_translation_batch_requests_(count|sum) ([\d.e+]+)$", text, re.M)
    )
    return float(found.get("count", 0)), float(found.get("sum", 0))


def batching(
    tmp: Path,
    models: Path,
    sentences: Sequence[str],
    configurations: dict[str, dict[str, str]],
    connection_counts: Sequence[int] = (1, 8, 32),
    target: str = "fr",
) -> dict[tuple[str, int], tuple[float, float, float]]:
    """Per (configuration, connections): req/s, the workers' CPU ms per request (which other
    load on a shared machine disturbs less), and requests per engine batch (from /metrics);
    medians of alternating wrk rounds. A configuration's settings may name granian's
    ``workers`` and ``threads`` (default 2 × 4)."""
    script = tmp / "cycle.lua"
    script.write_text(lua_script(sentences, target=target))
    rates: dict[tuple[str, int], list[float]] = {}
    costs: dict[tuple[str, int], list[float]] = {}
    shared: dict[tuple[str, int], list[float]] = {}
    servers = {}
    engine_only = {**ENGINE_ONLY, "DATABASE_URL": store(tmp)}
    with ExitStack() as stack:
        for name, settings in configurations.items():
            layout = {k: int(settings[k]) for k in ("workers", "threads") if k in settings}
            others = {k: v for k, v in settings.items() if k not in layout}
            servers[name] = stack.enter_context(
                server(tmp, models, **layout, **{**engine_only, **others})
            )
        for connections in connection_counts:
            for _ in range(ROUNDS):
                for name, (port, pid) in servers.items():
                    used, (batches, held) = cpu_seconds(pid), batched(port)
                    rate, answered = wrk_rate(port, script, connections)
                    cost = (cpu_seconds(pid) - used) * 1000 / answered
                    settle(pid)  # before the next server's round, not during it
                    after, held_after = batched(port)
                    rates.setdefault((name, connections), []).append(rate)
                    costs.setdefault((name, connections), []).append(cost)
                    per_batch = (held_after - held) / (after - batches) if after > batches else 0
                    shared.setdefault((name, connections), []).append(per_batch)
    return {
        key: (
            statistics.median(rates[key]),
            statistics.median(costs[key]),
            statistics.median(shared[key]),
        )
        for key in rates
    }


def batch_gain(
    translator: Any,
    tokens: Sequence[list[str]],
    sizes: Sequence[int],
    beam: int,
    total: int = 96,
    rounds: int = ROUNDS + 2,
) -> dict[int, float]:
    """CPU ms per sentence when *total* tokenized sentences (cycling *tokens*) go to
    ``translate_batch`` in batches of each size: what one shared batch can save at most."""
    from app.translation.engine import BATCH_OPTIONS

    pool = [tokens[i % len(tokens)] for i in range(total)]
    gains = {}
    for size in sizes:
        runs = []
        for _ in range(rounds):
            used = time.process_time()
            for start_at in range(0, total, size):
                batch = pool[start_at : start_at + size]
                translator.translate_batch(batch, beam_size=beam, **BATCH_OPTIONS)
            runs.append((time.process_time() - used) * 1000 / total)
        gains[size] = statistics.median(runs)
    return gains


def cached(tmp: Path, models: Path, many: Sequence[str]) -> dict[str, float]:
    """p50 ms of one request of *many* sentences all answered by the segment cache: from the
    seed's translation memory (its reviewed French), and from the LRU (the same sentences on an
    empty store, after one request put them there); the engine-only request beside them."""
    body = json.dumps({"q": list(many), "source": "en", "target": "fr"}).encode()
    figures: dict[str, list[float]] = {"memory": [], "lru": [], "engine": []}
    runs = {
        "memory": {"DATABASE_URL": store(tmp, seed=True)},
        "lru": {"DATABASE_URL": store(tmp)},
        "engine": {**ENGINE_ONLY, "DATABASE_URL": store(tmp)},
    }
    with ExitStack() as stack:
        posts = {
            name: poster(stack.enter_context(server(tmp, models, workers=1, **settings))[0])
            for name, settings in runs.items()
        }
        for _ in range(ROUNDS):
            for name, post in posts.items():
                figures[name].append(median_ms(lambda post=post: post(body)))  # type: ignore[misc]
    return {name: statistics.median(values) for name, values in figures.items()}


def start_up(tmp: Path, models: Path, runs: int = 5, **settings: str) -> dict[str, float]:
    """Seconds from launching granian (2 workers) to the first translation answered, and that
    first request's own time; median of *runs*."""
    body = json.dumps(
        {"q": "Kidal has been under their control ever since.", "source": "en", "target": "fr"}
    ).encode()
    settings.setdefault("DATABASE_URL", store(tmp))
    totals, firsts = [], []
    for _ in range(runs):
        port = free_port()
        log = tmp / f"start-{port}.log"
        launched = time.perf_counter()
        proc = start("app.wsgi:app", port, log, env=env(models, **settings))
        try:
            ready = False
            while not ready:
                try:
                    connection = http.client.HTTPConnection(HOST, port, timeout=5)
                    connection.request("GET", "/readyz")
                    ready = connection.getresponse().status == 200
                except OSError:
                    pass
                if proc.poll() is not None:
                    raise RuntimeError(log.read_text()[-2000:])
                if not ready:
                    time.sleep(0.01)
            asked = time.perf_counter()
            poster(port)(body)
            done = time.perf_counter()
        finally:
            stop(proc)
        totals.append(done - launched)
        firsts.append(done - asked)
    return {"total": statistics.median(totals), "first": statistics.median(firsts)}


if __name__ == "__main__":
    # `python bench/serving.py /translate > cycle.lua`: the wrk script for another server.
    from app.content.store import load_article

    seed = load_article(ROOT / "data" / "articles" / "mali-army-convoy-kidal")
    path = sys.argv[1] if len(sys.argv) > 1 else "/api/v1/translate"
    print(lua_script([segment.text for segment in seed.segments()], path))
