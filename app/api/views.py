"""Turn an edition into the plain data the API schemas dump."""

from __future__ import annotations

from typing import Any

from babel import Locale
from flask import url_for

from app.clock import newsroom_zone
from app.i18n.locales import Negotiated
from app.i18n.render import display_datetime
from app.publication.dates import local_iso, published_display
from app.syndication.completeness import States, listed
from app.translation.edition import Edition


def alternates(slug: str, languages: tuple[str, ...]) -> list[dict[str, str]]:
    return [
        {
            "language": lang,
            "html": url_for("web.article", lang=lang, slug=slug),
            "api": url_for("articles.Article", slug=slug, lang=lang),
        }
        for lang in languages
    ]


def summary(edition: Edition, locale: Locale, languages: tuple[str, ...]) -> dict[str, Any]:
    article = edition.article
    timed = article.published_at is not None
    return {
        "slug": article.slug,
        "headline": edition.text(article.headline),
        "standfirst": edition.text(article.standfirst),
        "published": {
            "date": article.published,
            "display": published_display(article, locale, newsroom_zone()),
            **({"time": local_iso(article.published_at, newsroom_zone())} if timed else {}),
        },
        "language": edition.language,
        "languages": list(languages),
        "alternates": alternates(article.slug, languages),
    }


def full(
    edition: Edition,
    negotiated: Negotiated,
    languages: tuple[str, ...],
    states: States,
    index_machine: bool,
) -> dict[str, Any]:
    """The whole edition; *states*: how complete each of the article's editions is."""
    article = edition.article
    data = summary(edition, negotiated.locale, languages)
    if (modified := article.modified_at) is not None:
        data["updated"] = {
            "time": local_iso(modified, newsroom_zone()),
            "display": display_datetime(modified, negotiated.locale, newsroom_zone()),
        }
    data.update(
        version=article.version,
        dateline=article.dateline,
        credit=article.credit,
        sections=[
            {
                "heading": edition.text(s.heading) if s.heading else None,
                "paragraphs": [
                    {
                        "text": " ".join(edition.text(seg) for seg in p.sentences),
                        "segments": [seg.id for seg in p.sentences],
                    }
                    for p in s.paragraphs
                ],
            }
            for s in article.sections
        ],
        related=[{"title": edition.text(r.title), "url": r.url} for r in article.related],
        translation={
            "source": article.language,
            "served": edition.language,
            "requested": negotiated.requested,
            "fallback": negotiated.fallback,
            "complete": edition.complete,
            "completeness": states[edition.language].value,
            "indexed": listed(states[edition.language], index_machine),
            "editions": {lang: state.value for lang, state in states.items()},
            "counts": edition.counts(),
            "segments": [
                {"id": seg.id, "context": seg.context, "status": edition.status(seg).value}
                for seg in article.segments()
            ],
        },
    )
    return data
