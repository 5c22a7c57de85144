"""What an article page tells machines: canonical URL, hreflang, oEmbed, Open Graph, JSON-LD,
and whether it may be indexed at all (an incomplete edition is not)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from babel import Locale
from babel.core import get_global

from app.clock import newsroom_zone
from app.i18n.locales import DEFAULT_LANGUAGE
from app.publication.dates import local_iso, published_iso
from app.syndication.completeness import States, listed, x_default
from app.translation.edition import Completeness, Edition
from app.web.urls import absolute

SITE_NAME = "dépêche"


@dataclass(frozen=True)
class PageMetadata:
    canonical: str
    alternates: tuple[tuple[str, str], ...]
    """(hreflang, absolute URL) for every listed (complete) edition, then x-default."""
    oembed: str
    title: str
    description: str
    og_locale: str
    og_locale_alternates: tuple[str, ...]
    published: str
    json_ld: dict[str, Any]
    completeness: Completeness
    indexed: bool
    """False: the page says ``noindex`` (an incomplete edition, or machine-only ones unless
    INDEX_MACHINE_TRANSLATIONS is on)."""
    original: str
    """The article page in its own language (the notice of an incomplete edition links it)."""


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
    edition: Edition, urls: dict[str, str], base: str, description: str, state: Completeness
) -> dict[str, Any]:
    """schema.org NewsArticle for *edition*, linked to the other listed editions by URL (*urls*
    holds them and this one), with how complete its translation is."""
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
        data["creativeWorkStatus"] = state.value
    return data


def page_metadata(
    edition: Edition,
    locale: Locale,
    states: States,
    base: str,
    endpoint: str,
    index_machine: bool,
) -> PageMetadata:
    """Everything the ``<head>`` of an article (or facts) page says about it, with absolute
    URLs; *states* holds the completeness of each of the article's editions."""
    article = edition.article
    state = states[edition.language]
    shown = [lang for lang, found in states.items() if listed(found, index_machine)]
    linked = [*dict.fromkeys([*shown, edition.language, article.language])]
    urls = {lang: absolute(base, "web.article", lang=lang, slug=article.slug) for lang in linked}
    pages = {lang: absolute(base, endpoint, lang=lang, slug=article.slug) for lang in linked}
    default = x_default(shown, article.language, DEFAULT_LANGUAGE)
    alternates = tuple((lang, pages[lang]) for lang in shown)
    title = edition.text(article.headline)
    description = edition.text(article.standfirst)
    oembed = (
        absolute(base, "web.oembed")
        + "?"
        + urlencode({"url": pages[edition.language], "format": "json"})
    )
    return PageMetadata(
        canonical=pages[edition.language],
        alternates=(*alternates, ("x-default", pages[default])) if alternates else (),
        oembed=oembed,
        title=title,
        description=description,
        og_locale=og_locale(locale),
        og_locale_alternates=tuple(
            og_locale(Locale.parse(lang)) for lang in shown if lang != edition.language
        ),
        published=published_iso(article, newsroom_zone()),
        json_ld=news_article(
            edition,
            {lang: url for lang, url in urls.items() if lang in (*shown, edition.language)},
            base,
            description,
            state,
        ),
        completeness=state,
        indexed=listed(state, index_machine),
        original=pages[article.language],
    )
