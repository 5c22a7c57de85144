"""Catalogs: the UI template is current, and the French edition is complete and well set."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from app.config import PROJECT_ROOT
from app.content.folder import load_article
from app.i18n.locales import SUPPORTED_LANGUAGES
from app.translation.memory import Status, catalog_path, load_catalog, status_of
from tests.conftest import DATA_DIR, SLUG

FR_PO = catalog_path(DATA_DIR / "articles" / SLUG, "fr")
NNBSP = "\u202f"


def message_keys(path: Path) -> set[tuple[str | None, str]]:
    with path.open("rb") as handle:
        return {(m.context, str(m.id)) for m in read_po(handle) if m.id}


def test_messages_pot_is_current(tmp_path: Path) -> None:
    fresh = tmp_path / "messages.pot"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "babel.messages.frontend",
            "extract",
            "-F",
            "babel.cfg",
            "-k",
            "_",
            "-k",
            "gettext",
            "-k",
            "ngettext:1,2",
            "-k",
            "lazy_gettext",
            "-o",
            str(fresh),
            ".",
        ],
        cwd=PROJECT_ROOT,
        check=True,
        capture_output=True,
    )
    assert message_keys(fresh) == message_keys(PROJECT_ROOT / "locales" / "messages.pot"), (
        "locales/messages.pot is stale: run `make update-catalogs`"
    )


@pytest.mark.parametrize("language", SUPPORTED_LANGUAGES)
def test_ui_catalogs_cover_the_template(language: str) -> None:
    po = PROJECT_ROOT / "locales" / language / "LC_MESSAGES" / "messages.po"
    assert message_keys(po) == message_keys(PROJECT_ROOT / "locales" / "messages.pot")


def test_french_ui_catalog_is_translated_and_reviewed() -> None:
    po = PROJECT_ROOT / "locales" / "fr" / "LC_MESSAGES" / "messages.po"
    with po.open("rb") as handle:
        messages = [m for m in read_po(handle) if m.id]
    assert messages
    assert [str(m.id) for m in messages if not m.string or m.fuzzy] == []


def test_french_edition_translates_every_segment_and_is_reviewed() -> None:
    article = load_article(DATA_DIR / "articles" / SLUG)
    catalog = load_catalog(FR_PO, "fr")
    assert catalog is not None
    statuses = [status_of(catalog.get(s.text, context=s.msgctxt)) for s in article.segments()]
    assert statuses == [Status.REVIEWED] * 27
    assert catalog.locale is not None and str(catalog.locale) == "fr"
    assert not catalog.fuzzy


def test_french_edition_passes_msgfmt_check() -> None:
    msgfmt = shutil.which("msgfmt")
    if msgfmt is None:
        pytest.fail("msgfmt is missing: apt-get install gettext (make test installs it)")
    result = subprocess.run(
        [msgfmt, "--check", "--statistics", "-o", "/dev/null", str(FR_PO)],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    # Every entry translated, none fuzzy or untranslated: the statistics are this line alone.
    with FR_PO.open("rb") as handle:
        entries = sum(1 for m in read_po(handle) if m.id)
    assert result.stderr.splitlines() == [f"{entries} translated messages."]


def french_strings() -> list[str]:
    with FR_PO.open("rb") as handle:
        return [str(m.string) for m in read_po(handle) if m.id]


def test_french_typography() -> None:
    for text in french_strings():
        assert '"' not in text and "'" not in text, text
        assert not re.search(rf"[^{NNBSP}][;:!?»]", text), text
        assert not re.search(rf"«[^{NNBSP}]", text), text
        assert not re.search(r"\d[ ,]\d{3}\b", text), text  # thousands use a narrow space
    joined = " ".join(french_strings())
    for figure in (
        "119",
        "300\u00a0km",
        "1\u202f500\u00a0km",
        "24\u00a0heures",
        "2012",
        "2013",
        "2014",
        "2015",
        "2020",
        "31\u00a0décembre",
        "2\u00a0octobre",
        "fin août",
    ):
        assert figure in joined
