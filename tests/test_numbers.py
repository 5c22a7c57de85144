"""Numbers and dates of the source are re-rendered in the translation as the target writes them."""

from __future__ import annotations

import pytest
from babel import Locale
from babel.messages.pofile import read_po

from app.translation.memory import catalog_path
from app.translation.numbers import localize_numbers
from tests.conftest import DATA_DIR, SLUG

NNBSP, NBSP = "\u202f", "\u00a0"
FR, EN = Locale.parse("fr"), Locale.parse("en")


def seed_pairs_with_figures() -> list[tuple[str, str]]:
    with catalog_path(DATA_DIR / "articles" / SLUG, "fr").open("rb") as handle:
        pairs = [(str(m.id), str(m.string)) for m in read_po(handle) if m.id and m.context is None]
    return [(en, fr) for en, fr in pairs if any(ch.isdigit() for ch in en)]


def test_the_seed_has_the_figures_we_expect() -> None:
    joined = " ".join(en for en, _ in seed_pairs_with_figures())
    for figure in (
        "119",
        "300 km",
        "1,500 km",
        "24 hours",
        "2012",
        "2013",
        "2014",
        "2015",
        "2020",
        "October 2nd",
        "31 December",
    ):
        assert figure in joined


@pytest.mark.parametrize(("english", "french"), seed_pairs_with_figures())
def test_reviewed_french_is_left_as_the_typographer_set_it(english: str, french: str) -> None:
    assert localize_numbers(english, french, "en", FR) == french
    assert localize_numbers(french, english, "fr", EN) == english


def english_forms(french: str) -> str:
    """What an engine that copies figures would write: the English forms in French text."""
    return (
        french.replace(f"1{NNBSP}500", "1,500")
        .replace(f"31{NBSP}décembre", "31 December")
        .replace(f"(2{NBSP}octobre)", "(October 2nd)")
    )


@pytest.mark.parametrize(("english", "french"), seed_pairs_with_figures())
def test_copied_english_figures_become_french(english: str, french: str) -> None:
    machine = english_forms(french)
    fixed = localize_numbers(english, machine, "en", FR)
    for expected in (f"1{NNBSP}500", "31 décembre", "(2 octobre)"):
        if expected.replace(" ", NBSP) in french or expected in french:
            assert expected in fixed
    assert "1,500" not in fixed and "December" not in fixed and "October" not in fixed


@pytest.mark.parametrize(
    ("source", "machine", "source_lang", "target", "expected"),
    [
        ("more than 1,500 km", "plus de 1,500 km", "en", FR, f"plus de 1{NNBSP}500 km"),
        ("a 2.5 km walk", "une marche de 2.5 km", "en", FR, "une marche de 2,5 km"),
        (f"plus de 1{NNBSP}500{NBSP}km", "more than 1 500 km", "fr", EN, "more than 1,500 km"),
        (f"d’ici au 31{NBSP}décembre", "by 31 décembre", "fr", EN, "by December 31"),
        ("by 31 December", "d’ici au December 31", "en", FR, "d’ici au 31 décembre"),
        ("in 2015, 119 vehicles", "en 2015, 119 véhicules", "en", FR, "en 2015, 119 véhicules"),
        ("1,500 km", f"1{NBSP}500 km", "en", Locale.parse("fr_CA"), f"1{NBSP}500 km"),
        ("7,000 people", "7,000 personnes", "en", Locale.parse("fr_CH"), f"7{NNBSP}000 personnes"),
    ],
)
def test_localize_numbers(
    source: str, machine: str, source_lang: str, target: Locale, expected: str
) -> None:
    assert localize_numbers(source, machine, source_lang, target) == expected
