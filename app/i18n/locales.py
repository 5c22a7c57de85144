"""The supported languages and how a request's language is chosen.

Priority: URL prefix > ``?lang=`` > ``Accept-Language`` > default. Tags are matched with
RFC 4647 *lookup* (``fr-CA`` → ``fr``); the regional tag the reader asked for still picks the
CLDR locale used for dates and numbers when Babel knows it (``en-GB`` → "2 October 2023").
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

from babel import Locale, UnknownLocaleError

#: Languages the service publishes in. Negotiation, templates and the Makefile read this.
SUPPORTED_LANGUAGES: tuple[str, ...] = ("en", "fr")
DEFAULT_LANGUAGE = "en"
#: CLDR locales whose conventions a text in each language may follow (en: "October 2" or
#: "2 October"). The facts check accepts any of them; tests render each.
REGIONAL_LOCALES: dict[str, tuple[str, ...]] = {
    "en": ("en", "en_GB"),
    "fr": ("fr", "fr_CA", "fr_CH"),
}

#: The longest tag we read: RFC 5646 (section 4.4.1) asks implementations to keep 35
#: characters, which holds every registered tag; longer ones are ignored as malformed.
MAX_TAG_LENGTH = 35
#: Subtags per tag: language, extlang, script, region and a few variants or extensions.
MAX_SUBTAGS = 8
#: A BCP 47 language tag, loosely: letters, then subtags of letters and digits. The lookahead
#: reads at most MAX_TAG_LENGTH + 1 characters, so a huge value fails at once. `$`, not `\Z`,
#: keeps the pattern valid in JSON Schema (the OpenAPI document); use fullmatch.
LANGUAGE_TAG = re.compile(
    rf"^(?=[A-Za-z0-9-]{{1,{MAX_TAG_LENGTH}}}$)"
    rf"[A-Za-z]{{1,8}}(?:-[A-Za-z0-9]{{1,8}}){{0,{MAX_SUBTAGS - 1}}}$"
)
_Q_VALUE = re.compile(r"^(?:0(?:\.\d{0,3})?|1(?:\.0{0,3})?)\Z")
_MAX_HEADER_ITEMS = 32
_MAX_PARAMETERS = 4
#: Only headers this short are cached: browsers send 20-60 characters, and a cache keyed by
#: raw header values of any length grows with whatever clients send (RFC 9110 sets no limit).
CACHEABLE_HEADER_LENGTH = 256

Source = Literal["path", "query", "header", "default"]


@dataclass(frozen=True)
class Negotiated:
    """The outcome of negotiation for one request."""

    language: str
    """The served language, one of SUPPORTED_LANGUAGES."""
    locale: Locale
    """The CLDR locale for dates and numbers (regional when asked for and known)."""
    requested: str | None
    """The tag the reader asked for first, or None when they asked for nothing."""
    source: Source
    """What decided: the URL prefix, the query, the header, or the default."""

    @property
    def fallback(self) -> bool:
        """The reader asked for a language we do not serve and got another one."""
        return self.requested is not None and primary(self.requested) != self.language

    @property
    def varies_on_header(self) -> bool:
        """Whether Accept-Language took part in the choice (caches must Vary on it)."""
        return self.source in ("header", "default")


def primary(tag: str) -> str:
    """Return the primary language subtag, lower-cased: ``fr-CA`` → ``fr``."""
    return tag.split("-", 1)[0].lower()


def lookup(tag: str) -> str | None:
    """RFC 4647 lookup of *tag* among the supported languages."""
    # Truncating subtag by subtag is the longest supported range that is the tag itself or
    # a prefix of it ending at a "-"; checked that way, the work is linear in the tag.
    lowered = tag.lower()
    found: str | None = None
    for language in SUPPORTED_LANGUAGES:
        if lowered == language or lowered.startswith(language + "-"):
            if found is None or len(language) > len(found):
                found = language
    return found


@lru_cache(maxsize=256)
def formatting_locale(tag: str, language: str) -> Locale:
    """Return the CLDR locale for *tag* if Babel has it and it speaks *language*."""
    if primary(tag) == language:
        try:
            found = Locale.parse(tag, sep="-")
        except (ValueError, UnknownLocaleError):
            found = None
        if found is not None and found.language == language:
            return found
    return Locale.parse(language)


def parse_accept_language(header: str) -> tuple[str, ...]:
    """Return the tags of an Accept-Language header, best first; q=0 and junk dropped.

    Never raises: malformed items (and tags over MAX_TAG_LENGTH characters or MAX_SUBTAGS
    subtags) are skipped, as RFC 9110 lets a server ignore them. Only the first 32 items
    count. Linear in the header; only short headers are cached.
    """
    if len(header) <= CACHEABLE_HEADER_LENGTH:
        return _parse_cached(header)
    return _parse(header)


@lru_cache(maxsize=1024)
def _parse_cached(header: str) -> tuple[str, ...]:
    """The parse of a short header: at most 1024 keys of CACHEABLE_HEADER_LENGTH characters."""
    return _parse(header)


def _parse(header: str) -> tuple[str, ...]:
    weighted: list[tuple[float, int, str]] = []
    # maxsplit keeps the items past the 32nd in one piece, which is then dropped unread.
    for position, item in enumerate(header.split(",", _MAX_HEADER_ITEMS)[:_MAX_HEADER_ITEMS]):
        tag, _, params = item.strip().partition(";")
        tag = tag.strip()
        if not LANGUAGE_TAG.fullmatch(tag) and tag != "*":
            continue
        quality = 1.0
        # Only q is defined (RFC 9110); a few parameters are plenty, the rest is not read.
        for param in params.split(";", _MAX_PARAMETERS)[:_MAX_PARAMETERS]:
            name, _, value = param.strip().partition("=")
            if name.strip().lower() == "q":
                value = value.strip()
                quality = float(value) if _Q_VALUE.match(value) else -1.0
        if quality > 0:
            weighted.append((-quality, position, tag))
    return tuple(tag for _, _, tag in sorted(weighted))


def negotiate(
    path_language: str | None, query: str | None, accept_language: str | None
) -> Negotiated:
    """Choose the language for a request from its three possible sources.

    A *query* that is not a language tag (see LANGUAGE_TAG) is ignored.
    """
    if query is not None and not LANGUAGE_TAG.fullmatch(query):
        query = None
    if path_language is not None:
        language = path_language
        region = query if query and primary(query) == language else language
        return Negotiated(language, formatting_locale(region, language), language, "path")
    asked: list[tuple[str, Source]] = []
    if query:
        asked.append((query, "query"))
    if accept_language:
        asked.extend((tag, "header") for tag in parse_accept_language(accept_language))
    requested = next((tag for tag, _ in asked if tag != "*"), None)
    for tag, source in asked:
        found = lookup(tag)
        if found is not None:
            return Negotiated(found, formatting_locale(tag, found), requested, source)
    return Negotiated(DEFAULT_LANGUAGE, Locale.parse(DEFAULT_LANGUAGE), requested, "default")
