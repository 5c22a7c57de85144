"""An import of many folders reads them on every core and writes them one transaction each."""

from __future__ import annotations

import shutil
from pathlib import Path

from click.testing import CliRunner

from app.cli import main
from app.exchange.folders import PARALLEL_FROM
from tests.conftest import DATA_DIR, SLUG


def test_a_large_import_reads_in_parallel_and_refuses_only_the_bad_folder(
    tmp_path: Path, runner_env: dict[str, str]
) -> None:
    root = tmp_path / "data"
    count = PARALLEL_FROM + 6
    for number in range(count):
        folder = root / "articles" / f"story-{number:03d}"
        shutil.copytree(DATA_DIR / "articles" / SLUG, folder)
        md = folder / "article.md"
        md.write_text(md.read_text().replace(f"slug: {SLUG}", f"slug: story-{number:03d}"))
    # Past the folders the writer reads itself while the readers start: read by a reader.
    bad = root / "articles" / f"story-{PARALLEL_FROM + 3:03d}" / "fr.po"
    bad.write_text(bad.read_text() + '\nmsgid "unterminated\n')
    result = CliRunner().invoke(main, ["import", str(root)], env=runner_env)
    assert result.exit_code == 1
    assert f"{bad}: " in result.output
    assert f"{count - 1} articles read, {count - 1} changed, 1 refused" in result.output
    again = CliRunner().invoke(main, ["export", str(tmp_path / "out")], env=runner_env)
    assert f"{count - 1} articles written" in again.output
    assert not (tmp_path / "out" / "articles" / bad.parent.name).exists()
