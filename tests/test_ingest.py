"""Ingest of the real seed: exact structure, byte-for-byte source, determinism."""

from __future__ import annotations

from pathlib import Path

import frontmatter
import pytest
from click.testing import CliRunner

from app.cli import main
from app.content.ingest import IngestError, ingest
from app.content.store import load_article
from app.content.wire import parse_wire
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


#: French wire copy as a web desk sends it: "Lire aussi" lines with the French colon (a space,
#: a no-break space or a narrow one before it) and colons inside the titles.
FRENCH_WIRE = (
    "Un important convoi de l'armée malienne a quitté lundi (2 octobre) Gao en direction de la "
    "région stratégique de Kidal, fief de la rébellion touareg.\n\n"
    "Lire aussi : Mali : la Minusma accélère son retrait du nord\n\n"
    "Le convoi compte 119 véhicules, selon un autre responsable sécuritaire.\n\n"
    "Un accord qui vole en éclats\n\n"
    "L'accord signé en 2015 vole à son tour en éclats.\n\n"
    "À LIRE AUSSI\u00a0: Blocus djihadiste à Tombouctou\u00a0: «\u00a0La situation est "
    "intenable\u00a0»\n\n"
    "Avec AFP\n\n"
    "Le résumé de la semaineFrance 24 vous propose de revenir sur les actualités de la semaine\n\n"
    "Je m'abonne\n"
)


@pytest.mark.parametrize(
    ("line", "title"),
    [
        ("Lire aussi : Mali : la Minusma quitte Tessalit", "Mali : la Minusma quitte Tessalit"),
        ("Lire aussi\u00a0: Mali\u00a0: la Minusma", "Mali\u00a0: la Minusma"),
        ("Lire aussi\u202f: Mali\u202f: la Minusma", "Mali\u202f: la Minusma"),
        ("Lire aussi: Mali", "Mali"),
        ("Lire aussiMali : la Minusma", "Mali : la Minusma"),
        ("À lire aussi : Mali : la Minusma", "Mali : la Minusma"),
        ("A lire aussi : Mali", "Mali"),
        ("LIRE AUSSI : Mali : la Minusma", "Mali : la Minusma"),
        ("À LIRE AUSSI – Mali : la Minusma", "Mali : la Minusma"),
        ("Voir aussi : Mali : la Minusma", "Mali : la Minusma"),
        ("VOIR AUSSI\u202f:Mali", "Mali"),
        (
            "See also: Fighting in Mali: the end of the Algiers agreement?",
            "Fighting in Mali: the end of the Algiers agreement?",
        ),
        ("See alsoJihadist blockade in Timbuktu", "Jihadist blockade in Timbuktu"),
    ],
)
def test_see_also_lines_lose_their_separator_and_keep_the_title(line: str, title: str) -> None:
    story = parse_wire(f"Kidal, a Malian town.\n\n{line}\n\nWith AFP")
    assert story.related == [title]
    assert story.blocks == [("paragraph", "Kidal, a Malian town.")]


@pytest.mark.parametrize("line", ["Lire aussi :", "Lire aussi", "Voir aussi\u00a0:"])
def test_a_see_also_line_without_a_title_is_not_a_related_link(line: str) -> None:
    assert parse_wire(f"Kidal.\n\n{line}").related == []


def test_french_wire_story_related_titles(tmp_path: Path) -> None:
    wire = tmp_path / "wire.txt"
    wire.write_text(FRENCH_WIRE, encoding="utf-8")
    fields = {**EDITORIAL, "language": "fr", "headline": "Un convoi part pour Kidal"}
    ingest(wire, "convoi-kidal", tmp_path, **fields)
    post = frontmatter.load(tmp_path / "articles" / "convoi-kidal" / "article.md")
    assert post.metadata["related"] == [
        {"title": "Mali : la Minusma accélère son retrait du nord"},
        {"title": "Blocus djihadiste à Tombouctou\u00a0: «\u00a0La situation est intenable\u00a0»"},
    ]
    assert post.metadata["credit"] == "AFP / France 24"
    assert "aussi" not in post.content.lower()
    assert "## Un accord qui vole en éclats" in post.content
