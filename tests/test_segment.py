"""The rule-based sentence segmenter, in English and French."""

from __future__ import annotations

import warnings

import frontmatter
import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.content.segment import split_sentences
from tests.conftest import DATA_DIR

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
    # Before-number words are abbreviations only before a number.
    ("en", "The answer was no. Then he left.", ["The answer was no.", "Then he left."]),
    ("en", "The answer was No. Then he left.", ["The answer was No.", "Then he left."]),
    ("en", "See No. 5 for details. It is short.", ["See No. 5 for details.", "It is short."]),
    ("en", "Read art. 3 first. Then sign.", ["Read art. 3 first.", "Then sign."]),
    ("en", "It is modern art. Critics hate it.", ["It is modern art.", "Critics hate it."]),
    ("en", "It is in vol. 2 of the report.", ["It is in vol. 2 of the report."]),
    ("en", "It began in Oct. The rains came.", ["It began in Oct.", "The rains came."]),
    ("fr", "C’est un vol. Le pilote est parti.", ["C’est un vol.", "Le pilote est parti."]),
    ("fr", "Ils étaient sept. Le convoi part.", ["Ils étaient sept.", "Le convoi part."]),
    (
        "fr",
        "Selon l’art. 3 de l’accord, ils partent. Puis ils reviennent.",
        ["Selon l’art. 3 de l’accord, ils partent.", "Puis ils reviennent."],
    ),
    (
        "fr",
        "Le retrait doit être achevé le 31 déc. 2023, selon l’ONU.",
        ["Le retrait doit être achevé le 31 déc. 2023, selon l’ONU."],
    ),
    # A letter after a lower-case word ends the sentence when a sentence opener follows.
    ("en", "They need a plan B. It is late.", ["They need a plan B.", "It is late."]),
    ("en", "Take vitamin C. The rest is rest.", ["Take vitamin C.", "The rest is rest."]),
    ("en", "It is the letter A. A new one came.", ["It is the letter A.", "A new one came."]),
    ("fr", "Il faut un plan B. Le temps presse.", ["Il faut un plan B.", "Le temps presse."]),
    ("fr", "Il faut un plan B. C’est sûr.", ["Il faut un plan B.", "C’est sûr."]),
    ("en", "J. R. R. Tolkien wrote it. He died.", ["J. R. R. Tolkien wrote it.", "He died."]),
    (
        "en",
        "He met M. Macron in Paris. They talked.",
        ["He met M. Macron in Paris.", "They talked."],
    ),
    ("en", "In 2017 J. Smith won. He left.", ["In 2017 J. Smith won.", "He left."]),
    ("en", "Mr. A. Smith spoke. He left.", ["Mr. A. Smith spoke.", "He left."]),
    ("fr", "Selon P. Dupont, non. Il part.", ["Selon P. Dupont, non.", "Il part."]),
    ("fr", "Il a vu M. Le Pen. Elle a parlé.", ["Il a vu M. Le Pen.", "Elle a parlé."]),
    ("fr", "En 2017 M. Macron a gagné. Il a parlé.", ["En 2017 M. Macron a gagné.", "Il a parlé."]),
    # A lower-case letter after a number is a unit.
    ("fr", "Il est 8 h. Le convoi part.", ["Il est 8 h.", "Le convoi part."]),
    ("fr", "Il a couru 100 m. Puis il a chuté.", ["Il a couru 100 m.", "Puis il a chuté."]),
    ("en", "It weighs 3 kg. The truck left.", ["It weighs 3 kg.", "The truck left."]),
    ("en", "It stopped at 8 p.m. It left at dawn.", ["It stopped at 8 p.m.", "It left at dawn."]),
    # Dotted initialisms follow the same rule as letters.
    ("en", "They met in the U.S. The talks failed.", ["They met in the U.S.", "The talks failed."]),
    ("en", "U.S. President Joe Biden spoke.", ["U.S. President Joe Biden spoke."]),
    ("en", "He flew to the U.S. Officials said so.", ["He flew to the U.S. Officials said so."]),
    # Titles stay with the name unless a sentence opener follows.
    ("en", "Brig. Gen. Abdourahamane Tiani arrived.", ["Brig. Gen. Abdourahamane Tiani arrived."]),
    ("en", "Gen. De Gaulle spoke. He left.", ["Gen. De Gaulle spoke.", "He left."]),
    ("en", "He works for Acme Co. The firm fell.", ["He works for Acme Co.", "The firm fell."]),
    (
        "en",
        "It is the next gen. The old one failed.",
        ["It is the next gen.", "The old one failed."],
    ),
    ("en", "Shares of Acme Co. Ltd. rose.", ["Shares of Acme Co. Ltd. rose."]),
    ("fr", "Le col. Le Roux est arrivé.", ["Le col. Le Roux est arrivé."]),
    # Always abbreviations.
    (
        "en",
        "Read a paper, e.g. The Times. It helps.",
        ["Read a paper, e.g. The Times.", "It helps."],
    ),
    ("en", "See cf. Smith. He agrees.", ["See cf. Smith.", "He agrees."]),
]


@pytest.mark.parametrize(("language", "text", "expected"), CASES)
def test_split_sentences(language: str, text: str, expected: list[str]) -> None:
    assert split_sentences(text, language) == expected


@pytest.mark.parametrize(("language", "text", "expected"), CASES)
def test_sentences_rejoin_to_the_paragraph(language: str, text: str, expected: list[str]) -> None:
    assert " ".join(split_sentences(text, language)) == text


#: AFP-style copy on which our segmenter and pysbd agree. Where they differ on purpose
#: ("plan B. It", "vol. 2", "31 déc. 2023", "l’art. 3") the cases are in CASES above.
WIRE_COPY = [
    (
        "en",
        "BAMAKO (AFP) - Mali's junta leader Col. Assimi Goïta said on Monday that the army would"
        ' retake Kidal. "We will not negotiate," he told state television ORTM. The statement'
        " came as a convoy of 119 vehicles left Gao.",
    ),
    (
        "en",
        "The UN Security Council voted in June to end the mission. About 15,000 peacekeepers were"
        " deployed at its peak in 2015. The withdrawal must be complete by Dec. 31, a spokesman"
        " said.",
    ),
    (
        "en",
        "Gen. Oumar Diarra, the chief of staff, visited the troops. He did not speak to"
        " reporters. Separatists said the army had violated the 2015 agreement, signed in"
        " Algiers.",
    ),
    (
        "en",
        "The answer was no. Then the delegation left for Niamey, where it met Brig. Gen."
        " Abdourahamane Tiani. Talks lasted 3.5 hours.",
    ),
    (
        "en",
        "J. R. R. Tolkien is not a Sahel expert. Nor is Mr. Smith, who works for Acme Co. in"
        " London. He said the U.S. government was watching.",
    ),
    (
        "en",
        "The convoy stopped at 8 p.m. It set off again at dawn. The drive to Kidal takes about"
        " 24 hours, more than 1,500 km from Bamako!",
    ),
    (
        "en",
        'What happens next? Nobody knows. "It is over," said a resident. (The army did not'
        " comment.) Fighting resumed on Oct. 1 near Bourem.",
    ),
    (
        "fr",
        "BAMAKO (AFP) - Le chef de la junte malienne, le colonel Assimi Goïta, a affirmé lundi"
        " que l'armée reprendrait Kidal. « Nous ne négocierons pas », a-t-il déclaré à la"
        " télévision d'État ORTM. Un convoi de 119 véhicules a quitté Gao.",
    ),
    (
        "fr",
        "M. Goïta n'a pas parlé aux journalistes. Il est 8 h. Le convoi part vers le nord, à plus"
        " de 1 500 km de Bamako. Les séparatistes accusent l'armée de violer l'accord de 2015.",
    ),
    (
        "fr",
        "La réponse était non. Puis la délégation a quitté la capitale pour Niamey, où elle a"
        " rencontré le général Abdourahamane Tiani. Les discussions ont duré 3,5 heures.",
    ),
    (
        "fr",
        "Que va-t-il se passer ? Personne ne le sait. « C'est fini », a dit un habitant. Ils"
        " étaient sept. Mme Diallo et M. Le Drian étaient présents.",
    ),
]


def _seed_paragraphs() -> list[tuple[str, str]]:
    """Every body paragraph of every article in data/, with the article's language."""
    paragraphs = []
    for path in sorted((DATA_DIR / "articles").glob("*/article.md")):
        post = frontmatter.loads(path.read_text(encoding="utf-8"))
        for block in post.content.split("\n\n"):
            if block.strip() and not block.startswith("## "):
                text = " ".join(line.strip() for line in block.splitlines())
                paragraphs.append((str(post.metadata["language"]), text))
    return paragraphs


def test_the_seed_has_paragraphs_to_compare() -> None:
    assert len(_seed_paragraphs()) >= 12


@pytest.mark.parametrize(("language", "text"), WIRE_COPY + _seed_paragraphs())
def test_agrees_with_pysbd_on_wire_copy_and_the_seed(language: str, text: str) -> None:
    with warnings.catch_warnings():
        # pysbd 0.3.4 has invalid escapes in its regexes, a warning when first compiled
        # (DeprecationWarning on Python 3.11, SyntaxWarning from 3.12).
        warnings.simplefilter("ignore", DeprecationWarning)
        warnings.simplefilter("ignore", SyntaxWarning)
        import pysbd
    reference = pysbd.Segmenter(language=language, clean=False).segment(text)
    assert split_sentences(text, language) == [s.strip() for s in reference]


# Texts of words, terminators, quotes and single spaces, as an editor types them.
_TOKENS = st.sampled_from(
    ["Mr.", "no.", "B.", "J.", "8", "h.", "U.S.", "It", "Le", "the", "plan", "«", "»", "…", "?"]
    + ["!", '"', ")", "(", "x.", "Y", "1.5", "art.", "3", "e.g.", "M.", "Col.", "...", "Oct."]
)


@given(st.lists(_TOKENS, min_size=1, max_size=40), st.sampled_from(["en", "fr"]))
def test_sentences_always_rejoin_to_the_text(tokens: list[str], language: str) -> None:
    text = " ".join(tokens)
    sentences = split_sentences(text, language)
    assert " ".join(sentences) == text
    assert all(s and s == s.strip() for s in sentences)
