"""Draft the key facts of an article: read every sentence, prove every reading, keep the best.

A value read in several sentences (or in the headline, standfirst or a heading) is more likely
a key fact; each reading is proved with the facts check, and one suggestion is kept for each
value and qualifier: the surest, then the first in reading order.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from app.content.model import Article, Segment
from app.facts.suggest.model import Mention, Suggestion, fact_id, value_key
from app.facts.suggest.proof import proves, source_edition
from app.facts.suggest.reading import read_sentence
from app.facts.suggest.text import clause

#: What a reader sees first; a value there is more likely a key fact.
_PROMINENT = ("headline", "standfirst", "heading")
_READ = (*_PROMINENT, "body")
_REPEATED = 0.1  # per other segment that gives the same value, up to two
_SHOWN_FIRST = 0.1
DEFAULT_MIN_CONFIDENCE = 0.6


@dataclass(frozen=True)
class _Reading:
    mention: Mention
    segment: Segment
    order: int


def suggest_facts(
    article: Article,
    published: date | None = None,
    *,
    min_confidence: float = DEFAULT_MIN_CONFIDENCE,
) -> list[Suggestion]:
    """Key facts drafted from *article*, in reading order, each proved in its source language.

    *published* resolves "on Monday" and years left out (default: the article's date);
    suggestions rated below *min_confidence* are left out (0 keeps every proved one).
    """
    when = published or article.published
    places = frozenset({article.dateline}) if article.dateline else frozenset()
    agencies = frozenset(re.findall(r"\b[A-Z]{2,}\b", article.credit))
    readings: list[_Reading] = []
    for order, segment in enumerate(s for s in article.segments() if s.context in _READ):
        for mention in read_sentence(segment.text, article.language, when, places, agencies):
            readings.append(_Reading(mention, segment, order))
    readings = _without_defined_acronyms(readings)
    edition = source_edition(article)
    best: dict[tuple[object, ...], tuple[int, Suggestion]] = {}
    for reading, confidence in _rated(readings):
        suggestion = _suggestion(reading, confidence)
        if suggestion.confidence < min_confidence:
            continue
        if not proves(suggestion.value, suggestion.quote, suggestion.segment, edition):
            continue
        key = (*value_key(suggestion.value), suggestion.qualifier)
        if key not in best or suggestion.confidence > best[key][1].confidence:
            best[key] = (reading.order, suggestion)
    kept = sorted(best.values(), key=lambda found: (found[0], found[1].start))
    return [suggestion for _, suggestion in kept]


def _rated(readings: list[_Reading]) -> list[tuple[_Reading, float]]:
    """Each reading with its confidence raised for repetition and prominence."""
    segments: dict[tuple[object, ...], set[int]] = defaultdict(set)
    prominent: set[tuple[object, ...]] = set()
    for reading in readings:
        key = value_key(reading.mention.value)
        segments[key].add(reading.order)
        if reading.segment.context in _PROMINENT:
            prominent.add(key)
    rated = []
    for reading in readings:
        key = value_key(reading.mention.value)
        bonus = _REPEATED * min(2, len(segments[key]) - 1)
        bonus += _SHOWN_FIRST if key in prominent else 0.0
        rated.append((reading, min(0.99, round(reading.mention.confidence + bonus, 2))))
    return rated


def _without_defined_acronyms(readings: list[_Reading]) -> list[_Reading]:
    """An acronym alone ("CMA") is the organisation named in full elsewhere ("… (CMA)")."""
    names = [r.mention.value.name or "" for r in readings if r.mention.value.type == "organisation"]
    defined = {name.rsplit("(", 1)[1].rstrip(")") for name in names if name.endswith(")")}
    return [
        r
        for r in readings
        if not (r.mention.value.type == "organisation" and r.mention.value.name in defined)
    ]


def _suggestion(reading: _Reading, confidence: float) -> Suggestion:
    mention, text = reading.mention, reading.segment.text
    start, end = clause(text, mention.start, mention.end)
    start = min(start, mention.start)  # an apposition before a person's title
    return Suggestion(
        id=fact_id(mention.label, mention.value, mention.qualifier),
        label=mention.label,
        value=mention.value,
        qualifier=mention.qualifier,
        segment=reading.segment,
        start=start,
        end=max(end, mention.end),
        confidence=confidence,
    )
