"""`make bench`, fact suggestions: quality against the keyed facts, and time per article.

On the seed (English, 27 segments) and the French test story (29 segments):
- precision and recall against the facts an editor keyed by hand, at several thresholds;
- time per article, warm (median and p90 of repeated runs), and the first call in a fresh
  process (the gazetteer and CLDR tables load then);
- growth: the same story's body repeated 2× and 4×, and one sentence of 200 and 800 clauses
  (every reader is linear in its sentence);
- for reference, dateparser's ``search_dates`` on the same sentences (the suggester does not
  use it: Babel's month and day names and our own patterns read the dates).
Replaces its own section of bench/results.md.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import yaml  # noqa: E402

from app.content.folder import PlainScalarsLoader, load_article  # noqa: E402
from app.content.model import Article  # noqa: E402
from app.facts.schemas import FactsFileSchema  # noqa: E402
from app.facts.suggest import DEFAULT_MIN_CONFIDENCE, suggest_facts  # noqa: E402
from app.facts.suggest.evaluate import score  # noqa: E402
from app.facts.suggest.reading import read_sentence  # noqa: E402

STORIES = {
    "seed (en)": ROOT / "data" / "articles" / "mali-army-convoy-kidal",
    "test story (fr)": ROOT / "tests" / "fixtures" / "suggest" / "tchad-refugies-soudanais-adre",
}
RUNS = 50
MONDAY = date(2023, 10, 2)
THRESHOLDS = (0.0, 0.5, DEFAULT_MIN_CONFIDENCE, 0.7, 0.8)
HEADING = "## Fact suggestions"
COLD = """
import sys, time
from pathlib import Path
start = time.perf_counter()
from app.content.folder import load_article
from app.facts.suggest import suggest_facts
article = load_article(Path(sys.argv[1]))
imported = time.perf_counter()
suggest_facts(article)
done = time.perf_counter()
print(f"{imported - start:.3f} {done - imported:.3f}")
"""


def timings(work: Callable[[], object], runs: int = RUNS) -> list[float]:
    work()
    found = []
    for _ in range(runs):
        start = time.perf_counter()
        work()
        found.append(time.perf_counter() - start)
    return sorted(found)


def written(folder: Path) -> list[dict[str, Any]]:
    raw = yaml.load((folder / "facts.yaml").read_text(), Loader=PlainScalarsLoader)  # noqa: S506
    facts: list[dict[str, Any]] = FactsFileSchema().load(raw)["facts"]
    return facts


def repeated(article: Article, times: int) -> Article:
    return replace(article, sections=article.sections * times)


def cold(folder: Path) -> tuple[float, float]:
    out = subprocess.run(
        [sys.executable, "-c", COLD, str(folder)], cwd=ROOT, capture_output=True, text=True
    ).stdout.split()
    return float(out[0]), float(out[1])


def dateparser_ms(article: Article) -> float:
    from dateparser.search import search_dates

    texts = [segment.text for segment in article.segments()]

    def run() -> None:
        for text in texts:
            search_dates(text, languages=[article.language])

    return statistics.median(timings(run, runs=5)) * 1000


def main() -> None:
    lines = ["", HEADING, ""]
    lines += [
        "Against the facts keyed by hand (a match: same type and value, and the qualifier "
        "where the editor gave one).",
        "",
        "| story | threshold | suggested | matched / keyed | precision | recall |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    articles = {name: load_article(folder) for name, folder in STORIES.items()}
    for name, folder in STORIES.items():
        keyed = written(folder)
        for threshold in THRESHOLDS:
            found = score(suggest_facts(articles[name], min_confidence=threshold), keyed)
            mark = " (default)" if threshold == DEFAULT_MIN_CONFIDENCE else ""
            lines.append(
                f"| {name} | {threshold:.1f}{mark} | {found.suggested} | "
                f"{found.matched} / {found.written} | {found.precision:.2f} | {found.recall:.2f} |"
            )
    lines += [
        "",
        f"Time per article (warm, {RUNS} runs), and the first call in a fresh process:",
        "",
        "| story | segments | median ms | p90 ms | 2× body | 4× body | fresh: import s | "
        "fresh: first call s |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for name, article in articles.items():
        one = timings(lambda a=article: suggest_facts(a))
        two = statistics.median(timings(lambda a=article: suggest_facts(repeated(a, 2)), 20))
        four = statistics.median(timings(lambda a=article: suggest_facts(repeated(a, 4)), 10))
        median, p90 = statistics.median(one), one[int(len(one) * 0.9)]
        imported, first = cold(STORIES[name])
        segments = sum(1 for _ in article.segments())
        lines.append(
            f"| {name} | {segments} | {median * 1000:.1f} | {p90 * 1000:.1f} | "
            f"{two / median:.2f}× | {four / median:.2f}× | {imported:.2f} | {first:.2f} |"
        )
    clause = (
        "the Coordination of Azawad Movements (CMA) met on 2 October in Gao, Kidal and "
        "Tessalit, about 300 km from Bamako since 2015, Colonel Assimi Goïta said, "
    )
    short, long = (
        statistics.median(timings(lambda n=n: read_sentence(clause * n, "en", MONDAY), 5))
        for n in (200, 800)
    )
    lines += [
        "",
        f"One sentence of 200 clauses ({len(clause) * 200:,} characters): {short * 1000:.0f} ms; "
        f"of 800 clauses: {long * 1000:.0f} ms ({long / short:.2f}× for 4× the text).",
    ]
    lines += [
        "",
        "For reference, dateparser's `search_dates` over the same segments (not used): "
        + ", ".join(f"{name} {dateparser_ms(a):.0f} ms" for name, a in articles.items())
        + ".",
    ]
    report = "\n".join(lines) + "\n"
    print(report)
    results = ROOT / "bench" / "results.md"
    text = results.read_text() if results.exists() else "# `make bench` results\n"
    before, _, after = text.partition("\n" + HEADING)
    rest = after.split("\n## ", 1)[1] if "\n## " in after else ""
    kept = before.rstrip("\n") + ("\n\n## " + rest.rstrip("\n") if rest else "")
    with tempfile.NamedTemporaryFile("w", dir=results.parent, delete=False) as out:
        out.write(kept + "\n" + report)
    Path(out.name).replace(results)


if __name__ == "__main__":
    main()
