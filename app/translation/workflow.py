"""The translation-memory workflow: keep a catalog in step with its article, fill it by machine.

``update_catalog`` merges the article's current segments into its PO catalog with Babel's
``Catalog.update``: a changed segment becomes stale (fuzzy, the old translation kept as a draft),
a new one untranslated, a removed one obsolete. ``machine_fill`` then translates the untranslated
and stale entries in one batch and marks each ``machine:`` with the engine, model and version.
Reviewed entries are never touched.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime

from babel.messages.catalog import Catalog, Message

from app.content.model import Article, Segment
from app.translation.engine import Engine
from app.translation.memory import MACHINE_COMMENT, Status, status_of
from app.translation.text import translate_segments

Progress = Callable[[int, int], None]


@dataclass
class Report:
    """What a run did, by status."""

    counts: dict[str, int] = field(default_factory=dict)
    filled: int = 0
    obsolete: int = 0


def template(segments: Sequence[Segment]) -> Catalog:
    """A catalog template (POT) of the segments, in order."""
    pot = Catalog(fuzzy=False)
    for segment in segments:
        pot.add(segment.text, context=segment.msgctxt)
    return pot


def new_catalog(article: Article, language: str) -> Catalog:
    """An empty catalog for a new translation of *article*."""
    catalog = Catalog(
        locale=language,
        header_comment=f"# {language} translation of {article.slug!r}.",
        project=f"dépêche — {article.slug}",
        version=str(article.version),
        fuzzy=False,
    )
    catalog.msgid_bugs_address = ""
    return catalog


def update_catalog(
    catalog: Catalog | None, article: Article, language: str, extra: Sequence[Segment] = ()
) -> Catalog:
    """*catalog* (or a new one) merged with the article's current segments, in place."""
    catalog = catalog or new_catalog(article, language)
    created = catalog.creation_date
    catalog.update(
        template([*article.segments(), *extra]),
        no_fuzzy_matching=False,
        update_header_comment=False,
    )
    catalog.creation_date = created  # the merge is not a new template: keep the file's date
    return catalog


def machine_fill(
    catalog: Catalog,
    engine: Engine,
    source: str,
    target: str,
    progress: Progress | None = None,
    batch: int = 16,
) -> int:
    """Fill untranslated and stale entries by machine; return how many were filled."""
    todo = [m for m in catalog if m.id and status_of(m) in (Status.UNTRANSLATED, Status.STALE)]
    loaded = engine.load(source, target) if todo else None
    stamp = datetime.now(UTC).strftime("%Y-%m-%d")
    for start in range(0, len(todo), batch):
        chunk = todo[start : start + batch]
        texts = translate_segments(engine, [str(m.id) for m in chunk], source, target)
        for message, text in zip(chunk, texts, strict=True):
            _mark_machine(
                message, text, f"{MACHINE_COMMENT} {loaded.label if loaded else ''} {stamp}"
            )
        if progress is not None:
            progress(min(start + batch, len(todo)), len(todo))
    return len(todo)


def _mark_machine(message: Message, text: str, comment: str) -> None:
    if message.fuzzy and message.string:
        message.user_comments.append(f"draft before the source changed: {message.string}")
    message.string = text
    message.flags.discard("fuzzy")
    message.previous_id = []
    message.user_comments = [c for c in message.user_comments if not c.startswith(MACHINE_COMMENT)]
    message.user_comments.append(comment)


def report(catalog: Catalog) -> Report:
    counts = {status.value: 0 for status in Status if status is not Status.SOURCE}
    for message in catalog:
        if message.id:
            counts[status_of(message).value] += 1
    return Report(counts=counts, obsolete=len(catalog.obsolete))
