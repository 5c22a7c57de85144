"""Wire formats in: every format of the seed story gives the seed's blocks; bad input is a
FormatError with the right status and field, whatever the bytes; parsing grows linearly."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.content.wire import parse_wire
from app.exchange.formats import FormatError, WireItem, parse_item, published_time
from app.exchange.formats.html import html_blocks
from tests.growth import LIMIT, ratios

FIXTURES = Path(__file__).parent / "fixtures" / "wire"
SEED = Path(__file__).parents[2] / "shared" / "seed" / "mali-army-convoy-kidal.txt"
HEADLINE = "Malian army convoy heads for Kidal, stronghold of the Tuareg rebellion"
AFP_URI = "urn:newsml:afp.com:20231002:TX-PAR-ABC12"
CREATED = datetime(2023, 10, 2, 14, 5, 12, tzinfo=UTC)

#: fixture, content type, format, identity, language
SAMPLES = [
    (
        "ninjs1-superdesk.json",
        "application/json",
        "ninjs-1",
        "urn:newsml:france24.com:2023-10-02T14:05:12.120000:5d1c7a3e-0f2b-4bb0-9a55-0c6ad3c9e2f1",
        "en",
    ),
    ("ninjs2.json", "application/json", "ninjs-2", AFP_URI, "en"),
    ("ninjs3.json", "application/json; charset=utf-8", "ninjs-3", AFP_URI, "en-GB"),
    ("newsml-g2-xhtml.xml", "application/xml", "newsml-g2", AFP_URI, "en"),
    ("newsml-g2-nitf.xml", "text/xml", "newsml-g2", AFP_URI, "en"),
    ("newsml12-utf8.xml", "application/xml", "newsml-1.2", AFP_URI, "en"),
    ("newsml12-latin1.xml", "text/xml; charset=iso-8859-1", "newsml-1.2", AFP_URI, "en"),
]


def fixture(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def item(name: str) -> WireItem:
    content_type = next(sample[1] for sample in SAMPLES if sample[0] == name)
    return parse_item(fixture(name), content_type)


def error(body: bytes | str, content_type: str) -> FormatError:
    raw = body.encode() if isinstance(body, str) else body
    with pytest.raises(FormatError) as caught:
        parse_item(raw, content_type)
    return caught.value


@pytest.mark.parametrize(("name", "content_type", "kind", "uri", "language"), SAMPLES)
def test_every_format_of_the_seed_gives_the_wire_copys_blocks(
    name: str, content_type: str, kind: str, uri: str, language: str
) -> None:
    body = fixture(name)
    parsed = parse_item(body, content_type)
    seed = parse_wire(SEED.read_text(encoding="utf-8"))
    assert parsed.story.blocks == seed.blocks
    assert ("heading", "The 2015 agreement is shattering") in parsed.story.blocks
    assert parsed.format == kind
    assert parsed.uri == uri
    assert parsed.version == 2
    assert parsed.language == language
    assert parsed.headline == HEADLINE
    assert parsed.standfirst is not None and parsed.standfirst.startswith("A 119-vehicle army")
    assert parsed.versioncreated == CREATED
    assert parsed.versioncreated.tzinfo is not None
    assert parsed.firstcreated == datetime(2023, 10, 2, 13, 58, 4, tzinfo=UTC)
    assert parsed.pubstatus == "usable"
    assert parsed.story.agency == "AFP"
    assert parsed.slugline == "Mali-army-Kidal"
    assert parsed.source == body


@pytest.mark.parametrize("name", ["ninjs1-superdesk.json", "ninjs2.json", "ninjs3.json"])
def test_the_web_desks_copy_keeps_its_see_also_links_and_drops_its_promotions(name: str) -> None:
    parsed = item(name)
    seed = parse_wire(SEED.read_text(encoding="utf-8"))
    assert parsed.story.related == seed.related
    assert len(parsed.story.related) == 2
    assert parsed.story.dropped == seed.dropped


def test_ninjs3_keeps_the_offset_and_the_embargo_as_given() -> None:
    parsed = item("ninjs3.json")
    paris = timezone(timedelta(hours=2))
    assert parsed.versioncreated == datetime(2023, 10, 2, 16, 5, 12, tzinfo=paris)
    assert parsed.versioncreated is not None and parsed.versioncreated.utcoffset() == timedelta(
        hours=2
    )
    assert parsed.embargoed == datetime(2023, 10, 2, 16, 30, tzinfo=paris)
    assert parsed.byline == "AFP correspondent in Bamako"
    assert parsed.credit == "AFP"


def test_ninjs3_is_known_by_its_camel_case_without_a_schema() -> None:
    data = json.loads(fixture("ninjs3.json"))
    del data["$schema"]
    assert parse_item(json.dumps(data).encode(), "application/json").format == "ninjs-3"


def test_superdesk_credit_comes_from_its_source_and_its_offset_without_colon() -> None:
    parsed = item("ninjs1-superdesk.json")
    assert parsed.credit == "AFP"
    assert parsed.dateline == "Gao"
    assert parsed.byline is None  # Superdesk sends "" for no byline


def test_newsml12_identity_drops_the_revision_and_reads_its_declared_encoding() -> None:
    latin1 = fixture("newsml12-latin1.xml")
    assert b"Go\xefta" in latin1  # the file really is ISO-8859-1
    parsed = item("newsml12-latin1.xml")
    assert "Colonel Assimi Goïta" in parsed.story.blocks[-1][1]
    assert parsed.uri == AFP_URI
    assert b"TX-PAR-ABC12:2</PublicIdentifier>" in latin1
    assert parsed.dateline == "Gao, Mali, Oct 2, 2023 (AFP) -"
    assert parsed.credit == "AFP"


def test_newsml12_main_component_is_taken_over_a_photo() -> None:
    parsed = item("newsml12-latin1.xml")
    assert parsed.story.blocks[0][1].startswith("A large convoy of the Malian army")


def test_g2_xhtml_headline_repeated_in_the_body_is_not_a_subheading() -> None:
    parsed = item("newsml-g2-xhtml.xml")
    assert parsed.story.dropped == [HEADLINE]
    assert parsed.story.blocks[0][0] == "paragraph"


def test_plain_text_is_the_wire_copy_and_its_charset() -> None:
    copy = SEED.read_bytes()
    parsed = parse_item(copy, "text/plain; charset=utf-8")
    assert parsed.format == "text"
    assert parsed.story.blocks == parse_wire(copy.decode()).blocks
    assert parsed.uri is None and parsed.version is None
    latin1 = "Le colonel Assimi Goïta a assuré que l'État reprendrait le contrôle.".encode(
        "latin-1"
    )
    assert parse_item(latin1, "text/plain; charset=ISO-8859-1").story.blocks == [
        ("paragraph", "Le colonel Assimi Goïta a assuré que l'État reprendrait le contrôle.")
    ]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2023-10-02", datetime(2023, 10, 2, tzinfo=UTC)),
        ("2023-10-02T14:05:12+02:00", datetime(2023, 10, 2, 12, 5, 12, tzinfo=UTC)),
        ("2023-10-02T14:05:12Z", CREATED),
    ],
)
def test_published_is_a_date_or_an_aware_datetime(value: str, expected: datetime) -> None:
    assert published_time(value) == expected


def test_published_without_offset_names_the_field() -> None:
    with pytest.raises(FormatError) as caught:
        published_time("2023-10-02T14:05:12")
    assert (caught.value.status, caught.value.field) == (422, "published")


# --- versions and statuses -------------------------------------------------------------------


def ninjs2(**changes: object) -> bytes:
    data = json.loads(fixture("ninjs2.json"))
    for key, value in changes.items():
        if value is None:
            del data[key]
        else:
            data[key] = value
    return json.dumps(data).encode()


@pytest.mark.parametrize(("version", "expected"), [("3", 3), (3, 3), (" 12 ", 12)])
def test_ninjs_version_is_a_string_or_an_int(version: object, expected: int) -> None:
    assert parse_item(ninjs2(version=version), "application/json").version == expected


@pytest.mark.parametrize("version", ["3a", -1, True, 2.5, "", "٣"])
def test_ninjs_version_that_is_not_a_number_names_it(version: object) -> None:
    found = error(ninjs2(version=version), "application/json")
    assert (found.status, found.field) == (422, "/version")


def g2(old: str, new: str, name: str = "newsml-g2-xhtml.xml") -> bytes:
    body = fixture(name).decode()
    assert old in body
    return body.replace(old, new).encode()


@pytest.mark.parametrize(
    ("qcode", "expected"),
    [("stat:canceled", "canceled"), ("stat:withheld", "withheld"), ("stat:usable", "usable")],
)
def test_g2_pubstatus_qcode_is_normalised(qcode: str, expected: str) -> None:
    body = g2('<pubStatus qcode="stat:usable"/>', f'<pubStatus qcode="{qcode}"/>')
    assert parse_item(body, "application/xml").pubstatus == expected


def test_g2_embargo_is_read() -> None:
    body = g2("<pubStatus", "<embargoed>2023-10-02T18:00:00+01:00</embargoed><pubStatus")
    parsed = parse_item(body, "application/xml")
    assert parsed.embargoed == datetime(2023, 10, 2, 17, tzinfo=UTC)


def test_newsml12_status_canceled() -> None:
    body = fixture("newsml12-utf8.xml").replace(b'"Usable"', b'"Canceled"')
    assert parse_item(body, "application/xml").pubstatus == "canceled"


def test_g2_inline_data_is_wire_copy() -> None:
    start = fixture("newsml-g2-xhtml.xml").decode().index("<inlineXML")
    end = fixture("newsml-g2-xhtml.xml").decode().index("</inlineXML>") + len("</inlineXML>")
    text = fixture("newsml-g2-xhtml.xml").decode()
    copy = SEED.read_text().replace("&", "&amp;").replace("<", "&lt;")
    body = text[:start] + f'<inlineData contenttype="text/plain">{copy}</inlineData>' + text[end:]
    parsed = parse_item(body.encode(), "application/xml")
    assert parsed.story.blocks == parse_wire(SEED.read_text()).blocks


# --- errors ----------------------------------------------------------------------------------

BILLION_LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
]>
<newsItem xmlns="http://iptc.org/std/nar/2006-10-01/" guid="x">&lol3;</newsItem>"""
EXTERNAL = """<?xml version="1.0"?>
<!DOCTYPE newsItem [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
<newsItem guid="x">&secret;</newsItem>"""
DTD_ONLY = """<?xml version="1.0"?>
<!DOCTYPE NewsML SYSTEM "http://www.afp.com/dtd/NewsML_1.2.dtd">
<NewsML Version="1.2"/>"""


@pytest.mark.parametrize(
    ("body", "content_type", "status", "field"),
    [
        ('{\n  "uri": "x",\n  "headlines": [,]\n}', "application/json", 400, "line 3"),
        ("[" * 100_000, "application/json", 400, ""),
        ("[1, 2]", "application/json", 422, ""),
        ('{"uri": "x", "version": "1"}', "application/json", 422, ""),
        ('{"headline": "x", "bodies": []}', "application/json", 422, ""),
        ('{"$schema": "http://www.iptc.org/std/ninjs/ninjs-schema_4.0.json"}', "application/json",
         422, "/$schema"),
        (BILLION_LAUGHS, "application/xml", 400, "DTD"),
        (EXTERNAL, "application/xml", 400, "DTD"),
        (DTD_ONLY, "text/xml", 400, "DTD"),
        ("<newsItem guid='x'>\n<itemMeta>\n</newsItem>", "application/xml", 400, "line 3"),
        ('<?xml version="1.0" encoding="x-klingon"?><NewsML/>', "application/xml", 400, "charset"),
        ('<?xml version="1.0" encoding="punycode"?><NewsML/>', "application/xml", 400, "charset"),
        ("<rss version='2.0'/>", "application/xml", 422, "/rss"),
        ("hello", "text/html", 415, "Content-Type"),
        ("hello", "application/pdf", 415, "Content-Type"),
        ("hello", "text/plain; charset=rot13", 415, "charset"),
        ("{}", "application/json; charset=iso-8859-1", 415, "charset"),
        ("\n\n  \n", "text/plain", 422, "body"),
    ],
)  # fmt: skip
def test_bad_input_gives_its_status_and_field(
    body: str, content_type: str, status: int, field: str
) -> None:
    found = error(body, content_type)
    assert (found.status, found.field) == (status, field)


def test_malformed_json_names_line_and_column() -> None:
    found = error('{\n  "uri": "x",\n  "headlines": [,]\n}', "application/json")
    assert "column 17" in found.detail


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        ("Le colonel Goïta".encode("latin-1"), "text/plain"),
        ("Le colonel Goïta".encode("latin-1"), "text/plain; charset=utf-8"),
        ('{"headline": "Goïta"}'.encode("latin-1"), "application/json"),
        (fixture("newsml12-latin1.xml").replace(b"ISO-8859-1", b"UTF-8"), "application/xml"),
    ],
)
def test_bytes_outside_the_charset_are_a_charset_error(body: bytes, content_type: str) -> None:
    found = error(body, content_type)
    assert (found.status, found.field) == (400, "charset")


@pytest.mark.parametrize(
    ("body", "field"),
    [
        (ninjs2(headlines=None), "/headlines"),
        (ninjs2(headlines=[{"role": "main", "value": "  "}]), "/headlines"),
        (ninjs2(bodies=None), "/bodies"),
        (ninjs2(bodies=[{"contenttype": "text/html", "value": "<script>x</script>"}]),
         "/bodies/0/value"),
        (ninjs2(bodies=[{"contenttype": "text/html", "value": 3}]), "/bodies/0/value"),
        (ninjs2(bodies=["text"]), "/bodies/0"),
        (ninjs2(versioncreated="2023-10-02T14:05:12"), "/versioncreated"),
        (ninjs2(versioncreated="yesterday"), "/versioncreated"),
        (ninjs2(pubstatus="published"), "/pubstatus"),
    ],
)  # fmt: skip
def test_unusable_ninjs2_names_the_field(body: bytes, field: str) -> None:
    found = error(body, "application/json")
    assert (found.status, found.field) == (422, field)


def ninjs1(**changes: object) -> bytes:
    data = json.loads(fixture("ninjs1-superdesk.json"))
    data.update(changes)
    return json.dumps({key: value for key, value in data.items() if value is not None}).encode()


@pytest.mark.parametrize(
    ("body", "field"),
    [
        (ninjs1(headline=None), "/headline"),
        (ninjs1(body_html=None), "/body_html"),
        (ninjs1(body_html="<p> </p><style>p {}</style>"), "/body_html"),
        (ninjs1(headline=["a"]), "/headline"),
    ],
)
def test_unusable_ninjs1_names_the_field(body: bytes, field: str) -> None:
    found = error(body, "application/json")
    assert (found.status, found.field) == (422, field)


def test_ninjs1_body_text_is_wire_copy() -> None:
    parsed = parse_item(ninjs1(body_html=None, body_text=SEED.read_text()), "application/json")
    assert parsed.story.blocks == parse_wire(SEED.read_text()).blocks


def ninjs3(**changes: object) -> bytes:
    data = json.loads(fixture("ninjs3.json"))
    data.update(changes)
    return json.dumps({key: value for key, value in data.items() if value is not None}).encode()


def test_unusable_ninjs3_names_its_camel_case_field() -> None:
    found = error(ninjs3(versionCreated="2023-10-02T14:05:12"), "application/json")
    assert (found.status, found.field) == (422, "/versionCreated")
    found = error(ninjs3(pubStatus="gone"), "application/json")
    assert (found.status, found.field) == (422, "/pubStatus")


@pytest.mark.parametrize(
    ("name", "old", "new", "field"),
    [
        ("newsml-g2-xhtml.xml", "<headline>", "<title>", "newsItem/contentMeta/headline"),
        ("newsml-g2-nitf.xml", "<inlineXML", "<remoteContent", "newsItem/contentSet"),
        ("newsml-g2-xhtml.xml", 'version="2"', 'version="two"', "newsItem/@version"),
        ("newsml-g2-xhtml.xml", "14:05:12Z</versionCreated>", "14:05:12</versionCreated>",
         "newsItem/itemMeta/versionCreated"),
        ("newsml-g2-xhtml.xml", 'guid="urn:newsml:afp.com:20231002:TX-PAR-ABC12"', "",
         "newsItem/@guid"),
        ("newsml12-utf8.xml", "<HeadLine>", "<Title>",
         "NewsML/NewsItem/NewsComponent/NewsLines/HeadLine"),
        ("newsml12-utf8.xml", '"Text"', '"Photo"', "NewsML/NewsItem/NewsComponent/ContentItem"),
        ("newsml12-utf8.xml", ">2</RevisionId>", ">second</RevisionId>",
         "NewsML/NewsItem/Identification/NewsIdentifier/RevisionId"),
        ("newsml12-utf8.xml", "T140512+0000<", "T140512<",
         "NewsML/NewsItem/NewsManagement/ThisRevisionCreated"),
    ],
)  # fmt: skip
def test_unusable_xml_names_the_element(name: str, old: str, new: str, field: str) -> None:
    body = fixture(name).decode()
    assert old in body
    # A renamed start tag needs its end tag renamed too.
    closing = (old.replace("<", "</"), new.replace("<", "</")) if old.startswith("<") else ("", "")
    changed = body.replace(old, new)
    if closing[0]:
        changed = changed.replace(closing[0], closing[1])
    found = error(changed.encode(), "application/xml")
    assert (found.status, found.field) == (422, field)


def test_newsml12_without_body_paragraphs_names_the_data_content() -> None:
    body = fixture("newsml12-utf8.xml").decode()
    start, end = body.index("<DataContent>"), body.index("</DataContent>")
    found = error(body[:start] + "<DataContent><p/>" + body[end:], "application/xml")
    assert (found.status, found.field) == (
        422,
        "NewsML/NewsItem/NewsComponent/ContentItem/DataContent",
    )


# --- HTML ------------------------------------------------------------------------------------


def test_html_drops_code_and_keeps_text() -> None:
    html = (
        "<div><h3>Kidal&nbsp;&amp; Gao</h3><p>One<br>two &eacute;t&#233; "
        "<script>alert('x')</script><b>three</b></p><style>p { color: red }</style>"
        "<iframe src='https://example.org'><p>inside</p></iframe><object><p>obj</p></object>"
        "<p onclick='steal()'>Four\n\n   five</p><template><p>t</p></template></div>"
    )
    assert html_blocks(html) == [
        ("heading", "Kidal\u00a0& Gao"),
        ("paragraph", "One two été three"),
        ("paragraph", "Four five"),
    ]


@pytest.mark.parametrize(
    ("markup", "blocks"),
    [
        ("<p title='a > b'>kept</p>", [("paragraph", "kept")]),
        ("<p>a</p><![if x<p>b", [("paragraph", "a"), ("paragraph", "b")]),
        ("<p>a<!-- <p>b</p> --></p><!DOCTYPE html><?php x ?><p>c</p>", [
            ("paragraph", "a"), ("paragraph", "c")
        ]),
        ("<p>1 < 2 &amp;&amp; 3 > 2</p>", [("paragraph", "1 < 2 && 3 > 2")]),
        ("<P>Up</P><SCRIPT>x</SCRIPT ><H2>Case</H2>", [("paragraph", "Up"), ("heading", "Case")]),
        ("<p>a</p><iframe/><p>b</p><object/>", [("paragraph", "a"), ("paragraph", "b")]),
        ("<p>a</p><title><p>no</p></title><p>b", [("paragraph", "a"), ("paragraph", "b")]),
        ("<p>a</p><p b='unterminated>c</p>", [("paragraph", "a"), ("paragraph", "c")]),
    ],
)  # fmt: skip
def test_html_edge_cases(markup: str, blocks: list[tuple[str, str]]) -> None:
    assert html_blocks(markup) == blocks


def test_html_unclosed_script_drops_the_rest() -> None:
    assert html_blocks("<p>kept</p><script>var a = '<p>no</p>';") == [("paragraph", "kept")]


# --- arbitrary input -------------------------------------------------------------------------

CONTENT_TYPES = [
    "text/plain",
    "text/plain; charset=iso-8859-1",
    "application/json",
    "application/xml",
    "text/xml",
]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    body=st.one_of(
        st.binary(max_size=400),
        st.text(max_size=300).map(str.encode),
        st.sampled_from([fixture(sample[0]) for sample in SAMPLES]).flatmap(
            lambda raw: st.integers(0, len(raw)).map(lambda cut: raw[:cut])
        ),
    ),
    content_type=st.sampled_from(CONTENT_TYPES),
)
def test_any_bytes_give_an_item_or_a_format_error(body: bytes, content_type: str) -> None:
    try:
        parsed = parse_item(body, content_type)
    except FormatError as found:
        assert found.status in (400, 415, 422)
        assert isinstance(found.field, str)
    else:
        assert parsed.story.blocks


@settings(max_examples=100, deadline=None)
@given(st.text(alphabet=st.sampled_from("<>/ab pdivh2&;#x!-scriptyle\"'=\n"), max_size=300))
def test_any_markup_gives_blocks_of_text(markup: str) -> None:
    for kind, text in html_blocks(markup):
        assert kind in ("paragraph", "heading")
        assert text == text.strip() and text


# --- growth ----------------------------------------------------------------------------------

G2_XHTML = fixture("newsml-g2-xhtml.xml").decode()


def _g2_with_body(markup: str) -> bytes:
    start = G2_XHTML.index("<body>") + len("<body>")
    end = G2_XHTML.index("</body>")
    return (G2_XHTML[:start] + markup + G2_XHTML[end:]).encode()


GROWTH: dict[str, Callable[[int], tuple[bytes, str]]] = {
    "deeply nested XHTML": lambda n: (
        _g2_with_body("<div>" * n + "<p>deep</p>" + "</div>" * n),
        "application/xml",
    ),
    "many XHTML paragraphs": lambda n: (_g2_with_body("<p>Kidal fell.</p>" * n), "text/xml"),
    "long body_html": lambda n: (
        ninjs1(body_html="<p>The <b>convoy</b> left Gao.<br></p><h2>Sub</h2>" * n),
        "application/json",
    ),
    "deeply nested body_html": lambda n: (
        ninjs1(body_html="<div><span>" * n + "x" + "</span></div>" * n),
        "application/json",
    ),
    "unclosed tags in body_html": lambda n: (ninjs1(body_html="<p>a<b" * n), "application/json"),
    "unterminated markup in body_html": lambda n: (
        ninjs1(body_html="<p>x</p>" + "<![CDATA[<p>" * n + "<!--<p>" * n + "</" * n),
        "application/json",
    ),
    "many scripts in body_html": lambda n: (
        ninjs1(body_html="<p>x</p>" + "<script>a</script>" * n + "<title>" + "</titl<p>" * n),
        "application/json",
    ),
    "ampersands and quotes in body_html": lambda n: (
        ninjs1(body_html="<p>x</p>" + "&" * n + "<a x='" * n + '<b y="' * n + ">"),
        "application/json",
    ),
    "deep JSON nesting": lambda n: (b'{"a": ' * n + b"1" + b"}" * n, "application/json"),
    "many NewsML 1.2 components": lambda n: (
        fixture("newsml12-utf8.xml").replace(
            b"<NewsLines>", b"<NewsComponent><Role FormalName='x'/></NewsComponent>" * n
            + b"<NewsLines>", 1
        ),
        "application/xml",
    ),
}  # fmt: skip


def _parse_or_refuse(body: bytes, content_type: str) -> None:
    try:
        parse_item(body, content_type)
    except FormatError:
        pass


@pytest.mark.parametrize("name", GROWTH)
def test_parsing_grows_linearly(name: str) -> None:
    def run(size: int) -> Callable[[], object]:
        body, content_type = GROWTH[name](size)
        return lambda: _parse_or_refuse(body, content_type)

    found = ratios(run)
    assert min(found) <= LIMIT, f"{name}: {found}"


def test_g2_news_message_with_one_item_is_read_and_with_two_refused() -> None:
    text = fixture("newsml-g2-xhtml.xml").decode()
    start = text.index("<newsItem")
    item = text[start:]
    wrap = '<newsMessage xmlns="http://iptc.org/std/nar/2006-10-01/"><itemSet>{}</itemSet></newsMessage>'
    one = parse_item(wrap.format(item).encode(), "application/xml")
    assert (one.format, one.uri, one.version) == ("newsml-g2", AFP_URI, 2)
    found = error(wrap.format(item + item), "application/xml")
    assert (found.status, found.field) == (422, "newsMessage/itemSet")
