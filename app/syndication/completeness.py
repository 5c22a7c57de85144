"""Which editions may be offered to readers and search engines, and how complete each one is.

An edition is *complete* when every segment is publishable in it (``risk.publishable``, the one
rule: reviewed, or machine below ``MT_PUBLISH_MAX_RISK``). A page knows its own edition segment
by segment (``Edition.completeness``); lists of many articles (feeds, sitemaps) ask the store
instead, with one aggregate query per batch of articles on indexed columns: each (article,
language)'s memory entries counted by status, against the article's number of segments. Neither
loads a segment's text.

*Listed* editions — hreflang alternates, feeds, sitemaps, indexed pages — are the complete
ones; a machine-only edition is listed only when ``INDEX_MACHINE_TRANSLATIONS`` is on.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence

from sqlalchemy import and_, case, func, or_, select
from sqlalchemy.orm import Session

from app.content import repository
from app.content.model import Article
from app.store.database import Database
from app.store.models import ArticleRow, SegmentRow, TranslationRow
from app.translation import catalogs
from app.translation.edition import Completeness, Edition, completeness
from app.translation.memory import Status
from app.translation.risk import DEFAULT_MAX_RISK

#: Memory contexts of the article's own segments (body sentences have none); fact labels,
#: quotes and timeline entries are the fact box's, not the edition's text.
_ARTICLE_CONTEXTS = ("headline", "standfirst", "heading", "related")
#: Articles per aggregate query (each id is a bound parameter).
BATCH = 500

States = dict[str, Completeness]
"""An article's editions: language → completeness."""


def listed(state: Completeness, index_machine: bool) -> bool:
    """Whether an edition in *state* is offered as an alternate, in feeds and sitemaps, and
    indexed; *index_machine*: the ``INDEX_MACHINE_TRANSLATIONS`` setting."""
    if state is Completeness.MACHINE:
        return index_machine
    return state is not Completeness.INCOMPLETE


def article_states(
    session: Session,
    article_id: int,
    article: Article,
    languages: Sequence[str],
    max_risk: float = DEFAULT_MAX_RISK,
) -> States:
    """Every edition of one article, segment by segment (what its pages show)."""
    return {
        language: Edition(
            article,
            language,
            catalogs.translations(session, article_id, language, max_risk)
            if language != article.language
            else {},
        ).completeness
        for language in languages
    }


def edition_states(
    database: Database,
    edition: Edition,
    languages: Sequence[str],
    max_risk: float = DEFAULT_MAX_RISK,
) -> States:
    """How complete each edition of *edition*'s article is; *edition*'s own as it was read."""
    with database.read() as session:
        row = repository.find(session, edition.article.slug)
        found = article_states(session, row.id, edition.article, languages, max_risk) if row else {}
    return {**found, edition.language: edition.completeness}


def list_states(
    session: Session, rows: Sequence[ArticleRow], languages: Sequence[str], max_risk: float
) -> dict[int, States]:
    """The editions of many articles, by article id, from aggregate counts. A machine entry
    at or above *max_risk* is held for review (``risk.publishable``): counted as untranslated."""
    held = and_(
        TranslationRow.status == Status.MACHINE.value,
        TranslationRow.risk.is_not(None),
        TranslationRow.risk >= max_risk,
    )
    status = case((held, Status.UNTRANSLATED.value), else_=TranslationRow.status)
    found: dict[int, States] = {}
    for start in range(0, len(rows), BATCH):
        batch = rows[start : start + BATCH]
        ids = [row.id for row in batch]
        segments = dict(
            session.execute(
                select(SegmentRow.article_id, func.count())
                .where(SegmentRow.article_id.in_(ids))
                .group_by(SegmentRow.article_id)
            ).all()
        )
        counts: defaultdict[tuple[int, str], dict[str, int]] = defaultdict(dict)
        for article_id, language, state, n in session.execute(
            select(
                TranslationRow.article_id,
                TranslationRow.language,
                status,
                func.count(),
            )
            .where(
                TranslationRow.article_id.in_(ids),
                TranslationRow.status != catalogs.OBSOLETE,
                or_(
                    TranslationRow.context.is_(None),
                    TranslationRow.context.in_(_ARTICLE_CONTEXTS),
                ),
            )
            .group_by(TranslationRow.article_id, TranslationRow.language, status)
        ):
            counts[(article_id, language)][state] = counts[(article_id, language)].get(state, 0) + n
        for row in batch:
            found[row.id] = {
                language: completeness(
                    segments.get(row.id, 0),
                    counts.get((row.id, language), {}),
                    language == row.language,
                )
                for language in languages
            }
    return found


def listed_languages(states: States, index_machine: bool) -> list[str]:
    return [language for language, state in states.items() if listed(state, index_machine)]


def x_default(listed_in: Iterable[str], source: str, default: str) -> str:
    """The edition for readers of no listed language: the default one if listed, else the
    original."""
    return default if default in set(listed_in) else source
