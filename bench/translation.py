"""`make bench`, translation part: our pipeline against raw CTranslate2, and per-sentence calls.

With the fixture packages (tests/fixtures/models), on the seed's 27 English segments:
- raw: one ``translate_batch`` on already tokenized segments, with the engine's options
  (the floor);
- pipeline: ``translate_segments`` (tokenize, one batch, decode, re-render numbers);
- per sentence: the pipeline called once per sentence, as LibreTranslate does;
- the engine's CPU per sentence in batches of 1 to 32 (the most a shared batch can save).
Medians of repeated runs, then worker RSS before and after a model loads, in a fresh process.
Then serving over HTTP (bench/serving.py): the engine's share of a one-sentence request, HTTP ÷
direct for 22 sentences, a request's cost without the engine, batching across requests on ÷ off
at 8 and 32 connections with 4 and 16 threads per worker, and start-up to the first
translation. ``BENCH_SECONDS`` sets each wrk run (default 5).
Last, batching again with an engine of a real argos model's size (bench/sized_model.py): the
engine's gain per batch size, and on ÷ off over HTTP at 8 and 32 connections (``--only sized``
runs that part alone and prints it).
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from app.content.folder import load_article  # noqa: E402
from app.translation.engine import BATCH_OPTIONS, Engine  # noqa: E402
from app.translation.packages import install_archive  # noqa: E402
from app.translation.text import translate_segments  # noqa: E402

sys.path.insert(0, str(ROOT / "bench"))
import serving  # noqa: E402
import sized_model  # noqa: E402

FIXTURES = ROOT / "tests" / "fixtures" / "models"
RUNS = 30
BATCH_SIZES = (1, 2, 4, 8, 16, 32)

RSS_PROBE = """
import re, sys
def rss():
    return int(re.search(r"VmRSS:\\s+(\\d+)", open("/proc/self/status").read()).group(1)) / 1024
from app import create_app
app = create_app({"MODELS_DIR": sys.argv[1], "BEAM_SIZE": 1, "DATABASE_URL": sys.argv[2]})
before = rss()
app.test_client().post("/api/v1/translate", json={"q": "Kidal has been under their control"
    " ever since.", "source": "en", "target": "fr"})
print(f"{before:.1f} {rss():.1f}")
"""


def median_seconds(work: Callable[[], object]) -> float:
    work()  # warm-up
    times = []
    for _ in range(RUNS):
        started = time.perf_counter()
        work()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="bench-models-") as folder:
        models = Path(folder)
        for name in ("translate-en_fr.argosmodel", "translate-fr_en.argosmodel"):
            install_archive(FIXTURES / name, models)
        article = load_article(ROOT / "data" / "articles" / "mali-army-convoy-kidal")
        texts = [segment.text for segment in article.segments()]
        engine = Engine(models, beam_size=1, intra_threads=1)
        loaded = engine.load("en", "fr")
        tokens = [loaded.tokenizer.encode(text) for text in texts]
        if sys.argv[1:] == ["--only", "sized"]:  # this section alone, printed, results.md left
            print("\n".join(sized_report(texts, tokens, loaded.translator)))
            return

        raw = median_seconds(
            lambda: loaded.translator.translate_batch(tokens, beam_size=1, **BATCH_OPTIONS)
        )
        pipeline = median_seconds(lambda: translate_segments(engine, texts, "en", "fr"))
        per_sentence = median_seconds(
            lambda: [translate_segments(engine, [text], "en", "fr") for text in texts]
        )
        gains = {
            beam: serving.batch_gain(loaded.translator, tokens, BATCH_SIZES, beam)
            for beam in (1, 4)
        }
        probe = subprocess.run(
            [sys.executable, "-c", RSS_PROBE, str(models), serving.store(models)],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        )
    before, after = probe.stdout.split()
    lines = serving_report(texts, [s.text for s in article.segments() if s.context == "body"])
    lines += sized_report(texts, tokens, loaded.translator)
    lines = [
        "",
        f"## Translation ({len(texts)} segments, fixture model, beam 1, 1 intra thread, "
        f"median of {RUNS})",
        "",
        "| path | median ms | throughput vs ours |",
        "|---|---:|---:|",
        f"| raw `translate_batch` on tokenized segments | {raw * 1000:.2f} | "
        f"{pipeline / raw:.2f}× ours (ours ÷ raw = {raw / pipeline:.2f}) |",
        f"| our pipeline (tokenize, one batch, decode, numbers) | {pipeline * 1000:.2f} | 1.00 |",
        f"| one call per sentence (LibreTranslate's way) | {per_sentence * 1000:.2f} | "
        f"ours is {per_sentence / pipeline:.2f}× faster |",
        "",
        f"- Worker RSS: {before} MB after start-up, {after} MB after the en→fr model loaded "
        "and translated.",
        "",
        f"CPU ms per sentence, the {len(tokens)} segments cycled through `translate_batch` calls "
        "of k sentences (in brackets, the gain over k = 1: the most a shared batch can save):",
        "",
        "| beam | " + " | ".join(f"k = {k}" for k in BATCH_SIZES) + " |",
        "|---:|" + "---:|" * len(BATCH_SIZES),
        *(
            f"| {beam} | "
            + " | ".join(f"{ms:.2f} ({gain[1] / ms:.2f}×)" for ms in gain.values())
            + " |"
            for beam, gain in gains.items()
        ),
        *lines,
    ]
    report = "\n".join(lines) + "\n"
    print(report)
    results = ROOT / "bench" / "results.md"
    earlier = results.read_text().split("\n## Translation")[0] if results.exists() else ""
    results.write_text(earlier.rstrip("\n") + "\n" + report)


#: Batching on and off (``TRANSLATE_BATCH_SEGMENTS=1``), at beam 4 and 1, and with 16 threads
#: per worker (batches of up to 16 one-sentence requests instead of 4).
CONFIGURATIONS = {
    "on": {},
    "off": {"TRANSLATE_BATCH_SEGMENTS": "1"},
    "on, beam 1": {"BEAM_SIZE": "1"},
    "off, beam 1": {"BEAM_SIZE": "1", "TRANSLATE_BATCH_SEGMENTS": "1"},
    "on, beam 1, 2×16": {"BEAM_SIZE": "1", "threads": "16"},
    "off, beam 1, 2×16": {"BEAM_SIZE": "1", "TRANSLATE_BATCH_SEGMENTS": "1", "threads": "16"},
}
#: (on, off) pairs reported as req/s on ÷ off; the last against the best "off" layout.
RATIOS = [
    ("on", "off"),
    ("on, beam 1", "off, beam 1"),
    ("on, beam 1, 2×16", "off, beam 1, 2×16"),
    ("on, beam 1, 2×16", "off, beam 1"),
]


def serving_report(sentences: list[str], body: list[str]) -> list[str]:
    """The HTTP figures, as Markdown lines (servers run on loopback, then stop)."""
    with tempfile.TemporaryDirectory(prefix="bench-serving-") as folder:
        tmp = Path(folder)
        models = tmp / "models"
        for name in ("translate-en_fr.argosmodel", "translate-fr_en.argosmodel"):
            install_archive(FIXTURES / name, models)
        http = serving.http_against_direct(tmp, models, body[13], body)
        rates = serving.batching(tmp, models, sentences, CONFIGURATIONS)
        floor = serving.batching(
            tmp, models, sentences, {"same": {"BEAM_SIZE": "1"}}, (32,), target="en"
        )[("same", 32)]
        cache = serving.cached(tmp, models, body)
        warm = serving.start_up(tmp, models, REQUIRE_MODELS="en-fr fr-en")
        cold = serving.start_up(tmp, models, WARM_MODELS="0")
    lines = [
        "",
        "## Serving translations over HTTP (granian, fixture model, default settings)",
        "",
        f"- One sentence per request (1 worker, keep-alive, median of {serving.ROUNDS} rounds): "
        f"engine call {http['one']:.2f} ms, HTTP request {http['one_http']:.2f} ms — "
        f"the engine is {http['one'] / http['one_http']:.0%} of the request.",
        f"- {len(body)} sentences in one request: direct `translate_texts` "
        f"{http['many']:.1f} ms, over HTTP {http['many_http']:.1f} ms: "
        f"HTTP ÷ direct = {http['many'] / http['many_http']:.2f} (throughput ratio).",
        "- The same one-sentence request with `target` = `source` (answered without the engine: "
        f"granian, Flask, the schemas, the access log), 32 connections: {floor[1]:.2f} ms CPU "
        f"per request ({floor[0]:.0f} req/s).",
        "",
        f"One sentence per request, cycling the seed's {len(sentences)} segments, segment cache "
        f"off; wrk `-d{serving.SECONDS}s`; granian 2 workers × 4 threads, or 2 × 16 "
        f"(`--blocking-threads 16`); median of {serving.ROUNDS} alternating rounds: req/s, and "
        "in brackets the workers' CPU ms per request (user + system; other people's load on the "
        "machine disturbs it less than req/s), and requests per engine batch (`/metrics`):",
        "",
        "| connections | "
        + " | ".join(f"batching {name}" for name in CONFIGURATIONS)
        + " | "
        + " | ".join(f"{on} ÷ {off}" for on, off in RATIOS)
        + " |",
        "|---:|" + "---:|" * (len(CONFIGURATIONS) + len(RATIOS)),
    ]
    lines += rate_rows(rates, CONFIGURATIONS, RATIOS, (1, 8, 32), "{:.0f} ({:.2f}; {:.1f})")
    lines += [
        "",
        f"- {len(body)} sentences in one request, all in the segment cache (1 worker, median of "
        f"{serving.ROUNDS} rounds of p50s): from the translation memory {cache['memory']:.2f} ms, "
        f"from the LRU {cache['lru']:.2f} ms; engine only {cache['engine']:.1f} ms.",
        f'- Start-up to the first translation, 2 workers, `DEPECHE_REQUIRE_MODELS="en-fr '
        f'fr-en"` (launch → `/readyz` 200 → one translation answered, median of 5): '
        f"{warm['total']:.2f} s; that first request took {warm['first'] * 1000:.1f} ms.",
        f"- Without warm-up (`DEPECHE_WARM_MODELS=0`): {cold['total']:.2f} s; the first request "
        f"took {cold['first'] * 1000:.1f} ms (it loaded the model).",
    ]
    return lines


#: The argos-sized engine, beam 1: batching on and off with granian's default 8 threads per
#: worker and with 16. A queued request waits seconds at 32 connections: no 503 for that.
SIZED_CONFIGURATIONS = {
    "on, 2×8": {"threads": "8"},
    "off, 2×8": {"threads": "8", "TRANSLATE_BATCH_SEGMENTS": "1"},
    "on, 2×16": {"threads": "16"},
    "off, 2×16": {"threads": "16", "TRANSLATE_BATCH_SEGMENTS": "1"},
}
SIZED_RATIOS = [("on, 2×8", "off, 2×8"), ("on, 2×16", "off, 2×16"), ("on, 2×16", "off, 2×8")]
SIZED_BATCHES = (1, 2, 4, 8, 16)


def sized_report(texts: list[str], fixture_tokens: list[list[str]], fixture: Any) -> list[str]:
    """Batching with an engine of a real argos model's size (bench/sized_model.py)."""
    with tempfile.TemporaryDirectory(prefix="bench-sized-") as folder:
        tmp = Path(folder)
        models = tmp / "models"
        package = sized_model.build(models)
        engine = Engine(models, beam_size=1, intra_threads=1)
        loaded = engine.load("en", "fr")
        tokens = [loaded.tokenizer.encode(text) for text in texts]
        mean, shortest, longest = sized_model.lengths(package / "model", tokens)
        found = [len(r.hypotheses[0]) for r in fixture.translate_batch(fixture_tokens, beam_size=1)]
        gains = serving.batch_gain(loaded.translator, tokens, SIZED_BATCHES, 1, 32, 3)
        del engine, loaded
        settings = {"BEAM_SIZE": "1", "TRANSLATE_QUEUE_TIMEOUT": "120"}
        configurations = {k: {**settings, **v} for k, v in SIZED_CONFIGURATIONS.items()}
        rates = serving.batching(tmp, models, texts, configurations, (8, 32))
        size = sum(p.stat().st_size for p in (package / "model").iterdir()) / 1e6
    one = gains[1]
    lines = [
        "",
        "## Batching with an engine of a real argos model's size",
        "",
        f"bench/sized_model.py: 6 + 6 layers of width 512, 8 heads, feed-forward 2,048, "
        f"50,000 pieces, int8 ({size:.0f} MB), seeded random weights. Its translations of the "
        f"seed's {len(texts)} segments are {shortest}–{longest} tokens, {mean:.0f} on average "
        f"(the fixture model's: {min(found)}–{max(found)}, {statistics.mean(found):.0f}).",
        "",
        "CPU ms per sentence in `translate_batch` calls of k (beam 1, 1 thread, in process; in "
        "brackets the gain over k = 1):",
        "",
        "| " + " | ".join(f"k = {k}" for k in SIZED_BATCHES) + " |",
        "|" + "---:|" * len(SIZED_BATCHES),
        "| " + " | ".join(f"{ms:.1f} ({one / ms:.2f}×)" for ms in gains.values()) + " |",
        "",
        f"Over HTTP, one sentence per request cycling the seed's segments, segment cache off, "
        f"beam 1, wrk `-d{serving.SECONDS}s`, median of {serving.ROUNDS} alternating rounds: "
        "req/s (workers' CPU ms per request; requests per engine batch):",
        "",
        "| connections | "
        + " | ".join(SIZED_CONFIGURATIONS)
        + " | "
        + " | ".join(f"{on} ÷ {off}" for on, off in SIZED_RATIOS)
        + " |",
        "|---:|" + "---:|" * (len(SIZED_CONFIGURATIONS) + len(SIZED_RATIOS)),
    ]
    lines += rate_rows(
        rates, SIZED_CONFIGURATIONS, SIZED_RATIOS, (8, 32), "{:.1f} ({:.0f}; {:.1f})"
    )
    return lines


def rate_rows(
    rates: dict[tuple[str, int], tuple[float, float, float]],
    configurations: dict[str, dict[str, str]],
    ratios: list[tuple[str, str]],
    connection_counts: tuple[int, ...],
    cell: str,
) -> list[str]:
    """Table rows: each configuration's figures formatted by *cell*, then each on ÷ off."""
    lines = []
    for connections in connection_counts:
        row = [cell.format(*rates[(name, connections)]) for name in configurations]
        for on_name, off_name in ratios:
            on, off = rates[(on_name, connections)], rates[(off_name, connections)]
            row.append(f"**{on[0] / off[0]:.2f}** (CPU {off[1] / on[1]:.2f})")
        lines.append(f"| {connections} | " + " | ".join(row) + " |")
    return lines


if __name__ == "__main__":
    main()
