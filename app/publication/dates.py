"""An article's dates as readers get them: in the newsroom's time zone, a day when only the
day is known (a made-up midnight is never shown), rendered for the reader's locale."""

from __future__ import annotations

from datetime import datetime, tzinfo

from babel import Locale

from app.content.model import Article
from app.i18n.render import DateStyle, display_date, display_datetime


def published_display(
    article: Article, locale: Locale, zone: tzinfo, style: DateStyle = "long"
) -> str:
    """ "2 octobre 2023, 16:05 +0200", or "2 octobre 2023" for a story known by its day."""
    if article.published_at is None:
        return display_date(article.published, locale, style)
    return display_datetime(article.published_at, locale, zone, style)


def published_iso(article: Article, zone: tzinfo) -> str:
    """ISO 8601 with the newsroom's offset (2023-10-02T16:05:12+02:00), or the day alone."""
    return local_iso(article.published_at, zone) or article.published.isoformat()


def local_iso(value: datetime | None, zone: tzinfo) -> str | None:
    return None if value is None else value.astimezone(zone).isoformat()
