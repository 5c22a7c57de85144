"""Sitemaps (sitemaps.org 0.9, with xhtml:link hreflang alternates) and the Google News sitemap.

``/sitemap.xml`` is an index of one sitemap per language and range of article ids: ranges of
``PER_FILE`` ids, so a file never passes the protocol's 50,000 URLs (it holds at most one URL
per article), a new article changes only the last file, and a file is built from one bounded
query on the primary key. Written as text with XML escaping: tens of thousands of URLs.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from xml.sax.saxutils import escape, quoteattr

from app.syndication.completeness import x_default
from app.syndication.dates import w3c
from app.syndication.listing import Listed

SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
XHTML_NS = "http://www.w3.org/1999/xhtml"
NEWS_NS = "http://www.google.com/schemas/sitemap-news/0.9"
#: Article ids per sitemap file: well under the protocol's 50,000 URLs (and 50 MB), so that a
#: file (~4 MB) is built in a fraction of a second and several fit in the render cache.
PER_FILE = 10_000
#: The Google News sitemap: the last two days, at most 1,000 URLs.
NEWS_HOURS = 48
NEWS_MAX = 1_000

_HEAD = '<?xml version="1.0" encoding="UTF-8"?>\n'
EditionUrl = Callable[[str, str], str]
"""(language, slug) → the edition's absolute URL."""


def files(last_id: int) -> int:
    """How many files each language's sitemap has for ids 1..*last_id* (at least one)."""
    return max(1, -(-last_id // PER_FILE))


def id_range(number: int) -> tuple[int, int]:
    return number * PER_FILE + 1, (number + 1) * PER_FILE


def index(locations: Iterable[str]) -> bytes:
    """The sitemap index of *locations* (absolute URLs)."""
    parts = [_HEAD, f'<sitemapindex xmlns="{SITEMAP_NS}">\n']
    parts += [f"<sitemap><loc>{escape(url)}</loc></sitemap>\n" for url in locations]
    parts.append("</sitemapindex>\n")
    return "".join(parts).encode()


def _alternates(entry: Listed, url: EditionUrl, default: str) -> str:
    if len(entry.languages) < 2:
        return ""  # an edition alone in its language has no alternate to announce
    slug = entry.row.slug
    links = [(lang, url(lang, slug)) for lang in entry.languages]
    links.append(("x-default", url(x_default(entry.languages, entry.row.language, default), slug)))
    return "".join(
        f'<xhtml:link rel="alternate" hreflang="{lang}" href={quoteattr(href)}/>'
        for lang, href in links
    )


def urlset(entries: Sequence[Listed], url: EditionUrl, default: str) -> bytes:
    """One sitemap: each edition with its last change and its listed alternates."""
    parts = [_HEAD, f'<urlset xmlns="{SITEMAP_NS}" xmlns:xhtml="{XHTML_NS}">\n']
    for entry in entries:
        parts.append(
            f"<url><loc>{escape(url(entry.language, entry.row.slug))}</loc>"
            f"<lastmod>{w3c(entry.row.updated)}</lastmod>"
            f"{_alternates(entry, url, default)}</url>\n"
        )
    parts.append("</urlset>\n")
    return "".join(parts).encode()


def news(entries: Sequence[Listed], url: EditionUrl, publication: str) -> bytes:
    """The Google News sitemap of *entries* (already the last two days, newest first)."""
    parts = [_HEAD, f'<urlset xmlns="{SITEMAP_NS}" xmlns:news="{NEWS_NS}">\n']
    for entry in entries[:NEWS_MAX]:
        parts.append(
            f"<url><loc>{escape(url(entry.language, entry.row.slug))}</loc><news:news>"
            f"<news:publication><news:name>{escape(publication)}</news:name>"
            f"<news:language>{entry.language}</news:language></news:publication>"
            f"<news:publication_date>{w3c(entry.row.published)}</news:publication_date>"
            f"<news:title>{escape(entry.headline)}</news:title></news:news></url>\n"
        )
    parts.append("</urlset>\n")
    return "".join(parts).encode()
