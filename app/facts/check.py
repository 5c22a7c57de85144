"""Prove every fact: its quote is in the wire copy, and its value is in every edition's sentence.

A value is looked for as each locale writes it in running text (Babel's digits, day and month,
year, month name), in the locale's version of the cited sentence.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, replace

from babel import Locale

from app.content.model import Article
from app.facts.model import ArticleFacts, Fact, PartialDate, TimelineEntry, Value
from app.i18n import render
from app.i18n.locales import REGIONAL_LOCALES
from app.translation.edition import Edition

_SPACES = re.compile(r"[\s\u00a0\u202f\u2009]+")


@dataclass(frozen=True)
class Problem:
    where: str
    language: str
    message: str
    untranslated: bool = False
    """Only a translation is missing (the cited sentence or the quote): nothing is wrong yet."""

    def __str__(self) -> str:
        return f"{self.where} [{self.language}]: {self.message}"


def normalize(text: str) -> str:
    """Compare text as a reader would: any space is a space, ’ is ', case does not matter."""
    return _SPACES.sub(" ", text).replace("\u2019", "'").casefold()


def date_mention(when: PartialDate, locale: Locale) -> str:
    first = when.first_day
    if when.precision == "day":
        return render.display_day_month(first, locale)
    if when.precision == "year":
        return render.display_year(first, locale)
    return render.display_month(first, locale, with_year=False)


def mentions(value: Value, edition: Edition, locale: Locale) -> list[str]:
    """What must appear in the sentence for *value*, as *locale* writes it in running text."""
    if value.number is not None:
        return [render.display_number(value.number, locale)]
    if value.date is not None:
        return [date_mention(value.date, locale)]
    if value.items:
        return [edition.text(item) for item in value.items]
    return [value.name] if value.name else []


def _check_item(
    where: str, item: Fact | TimelineEntry, wire: str, editions: Mapping[str, Edition]
) -> Iterator[Problem]:
    quote = item.provenance.quote.text
    if quote not in wire:
        yield Problem(where, "source", f"quote {quote!r} is not in source.txt")
    for language, edition in editions.items():
        yield from check_in(where, item, language, edition)


def check_in(
    where: str, item: Fact | TimelineEntry, language: str, edition: Edition
) -> Iterator[Problem]:
    """Every problem with *item* in one edition: its quote and its value in the cited sentence."""
    quote = item.provenance.quote.text
    sentence = edition.translation(item.provenance.sentence)
    if sentence.text is None:
        yield Problem(where, language, "the cited sentence has no translation", untranslated=True)
        return
    quoted = edition.translation(item.provenance.quote)
    if quoted.text is None:
        yield Problem(where, language, f"the quote {quote!r} has no translation", untranslated=True)
    elif normalize(quoted.text) not in normalize(sentence.text):
        yield Problem(where, language, f"quote {quoted.text!r} is not in: {sentence.text}")
    locales = [Locale.parse(tag) for tag in REGIONAL_LOCALES[language]]
    value = item.value if isinstance(item, Fact) else Value("date", date=item.date)
    per_locale = [mentions(value, edition, locale) for locale in locales]
    for index in range(len(per_locale[0])):
        forms = {found[index] for found in per_locale}
        if not any(normalize(form) in normalize(sentence.text) for form in forms):
            shown = " or ".join(repr(f) for f in sorted(forms))
            yield Problem(where, language, f"expected {shown} in: {sentence.text}")


def proven_facts(facts: ArticleFacts, edition: Edition) -> ArticleFacts:
    """Only the facts and timeline entries proven in *edition*'s language: a reader never gets
    a fact whose value the sentence in front of them does not say."""
    language = edition.language

    def proven(where: str, item: Fact | TimelineEntry) -> bool:
        return next(check_in(where, item, language, edition), None) is None

    return replace(
        facts,
        facts=tuple(f for f in facts.facts if proven(f"fact {f.id}", f)),
        timeline=tuple(e for i, e in enumerate(facts.timeline) if proven(f"timeline.{i}", e)),
    )


def check_article(
    article: Article, facts: ArticleFacts, editions: Mapping[str, Edition], wire: str
) -> list[Problem]:
    """Every problem with *facts*, for every edition of *article*; quotes must be in *wire*,
    the copy as received."""
    problems: list[Problem] = []
    for fact in facts.facts:
        problems += _check_item(f"fact {fact.id}", fact, wire, editions)
    for index, entry in enumerate(facts.timeline):
        problems += _check_item(f"timeline.{index}", entry, wire, editions)
    return problems
