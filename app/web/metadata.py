"""What an article page tells machines: canonical URL, hreflang, oEmbed, Open Graph, JSON-LD."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from babel import Locale
from babel.core import get_global

from app.clock import newsroom_zone
from app.i18n.locales import DEFAULT_LANGUAGE
from app.publication.dates import local_iso, published_iso
from app.translation.edition import Edition
from app.web.urls import absolute

SITE_NAME = "dépêche"


@dataclass(frozen=True)
class PageMetadata:
    canonical: str
    alternates: tuple[tuple[str, str], ...]
    """(hreflang, absolute URL) for every language, then x-default."""
    oembed: str
    title: str
    description: str
    og_locale: str
    og_locale_alternates: tuple[str, ...]
    published: str
    json_ld: dict[str, Any]


def og_locale(locale: Locale) -> str:
    """Open Graph's language_TERRITORY: fr → fr_FR, en → en_US; fr_CA stays fr_CA."""
    if locale.territory is None:
        likely = get_global("likely_subtags")
        locale = Locale.parse(str(likely.get(locale.language, locale.language)))
    return f"{locale.language}_{locale.territory}" if locale.territory else locale.language


def _organisations(credit: str) -> list[dict[str, str]]:
    """ "AFP / France 24" → the two organisations it names."""
    names = [name.strip() for name in credit.split("/") if name.strip()]
    return [{"@type": "Organization", "name": name} for name in names]


def _edition_ref(url: str, language: str) -> dict[str, str]:
    return {"@type": "NewsArticle", "@id": url, "url": url, "inLanguage": language}


def news_article(
    edition: Edition, urls: dict[str, str], base: str, description: str
) -> dict[str, Any]:
    """schema.org NewsArticle for *edition*, linked to the other editions by URL."""
    article, language = edition.article, edition.language
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "@id": urls[language],
        "url": urls[language],
        "mainEntityOfPage": urls[language],
        "headline": edition.text(article.headline),
        "description": description,
        "datePublished": published_iso(article, newsroom_zone()),
        "dateline": article.dateline,
        "inLanguage": language,
        "author": _organisations(article.credit),
        "creditText": article.credit,
        "publisher": {"@type": "Organization", "name": SITE_NAME, "url": f"{base}/"},
        "isAccessibleForFree": True,
    }
    if (modified := local_iso(article.modified_at, newsroom_zone())) is not None:
        data["dateModified"] = modified
    if language == article.language:
        others = [_edition_ref(url, lang) for lang, url in urls.items() if lang != language]
        if others:
            data["workTranslation"] = others
    else:
        data["translationOfWork"] = _edition_ref(urls[article.language], article.language)
    return data


def page_metadata(
    edition: Edition, locale: Locale, languages: tuple[str, ...], base: str, endpoint: str
) -> PageMetadata:
    """Everything the ``<head>`` of an article (or facts) page says about it, with absolute URLs."""
    article = edition.article
    urls = {lang: absolute(base, "web.article", lang=lang, slug=article.slug) for lang in languages}
    pages = {lang: absolute(base, endpoint, lang=lang, slug=article.slug) for lang in languages}
    default = DEFAULT_LANGUAGE if DEFAULT_LANGUAGE in pages else article.language
    title = edition.text(article.headline)
    description = edition.text(article.standfirst)
    oembed = (
        absolute(base, "web.oembed")
        + "?"
        + urlencode({"url": pages[edition.language], "format": "json"})
    )
    return PageMetadata(
        canonical=pages[edition.language],
        alternates=(*pages.items(), ("x-default", pages[default])),
        oembed=oembed,
        title=title,
        description=description,
        og_locale=og_locale(locale),
        og_locale_alternates=tuple(
            og_locale(Locale.parse(lang)) for lang in languages if lang != edition.language
        ),
        published=published_iso(article, newsroom_zone()),
        json_ld=news_article(edition, urls, base, description),
    )
