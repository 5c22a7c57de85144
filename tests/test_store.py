"""The content store: loaded once at start-up; a bad file stops start-up naming file and field."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from flask import Flask

from app.content.folder import ContentError
from app.translation.memory import CatalogError
from tests.conftest import SLUG


@pytest.mark.parametrize(
    ("old", "new", "field"),
    [
        ("published: 2023-10-02", "published: 2023-02-30", "published"),
        ("published: 2023-10-02\n", "", "published"),
        ("language: en", "language: de", "language"),
        ("slug: mali-army-convoy-kidal", "slug: Not A Slug", "slug"),
        ("slug: mali-army-convoy-kidal", "slug: another-slug", "slug"),
        ("dateline: Gao", "dateline: ''", "dateline"),
        ("credit: AFP / France 24", "credit: [1, 2]", "credit"),
        ("- title: 'Jihadist", "- url: not-a-url\n  title: 'Jihadist", "related.0.url"),
        ("headline: Malian", "headline:\n  nested: Malian", "headline"),
    ],
)
def test_bad_front_matter_names_the_file_and_the_field(
    article_md: Path, make_app: Callable[[Path], Flask], old: str, new: str, field: str
) -> None:
    text = article_md.read_text()
    assert old in text
    article_md.write_text(text.replace(old, new, 1))
    with pytest.raises(ContentError) as caught:
        make_app(article_md.parent.parent.parent)
    assert str(article_md) in str(caught.value)
    assert f"{field}:" in str(caught.value)


def test_yaml_that_does_not_parse_names_the_file(
    article_md: Path, make_app: Callable[[Path], Flask]
) -> None:
    article_md.write_text(article_md.read_text().replace("dateline: Gao", "dateline: [Gao"))
    with pytest.raises(ContentError, match=str(article_md)):
        make_app(article_md.parent.parent.parent)


def test_an_empty_body_is_refused(article_md: Path, make_app: Callable[[Path], Flask]) -> None:
    text = article_md.read_text()
    article_md.write_text(text[: text.index("---", 4) + 4])
    with pytest.raises(ContentError, match="body: empty"):
        make_app(article_md.parent.parent.parent)


def test_a_broken_catalog_names_the_file(
    data_copy: Path, make_app: Callable[[Path], Flask]
) -> None:
    po = data_copy / "articles" / SLUG / "fr.po"
    po.write_text(po.read_text() + '\nmsgid "unterminated\n')
    with pytest.raises(CatalogError, match=str(po)):
        make_app(data_copy)


def test_a_missing_data_dir_stops_start_up(
    tmp_path: Path, make_app: Callable[[Path], Flask]
) -> None:
    with pytest.raises(ContentError, match="not a directory"):
        make_app(tmp_path / "nowhere")


def test_requests_read_memory_only(data_copy: Path, make_app: Callable[[Path], Flask]) -> None:
    app = make_app(data_copy)
    (data_copy / "articles" / SLUG / "article.md").unlink()
    (data_copy / "articles" / SLUG / "fr.po").unlink()
    response = app.test_client().get(f"/fr/articles/{SLUG}")
    assert response.status_code == 200
    assert "fait route vers Kidal" in response.get_data(as_text=True)
