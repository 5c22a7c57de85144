"""The editions a list offers in one language: complete ones only, newest first."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy.orm import Session

from app.content import repository
from app.store.models import ArticleRow
from app.syndication.completeness import States, list_states, listed, listed_languages
from app.translation import catalogs
from app.translation.memory import Translation

#: Articles read per step while looking for listed editions, and the most a list reads: a
#: language with few complete editions gets a shorter list, never an unbounded scan.
STEP = 100
MAX_SCANNED = 2_000


@dataclass(frozen=True)
class Article:
    """What a list says of an article (read inside the session: rows expire after it)."""

    slug: str
    language: str
    published: date | datetime
    updated: datetime
    credit: str


@dataclass(frozen=True)
class Listed:
    """One edition a list offers: its article, its text in that language, and the languages
    it is listed in (its alternates)."""

    row: Article
    language: str
    headline: str
    standfirst: str
    languages: tuple[str, ...]


def _text(memory: dict[catalogs.Key, Translation], context: str, source: str) -> str:
    found = memory.get((context, source))
    return found.text if found is not None and found.text is not None else source


def editions(
    session: Session,
    rows: Sequence[ArticleRow],
    languages: Sequence[str],
    wanted: Sequence[str],
    index_machine: bool,
    max_risk: float,
) -> list[Listed]:
    """The listed editions in *wanted* languages of *rows*, in the rows' order."""
    states: dict[int, States] = list_states(session, rows, languages, max_risk)
    found: list[Listed] = []
    for language in wanted:
        shown = [r for r in rows if listed(states[r.id][language], index_machine)]
        translated = [r.id for r in shown if r.language != language]
        memory = catalogs.headlines(session, translated, language) if translated else {}
        for row in shown:
            own = memory.get(row.id, {})
            found.append(
                Listed(
                    Article(row.slug, row.language, row.published, row.updated, row.credit),
                    language,
                    _text(own, "headline", row.headline),
                    _text(own, "standfirst", row.standfirst),
                    tuple(listed_languages(states[row.id], index_machine)),
                )
            )
    return found


def newest(
    session: Session,
    language: str,
    limit: int,
    languages: Sequence[str],
    index_machine: bool,
    max_risk: float,
    now: datetime,
    since: date | None = None,
) -> list[Listed]:
    """Up to *limit* listed editions in *language* readers may see at *now*, newest first
    (published *since*)."""
    found: list[Listed] = []
    after: repository.Cursor | None = None
    scanned = 0
    while len(found) < limit and scanned < MAX_SCANNED:
        rows = repository.published(session, STEP, now, after=after, since=since)
        if not rows:
            break
        scanned += len(rows)
        found += editions(session, rows, languages, [language], index_machine, max_risk)
        after = repository.Cursor(rows[-1].published, rows[-1].slug)
    return found[:limit]
