"""The translation-memory workflow on a copy of the article: stale, new, removed segments."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from babel.messages.pofile import read_po
from click.testing import CliRunner
from flask import Flask

from app.cli import main
from tests.conftest import SLUG

CHANGED_OLD = "Kidal has been under their control ever since."
CHANGED_NEW = "Kidal has remained under their control ever since."
REMOVED = (
    "The colonels have made the restoration of state control over the entire territory "
    "one of their mantras."
)
ADDED = "The convoy was expected in Kidal within days."


def edit_article(data_dir: Path) -> None:
    article = data_dir / "articles" / SLUG / "article.md"
    text = article.read_text()
    assert CHANGED_OLD in text and REMOVED in text
    text = text.replace(CHANGED_OLD, CHANGED_NEW).replace(" " + REMOVED, "")
    article.write_text(text.rstrip("\n") + f"\n\n{ADDED}\n")


def translate(data_dir: Path, models_dir: Path, *extra: str) -> tuple[int, str]:
    result = CliRunner().invoke(
        main,
        [
            "translate",
            SLUG,
            "--to",
            "fr",
            "--data-dir",
            str(data_dir),
            "--models-dir",
            str(models_dir),
            *extra,
        ],
    )
    return result.exit_code, result.output


def statuses(app: Flask) -> dict[str, str]:
    body = app.test_client().get(f"/api/v1/articles/{SLUG}?lang=fr").json
    return {s["id"]: s["status"] for s in body["translation"]["segments"]}


def test_nothing_changes_when_the_article_did_not(data_copy: Path, tmp_path: Path) -> None:
    po = data_copy / "articles" / SLUG / "fr.po"
    before = po.read_bytes()
    code, output = translate(data_copy, tmp_path / "no-models")
    assert code == 0, output
    assert "0 stale, 0 untranslated, 0 obsolete; 0 machine-filled" in output.replace(
        "69 reviewed, 0 machine, ", ""
    )
    assert po.read_bytes() == before


def test_changed_segments_become_stale_new_untranslated_removed_obsolete(
    data_copy: Path, tmp_path: Path, make_app: Callable[[Path], Flask]
) -> None:
    edit_article(data_copy)
    code, output = translate(data_copy, tmp_path / "no-models")
    assert code == 0, output
    assert "no en→fr translation model is installed" in output
    assert "1 stale, 1 untranslated, 1 obsolete; 0 machine-filled" in output
    with (data_copy / "articles" / SLUG / "fr.po").open("rb") as handle:
        catalog = read_po(handle)
    stale = catalog.get(CHANGED_NEW)
    assert stale is not None and stale.fuzzy
    assert stale.string == "Kidal est depuis lors restée sous leur contrôle."  # kept as a draft
    po_text = (data_copy / "articles" / SLUG / "fr.po").read_text()
    assert f'#| msgid "{CHANGED_OLD}"' in po_text
    assert catalog.get(ADDED) is not None and not catalog.get(ADDED).string
    assert REMOVED in catalog.obsolete
    app = make_app(data_copy)
    counts = app.test_client().get(f"/api/v1/articles/{SLUG}?lang=fr").json["translation"]["counts"]
    assert (counts["stale"], counts["untranslated"], counts["reviewed"]) == (1, 1, 25)
    page = app.test_client().get(f"/fr/articles/{SLUG}").get_data(as_text=True)
    assert f'<span lang="en">{CHANGED_NEW}</span>' in page  # not published in French as a draft


def test_machine_fill_then_an_edit_shows_all_four_states(
    data_copy: Path, tmp_path: Path, models_dir: Path, make_app: Callable[[Path], Flask]
) -> None:
    article = data_copy / "articles" / SLUG / "article.md"
    article.write_text(article.read_text().rstrip("\n") + f"\n\n{ADDED}\n")
    code, output = translate(data_copy, models_dir)
    assert code == 0, output
    assert "1 machine" in output and "1 machine-filled" in output
    po_text = (data_copy / "articles" / SLUG / "fr.po").read_text()
    assert "# machine: argos/ctranslate2 translate-en_fr 1.0" in po_text
    reviewed_before = po_text.count("msgstr")
    # Now the source changes again; this time only merge.
    article.write_text(
        article.read_text().replace(CHANGED_OLD, CHANGED_NEW).rstrip("\n")
        + "\n\nA second new sentence.\n"
    )
    code, output = translate(data_copy, models_dir, "--no-machine")
    assert code == 0 and "1 stale, 1 untranslated" in output
    counts = (
        make_app(data_copy)
        .test_client()
        .get(f"/api/v1/articles/{SLUG}?lang=fr")
        .json["translation"]["counts"]
    )
    assert (counts["reviewed"], counts["machine"], counts["stale"], counts["untranslated"]) == (
        26,
        1,
        1,
        1,
    )
    assert reviewed_before > 0
