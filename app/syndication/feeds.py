"""RSS 2.0 and Atom 1.0 per language, written by feedgen: the latest listed editions."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from feedgen.feed import FeedGenerator  # type: ignore[import-untyped]

from app.syndication.dates import aware
from app.syndication.listing import Listed

#: Editions in a feed.
FEED_SIZE = 50
#: The date of a feed with no entry (fixed, so that its bytes and ETag are too).
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


@dataclass(frozen=True)
class FeedInfo:
    """What a feed says about itself."""

    language: str
    title: str
    subtitle: str
    home: str
    """The language's home page (absolute)."""
    self_url: str
    """This feed's own URL (absolute)."""


def last_modified(entries: Sequence[Listed]) -> datetime:
    """When the newest change shown happened (Last-Modified, and the feed's own date)."""
    return max((aware(e.row.updated) for e in entries), default=_EPOCH).replace(microsecond=0)


def build(info: FeedInfo, entries: Sequence[Listed], urls: Sequence[str], kind: str) -> bytes:
    """The feed of *entries* (with their edition URLs *urls*), as ``rss`` or ``atom``."""
    feed = FeedGenerator()
    feed.load_extension("dc")
    feed.id(info.self_url)
    feed.title(info.title)
    feed.link(href=info.self_url, rel="self")
    feed.link(href=info.home, rel="alternate")  # RSS's channel link is the last one given
    feed.language(info.language)
    feed.description(info.subtitle)
    changed = last_modified(entries)
    feed.updated(changed)  # feedgen would say "now": the bytes would differ every render
    feed.lastBuildDate(changed)
    for entry, url in zip(entries, urls, strict=True):
        row = entry.row
        item = feed.add_entry(order="append")
        item.id(url)
        item.guid(url, permalink=True)
        item.title(entry.headline)
        item.link(href=url, hreflang=entry.language)
        item.description(entry.standfirst, isSummary=True)
        item.published(aware(row.published))
        item.updated(aware(row.updated).replace(microsecond=0))
        item.author({"name": row.credit})
        item.dc.dc_creator(row.credit)  # RSS's own <author> must be an e-mail address
    data: bytes = feed.rss_str(pretty=False) if kind == "rss" else feed.atom_str(pretty=False)
    return data
