"""A new article is imported from rows its reader made: a few inserts, nothing read back, the
same rows as any other write; a slug stored in the meantime is compared, never duplicated."""

from __future__ import annotations

import os
import pty
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from sqlalchemy import event, select
from sqlalchemy.engine import Engine

from app.cli import main
from app.exchange.folders import PARALLEL_FROM, import_folder, read_folder, store_read
from app.exchange.new_articles import new_article
from app.store.database import Database
from app.store.migrate import upgrade
from app.store.models import (
    ArticleRow,
    CatalogRow,
    FactRow,
    RevisionRow,
    SegmentRow,
    StoreState,
    TranslationRow,
)
from app.translation import catalogs, risk
from app.translation.memory import Status
from tests.conftest import DATA_DIR, SLUG
from tests.store import drop, new_url

_WRITE = re.compile(r"(INSERT|UPDATE|DELETE)( INTO| FROM)? (\w+)")
#: Columns that differ between two stores holding the same content.
_OWN = {"id", "article_id", "seq", "created", "updated", "at"}


def cli(env: dict[str, str], *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args), env=env)
    return result.exit_code, result.output


@contextmanager
def statements() -> Iterator[list[str]]:
    seen: list[str] = []

    def remember(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        seen.append(" ".join(statement.split()))

    event.listen(Engine, "before_cursor_execute", remember)
    try:
        yield seen
    finally:
        event.remove(Engine, "before_cursor_execute", remember)


def rows(url: str) -> dict[str, list[dict[str, Any]]]:
    """Every content row of the store, without what only says where or when it was written."""
    database = Database(url)
    try:
        with database.read() as session:
            found = {}
            for model in (ArticleRow, SegmentRow, CatalogRow, TranslationRow, FactRow, RevisionRow):
                table = model.__table__
                columns = [c for c in table.columns if c.name not in _OWN]  # type: ignore[attr-defined]
                query = select(*columns).order_by(*table.primary_key.columns)  # type: ignore[attr-defined]
                found[table.name] = [dict(r._mapping) for r in session.execute(query)]  # type: ignore[attr-defined]
            return found
    finally:
        database.dispose()


def copies(root: Path, count: int) -> list[str]:
    slugs = [f"story-{number:03d}" for number in range(count)]
    for slug in slugs:
        folder = root / "articles" / slug
        shutil.copytree(DATA_DIR / "articles" / SLUG, folder)
        md = folder / "article.md"
        md.write_text(md.read_text().replace(f"slug: {SLUG}", f"slug: {slug}"))
    return slugs


def test_a_new_article_takes_seven_writes_and_no_read_back(runner_env: dict[str, str]) -> None:
    assert cli(runner_env, "db", "upgrade")[0] == 0
    with statements() as seen:
        code, output = cli(runner_env, "import", str(DATA_DIR))
    assert code == 0 and "1 articles read, 1 changed" in output
    writes = [m.expand(r"\1 \3") for s in seen if (m := _WRITE.match(s))]
    # The change number, then the article, its segments, revision, catalog, memory, facts.
    assert writes == [
        "UPDATE store_state",
        "INSERT articles",
        "INSERT segments",
        "INSERT revisions",
        "INSERT catalogs",
        "INSERT translations",
        "INSERT facts",
    ]
    reads = [s for s in seen if s.startswith("SELECT") and " FROM articles" in s]
    assert len(reads) == 1 and "ORDER BY articles.slug" in reads[0]  # the slugs, up front


def test_a_new_article_is_stored_as_any_other_write_stores_it(
    runner_env: dict[str, str], tmp_path: Path
) -> None:
    assert cli(runner_env, "import", str(DATA_DIR))[0] == 0
    other = new_url(tmp_path / "other")
    database = Database(other)
    try:
        upgrade(database)
        assert import_folder(database, DATA_DIR / "articles" / SLUG, DATA_DIR)
    finally:
        database.dispose()
    try:
        fast, general = rows(runner_env["DEPECHE_DATABASE_URL"]), rows(other)
    finally:
        drop(other)
    assert len(fast["translations"]) == 69
    assert fast == general


def test_machine_rows_are_scored_as_stored_and_a_persons_are_not() -> None:
    rows = [
        {
            "source": "The convoy had 119 vehicles.",
            "text": "Le convoi comptait 19 véhicules.",
            "status": Status.MACHINE,
        },
        {
            "source": "The convoy had 119 vehicles.",
            "text": "Le convoi comptait 119 véhicules.",
            "status": Status.REVIEWED,
        },
        {"source": "Kidal.", "text": "", "status": Status.UNTRANSLATED},
    ]
    machine, reviewed, untranslated = catalogs.scored(rows, "en", "fr")
    assert machine["risk"] == risk.score(rows[0]["source"], rows[0]["text"], "en", "fr") > 0
    assert reviewed["risk"] is None and untranslated["risk"] is None
    assert machine["source_key"] == reviewed["source_key"] == catalogs.source_key(rows[0]["source"])


@pytest.mark.parametrize("edited", [False, True])
def test_a_slug_stored_in_the_meantime_is_compared_not_duplicated(
    runner_env: dict[str, str], data_copy: Path, edited: bool
) -> None:
    folder = data_copy / "articles" / SLUG
    new = new_article(folder, read_folder(folder, data_copy))  # read while the slug was free
    assert cli(runner_env, "import", str(data_copy))[0] == 0
    if edited:
        md = folder / "article.md"
        md.write_text(md.read_text().replace("dateline: Gao", "dateline: Bamako"))
        new = new_article(folder, read_folder(folder, data_copy))
    database = Database(runner_env["DEPECHE_DATABASE_URL"])
    try:
        before = database.seq()
        changed = store_read(database, new, data_copy)
        with database.read() as session:
            stored = session.execute(
                select(ArticleRow.slug, ArticleRow.dateline, ArticleRow.version)
            ).all()
            revisions = session.execute(select(RevisionRow.action)).scalars().all()
            seq = session.execute(select(StoreState.seq)).scalar_one()
    finally:
        database.dispose()
    assert changed is edited
    assert [tuple(a) for a in stored] == [(SLUG, "Bamako" if edited else "Gao", 2 if edited else 1)]
    assert list(revisions) == ["import", "import"] if edited else ["import"]
    assert seq == before + edited  # the number the refused insert took was given back


def test_a_bad_fact_in_a_parallel_import_is_named_and_nothing_of_it_is_written(
    tmp_path: Path, runner_env: dict[str, str]
) -> None:
    root = tmp_path / "data"
    slugs = copies(root, PARALLEL_FROM + 8)
    # Past the folders the writer reads itself while the readers start: read by a reader.
    bad = root / "articles" / slugs[PARALLEL_FROM + 3] / "facts.yaml"
    old = "unit: length-kilometer}\n  qualifier: about"
    bad.write_text(bad.read_text().replace(old, "unit: length-furlongs}\n  qualifier: about"))
    code, output = cli(runner_env, "import", str(root))
    assert code == 1
    field = "fact gao-kidal-distance: value.unit: 'length-furlongs' is not a CLDR unit."
    assert f"{bad}: {field}" in output
    assert f"{len(slugs) - 1} articles read, {len(slugs) - 1} changed, 1 refused" in output
    database = Database(runner_env["DEPECHE_DATABASE_URL"])
    try:
        with database.read() as session:
            stored = set(session.execute(select(ArticleRow.slug)).scalars())
            segments = session.execute(select(SegmentRow.article_id)).scalars().all()
    finally:
        database.dispose()
    assert stored == set(slugs) - {slugs[PARALLEL_FROM + 3]}
    assert len(segments) == 27 * len(stored)  # every article whole, none half


def _depeche() -> str:
    return str(Path(sys.executable).parent / "depeche")


def test_progress_shows_on_a_terminal_and_not_when_piped(
    tmp_path: Path, runner_env: dict[str, str]
) -> None:
    root = tmp_path / "data"
    copies(root, 3)
    env = {**os.environ, **runner_env, "DEPECHE_MODELS_DIR": str(tmp_path / "none")}
    leader, follower = pty.openpty()
    try:
        done = subprocess.run(
            [_depeche(), "import", str(root)], env=env, stderr=follower, stdout=subprocess.PIPE
        )
        os.close(follower)
        shown = b""
        while chunk := _read(leader):
            shown += chunk
    finally:
        os.close(leader)
    assert done.returncode == 0, shown
    assert re.search(rb"importing.*3/3.*\d+/s", shown), shown
    piped = subprocess.run(
        [_depeche(), "export", str(tmp_path / "out")], env=env, capture_output=True, text=True
    )
    again = subprocess.run(
        [_depeche(), "import", str(root)], env=env, capture_output=True, text=True
    )
    assert piped.returncode == 0 and again.returncode == 0
    assert "3 articles read, 0 changed" in again.stdout and again.stderr == ""


def _read(fd: int) -> bytes:
    try:
        return os.read(fd, 4096)
    except OSError:  # the terminal is gone once the command ended
        return b""
