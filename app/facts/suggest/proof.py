"""The source-language half of the facts check, run on every candidate before it is offered.

The same functions as ``depeche check`` (app/facts/check.py): the quote is in the sentence,
and the value, as Babel renders it for each of the language's locales, is in the sentence.
"""

from __future__ import annotations

from functools import lru_cache
from types import MappingProxyType

from babel import Locale

from app.content.model import Article, Segment
from app.facts.check import mentions, normalize
from app.facts.model import Value
from app.i18n.locales import REGIONAL_LOCALES
from app.translation.edition import Edition


@lru_cache(maxsize=8)
def _locales(language: str) -> tuple[Locale, ...]:
    return tuple(Locale.parse(tag) for tag in REGIONAL_LOCALES.get(language, (language,)))


def source_edition(article: Article) -> Edition:
    """The article as its own language reads it (every segment is its source text)."""
    return Edition(article, article.language, MappingProxyType({}))


def proves(value: Value, quote: str, sentence: Segment, edition: Edition) -> bool:
    """Whether *quote* and *value* pass the check against *sentence* in the source language."""
    if not quote or quote not in sentence.text:
        return False
    text = normalize(sentence.text)
    per_locale = [mentions(value, edition, locale) for locale in _locales(edition.language)]
    for index in range(len(per_locale[0])):
        forms = {found[index] for found in per_locale}
        if not any(normalize(form) in text for form in forms):
            return False
    return True
