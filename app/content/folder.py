"""Read an article folder of the editorial exchange format (``article.md``), and write it back.

Folders come from people and tools: every read is bounded, a folder or file that links outside
the data folder is refused, YAML is parsed safely (by libyaml when it is there), and every
error names the file and the field.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import yaml
from marshmallow import ValidationError

from app.content.model import Article, Paragraph, RelatedLink, Section, Segment
from app.content.schemas import FrontMatterSchema
from app.content.segment import split_sentences

#: Largest file of an article folder read (article.md, facts.yaml, a PO catalog, source.txt).
MAX_FILE_BYTES = 2 * 1024 * 1024
_SAFE_LOADER: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_SAFE_DUMPER: Any = getattr(yaml, "CSafeDumper", yaml.SafeDumper)


class PlainScalarsLoader(_SAFE_LOADER):  # type: ignore[valid-type,misc]
    """YAML without implicit timestamps: dates reach the schema as text, so a bad date is
    reported by field name instead of failing inside the YAML parser."""


PlainScalarsLoader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


class ContentError(Exception):
    """An article file is invalid; the message names the file and the field."""


def first_error(messages: Any, prefix: str = "") -> str:
    """Flatten marshmallow's nested messages into 'field.sub: message'."""
    if isinstance(messages, dict) and messages:
        key, value = next(iter(messages.items()))
        return first_error(value, f"{prefix}.{key}" if prefix else str(key))
    if isinstance(messages, list) and messages:
        return first_error(messages[0], prefix)
    return f"{prefix}: {messages}"


def read_bytes(path: Path, root: Path | None = None) -> bytes:
    """A file's bytes, at most MAX_FILE_BYTES, refusing links that lead outside *root*."""
    if root is not None:
        try:
            path.resolve().relative_to(root.resolve())
        except ValueError as error:
            raise ContentError(f"{path}: links outside {root}: refused") from error
    try:
        with path.open("rb") as handle:
            data = handle.read(MAX_FILE_BYTES + 1)
    except OSError as error:
        raise ContentError(f"{path}: cannot read: {error.strerror or error}") from error
    if len(data) > MAX_FILE_BYTES:
        raise ContentError(f"{path}: larger than {MAX_FILE_BYTES} bytes: refused")
    return data


def read_text(path: Path, root: Path | None = None) -> str:
    try:
        return read_bytes(path, root).decode("utf-8")
    except UnicodeDecodeError as error:
        raise ContentError(f"{path}: not UTF-8 ({error})") from error


#: Deepest nesting of flow collections accepted: libyaml recurses per level, and a file of
#: nothing but brackets would exhaust the stack (real front matter and facts nest 3 deep).
MAX_YAML_DEPTH = 64


def _flow_depth(text: str) -> int:
    """The deepest run of opening brackets, counted in one pass (a bound, quotes ignored)."""
    depth = deepest = 0
    for char in text:
        if char in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif char in "]}":
            depth = max(depth - 1, 0)
    return deepest


def load_yaml(text: str, path: Path) -> Any:
    """Parse YAML safely; a syntax error or absurd nesting is reported against *path*."""
    if _flow_depth(text) > MAX_YAML_DEPTH:
        raise ContentError(f"{path}: nested too deeply (more than {MAX_YAML_DEPTH} levels)")
    try:
        return yaml.load(text, Loader=PlainScalarsLoader)  # noqa: S506 (a SafeLoader)
    except yaml.YAMLError as error:
        raise ContentError(f"{path}: not valid YAML: {error}") from error
    except RecursionError as error:
        raise ContentError(f"{path}: nested too deeply") from error


def dump_yaml(data: Any, leaves_inline: bool = False) -> str:
    """YAML in the one form export writes: keys in order, no line wrapping; with
    *leaves_inline*, mappings of plain values on one line (``{type: count, number: 119}``)."""
    text: str = yaml.dump(
        data,
        Dumper=_SAFE_DUMPER,
        sort_keys=False,
        allow_unicode=True,
        default_flow_style=None if leaves_inline else False,
        width=10_000,
    )
    return text


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


def _split_front_matter(text: str, path: Path) -> tuple[str, str]:
    if not text.startswith("---\n"):
        raise ContentError(f"{path}: front matter: missing (the file starts with ---)")
    end = text.find("\n---\n", 3)
    if end < 0:
        raise ContentError(f"{path}: front matter: not closed by ---")
    return text[4 : end + 1], text[end + 5 :]


def parse_article(text: str, path: Path, slug: str | None = None) -> Article:
    """Validate article.md's text; raise ContentError naming *path* and the field."""
    header, body = _split_front_matter(text, path)
    raw = load_yaml(header, path)
    try:
        meta = FrontMatterSchema().load(raw if isinstance(raw, dict) else {})
    except ValidationError as error:
        raise ContentError(f"{path}: {first_error(error.messages)}") from error
    if slug is not None and meta["slug"] != slug:
        raise ContentError(f"{path}: slug: {meta['slug']!r} differs from folder {slug!r}")
    if not body.strip():
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
        sections=parse_body(body, meta["language"]),
        related=tuple(
            RelatedLink(Segment("related", link["title"]), link["url"]) for link in meta["related"]
        ),
        publisher=meta["publisher"],
    )


def load_article(folder: Path, root: Path | None = None) -> Article:
    """Load and validate ``folder/article.md``; raise ContentError naming file and field."""
    path = folder / "article.md"
    return parse_article(read_text(path, root), path, folder.name)


def render_markdown(article: Article) -> str:
    """article.md in its one canonical form (what ingest and export write)."""
    meta: dict[str, Any] = {
        "slug": article.slug,
        "headline": article.headline.text,
        "standfirst": article.standfirst.text,
        "dateline": article.dateline,
        "published": article.published,
        "language": article.language,
        "publisher": article.publisher,
        "credit": article.credit,
        "related": [
            {"title": link.title.text, **({"url": link.url} if link.url else {})}
            for link in article.related
        ],
    }
    if article.publisher is None:
        del meta["publisher"]
    blocks: list[str] = []
    for section in article.sections:
        if section.heading is not None:
            blocks.append(f"## {section.heading.text}")
        blocks += [" ".join(s.text for s in p.sentences) for p in section.paragraphs]
    return f"---\n{dump_yaml(meta)}---\n\n" + "\n\n".join(blocks) + "\n"
