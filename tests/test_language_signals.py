"""Honest language signals: an edition is offered as an alternate, in lists and to search
engines only when every segment is publishable in it; readers are told when it is not."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from babel.messages.catalog import Message
from flask import Flask
from flask.testing import FlaskClient

from app.config import DEFAULTS
from app.syndication.completeness import article_states, list_states
from app.translation.edition import Completeness
from app.translation.memory import Status, publishable
from tests.conftest import SLUG
from tests.editions import MACHINE_NOTE, SENTENCE, by_machine, edit_catalog, untranslate
from tests.test_article_metadata import Head

ROBOTS_NOINDEX = '<meta name="robots" content="noindex">'


def _app(
    make_app: Callable[..., Flask], data_copy: Path, change: Any, **settings: Any
) -> FlaskClient:
    edit_catalog(data_copy / "articles" / SLUG, change)
    return make_app(data_copy, **settings).test_client()


def _head(client: FlaskClient, url: str) -> tuple[str, Head]:
    response = client.get(url)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    parser = Head()
    parser.feed(html)
    return html, parser


@pytest.mark.parametrize(
    ("status", "expected"),
    [
        (Status.SOURCE, True),
        (Status.REVIEWED, True),
        (Status.MACHINE, True),
        (Status.STALE, False),
        (Status.UNTRANSLATED, False),
    ],
)
def test_the_one_rule_of_what_may_be_published(status: Status, expected: bool) -> None:
    assert publishable(status) is expected


def test_a_reviewed_edition_is_indexed_and_offered(client: FlaskClient) -> None:
    html, head = _head(client, f"/fr/articles/{SLUG}")
    assert ROBOTS_NOINDEX not in html
    assert 'class="notice"' not in html
    assert set(head.alternates()) == {"en", "fr", "x-default"}
    assert head.news_article()["creativeWorkStatus"] == "reviewed"
    translation = client.get(f"/api/v1/articles/{SLUG}?lang=fr").get_json()["translation"]
    assert translation["completeness"] == "reviewed"
    assert translation["indexed"] is True
    assert translation["editions"] == {"en": "source", "fr": "reviewed"}


def test_an_incomplete_edition_says_so_and_is_not_offered(
    make_app: Callable[..., Flask], data_copy: Path
) -> None:
    client = _app(make_app, data_copy, untranslate)
    html, head = _head(client, f"/fr/articles/{SLUG}")
    assert ROBOTS_NOINDEX in html
    original = f"http://localhost/en/articles/{SLUG}"
    assert (
        '<p class="notice" role="note">Pas encore traduit en français — '
        f'<a href="{original}" hreflang="en">lire l’original en anglais</a></p>'
    ) in html
    assert f'<span lang="en">{SENTENCE}</span>' in html
    assert head.alternates() == {"en": original, "x-default": original}
    assert head.news_article()["creativeWorkStatus"] == "incomplete"
    assert head.news_article()["translationOfWork"]["@id"] == original

    source_html, source_head = _head(client, f"/en/articles/{SLUG}")
    assert ROBOTS_NOINDEX not in source_html
    assert set(source_head.alternates()) == {"en", "x-default"}
    assert "workTranslation" not in source_head.news_article()

    translation = client.get(f"/api/v1/articles/{SLUG}?lang=fr").get_json()["translation"]
    assert translation["complete"] is False
    assert translation["completeness"] == "incomplete"
    assert translation["indexed"] is False
    assert translation["editions"] == {"en": "source", "fr": "incomplete"}


def test_the_notice_is_in_the_readers_language(
    make_app: Callable[..., Flask], data_copy: Path
) -> None:
    client = _app(make_app, data_copy, untranslate)
    html = client.get(f"/fr/articles/{SLUG}/facts").get_data(as_text=True)
    assert "Pas encore traduit en français" in html
    assert ROBOTS_NOINDEX in html


def test_a_machine_edition_says_so_and_is_not_indexed_by_default(
    make_app: Callable[..., Flask], data_copy: Path
) -> None:
    client = _app(make_app, data_copy, by_machine)
    html, head = _head(client, f"/fr/articles/{SLUG}")
    assert '<p class="notice" role="note">Traduction automatique, pas encore relue</p>' in html
    assert ROBOTS_NOINDEX in html
    assert set(head.alternates()) == {"en", "x-default"}
    translation = client.get(f"/api/v1/articles/{SLUG}?lang=fr").get_json()["translation"]
    assert (translation["completeness"], translation["indexed"]) == ("machine", False)


def test_machine_editions_are_indexed_when_the_setting_says_so(
    make_app: Callable[..., Flask], data_copy: Path
) -> None:
    client = _app(make_app, data_copy, by_machine, INDEX_MACHINE_TRANSLATIONS=True)
    html, head = _head(client, f"/fr/articles/{SLUG}")
    assert "Traduction automatique, pas encore relue" in html
    assert ROBOTS_NOINDEX not in html
    assert set(head.alternates()) == {"en", "fr", "x-default"}
    translation = client.get(f"/api/v1/articles/{SLUG}?lang=fr").get_json()["translation"]
    assert (translation["completeness"], translation["indexed"]) == ("machine", True)


def risky_machine(message: Message) -> None:
    """One sentence is the engine's with a wrong distance: held for review, not published."""
    if message.id == SENTENCE:
        message.string = str(message.string).replace("300", "800")
        message.user_comments.append(MACHINE_NOTE)


MAX_RISK = float(DEFAULTS["MT_PUBLISH_MAX_RISK"])


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (lambda message: None, Completeness.REVIEWED),
        (untranslate, Completeness.INCOMPLETE),
        (by_machine, Completeness.MACHINE),
        (risky_machine, Completeness.INCOMPLETE),
    ],
)
def test_lists_count_what_pages_read(
    make_app: Callable[..., Flask], data_copy: Path, change: Any, expected: Completeness
) -> None:
    """The aggregate that lists use says what the page's own segment-by-segment read says."""
    edit_catalog(data_copy / "articles" / SLUG, change)
    app = make_app(data_copy)
    database = app.extensions["depeche.database"]
    from app.content import repository

    with database.read() as session:
        row = repository.find(session, SLUG)
        assert row is not None
        article = repository.load(session, row)
        exact = article_states(session, row.id, article, ("en", "fr"), MAX_RISK)
        counted = list_states(session, [row], ("en", "fr"), MAX_RISK)[row.id]
    assert exact == counted == {"en": Completeness.SOURCE, "fr": expected}
