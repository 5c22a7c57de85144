"""The facts document (facts.yaml's shape): validate it, tie every fact to its sentence,
and write it back in one canonical form."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from marshmallow import ValidationError

from app.content.folder import ContentError, dump_yaml, first_error, load_yaml, read_text
from app.content.model import Article, Segment
from app.facts.model import ArticleFacts, Fact, PartialDate, Provenance, TimelineEntry, Value
from app.facts.schemas import FactsFileSchema

HEADER = """\
# Key facts and timeline of the story. Every value is typed and rendered per locale with Babel;
# every quote is copied verbatim from one sentence of the article, and its translation lives in
# the article's catalogs (msgctxt "fact-quote"). `depeche check` proves each one.
"""


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


#: One schema for every document: making one builds its nested schemas again (a third of a
#: validation's time, measured on the seed's facts), and loading keeps no state in it.
_SCHEMA = FactsFileSchema()


def validate(raw: Any, where: str) -> dict[str, Any]:
    """The document, validated; raise ContentError naming *where*, the fact and the field."""
    try:
        data: dict[str, Any] = _SCHEMA.load(raw if isinstance(raw, dict) else {})
    except ValidationError as error:
        messages = error.messages if isinstance(error.messages, dict) else {"": error.messages}
        raise ContentError(f"{where}: {_name_fact(messages, raw)}") from error
    return data


def build_facts(raw: Any, article: Article, where: str) -> ArticleFacts:
    """Validate *raw* and tie each fact and timeline entry to the sentence it quotes."""
    data = validate(raw, where)
    facts, timeline = [], []
    for fact in data["facts"]:
        provenance = _provenance(article, fact["quote"])
        if provenance is None:
            raise ContentError(f"{where}: fact {fact['id']}: quote: not in the article's text")
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
            raise ContentError(f"{where}: timeline.{index}: quote: not in the article's text")
        when = PartialDate(entry["date"]["date"], entry["date"]["precision"])
        timeline.append(
            TimelineEntry(when, entry["qualifier"], Segment("timeline", entry["text"]), provenance)
        )
    return ArticleFacts(article.slug, tuple(facts), tuple(timeline))


def read_document(path: Path, root: Path | None = None) -> dict[str, Any]:
    """facts.yaml as plain data, not yet validated: build_facts validates it, against its
    article (one validation per import)."""
    raw = load_yaml(read_text(path, root), path)
    if not isinstance(raw, dict):
        validate(raw, str(path))  # says what is wrong with a file that is not a mapping
    return {"facts": list(raw.get("facts") or []), "timeline": list(raw.get("timeline") or [])}


def load_facts(path: Path, article: Article) -> ArticleFacts:
    """Load, validate and tie ``facts.yaml`` to *article*."""
    return build_facts(read_document(path), article, str(path))


def render_document(document: dict[str, Any]) -> str:
    """facts.yaml in its canonical form."""
    body = {"facts": document["facts"]}
    if document.get("timeline"):
        body["timeline"] = document["timeline"]
    return HEADER + dump_yaml(body, leaves_inline=True)


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
