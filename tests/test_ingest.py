"""Ingest of the real seed: exact structure, byte-for-byte source, determinism."""

from __future__ import annotations

import hashlib
from pathlib import Path

import frontmatter
import pytest
from click.testing import CliRunner

from app.cli import main
from app.content.folder import load_article
from app.content.ingest import IngestError, ingest
from tests.conftest import DATA_DIR, SEED, SLUG

EDITORIAL = {
    "headline": "Malian army convoy heads for Kidal, stronghold of the Tuareg rebellion",
    "standfirst": "A standfirst.",
    "dateline": "Gao",
    "published": "2023-10-02",
    "language": "en",
    "publisher": "France 24",
}


def cli(env: dict[str, str], *args: str) -> str:
    result = CliRunner().invoke(main, list(args), env=env)
    assert result.exit_code == 0, result.output
    return result.output


def run_ingest(env: dict[str, str], *extra: str) -> str:
    return cli(env, "ingest", str(SEED), "--slug", SLUG, *extra)


def test_source_txt_is_the_wire_copy_byte_for_byte(tmp_path: Path) -> None:
    assert ingest(SEED.read_bytes(), SLUG, **EDITORIAL).source == SEED.read_bytes()


def test_ingest_then_export_gives_the_wire_copy_back_byte_for_byte(
    tmp_path: Path, runner_env: dict[str, str]
) -> None:
    editorial = [f"--{k}={v}" for k, v in EDITORIAL.items()]
    run_ingest(runner_env, *editorial)
    cli(runner_env, "export", str(tmp_path / "out"))
    assert (tmp_path / "out" / "articles" / SLUG / "source.txt").read_bytes() == SEED.read_bytes()


#: sha256 of the newsroom's original wire copy, recorded from it, so the check runs anywhere.
ORIGINAL_SHA256 = "f27a2860351d84a60746ce100c2e539786a97c8ec1b627fcda7f9834e8445fae"


def test_committed_source_txt_is_the_original_wire_copy() -> None:
    assert hashlib.sha256(SEED.read_bytes()).hexdigest() == ORIGINAL_SHA256


def test_reingesting_the_committed_article_exports_the_same_bytes(
    tmp_path: Path, runner_env: dict[str, str]
) -> None:
    cli(runner_env, "import", str(DATA_DIR))
    assert "(unchanged)" in run_ingest(runner_env)  # editorial fields come from the store
    assert "(unchanged)" in run_ingest(runner_env)
    cli(runner_env, "export", str(tmp_path / "out"))
    exported = tmp_path / "out" / "articles" / SLUG
    folder = DATA_DIR / "articles" / SLUG
    assert {p.name: p.read_bytes() for p in exported.iterdir()} == {
        p.name: p.read_bytes() for p in folder.iterdir()
    }
    assert not [p for p in exported.iterdir() if p.name.startswith(".")]  # no temp files left


def test_seed_front_matter(tmp_path: Path, runner_env: dict[str, str]) -> None:
    run_ingest(runner_env, *[f"--{k}={v}" for k, v in EDITORIAL.items()])
    cli(runner_env, "export", str(tmp_path))
    meta = frontmatter.load(tmp_path / "articles" / SLUG / "article.md").metadata
    assert meta["credit"] == "AFP / France 24"
    assert str(meta["published"]) == "2023-10-02"
    assert meta["dateline"] == "Gao"
    assert meta["language"] == "en"
    assert meta["related"] == [
        {"title": 'Jihadist blockade in Timbuktu in Mali: "The situation is untenable"'},
        {
            "title": "Fighting between the army and rebels in Mali: is this the end of the "
            "Algiers agreement?"
        },
    ]


def test_seed_structure() -> None:
    article = load_article(DATA_DIR / "articles" / SLUG)
    first, second = article.sections
    assert first.heading is None
    assert second.heading is not None
    assert second.heading.text == "The 2015 agreement is shattering"
    assert [len(p.sentences) for p in first.paragraphs] == [1, 2, 1, 1, 2, 2]
    assert [len(p.sentences) for p in second.paragraphs] == [1, 4, 2, 2, 3, 1]
    assert first.paragraphs[0].sentences[0].text.startswith("A large convoy of the Malian army")
    assert second.paragraphs[-1].sentences[-1].text.endswith("territories that escape it.")
    assert article.headline.text == EDITORIAL["headline"]
    assert article.standfirst.text.startswith("A 119-vehicle army convoy left Gao")


def test_promo_lines_and_credit_line_are_not_in_the_body() -> None:
    body = frontmatter.load(DATA_DIR / "articles" / SLUG / "article.md").content
    for dropped in (
        "I subscribe",
        "France 24 app",
        "The summary of the week",
        "With AFP",
        "See also",
    ):
        assert dropped not in body


def test_cli_reports_what_it_dropped(runner_env: dict[str, str]) -> None:
    output = run_ingest(
        runner_env,
        "--headline",
        "H",
        "--standfirst",
        "S",
        "--dateline",
        "Gao",
        "--published",
        "2023-10-02",
        "--publisher",
        "France 24",
    )
    assert "12 paragraphs, 1 subheadings, 2 related links, credit AFP" in output
    assert output.count("dropped promo line:") == 3


def test_first_ingest_without_a_headline_is_refused_and_writes_nothing(
    runner_env: dict[str, str],
) -> None:
    args = ["ingest", str(SEED), "--slug", SLUG, "--dateline=Gao", "--published=2023-10-02"]
    result = CliRunner().invoke(main, [*args, "--standfirst=S"], env=runner_env)
    assert result.exit_code == 1
    assert "missing editorial field(s): headline" in result.output
    assert "0 articles written" in cli(
        runner_env, "export", str(Path(runner_env["DEPECHE_DATABASE_URL"][10:]).parent / "out")
    )


def test_wire_copy_that_is_not_utf8_is_refused() -> None:
    raw = "Kidal, a Malian town\n\nWith AFP".encode("utf-16")
    with pytest.raises(IngestError, match="not UTF-8"):
        ingest(raw, "x", **EDITORIAL)
