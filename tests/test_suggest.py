"""Fact suggestions: typed values drafted from the text, each proved, scored against editors."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.config import PROJECT_ROOT
from app.content.folder import PlainScalarsLoader, load_article
from app.content.model import Article
from app.facts.schemas import FACT_ID, FactSchema, FactsFileSchema
from app.facts.suggest import Suggestion, suggest_facts
from app.facts.suggest.dates import find_dates, resolve_weekday, resolve_year
from app.facts.suggest.evaluate import score
from app.facts.suggest.numbers import find_numbers, parse_number
from app.facts.suggest.proof import proves, source_edition

SEED = PROJECT_ROOT / "data" / "articles" / "mali-army-convoy-kidal"
FRENCH = PROJECT_ROOT / "tests" / "fixtures" / "suggest" / "tchad-refugies-soudanais-adre"
NNBSP, NBSP = "\u202f", "\u00a0"
MONDAY = date(2023, 10, 2)


def article_from(
    folder: Path, body: str, language: str = "en", published: date = MONDAY
) -> Article:
    """The one place tests build an Article from text (the content store's loader)."""
    slug = folder.name
    front = {
        "slug": slug,
        "headline": "Headline",
        "standfirst": "Standfirst.",
        "dateline": "Gao",
        "published": published.isoformat(),
        "language": language,
        "credit": "AFP",
    }
    folder.mkdir(parents=True, exist_ok=True)
    text = f"---\n{yaml.safe_dump(front, allow_unicode=True)}---\n\n{body}\n"
    (folder / "article.md").write_text(text, encoding="utf-8")
    return load_article(folder)


def written_facts(folder: Path) -> list[dict[str, Any]]:
    raw = yaml.load((folder / "facts.yaml").read_text(encoding="utf-8"), Loader=PlainScalarsLoader)  # noqa: S506
    facts: list[dict[str, Any]] = FactsFileSchema().load(raw)["facts"]
    return facts


def values(suggestions: list[Suggestion]) -> list[tuple[dict[str, Any], str | None]]:
    return [(s.to_fact()["value"], s.qualifier) for s in suggestions]


@pytest.fixture
def sentence(tmp_path: Path):  # type: ignore[no-untyped-def]
    """Suggestions (every proved one) for a one-paragraph story."""

    def read(text: str, language: str = "en", published: date = MONDAY) -> list[Suggestion]:
        folder = tmp_path / f"story-{len(list(tmp_path.iterdir()))}"
        return suggest_facts(article_from(folder, text, language, published), min_confidence=0)

    return read


# -- Figures on the two stories an editor keyed by hand ------------------------------------


@pytest.mark.parametrize("folder", [SEED, FRENCH], ids=["seed-en", "story-fr"])
def test_precision_and_recall_against_the_editors_facts(folder: Path) -> None:
    found = score(suggest_facts(load_article(folder)), written_facts(folder))
    assert found.recall >= 0.9, f"missed {found.missed}"
    assert found.precision >= 0.7, f"extra {found.extra}"


def test_seed_figures_are_the_measured_ones() -> None:
    suggestions = suggest_facts(load_article(SEED))
    found = score(suggestions, written_facts(SEED))
    assert (found.matched, found.suggested, found.written) == (13, 15, 13)
    extra = [values([s])[0] for s in suggestions if s.id in found.extra]
    year_2013 = {"type": "date", "date": "2013", "precision": "year"}
    assert extra == [(year_2013, "since"), (year_2013, None)]


@pytest.mark.parametrize("folder", [SEED, FRENCH], ids=["seed-en", "story-fr"])
def test_every_suggestion_is_a_valid_proved_fact(folder: Path) -> None:
    article = load_article(folder)
    suggestions = suggest_facts(article, min_confidence=0)
    edition = source_edition(article)
    assert suggestions
    for suggestion in suggestions:
        fact = suggestion.to_fact()
        assert FactSchema().validate(fact) == {}, fact
        assert FACT_ID.match(fact["id"])
        assert fact["quote"] == suggestion.segment.text[suggestion.start : suggestion.end]
        assert suggestion.segment in set(article.segments())
        assert suggestion.segment_id == suggestion.segment.id
        assert 0 <= suggestion.confidence <= 1
        assert proves(suggestion.value, suggestion.quote, suggestion.segment, edition)
    assert len({s.id for s in suggestions}) == len(suggestions)
    # The whole file an editor would accept loads as facts.yaml.
    assert FactsFileSchema().validate({"facts": [s.to_fact() for s in suggestions]}) == {}


def test_seed_suggestions_in_the_facts_yaml_shape() -> None:
    by_id = {s.id: s.to_fact() for s in suggest_facts(load_article(SEED))}
    assert by_id["distance-southwest-of-kidal-300-kilometer-about"] == {
        "id": "distance-southwest-of-kidal-300-kilometer-about",
        "label": "Distance southwest of Kidal",
        "value": {"type": "quantity", "number": 300, "unit": "length-kilometer"},
        "qualifier": "about",
        "quote": "about 300 km southwest of Kidal",
    }
    person = by_id["head-of-the-junta-assimi-goita"]
    assert person["value"] == {"type": "person", "name": "Assimi Goïta", "title": "Colonel"}
    assert person["quote"] == "The head of the junta, Colonel Assimi Goïta"
    assert person["label"] == "Head of the junta"


def test_ids_are_deterministic_and_survive_an_unrelated_edit(tmp_path: Path) -> None:
    body = "The convoy of 119 vehicles left Gao on October 2, about 300 km from Kidal."
    first = suggest_facts(article_from(tmp_path / "a", body))
    again = suggest_facts(article_from(tmp_path / "b", body))
    edited = suggest_facts(article_from(tmp_path / "c", f"{body}\n\nRain fell on Gao."))
    assert [s.id for s in first] == [s.id for s in again] == [s.id for s in edited]
    assert [s.id for s in first] == [
        "vehicles-119",
        "convoy-of-119-vehicles-2023-10-02",
        "distance-kidal-300-kilometer-about",
    ]


# -- Each type, in English and in French --------------------------------------------------

POSITIVE = [
    # counts
    ("en", "Rescuers pulled 37 survivors from the rubble.", {"type": "count", "number": 37}, None),
    (
        "en",
        "The flood hit at least 2,300 households.",
        {"type": "count", "number": 2300},
        "at-least",
    ),
    ("en", "More than 1,000 people were killed.", {"type": "count", "number": 1000}, "more-than"),
    (
        "fr",
        "Au moins 37 personnes ont été tuées dans l'attaque.",
        {"type": "count", "number": 37},
        "at-least",
    ),
    (
        "fr",
        f"Plus de 12{NNBSP}500 déplacés ont été recensés.",
        {"type": "count", "number": 12500},
        "more-than",
    ),
    (
        "fr",
        f"Environ 3{NBSP}000 soldats sont déployés.",
        {"type": "count", "number": 3000},
        "about",
    ),
    ("fr", "On compte 25 000 tentes dans le camp.", {"type": "count", "number": 25000}, None),
    # quantities with a CLDR unit
    (
        "en",
        "Some 450 km of road were washed away.",
        {"type": "quantity", "number": 450, "unit": "length-kilometer"},
        "about",
    ),
    (
        "en",
        "Inflation rose to 12.5 percent in May.",
        {"type": "quantity", "number": 12.5, "unit": "concentr-percent"},
        None,
    ),
    (
        "en",
        "The fire destroyed 1,200 hectares of forest.",
        {"type": "quantity", "number": 1200, "unit": "area-hectare"},
        None,
    ),
    (
        "fr",
        "La route de 450 kilomètres est coupée.",
        {"type": "quantity", "number": 450, "unit": "length-kilometer"},
        None,
    ),
    (
        "fr",
        "Le lac couvre 1,5 km² environ.",
        {"type": "quantity", "number": 1.5, "unit": "area-square-kilometer"},
        "about",
    ),
    (
        "fr",
        "L'inflation a atteint 12,5 % en mai.",
        {"type": "quantity", "number": 12.5, "unit": "concentr-percent"},
        None,
    ),
    # durations
    (
        "en",
        "The march lasted 12 days.",
        {"type": "duration", "number": 12, "unit": "duration-day"},
        None,
    ),
    (
        "en",
        "It is a 36-hour drive to the coast.",
        {"type": "duration", "number": 36, "unit": "duration-hour"},
        None,
    ),
    (
        "fr",
        "Les otages ont été détenus pendant 10 mois.",
        {"type": "duration", "number": 10, "unit": "duration-month"},
        None,
    ),
    (
        "fr",
        "Il faut près de 15 heures de route.",
        {"type": "duration", "number": 15, "unit": "duration-hour"},
        "about",
    ),
    # dates, with precision and qualifiers
    (
        "en",
        "Talks will resume on November 14, 2023.",
        {"type": "date", "date": "2023-11-14", "precision": "day"},
        None,
    ),
    (
        "en",
        "Elections were held on 26 March.",
        {"type": "date", "date": "2023-03-26", "precision": "day"},
        None,
    ),
    (
        "en",
        "The rebels have held the town since mid-July.",
        {"type": "date", "date": "2023-07", "precision": "mid-month"},
        "since",
    ),
    (
        "en",
        "The army must withdraw by the end of November.",
        {"type": "date", "date": "2023-11", "precision": "late-month"},
        "by",
    ),
    (
        "en",
        "The mine has been closed since 2019.",
        {"type": "date", "date": "2019", "precision": "year"},
        "since",
    ),
    (
        "en",
        "A general who came to power in 2021 leads the country.",
        {"type": "date", "date": "2021", "precision": "year"},
        "since",
    ),
    (
        "fr",
        "Le scrutin s'est tenu le 26 mars.",
        {"type": "date", "date": "2023-03-26", "precision": "day"},
        None,
    ),
    (
        "fr",
        "Les pourparlers reprendront mardi 14 novembre à Doha.",
        {"type": "date", "date": "2023-11-14", "precision": "day"},
        None,
    ),
    (
        "fr",
        "La frontière est fermée depuis début septembre.",
        {"type": "date", "date": "2023-09", "precision": "early-month"},
        "since",
    ),
    (
        "fr",
        "Les troupes doivent partir d'ici fin novembre.",
        {"type": "date", "date": "2023-11", "precision": "late-month"},
        "by",
    ),
    (
        "fr",
        "Le pays est instable depuis 2012.",
        {"type": "date", "date": "2012", "precision": "year"},
        "since",
    ),
    (
        "fr",
        "Le général Abdourahamane Tiani a pris le pouvoir le 26 juillet.",
        {"type": "date", "date": "2023-07-26", "precision": "day"},
        "since",
    ),
    # places
    (
        "en",
        "Fighting spread to Goma, Bukavu and Uvira.",
        {"type": "places", "items": ["Goma", "Bukavu", "Uvira"]},
        None,
    ),
    (
        "fr",
        "Des renforts ont été envoyés à Mopti, Ségou et Tombouctou.",
        {"type": "places", "items": ["Mopti", "Ségou", "Tombouctou"]},
        None,
    ),
    # people with a title
    (
        "en",
        "President Bola Tinubu arrived in the capital.",
        {"type": "person", "name": "Bola Tinubu", "title": "President"},
        None,
    ),
    (
        "en",
        "Prime Minister Choguel Kokalla Maïga spoke on television.",
        {"type": "person", "name": "Choguel Kokalla Maïga", "title": "Prime Minister"},
        None,
    ),
    (
        "fr",
        "Le président nigérian Bola Tinubu est arrivé à Niamey.",
        {"type": "person", "name": "Bola Tinubu", "title": "président nigérian"},
        None,
    ),
    (
        "fr",
        "Le chef de la junte, le colonel Assimi Goïta, a parlé.",
        {"type": "person", "name": "Assimi Goïta", "title": "colonel"},
        None,
    ),
    # organisations with their acronym, or an acronym alone
    (
        "en",
        "The Economic Community of West African States (ECOWAS) met on Sunday.",
        {"type": "organisation", "name": "Economic Community of West African States (ECOWAS)"},
        None,
    ),
    (
        "en",
        "Fighters of the Coordination of Azawad Movements (CMA) left the town.",
        {"type": "organisation", "name": "Coordination of Azawad Movements (CMA)"},
        None,
    ),
    ("en", "NATO has ruled out any role.", {"type": "organisation", "name": "NATO"}, None),
    (
        "fr",
        "La Communauté économique des Etats de l'Afrique de l'Ouest (Cédéao) a menacé.",
        {
            "type": "organisation",
            "name": "Communauté économique des Etats de l'Afrique de l'Ouest (Cédéao)",
        },
        None,
    ),
    (
        "fr",
        "Le Conseil de sécurité de l'ONU se réunira jeudi.",
        {"type": "organisation", "name": "Conseil de sécurité de l'ONU"},
        None,
    ),
]


@pytest.mark.parametrize(("language", "text", "value", "qualifier"), POSITIVE)
def test_each_type_is_read_in_both_languages(
    sentence: Any, language: str, text: str, value: dict[str, Any], qualifier: str | None
) -> None:
    found = values(sentence(text, language))
    assert (value, qualifier) in found, found


def test_a_person_is_labelled_by_an_apposition(sentence: Any) -> None:
    after = sentence("General Abdourahamane Tiani, the head of the presidential guard, spoke.")
    before = sentence("Le chef de la junte, le colonel Assimi Goïta, a parlé.", "fr")
    assert [s.label for s in after] == ["Head of the presidential guard"]
    assert [(s.label, s.quote) for s in before] == [
        ("Chef de la junte", "Le chef de la junte, le colonel Assimi Goïta")
    ]


def test_a_source_language_label_is_drafted(sentence: Any) -> None:
    english = sentence("The convoy consisted of 119 vehicles.")
    french = sentence("Le convoi comptait 119 véhicules blindés.", "fr")
    assert [s.label for s in english] == ["Vehicles"]
    assert [s.label for s in french] == ["Véhicules blindés"]


# -- Vague, bounded or non-numeric mentions: typed correctly or left out ---------------------

VAGUE = [
    ("en", "The convoy stopped several dozen kilometers north of Gao."),
    ("en", "Kidal lies hundreds of kilometers from the other cities."),
    ("en", "Two security officials said so on condition of anonymity."),
    ("en", "Dozens of people and tens of thousands of cattle fled."),
    ("en", "A dozen soldiers were wounded."),
    ("en", "Less than 50 km separate the two towns."),
    ("en", "Between 200 and 300 people were killed."),
    ("en", "A 45-year-old man was arrested at 10:30."),
    ("en", "A Boeing 737 crashed during the COVID-19 pandemic."),
    ("fr", "Le convoi a parcouru des centaines de kilomètres."),
    ("fr", "Plusieurs dizaines de blessés ont été évacués."),
    ("fr", "Des dizaines de milliers de personnes et une vingtaine de villages."),
    ("fr", "Moins de 30 % des fonds ont été reçus."),
    ("fr", "De 200 à 300 morts selon les sources."),
    ("fr", "Une femme de 34 ans et un homme âgé de 45 ans ont été blessés."),
    ("fr", "Deux responsables ont parlé, selon trois témoins."),
    # numbers that name, tell the time, an age or money
    ("en", "The regiment moved to base No. 5, and a man aged 45 ran it."),
    ("en", "A 6.8-magnitude quake struck at 11:11 pm (2211 GMT)."),
    ("en", "Donors pledged $500 and 300 euros."),
    ("fr", "La réunion a commencé à 15 heures au poste n° 3."),
]


@pytest.mark.parametrize(("language", "text"), VAGUE)
def test_vague_or_bounded_figures_are_never_a_number(
    sentence: Any, language: str, text: str
) -> None:
    assert [s for s in sentence(text, language) if s.value.number is not None] == []


@pytest.mark.parametrize(
    ("language", "text"),
    [
        ("en", "Talks were held on October 2-3."),
        ("en", "Talks were held on 2 and 3 October."),
        ("en", "The 2022-2023 season ended."),
        ("fr", "Les combats du 2 au 5 octobre ont fait rage."),
        ("fr", "Dans les années 1990, le camp était vide."),
    ],
)
def test_a_range_or_a_decade_is_not_one_date(sentence: Any, language: str, text: str) -> None:
    assert sentence(text, language) == []


def test_a_bounded_date_is_left_out(sentence: Any) -> None:
    assert sentence("The curfew lasts until 31 December.") == []
    assert sentence("Le couvre-feu est prolongé jusqu'au 31 décembre.", "fr") == []


# -- Numbers: Babel in the article's locale, text2num for words ----------------------------


@pytest.mark.parametrize(
    ("written", "language", "number"),
    [
        ("25 000", "fr", 25000),
        (f"25{NBSP}000", "fr", 25000),
        (f"25{NNBSP}000", "fr", 25000),
        ("1,5", "fr", 1.5),
        ("1,500", "en", 1500),
        ("2.5", "en", 2.5),
    ],
)
def test_digits_are_read_in_the_article_locale(written: str, language: str, number: float) -> None:
    assert float(parse_number(written, language) or 0) == number


def test_numbers_in_words_are_read_but_not_offered(sentence: Any) -> None:
    english = find_numbers("Twelve soldiers and three hundred civilians died.", "en")
    french = find_numbers("Vingt-cinq mille réfugiés sont arrivés.", "fr")
    assert [(m.type, int(m.number), m.spelled) for m in english] == [
        ("count", 12, True),
        ("count", 300, True),
    ]
    assert [(m.type, int(m.number), m.noun) for m in french] == [("count", 25000, "réfugiés")]
    # The facts check proves a number by its digits: a number in words cannot be offered.
    assert sentence("Twelve soldiers died.") == []


# -- Dates without a year, or relative to the published day ---------------------------------


def test_on_monday_is_the_published_monday() -> None:
    found, _ = find_dates("The convoy left on Monday.", "en", MONDAY)
    assert [(m.when.iso, m.when.precision) for m in found] == [("2023-10-02", "day")]
    found, _ = find_dates("Il est parti lundi dernier.", "fr", MONDAY)
    assert [m.when.iso for m in found] == ["2023-09-25"]
    found, _ = find_dates("They will meet on Friday.", "en", MONDAY)
    assert [m.when.iso for m in found] == ["2023-10-06"]


def test_a_weekday_alone_cannot_be_proved_so_it_is_not_offered(sentence: Any) -> None:
    # check.py looks for "October 2" in the sentence: the weekday alone does not prove it.
    assert sentence("The convoy left Gao on Monday.") == []
    both = sentence("The convoy left Gao on Monday (October 2nd).")
    assert values(both) == [({"type": "date", "date": "2023-10-02", "precision": "day"}, None)]


def test_the_year_comes_from_the_published_date() -> None:
    assert resolve_year(11, 14, MONDAY, weekday=1) == date(2023, 11, 14)  # mardi 14 novembre
    assert resolve_year(12, 31, MONDAY, direction=1) == date(2023, 12, 31)  # by 31 December
    assert resolve_year(12, 1, MONDAY, direction=-1, whole_month=True) == date(2022, 12, 1)
    assert resolve_year(3, 26, MONDAY) == date(2023, 3, 26)  # recent: the past one
    assert resolve_year(1, 15, date(2023, 11, 20)) == date(2024, 1, 15)  # ten months back: next
    assert resolve_weekday(0, MONDAY, future=False) == MONDAY


# -- Robustness ------------------------------------------------------------------------------

WORDS = st.sampled_from(
    "the of in since by about more than at least 1,500 km 300 25 000 1,5 2015 2 October "
    "late August fin août depuis d'ici au 31 décembre Gao Kidal and et , ( ) Colonel le "
    "général Assimi Goïta MINUSMA (CMA) Coordination des mouvements de l'Azawad hundreds "
    "of plusieurs dizaines lundi Monday 119 vehicles heures hours %".split()
)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.lists(WORDS, min_size=1, max_size=40), st.sampled_from(["en", "fr"]))
def test_any_text_gives_only_proved_suggestions(
    tmp_path: Path, words: list[str], language: str
) -> None:
    text = " ".join(words).replace("\n", " ") + "."
    folder = tmp_path / f"story-{abs(hash((text, language))) % 10**9}"
    article = article_from(folder, text, language)
    edition = source_edition(article)
    for suggestion in suggest_facts(article, min_confidence=0):
        assert proves(suggestion.value, suggestion.quote, suggestion.segment, edition)
        assert FactSchema().validate(suggestion.to_fact()) == {}
