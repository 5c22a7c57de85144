"""Load ``facts.yaml`` and tie every fact to the sentence of the article that supports it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from marshmallow import ValidationError

from app.content.model import Article, Segment
from app.content.store import ContentError, PlainScalarsLoader, first_error
from app.facts.model import ArticleFacts, Fact, PartialDate, Provenance, TimelineEntry, Value
from app.facts.schemas import FactsFileSchema


def _provenance(article: Article, quote: str) -> Provenance | None:
    """Find the one sentence of *article* that contains *quote* verbatim."""
    for sentence in article.segments():
        if quote in sentence.text:
            return Provenance(sentence, Segment("fact-quote", quote))
    return None


def _value(raw: dict[str, Any]) -> Value:
    return Value(
        type=raw["type"],
        number=raw.get("number"),
        unit=raw.get("unit"),
        date=PartialDate(raw["date"], raw["precision"]) if raw["type"] == "date" else None,
        items=tuple(Segment("place", item) for item in raw.get("items", ())),
        name=raw.get("name"),
        title=Segment("fact-title", raw["title"]) if "title" in raw else None,
    )


def load_facts(path: Path, article: Article) -> ArticleFacts:
    """Load and validate *path*; raise ContentError naming the file, the fact and the field."""
    try:
        raw = yaml.load(path.read_text(encoding="utf-8"), Loader=PlainScalarsLoader)  # noqa: S506
        data = FactsFileSchema().load(raw if isinstance(raw, dict) else {})
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as error:
        raise ContentError(f"{path}: cannot read: {error}") from error
    except ValidationError as error:
        messages = error.messages if isinstance(error.messages, dict) else {"": error.messages}
        raise ContentError(f"{path}: {_name_fact(messages, raw)}") from error

    facts, timeline = [], []
    for fact in data["facts"]:
        provenance = _provenance(article, fact["quote"])
        if provenance is None:
            raise ContentError(f"{path}: fact {fact['id']}: quote: not in the article's text")
        facts.append(
            Fact(
                fact["id"],
                Segment("fact-label", fact["label"]),
                _value(fact["value"]),
                fact["qualifier"],
                provenance,
            )
        )
    for index, entry in enumerate(data["timeline"]):
        provenance = _provenance(article, entry["quote"])
        if provenance is None:
            raise ContentError(f"{path}: timeline.{index}: quote: not in the article's text")
        when = PartialDate(entry["date"]["date"], entry["date"]["precision"])
        timeline.append(
            TimelineEntry(when, entry["qualifier"], Segment("timeline", entry["text"]), provenance)
        )
    return ArticleFacts(article.slug, tuple(facts), tuple(timeline))


def _name_fact(messages: dict[str, Any], raw: Any) -> str:
    """Say 'fact <id>: <field>: <message>' when the error is inside a fact."""
    located = first_error(messages)
    facts = messages.get("facts")
    if isinstance(facts, dict) and facts and isinstance(raw, dict):
        index = next(iter(facts))
        try:
            fact_id = raw["facts"][int(index)]["id"]
        except (KeyError, IndexError, TypeError, ValueError):
            return located
        return f"fact {fact_id}: {first_error(facts[index])}"
    return located
