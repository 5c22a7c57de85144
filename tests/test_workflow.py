"""The translation-memory workflow in the store: stale, new, removed segments; PO round trips."""

from __future__ import annotations

from pathlib import Path

from babel.messages.pofile import read_po
from click.testing import CliRunner
from flask import Flask

from app import create_app
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


def cli(env: dict[str, str], *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args), env=env)
    return result.exit_code, result.output


def translate(env: dict[str, str], models_dir: Path, *extra: str) -> tuple[int, str]:
    return cli(
        {**env, "DEPECHE_MODELS_DIR": str(models_dir)}, "translate", SLUG, "--to", "fr", *extra
    )


def exported_po(env: dict[str, str], out: Path) -> Path:
    assert cli(env, "export", str(out))[0] == 0
    return out / "articles" / SLUG / "fr.po"


def machine_text(po_text: str) -> str:
    """What the engine made of ADDED (the fixture model memorizes the seed only)."""
    after = po_text.split(f'msgid "{ADDED}"\nmsgstr "', 1)[1]
    return after.split('"\n', 1)[0]


def app_on(env: dict[str, str], models: Path) -> Flask:
    return create_app(
        {"TESTING": True, "DATABASE_URL": env["DEPECHE_DATABASE_URL"], "MODELS_DIR": models}
    )


def counts(app: Flask) -> dict[str, int]:
    body = app.test_client().get(f"/api/v1/articles/{SLUG}?lang=fr").json
    found: dict[str, int] = body["translation"]["counts"]
    return found


def test_nothing_changes_when_the_article_did_not(
    data_copy: Path, tmp_path: Path, runner_env: dict[str, str]
) -> None:
    assert cli(runner_env, "import", str(data_copy))[0] == 0
    code, output = translate(runner_env, tmp_path / "no-models")
    assert code == 0, output
    assert "69 reviewed, 0 machine, 0 stale, 0 untranslated, 0 obsolete; 0 machine-filled" in output
    po = exported_po(runner_env, tmp_path / "out")
    assert po.read_bytes() == (data_copy / "articles" / SLUG / "fr.po").read_bytes()


def test_changed_segments_become_stale_new_untranslated_removed_obsolete(
    data_copy: Path, tmp_path: Path, runner_env: dict[str, str], no_models: Path
) -> None:
    assert cli(runner_env, "import", str(data_copy))[0] == 0
    edit_article(data_copy)
    assert cli(runner_env, "import", str(data_copy))[0] == 0
    code, output = translate(runner_env, tmp_path / "no-models")
    assert code == 0, output
    assert "no en→fr translation model is installed" in output
    assert ", 1 stale, 1 untranslated, 1 obsolete; 0 machine-filled" in output
    po = exported_po(runner_env, tmp_path / "out")
    with po.open("rb") as handle:
        catalog = read_po(handle)
    stale = catalog.get(CHANGED_NEW)
    assert stale is not None and stale.fuzzy
    assert stale.string == "Kidal est depuis lors restée sous leur contrôle."  # kept as a draft
    assert f'#| msgid "{CHANGED_OLD}"' in po.read_text()
    added = catalog.get(ADDED)
    assert added is not None and not added.string
    assert REMOVED in catalog.obsolete
    app = app_on(runner_env, no_models)
    found = counts(app)
    assert (found["stale"], found["untranslated"], found["reviewed"]) == (1, 1, 25)
    page = app.test_client().get(f"/fr/articles/{SLUG}").get_data(as_text=True)
    assert f'<span lang="en">{CHANGED_NEW}</span>' in page  # not published in French as a draft


def test_machine_fill_then_an_edit_shows_all_four_states(
    data_copy: Path, tmp_path: Path, models_dir: Path, runner_env: dict[str, str], no_models: Path
) -> None:
    article = data_copy / "articles" / SLUG / "article.md"
    article.write_text(article.read_text().rstrip("\n") + f"\n\n{ADDED}\n")
    assert cli(runner_env, "import", str(data_copy))[0] == 0
    code, output = translate({**runner_env, "DEPECHE_BEAM_SIZE": "1"}, models_dir)
    assert code == 0, output
    assert ", 1 machine, " in output and "; 1 machine-filled" in output
    po_text = exported_po(runner_env, tmp_path / "one").read_text()
    assert "# machine: argos/ctranslate2 translate-en_fr 1.0" in po_text
    filled = machine_text(po_text)
    assert filled
    # Now the source changes again; this time only merge.
    article.write_text(
        article.read_text().replace(CHANGED_OLD, CHANGED_NEW).rstrip("\n")
        + "\n\nA second new sentence.\n"
    )
    # The folder's fr.po is the old one; import the article only, then merge.
    (data_copy / "articles" / SLUG / "fr.po").write_text(po_text)
    assert cli(runner_env, "import", str(data_copy))[0] == 0
    code, output = translate(runner_env, models_dir, "--no-machine")
    assert code == 0 and ", 1 stale, 1 untranslated" in output
    found = counts(app_on(runner_env, no_models))
    assert (found["reviewed"], found["machine"], found["stale"], found["untranslated"]) == (
        26,
        1,
        1,
        1,
    )
    po_text = exported_po(runner_env, tmp_path / "two").read_text()
    assert f'msgid "{ADDED}"\nmsgstr "{filled}"' in po_text  # machine work kept


def test_a_machine_entry_edited_in_a_po_editor_comes_back_reviewed(
    data_copy: Path, tmp_path: Path, models_dir: Path, runner_env: dict[str, str], no_models: Path
) -> None:
    article = data_copy / "articles" / SLUG / "article.md"
    article.write_text(article.read_text().rstrip("\n") + f"\n\n{ADDED}\n")
    assert cli(runner_env, "import", str(data_copy))[0] == 0
    assert translate({**runner_env, "DEPECHE_BEAM_SIZE": "1"}, models_dir)[0] == 0
    po = exported_po(runner_env, tmp_path / "out")
    text = po.read_text()
    # What Poedit does on save: the new text, the translator and the date in the header;
    # translator comments (our "machine:" note) are left as they were.
    edited = text.replace(
        f'msgid "{ADDED}"\nmsgstr "{machine_text(text)}"',
        f'msgid "{ADDED}"\nmsgstr "Le convoi était attendu à Kidal sous peu."',
    ).replace("Last-Translator: Rédaction dépêche", "Last-Translator: Claire Martin")
    edited = edited.replace(
        "PO-Revision-Date: 2023-10-02 12:00+0000", "PO-Revision-Date: 2026-11-30 09:15+0100"
    )
    assert edited != text
    po.write_text(edited)
    assert cli(runner_env, "import", str(tmp_path / "out"))[0] == 0
    found = counts(app_on(runner_env, no_models))
    assert (found["reviewed"], found["machine"]) == (28, 0)
    again = exported_po(runner_env, tmp_path / "again").read_text()
    assert "# machine:" not in again
    assert 'msgstr "Le convoi était attendu à Kidal sous peu."' in again
    # Work reviewed before keeps its reviewer; only the edited entry is Claire Martin's.
    assert again.count("# reviewed: 2023-10-02 12:00+0000 by Rédaction dépêche") == 69
    assert again.count("by Claire Martin") == 0  # hers is the file's Last-Translator
    with (tmp_path / "again" / "articles" / SLUG / "fr.po").open("rb") as handle:
        assert read_po(handle).last_translator == "Claire Martin"


def test_a_change_by_another_process_is_served_with_a_new_etag(
    data_copy: Path, runner_env: dict[str, str], no_models: Path
) -> None:
    assert cli(runner_env, "import", str(data_copy))[0] == 0
    app = create_app(
        {
            "TESTING": True,
            "DATABASE_URL": runner_env["DEPECHE_DATABASE_URL"],
            "MODELS_DIR": no_models,
            "CHANGE_CHECK_INTERVAL": 0,
        }
    )
    client = app.test_client()
    page = f"/api/v1/articles/{SLUG}?lang=en"
    first = client.get(page)
    facts = client.get(f"/api/v1/articles/{SLUG}/facts?lang=en")
    listing = client.get("/api/v1/articles?lang=en")
    assert client.get(page, headers={"If-None-Match": first.headers["ETag"]}).status_code == 304
    edit_article(data_copy)
    assert cli(runner_env, "import", str(data_copy))[0] == 0  # another process writes
    second = client.get(page)
    assert second.headers["ETag"] != first.headers["ETag"]
    assert ADDED in second.get_data(as_text=True)
    # The facts and the list did not change: same bytes, same ETag, still 304.
    same = client.get(
        f"/api/v1/articles/{SLUG}/facts?lang=en", headers={"If-None-Match": facts.headers["ETag"]}
    )
    assert same.status_code == 304
    assert client.get("/api/v1/articles?lang=en").headers["ETag"] == listing.headers["ETag"]
