"""format=html: text nodes are translated, every other byte is kept as written.

With the real fixture packages (greedy), whose sentences are the seed article's.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from flask.testing import FlaskClient
from hypothesis import given, settings
from hypothesis import strategies as st

from app import create_app
from app.translation import markup
from app.translation.engine import Engine
from app.translation.text import translate_html
from tests.growth import LIMIT, ratios
from tests.store import seed_settings

EN = "Kidal has been under their control ever since."
FR = "Kidal est depuis lors restée sous leur contrôle."
HEADLINE = "Malian army convoy heads for Kidal, stronghold of the Tuareg rebellion"
TITRE = "Un convoi de l’armée malienne fait route vers Kidal, bastion de la rébellion touareg"
LABEL, LIBELLE = "Vehicles in the convoy", "Véhicules du convoi"
NNBSP = "\u202f"


@pytest.fixture(scope="module")
def engine(models_dir: Path) -> Engine:
    return Engine(models_dir, beam_size=1, intra_threads=1)


@pytest.fixture(scope="module")
def mt_client(models_dir: Path) -> FlaskClient:
    app = create_app({**seed_settings(), "MODELS_DIR": models_dir, "BEAM_SIZE": 1})
    return app.test_client()


# (what the document has, the document, its French translation)
DOCUMENTS = [
    (
        "a doctype, a head and a title",
        f'<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><title>{HEADLINE}</title>'
        f"</head>\n<body><p>{EN}</p></body></html>\n",
        f'<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><title>{TITRE}</title>'
        f"</head>\n<body><p>{FR}</p></body></html>\n",
    ),
    (
        "an old doctype",
        '<!DOCTYPE HTML PUBLIC "-//W3C//DTD HTML 4.01//EN" "http://www.w3.org/TR/html4/strict.dtd">'
        f"<p>{EN}</p>",
        '<!DOCTYPE HTML PUBLIC "-//W3C//DTD HTML 4.01//EN" "http://www.w3.org/TR/html4/strict.dtd">'
        f"<p>{FR}</p>",
    ),
    (
        "processing instructions",
        f'<?xml version="1.0" encoding="utf-8"?>\n<p>{EN}</p><?php echo 1; ?>',
        f'<?xml version="1.0" encoding="utf-8"?>\n<p>{FR}</p><?php echo 1; ?>',
    ),
    (
        "comments, empty and odd ones too",
        f"<!-- {EN} --><p>{EN}</p><!----><!--><!---><!-- <p>{EN}</p> --!>",
        f"<!-- {EN} --><p>{FR}</p><!----><!--><!---><!-- <p>{EN}</p> --!>",
    ),
    (
        "a CDATA section",
        f"<svg><![CDATA[ {EN} & <b>bold</b> ]]></svg><p>{EN}</p>",
        f"<svg><![CDATA[ {EN} & <b>bold</b> ]]></svg><p>{FR}</p>",
    ),
    (
        "references in text that is not translated, and in attributes",
        f'<p>{EN}</p><a href="?a=1&amp;b=2&#38;c">&copy;&#xA9; 2023&nbsp;&mdash; &#8212;</a>',
        f'<p>{FR}</p><a href="?a=1&amp;b=2&#38;c">&copy;&#xA9; 2023&nbsp;&mdash; &#8212;</a>',
    ),
    (
        "references in text that is translated",
        "<p>Kidal&#39;s insubordination, a major sovereignty issue, is an old reason for "
        "irritation in Bamako, including for the junta that seized power by force in 2020.</p>",
        "<p>L’insoumission de Kidal, enjeu majeur de souveraineté, est un vieux motif "
        "d’irritation à Bamako, y compris pour la junte qui a pris le pouvoir par la force en "
        "2020.</p>",
    ),
    (
        "attributes and end tags as written",
        f"<P CLASS=lede  data-x='a \"b\" &amp;' hidden >{EN}</P ><br/><BR >",
        f"<P CLASS=lede  data-x='a \"b\" &amp;' hidden >{FR}</P ><br/><BR >",
    ),
    (
        "script and style contents, not escaped",
        f'<script>if (a < b && c) {{ x = "{EN}"; }} // </p></script>'
        '<style>p > a::after { content: "&amp; <" }</style>'
        f"<p>{EN}</p><SCRIPT type=module>1 < 2</SCRIPT >",
        f'<script>if (a < b && c) {{ x = "{EN}"; }} // </p></script>'
        '<style>p > a::after { content: "&amp; <" }</style>'
        f"<p>{FR}</p><SCRIPT type=module>1 < 2</SCRIPT >",
    ),
    (
        "code and pre contents, and what they hold",
        f"<pre>{EN}\n  a &lt; b</pre><p><code>{EN} <b>{EN}</b></code></p><p>{EN}</p>",
        f"<pre>{EN}\n  a &lt; b</pre><p><code>{EN} <b>{EN}</b></code></p><p>{FR}</p>",
    ),
    (
        'translate="no", and "yes" inside it',
        f'<div translate="no"><p>{EN}</p><div><p translate=yes>{EN}</p></div><p>{EN}</p></div>'
        f"<p>{EN}</p>",
        f'<div translate="no"><p>{EN}</p><div><p translate=yes>{FR}</p></div><p>{EN}</p></div>'
        f"<p>{FR}</p>",
    ),
    (
        "title and alt attributes",
        f'<img src="k.jpg" alt="{EN}"><abbr title=\'{LABEL}\' lang=en>119</abbr>'
        f'<img alt="{EN}" translate="no"><code title="{EN}">x</code>',
        f'<img src="k.jpg" alt="{FR}"><abbr title=\'{LIBELLE}\' lang=en>119</abbr>'
        f'<img alt="{EN}" translate="no"><code title="{EN}">x</code>',
    ),
    (
        "a text without letters: only its figures change",
        "<table><tr><td>1,500</td><td>| 2015 |</td></tr></table>",
        f"<table><tr><td>1{NNBSP}500</td><td>| 2015 |</td></tr></table>",
    ),
    (
        "a < that opens nothing, and a textarea",
        f"<p>{EN}</p><p>3 < 4</p><textarea>{EN} &amp;</textarea>",
        f"<p>{FR}</p><p>3 < 4</p><textarea>{EN} &amp;</textarea>",
    ),
]


@pytest.mark.parametrize(
    ("document", "expected"),
    [(document, expected) for _, document, expected in DOCUMENTS],
    ids=[name for name, _, _ in DOCUMENTS],
)
def test_only_text_is_translated(engine: Engine, document: str, expected: str) -> None:
    assert translate_html(engine, [document], "en", "fr") == [expected]


def test_every_document_of_a_request_is_translated_in_one_call(engine: Engine) -> None:
    documents = [document for _, document, _ in DOCUMENTS]
    assert translate_html(engine, documents, "en", "fr") == [e for _, _, e in DOCUMENTS]


def test_french_html_with_references_comes_back_in_english(engine: Engine) -> None:
    document = (
        "<!doctype html><p>C’est une étape cruciale entre le Mali et l’Algérie, à plus de "
        "1&#8239;500&nbsp;km et 24&nbsp;heures de route de la capitale, Bamako, à des centaines "
        "de kilomètres des autres grandes villes du Nord, Gao et Tombouctou.</p><!-- fin -->"
    )
    assert translate_html(engine, [document], "fr", "en") == [
        "<!doctype html><p>It is a crucial stop between Mali and Algeria, more than 1,500 km and "
        "24 hours drive from the capital Bamako, hundreds of kilometers from the other major "
        "cities in the north, Gao and Timbuktu.</p><!-- fin -->"
    ]


def test_the_api_keeps_a_whole_document(mt_client: FlaskClient) -> None:
    name, document, expected = DOCUMENTS[0]
    document = f"<?xml version='1.0'?>{document}<script>a && b < c</script><![CDATA[x]]>"
    answer = mt_client.post(
        "/api/v1/translate", json={"q": document, "source": "en", "target": "fr", "format": "html"}
    )
    assert answer.status_code == 200, answer.json
    assert answer.json["translatedText"] == (
        f"<?xml version='1.0'?>{expected}<script>a && b < c</script><![CDATA[x]]>"
    )


HTML_PIECES = [
    *"<>/!?-=\"' \n&;ab",
    *["<p>", "</p>", "<script>", "</script>", "<style>", "</style>", "<code>", "</code>"],
    *["<!--", "-->", "--!>", "<![CDATA[", "]]>", "<!DOCTYPE html>", "<?", "<title>", "</title"],
    *["<img alt=", ' translate="no"', " title='", "&amp;", "&#39;", "&nbsp", "<plaintext>"],
    *["<textarea>", "</ScRiPt >", "<pre>", "</PRE>", "\u00a0", "é"],
]
html_text = st.one_of(st.text(), st.lists(st.sampled_from(HTML_PIECES), max_size=50).map("".join))


@settings(max_examples=500, deadline=None, database=None)
@given(document=html_text)
def test_the_pieces_of_any_text_are_the_text(document: str) -> None:
    pieces = markup.pieces(document)
    assert "".join(piece.raw for piece in pieces) == document
    assert all(piece.text is None or piece.raw for piece in pieces)


@settings(max_examples=300, deadline=None, database=None)
@given(document=html_text)
def test_pieces_the_engine_returns_unchanged_are_kept_as_written(document: str) -> None:
    pieces = markup.pieces(document)
    assert "".join(p.raw if p.text is None else p.render(p.text) for p in pieces) == document


#: Documents built to make a tokenizer go back and forth, as a function of a size.
ADVERSARIAL: dict[str, Callable[[int], str]] = {
    "tags that never close": lambda n: "<a" * n,
    "quotes that never close": lambda n: '<a x="' * n,
    "attributes": lambda n: "<a " + "b= " * n,
    "comments that never close": lambda n: "<!--" * n,
    "less-than signs": lambda n: "<" * n,
    "end tags that are no tags": lambda n: "</" * n + "x",
    "a script that never ends": lambda n: "<script>" + "</scrip" * n,
    "nested code": lambda n: "<code>" * n + "x" + "</code>" * n,
    "switches on and off": lambda n: '<b translate="no"><i translate=yes>' * n + "x</b>" * n,
    "text with signs": lambda n: "a < b & c " * n,
    "many translated attributes": lambda n: '<img alt="Kidal &amp; Gao" title=x>' * n,
}


@pytest.mark.parametrize("name", ADVERSARIAL)
def test_tokenizing_time_grows_linearly(name: str) -> None:
    make = ADVERSARIAL[name]

    def run(size: int) -> Callable[[], object]:
        document = make(size)
        return lambda: markup.pieces(document)

    found = ratios(run)
    assert min(found) <= LIMIT, f"{name}: {found}"
