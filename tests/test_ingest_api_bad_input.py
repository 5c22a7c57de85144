"""Bad input to POST /api/v1/ingest: each a documented 4xx problem+json naming the field or the
line, and nothing stored — no article, no revision."""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from flask import Flask

from app.store.models import ArticleRow, RevisionRow, SegmentRow
from tests.conftest import DATA_DIR, SEED
from tests.test_ingest_api import EDITORIAL, TEXT, Desk

FIXTURES = Path(__file__).parent / "fixtures" / "wire"
NINJS2 = json.loads((FIXTURES / "ninjs2.json").read_bytes())
G2 = (FIXTURES / "newsml-g2-xhtml.xml").read_bytes()
JSON = "application/json"
XML = "application/xml"

LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>
<newsItem xmlns="http://iptc.org/std/nar/2006-10-01/" guid="x" version="1">&lol3;</newsItem>"""
EXTERNAL = b"""<?xml version="1.0"?>
<!DOCTYPE newsItem [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<newsItem xmlns="http://iptc.org/std/nar/2006-10-01/" guid="x" version="1">&xxe;</newsItem>"""


def ninjs(**changes: Any) -> bytes:
    data = {**NINJS2, **changes}
    return json.dumps({k: v for k, v in data.items() if v is not None}).encode()


#: body, content type, query, status, the field (or line) the problem names
CASES = [
    (b'{"uri": "x",\n"headlines": [\n', JSON, {}, 400, "line 3"),
    (G2.replace(b"</newsItem>", b""), XML, {}, 400, "line"),
    (LAUGHS, XML, {}, 400, "DTD"),
    (EXTERNAL, "text/xml", {}, 400, "DTD"),
    ("Une dépêche de l’AFP.\n\nAvec AFP".encode("latin-1", "replace"), TEXT, EDITORIAL, 400,
     "charset"),
    (ninjs(), "application/json; charset=iso-8859-1", {}, 415, "charset"),
    (SEED.read_bytes(), "text/plain; charset=x-unknown", EDITORIAL, 415, "charset"),
    (SEED.read_bytes(), "application/pdf", EDITORIAL, 415, "Content-Type"),
    (b"", TEXT, EDITORIAL, 422, "body"),
    (b"   \n\n  ", TEXT, EDITORIAL, 422, "body"),
    (ninjs(bodies=None), JSON, {}, 422, "/bodies"),
    (ninjs(bodies=[{"contenttype": "text/html", "value": "<script>x()</script>"}]), JSON, {},
     422, "/bodies/0/value"),
    (ninjs(headlines=None), JSON, {}, 422, "/headlines"),
    (SEED.read_bytes(), TEXT, {k: v for k, v in EDITORIAL.items() if k != "headline"}, 422,
     "headline"),
    (G2.replace(b"<headline>", b"<nohead>").replace(b"</headline>", b"</nohead>"), XML, {}, 422,
     "newsItem/contentMeta/headline"),
    (ninjs(versioncreated="2023-10-02T14:05:12"), JSON, {}, 422, "/versioncreated"),
    (SEED.read_bytes().replace(b"With AFP", b""), TEXT, EDITORIAL, 422, "credit"),
    (ninjs(descriptions=None), JSON, {}, 422, "standfirst"),
    (SEED.read_bytes(), TEXT, {**EDITORIAL, "published": "2023-10-02T16:05:00"}, 422,
     "published"),
]  # fmt: skip


@pytest.fixture
def desk(make_app: Callable[..., Flask]) -> Desk:
    return Desk(make_app(DATA_DIR, MAX_INGEST_BYTES=128 * 1024))


def stored(desk: Desk) -> tuple[int, int, int]:
    return desk.count(ArticleRow), desk.count(RevisionRow), desk.count(SegmentRow)


@pytest.mark.parametrize(
    ("body", "content_type", "query", "status", "field"),
    CASES,
    ids=[f"{c[3]} {c[4]} {i}" for i, c in enumerate(CASES)],
)
def test_bad_input_is_a_problem_naming_the_field_and_nothing_is_stored(
    desk: Desk, body: bytes, content_type: str, query: dict[str, str], status: int, field: str
) -> None:
    before = stored(desk)
    response = desk.post(body, content_type, **query)
    assert response.status_code == status, response.get_json()
    assert response.mimetype == "application/problem+json"
    problem = response.get_json()
    assert problem["status"] == status
    named = [key for key in problem["errors"]["body"] if key.startswith(field)]
    assert named, problem
    assert stored(desk) == before


def test_a_body_over_the_ingest_limit_is_413_before_it_is_read(desk: Desk) -> None:
    before = stored(desk)
    body = SEED.read_bytes() * 40  # ~200 KiB, over the 128 KiB limit
    response = desk.post(body, TEXT, **EDITORIAL)
    assert response.status_code == 413
    assert response.mimetype == "application/problem+json"
    assert "body" in response.get_json()["errors"]
    assert stored(desk) == before


def test_a_chunked_body_over_the_ingest_limit_is_413(desk: Desk) -> None:
    before = stored(desk)
    response = desk.client.post(
        "/api/v1/ingest",
        input_stream=io.BytesIO(SEED.read_bytes() * 40),
        headers={**desk.headers, "Transfer-Encoding": "chunked", "Content-Type": TEXT},
        environ_overrides={"wsgi.input_terminated": True},
    )
    assert response.status_code == 413
    assert stored(desk) == before


def test_an_item_over_the_general_body_limit_but_within_the_ingest_one_is_taken(
    desk: Desk,
) -> None:
    body = SEED.read_bytes() * 20  # ~100 KiB: over MAX_CONTENT_LENGTH (64 KiB)
    assert 64 * 1024 < len(body) < 128 * 1024
    response = desk.post(body, TEXT, **EDITORIAL)
    assert response.status_code == 201, response.get_json()


def test_a_bad_query_is_422_naming_it(desk: Desk) -> None:
    response = desk.post(SEED.read_bytes(), TEXT, **{**EDITORIAL, "slug": "Not A Slug"})
    assert response.status_code == 422
    assert "slug" in response.get_json()["errors"]["query"]
    unknown = desk.post(SEED.read_bytes(), TEXT, **{**EDITORIAL, "colour": "red"})
    assert unknown.status_code == 422
