"""`make bench`, translation part: our pipeline against raw CTranslate2, and per-sentence calls.

With the fixture packages (tests/fixtures/models), on the seed's 27 English segments:
- raw: one ``translate_batch`` on already tokenized segments, with the engine's options
  (the floor);
- pipeline: ``translate_segments`` (tokenize, one batch, decode, re-render numbers);
- per sentence: the pipeline called once per sentence, as LibreTranslate does.
Medians of repeated runs, then worker RSS before and after a model loads, in a fresh process.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from app.content.folder import load_article  # noqa: E402
from app.translation.engine import BATCH_OPTIONS, Engine  # noqa: E402
from app.translation.packages import install_archive  # noqa: E402
from app.translation.text import translate_segments  # noqa: E402

FIXTURES = ROOT / "tests" / "fixtures" / "models"
RUNS = 30

RSS_PROBE = """
import re, sys
def rss():
    return int(re.search(r"VmRSS:\\s+(\\d+)", open("/proc/self/status").read()).group(1)) / 1024
from app import create_app
app = create_app({"MODELS_DIR": sys.argv[1], "BEAM_SIZE": 1})
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

        raw = median_seconds(
            lambda: loaded.translator.translate_batch(tokens, beam_size=1, **BATCH_OPTIONS)
        )
        pipeline = median_seconds(lambda: translate_segments(engine, texts, "en", "fr"))
        per_sentence = median_seconds(
            lambda: [translate_segments(engine, [text], "en", "fr") for text in texts]
        )
        probe = subprocess.run(
            [sys.executable, "-c", RSS_PROBE, str(models)],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        )
    before, after = probe.stdout.split()
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
    ]
    report = "\n".join(lines) + "\n"
    print(report)
    results = ROOT / "bench" / "results.md"
    earlier = results.read_text().split("\n## Translation")[0] if results.exists() else ""
    results.write_text(earlier.rstrip("\n") + "\n" + report)


if __name__ == "__main__":
    main()
