"""Read one sentence: every typed value in it, with a draft label and a first confidence."""

from __future__ import annotations

from datetime import date

from app.content.model import Segment
from app.facts.model import Value
from app.facts.suggest import labels
from app.facts.suggest.dates import find_dates
from app.facts.suggest.model import Mention
from app.facts.suggest.names import find_organisations, find_people
from app.facts.suggest.numbers import find_numbers
from app.facts.suggest.places import find_place_lists
from app.facts.suggest.text import Spans, capitalize

# Written in words, a number cannot pass the digits proof: it is read (so it is never taken for
# another number) but rated so low that no default threshold offers it.
_SPELLED = 0.2
_PERIOD = 0.15  # a date that starts or ends a period: "since 2013", "by 31 December"


def read_dates(text: str, language: str, published: date) -> tuple[list[Mention], Spans]:
    found, taken = find_dates(text, language, published)
    mentions = []
    for when in found:
        bonus = _PERIOD if when.qualifier is not None else 0.0
        mentions.append(
            Mention(
                Value("date", date=when.when),
                when.qualifier,
                when.start,
                when.end,
                labels.date_label(text, when.start, when.end, language),
                when.confidence + bonus,
            )
        )
    return mentions, taken


def read_numbers(text: str, language: str, taken: Spans) -> list[Mention]:
    mentions = []
    for found in find_numbers(text, language, taken):
        if found.unit is None:
            label = labels.count_label(found.noun, language)
            confidence = 0.8
        else:
            label = labels.quantity_label(text, found.end, found.unit, found.noun, language)
            confidence = 0.85
        value = Value(found.type, number=found.number, unit=found.unit)
        confidence = _SPELLED if found.spelled else confidence
        mentions.append(Mention(value, found.qualifier, found.start, found.end, label, confidence))
    return mentions


def read_names(text: str, language: str, exclude: frozenset[str]) -> list[Mention]:
    mentions = []
    for person in find_people(text, language):
        title = Segment("fact-title", person.title) if person.title else None
        apposition = labels.apposition_before(text, person.start, language)
        label, start = apposition or (
            labels.apposition_after(text, person.end, language) or capitalize(person.title or ""),
            person.start,
        )
        value = Value("person", name=person.name, title=title)
        mentions.append(Mention(value, None, start, person.end, label, person.confidence))
    for org in find_organisations(text, language, exclude):
        label = labels.apposition_after(text, org.end, language) or labels.generic(
            "organisation", language
        )
        value = Value("organisation", name=org.name)
        mentions.append(Mention(value, None, org.start, org.end, label, org.confidence))
    return mentions


def read_places(text: str, language: str, extra: frozenset[str]) -> list[Mention]:
    return [
        Mention(
            Value("places", items=tuple(Segment("place", item) for item in found.items)),
            None,
            found.start,
            found.end,
            labels.places_label(text, found.start, language),
            found.confidence,
        )
        for found in find_place_lists(text, language, extra)
    ]


def read_sentence(
    text: str,
    language: str,
    published: date,
    places: frozenset[str] = frozenset(),
    exclude: frozenset[str] = frozenset(),
) -> list[Mention]:
    """Every value in *text*: dates first (so "2 October" is not a count of 2), then numbers,
    names and lists of places."""
    dates, taken = read_dates(text, language, published)
    found = dates + read_numbers(text, language, taken)
    found += read_names(text, language, exclude) + read_places(text, language, places)
    return sorted(found, key=lambda mention: mention.start)
