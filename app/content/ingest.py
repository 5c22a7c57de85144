"""Turn wire copy into an article folder: ``source.txt`` (as received) and ``article.md``.

Deterministic: the same wire copy and editorial fields always give the same bytes. Editorial
fields that wire copy lacks (headline, standfirst, dateline, date, publisher) come from the
caller, or from the article already on disk, so re-ingesting keeps an editor's work.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import frontmatter
import yaml

from app.content.wire import WireStory, parse_wire
from app.fsutil import write_atomically

EDITORIAL_FIELDS = ("headline", "standfirst", "dateline", "published", "language", "publisher")


class IngestError(ValueError):
    """The wire copy or the editorial fields cannot make an article."""


@dataclass(frozen=True)
class IngestResult:
    folder: Path
    story: WireStory


def _existing_fields(article_md: Path) -> dict[str, Any]:
    if not article_md.exists():
        return {}
    post = frontmatter.load(article_md)
    return {key: post.metadata[key] for key in EDITORIAL_FIELDS if key in post.metadata}


def render_article(slug: str, story: WireStory, fields: dict[str, Any]) -> str:
    """Render the article as Markdown with YAML front matter."""
    missing = [
        key for key in ("headline", "standfirst", "dateline", "published") if not fields.get(key)
    ]
    if missing:
        raise IngestError(f"{slug}: missing editorial field(s): {', '.join(missing)}")
    if story.agency is None:
        raise IngestError(f"{slug}: no credit line (e.g. 'With AFP') in the wire copy")
    publisher = fields.get("publisher")
    meta: dict[str, Any] = {
        "slug": slug,
        "headline": fields["headline"],
        "standfirst": fields["standfirst"],
        "dateline": fields["dateline"],
        "published": date.fromisoformat(str(fields["published"])),
        "language": fields.get("language", "en"),
        "publisher": publisher,
        "credit": f"{story.agency} / {publisher}" if publisher else story.agency,
        "related": [{"title": title} for title in story.related],
    }
    if publisher is None:
        del meta["publisher"]
    header = yaml.safe_dump(meta, allow_unicode=True, sort_keys=False, width=10_000)
    body = "\n\n".join(f"## {text}" if kind == "heading" else text for kind, text in story.blocks)
    return f"---\n{header}---\n\n{body}\n"


def ingest(wire_path: Path, slug: str, data_dir: Path, **fields: Any) -> IngestResult:
    """Ingest *wire_path* into ``data_dir/articles/<slug>/``; return what was read."""
    raw = wire_path.read_bytes()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        raise IngestError(f"{wire_path}: not UTF-8 ({error})") from error
    folder = data_dir / "articles" / slug
    given = {key: value for key, value in fields.items() if value is not None}
    merged = {**_existing_fields(folder / "article.md"), **given}
    story = parse_wire(text)
    article = render_article(slug, story, merged)
    write_atomically(folder / "source.txt", raw)
    write_atomically(folder / "article.md", article.encode())
    return IngestResult(folder, story)
