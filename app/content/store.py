"""Load every article under ``data/articles/`` once, validate it, and keep it in memory."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from datetime import date
from pathlib import Path
from types import MappingProxyType
from typing import Any

import frontmatter
import yaml
from frontmatter.default_handlers import YAMLHandler
from marshmallow import ValidationError

from app.content.model import Article, Paragraph, RelatedLink, Section, Segment
from app.content.schemas import FrontMatterSchema
from app.content.segment import split_sentences


class PlainScalarsLoader(yaml.SafeLoader):
    """YAML without implicit timestamps: dates reach the schema as text, so a bad date is
    reported by field name instead of failing inside the YAML parser."""


PlainScalarsLoader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


class _FrontMatterHandler(YAMLHandler):
    def load(self, fm: str, **kwargs: Any) -> Any:
        return yaml.load(fm, Loader=PlainScalarsLoader)  # noqa: S506 (a SafeLoader)


class ContentError(Exception):
    """An article file is invalid; the message names the file and the field."""


def first_error(messages: Any, prefix: str = "") -> str:
    """Flatten marshmallow's nested messages into 'field.sub: message'."""
    if isinstance(messages, dict):
        key, value = next(iter(messages.items()))
        return first_error(value, f"{prefix}.{key}" if prefix else str(key))
    if isinstance(messages, list) and messages:
        return first_error(messages[0], prefix)
    return f"{prefix}: {messages}"


def parse_body(body: str, language: str) -> tuple[Section, ...]:
    """Parse the restricted Markdown body: paragraphs and ``## `` subheadings."""
    sections: list[Section] = []
    heading: Segment | None = None
    paragraphs: list[Paragraph] = []
    for block in (b.strip() for b in body.split("\n\n")):
        if not block:
            continue
        if block.startswith("## "):
            if heading is not None or paragraphs:
                sections.append(Section(heading, tuple(paragraphs)))
            heading, paragraphs = Segment("heading", block[3:].strip()), []
            continue
        text = " ".join(line.strip() for line in block.splitlines())
        sentences = tuple(Segment("body", s) for s in split_sentences(text, language))
        paragraphs.append(Paragraph(sentences))
    sections.append(Section(heading, tuple(paragraphs)))
    return tuple(sections)


def load_article(folder: Path) -> Article:
    """Load and validate one article folder; raise ContentError naming file and field."""
    path = folder / "article.md"
    try:
        post = frontmatter.loads(path.read_text(encoding="utf-8"), handler=_FrontMatterHandler())
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as error:
        raise ContentError(f"{path}: cannot read: {error}") from error
    try:
        meta = FrontMatterSchema().load(post.metadata if isinstance(post.metadata, dict) else {})
    except ValidationError as error:
        raise ContentError(f"{path}: {first_error(error.messages)}") from error
    if meta["slug"] != folder.name:
        raise ContentError(f"{path}: slug: {meta['slug']!r} differs from folder {folder.name!r}")
    if not post.content.strip():
        raise ContentError(f"{path}: body: empty")
    published: date = meta["published"]
    return Article(
        slug=meta["slug"],
        language=meta["language"],
        headline=Segment("headline", meta["headline"]),
        standfirst=Segment("standfirst", meta["standfirst"]),
        dateline=meta["dateline"],
        published=published,
        credit=meta["credit"],
        sections=parse_body(post.content, meta["language"]),
        related=tuple(
            RelatedLink(Segment("related", link["title"]), link["url"]) for link in meta["related"]
        ),
        folder=folder,
    )


class ArticleStore:
    """Every article, by slug, newest first. Immutable after load."""

    def __init__(self, articles: Mapping[str, Article]) -> None:
        ordered = sorted(articles.values(), key=lambda a: (a.published, a.slug), reverse=True)
        self._articles = MappingProxyType({a.slug: a for a in ordered})

    @classmethod
    def load(cls, data_dir: Path) -> ArticleStore:
        root = data_dir / "articles"
        if not root.is_dir():
            raise ContentError(f"{root}: not a directory")
        folders = sorted(p for p in root.iterdir() if p.is_dir() and not p.name.startswith("."))
        return cls({folder.name: load_article(folder) for folder in folders})

    def get(self, slug: str) -> Article | None:
        return self._articles.get(slug)

    def __iter__(self) -> Iterator[Article]:
        return iter(self._articles.values())

    def __len__(self) -> int:
        return len(self._articles)
