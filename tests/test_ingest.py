"""Ingest of the real seed: exact structure, byte-for-byte source, determinism."""

from __future__ import annotations

from pathlib import Path

import frontmatter
import pytest
from click.testing import CliRunner

from app.cli import main
from app.content.ingest import IngestError, ingest
from app.content.store import load_article
from tests.conftest import DATA_DIR, ORIGINAL_SEED, SEED, SLUG

EDITORIAL = {
    "headline": "Malian army convoy heads for Kidal, stronghold of the Tuareg rebellion",
    "standfirst": "A standfirst.",
    "dateline": "Gao",
    "published": "2023-10-02",
    "language": "en",
    "publisher": "France 24",
}


def run_ingest(data_dir: Path, *extra: str) -> str:
    args = ["ingest", str(SEED), "--slug", SLUG, "--data-dir", str(data_dir), *extra]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    return result.output


def test_source_txt_is_the_wire_copy_byte_for_byte(tmp_path: Path) -> None:
    ingest(SEED, SLUG, tmp_path, **EDITORIAL)
    assert (tmp_path / "articles" / SLUG / "source.txt").read_bytes() == SEED.read_bytes()


@pytest.mark.skipif(not ORIGINAL_SEED.exists(), reason="the newsroom's original is not at hand")
def test_committed_source_txt_is_the_original_wire_copy() -> None:
    assert SEED.read_bytes() == ORIGINAL_SEED.read_bytes()


def test_reingesting_the_committed_article_writes_the_same_bytes(data_copy: Path) -> None:
    folder = data_copy / "articles" / SLUG
    before = {p.name: p.read_bytes() for p in folder.iterdir()}
    run_ingest(data_copy)  # editorial fields come from the article already there
    run_ingest(data_copy)
    after = {p.name: p.read_bytes() for p in folder.iterdir()}
    assert after == before
    assert not [p for p in folder.iterdir() if p.name.startswith(".")]  # no temp files left


def test_seed_front_matter(tmp_path: Path) -> None:
    ingest(SEED, SLUG, tmp_path, **EDITORIAL)
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


def test_cli_reports_what_it_dropped(tmp_path: Path) -> None:
    output = run_ingest(
        tmp_path,
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


def test_first_ingest_without_a_headline_is_refused_and_writes_nothing(tmp_path: Path) -> None:
    with pytest.raises(IngestError, match="headline"):
        ingest(SEED, SLUG, tmp_path, dateline="Gao", published="2023-10-02", standfirst="S")
    assert not (tmp_path / "articles").exists()


def test_wire_copy_that_is_not_utf8_is_refused(tmp_path: Path) -> None:
    wire = tmp_path / "wire.txt"
    wire.write_bytes("Kidal, a Malian town\n\nWith AFP".encode("utf-16"))
    with pytest.raises(IngestError, match="not UTF-8"):
        ingest(wire, "x", tmp_path, **EDITORIAL)
