"""Reading wire copy: "See also" lines in English and French become related links, title whole."""

from __future__ import annotations

import frontmatter
import pytest

from app.content.ingest import render_article
from app.content.wire import parse_wire

EDITORIAL = {
    "headline": "Un convoi de l'armée malienne part pour Kidal",
    "standfirst": "Un chapeau.",
    "dateline": "Gao",
    "published": "2023-10-02",
    "language": "fr",
    "publisher": "France 24",
}

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


def test_french_wire_story_becomes_an_article_with_whole_related_titles() -> None:
    post = frontmatter.loads(render_article("convoi-kidal", parse_wire(FRENCH_WIRE), EDITORIAL))
    assert post.metadata["related"] == [
        {"title": "Mali : la Minusma accélère son retrait du nord"},
        {"title": "Blocus djihadiste à Tombouctou\u00a0: «\u00a0La situation est intenable\u00a0»"},
    ]
    assert post.metadata["credit"] == "AFP / France 24"
    assert "aussi" not in post.content.lower()
    assert "## Un accord qui vole en éclats" in post.content
    assert "abonne" not in post.content
