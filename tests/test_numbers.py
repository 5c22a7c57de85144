"""Numbers and dates of the source are re-rendered in the translation as the target writes them."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal, localcontext

import pytest
from babel import Locale
from babel.messages.pofile import read_po
from babel.numbers import format_decimal
from hypothesis import given, settings
from hypothesis import strategies as st

from app.translation.memory import catalog_path
from app.translation.numbers import localize_numbers
from tests.conftest import DATA_DIR, SLUG
from tests.growth import LIMIT, ratios

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


@pytest.mark.parametrize(
    ("english", "french"),
    # The pairs whose French has a figure an engine could copy in its English form.
    [(en, fr) for en, fr in seed_pairs_with_figures() if english_forms(fr) != fr],
)
def test_copied_english_figures_become_french(english: str, french: str) -> None:
    machine = english_forms(french)
    assert machine != french  # the pair has a figure to copy
    fixed = localize_numbers(english, machine, "en", FR)
    forms = (f"1{NNBSP}500", "31 décembre", "(2 octobre)")
    wanted = [form for form in forms if form in french or form.replace(" ", NBSP) in french]
    assert wanted
    assert [form for form in wanted if form in fixed] == wanted
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


# --- Hardening: total, read with the source's conventions, linear -----------------------------

FR_CA, FR_CH, EN_GB = Locale.parse("fr_CA"), Locale.parse("fr_CH"), Locale.parse("en_GB")
TARGETS = [FR, EN, FR_CA, FR_CH, EN_GB]


@pytest.mark.parametrize(
    ("source", "machine", "source_lang", "target", "expected"),
    [
        # A day that no month has is not a date: left as the engine wrote it, never an error.
        ("by 31 February", "d’ici au 31 February", "en", FR, "d’ici au 31 February"),
        ("by 0 December", "d’ici au 0 December", "en", FR, "d’ici au 0 December"),
        ("by 29 February", "d’ici au 29 February", "en", FR, "d’ici au 29 février"),
        ("by February 30th", "by February 30th", "en", FR, "by February 30th"),
        # Long figures: exact up to MAX_DIGITS, left as written beyond.
        (
            "1,000,000,000,000,000,000,000,000 euros",
            "1,000,000,000,000,000,000,000,000 euros",
            "en",
            FR,
            f"1{NNBSP}000{NNBSP}000{NNBSP}000{NNBSP}000{NNBSP}000{NNBSP}000{NNBSP}000{NNBSP}000"
            " euros",
        ),
        (
            "1" * 27 + ".5 m",
            "1" * 27 + ".5 m",
            "en",
            EN_GB,
            "111,111,111,111,111,111,111,111,111.5 m",
        ),
        ("9" * 41 + ".5", "9" * 41 + ".5", "en", FR, "9" * 41 + ".5"),
        ("1" + ",000" * 20, "1" + ",000" * 20, "en", FR, "1" + ",000" * 20),
        # "2,125" is 2.125 in French, two thousand one hundred and twenty-five in English.
        ("2,125 km", "2,125 km", "fr", EN, "2.125 km"),
        ("2,125 km", "2,125 km", "en", FR, f"2{NNBSP}125 km"),
        ("2.125 km", "2.125 km", "en", FR, "2,125 km"),
        ("2.125 km", "2.125 km", "fr", EN, "2.125 km"),  # not a French number: left
        # French groups: narrow no-break space, no-break space, plain space; decimal comma.
        (f"1{NNBSP}500 km", f"1{NNBSP}500 km", "fr", EN, "1,500 km"),
        (f"1{NBSP}500 km", f"1{NBSP}500 km", "fr", EN, "1,500 km"),
        ("1 500 km", "1 500 km", "fr", EN, "1,500 km"),
        (f"1{NBSP}234{NNBSP}567,25 €", "1 234 567,25 €", "fr", EN, "1,234,567.25 €"),
        ("0,5 %", "0,5 %", "fr", EN, "0.5 %"),
        ("en 2014 300 soldats", "in 2014 300 soldiers", "fr", EN, "in 2014 300 soldiers"),
        # The writer's decimals are kept.
        ("2.50 euros", "2,50 euros", "en", FR, "2,50 euros"),
        ("2.50 euros", "2.50 euros", "en", FR, "2,50 euros"),
        # Not numbers as the source writes them: left as they are.
        ("1,5 and 1.2.3", "1,5 et 1.2.3", "en", FR, "1,5 et 1.2.3"),
        ("at 192.168.0.1", "à 192.168.0.1", "en", FR, "à 192.168.0.1"),
        ("version v1.2", "version v1.2", "en", FR, "version v1.2"),
        ("1,50,000", "1,50,000", "en", FR, "1,50,000"),
        # The engine already wrote it the target's way, or wrote another figure: left.
        ("1,5 km and 1 500 km", "1.5 km and 1,500 km", "fr", EN, "1.5 km and 1,500 km"),
        ("1,500 km", "21,500 km", "en", FR, "21,500 km"),
        # Case-folding matches a name that is no month ("ſ" folds to "s"): not an error.
        ("ſeptember 3", "ſeptember 3", "en", FR, "ſeptember 3"),
        ("1,500 km", "1,500 km", "xx", FR, "1,500 km"),  # a language we cannot read
    ],
)
def test_localize_numbers_hardening(
    source: str, machine: str, source_lang: str, target: Locale, expected: str
) -> None:
    assert localize_numbers(source, machine, source_lang, target) == expected


# Text that looks like figures and dates, to reach the reading code more often than st.text().
FIGURE_PIECES = [*"0123456789", ",", ".", " ", NBSP, NNBSP, "km", "er", "th", "ſ", "-", "\n"]
FIGURE_PIECES += ["December", "décembre", "février", "February", "31 ", "1,500", f"1{NNBSP}500"]
figure_text = st.lists(st.sampled_from(FIGURE_PIECES), max_size=40).map("".join)
any_text = st.one_of(st.text(), figure_text)
languages = st.sampled_from(["en", "fr"])
targets = st.sampled_from(TARGETS)
PROPERTY = settings(max_examples=300, deadline=None, database=None)


@PROPERTY
@given(source=any_text, machine=any_text, source_lang=languages, target=targets)
def test_any_text_never_raises(source: str, machine: str, source_lang: str, target: Locale) -> None:
    assert isinstance(localize_numbers(source, machine, source_lang, target), str)


@PROPERTY
@given(text=any_text, source_lang=languages, target=targets)
def test_a_copy_of_any_text_never_raises(text: str, source_lang: str, target: Locale) -> None:
    assert isinstance(localize_numbers(text, text, source_lang, target), str)


@PROPERTY
@given(
    source=any_text,
    machine=st.text().filter(lambda text: not any(ch.isdigit() for ch in text)),
    source_lang=languages,
    target=targets,
)
def test_text_without_digits_is_unchanged(
    source: str, machine: str, source_lang: str, target: Locale
) -> None:
    assert localize_numbers(source, machine, source_lang, target) == machine
    assert localize_numbers(machine, source, source_lang, target) == source


def babel(value: Decimal, locale: Locale | str) -> str:
    with localcontext() as context:
        context.prec = 60  # 30-digit figures, exactly
        return format_decimal(value, locale=locale)


OTHER_LANGUAGE = {"en": [FR, FR_CA, FR_CH], "fr": [EN, EN_GB]}
pairs = languages.flatmap(
    lambda lang: st.tuples(st.just(lang), st.sampled_from(OTHER_LANGUAGE[lang]))
)


@PROPERTY
@given(
    value=st.decimals(min_value=0, max_value=Decimal(10) ** 30, places=3, allow_nan=False),
    pair=pairs,
)
def test_babel_figures_come_out_as_the_target_writes_them(
    value: Decimal, pair: tuple[str, Locale]
) -> None:
    source_lang, target = pair
    written = f"about {babel(value, source_lang)} km, then"
    assert localize_numbers(written, written, source_lang, target) == (
        f"about {babel(value, target)} km, then"
    )


#: Inputs built to make a reader go back and forth, as a function of a size.
ADVERSARIAL: dict[str, tuple[str, Callable[[int], str]]] = {
    "grouped English figure": ("en", lambda n: "1" + ",000" * n),
    "grouped French figure": ("fr", lambda n: "1" + f"{NNBSP}000" * n),
    "French groups that never end": ("fr", lambda n: "1 000 " * n + "0001"),
    "a figure that goes on": ("en", lambda n: "1,000" * n + ".5.5"),
    "separators that never make a figure": ("en", lambda n: "1,2." * n),
    "a digit run": ("en", lambda n: "9" * (16 * n) + ".5"),
    "many figures to re-render": ("en", lambda n: "1,500 km, " * (n // 4)),
    "many dates": ("en", lambda n: "31 December, " * (n // 4)),
    "spaces after a day": ("en", lambda n: "1" + " " * (2 * n) + "December"),
    "days that never meet a month": ("en", lambda n: "1 " * n),
    "months that never meet a day": ("en", lambda n: "December " * (n // 2) + "1,5"),
}


@pytest.mark.parametrize("name", ADVERSARIAL)
def test_time_grows_linearly_with_the_input(name: str) -> None:
    language, make = ADVERSARIAL[name]
    target = EN if language == "fr" else FR

    def run(size: int) -> Callable[[], object]:
        text = make(size)
        return lambda: localize_numbers(text, text, language, target)

    found = ratios(run)
    assert min(found) <= LIMIT, f"{name}: {found}"
