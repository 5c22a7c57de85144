"""The rule-based sentence segmenter, in English and French."""

from __future__ import annotations

import pytest

from app.content.segment import split_sentences

CASES = [
    (
        "en",
        "Col. Assimi Goïta spoke. The convoy left.",
        ["Col. Assimi Goïta spoke.", "The convoy left."],
    ),
    (
        "en",
        "It left on Oct. 2 for Kidal. It stopped.",
        ["It left on Oct. 2 for Kidal.", "It stopped."],
    ),
    (
        "en",
        "Gao is about 300 km away. The convoy left.",
        ["Gao is about 300 km away.", "The convoy left."],
    ),
    ("en", "It grew 1.5 times. Then it fell.", ["It grew 1.5 times.", "Then it fell."]),
    ("en", '"It is over." He left.', ['"It is over."', "He left."]),
    (
        "en",
        '"We have started," an official said. It left.',
        ['"We have started," an official said.', "It left."],
    ),
    ("en", "Is this the end? Nobody knows! Wait.", ["Is this the end?", "Nobody knows!", "Wait."]),
    (
        "en",
        "Mr. Smith and Dr. Jones met J. Doe. They talked.",
        ["Mr. Smith and Dr. Jones met J. Doe.", "They talked."],
    ),
    ("en", "It is done. and then lowercase.", ["It is done. and then lowercase."]),
    ("en", "The U.N. mission left. MINUSMA agreed.", ["The U.N. mission left.", "MINUSMA agreed."]),
    ("en", "He waited… Then he left.", ["He waited…", "Then he left."]),
    ("en", "No terminal punctuation", ["No terminal punctuation"]),
    ("fr", "M. Goïta a parlé. Le convoi est parti.", ["M. Goïta a parlé.", "Le convoi est parti."]),
    (
        "fr",
        "Mme Dupont et le col. Diarra arrivent. Ils repartent.",
        ["Mme Dupont et le col. Diarra arrivent.", "Ils repartent."],
    ),
    (
        "fr",
        "Il a parcouru 1,5 km. Puis il s’est arrêté.",
        ["Il a parcouru 1,5 km.", "Puis il s’est arrêté."],
    ),
    (
        "fr",
        "Gao est à 1\u202f500\u00a0km. Kidal aussi.",
        ["Gao est à 1\u202f500\u00a0km.", "Kidal aussi."],
    ),
    (
        "fr",
        "Est-ce la fin\u202f? Personne ne sait\u202f! Voilà.",
        ["Est-ce la fin\u202f?", "Personne ne sait\u202f!", "Voilà."],
    ),
    (
        "fr",
        "Il a dit\u202f: «\u202fC’est fini.\u202f» Puis il est parti.",
        ["Il a dit\u202f: «\u202fC’est fini.\u202f»", "Puis il est parti."],
    ),
    (
        "fr",
        "«\u202fNous avons commencé\u202f», a dit un officier. Le convoi est parti.",
        ["«\u202fNous avons commencé\u202f», a dit un officier.", "Le convoi est parti."],
    ),
    (
        "fr",
        "Le 2 oct. 2023 il partit. Le 3, il arriva.",
        ["Le 2 oct. 2023 il partit.", "Le 3, il arriva."],
    ),
]


@pytest.mark.parametrize(("language", "text", "expected"), CASES)
def test_split_sentences(language: str, text: str, expected: list[str]) -> None:
    assert split_sentences(text, language) == expected


@pytest.mark.parametrize(("language", "text", "expected"), CASES)
def test_sentences_rejoin_to_the_paragraph(language: str, text: str, expected: list[str]) -> None:
    assert " ".join(split_sentences(text, language)) == text
