"""Score suggestions against the facts an editor wrote: precision and recall.

A suggestion matches a written fact when its type and value are the same (a person's title
compared without case), and so is its qualifier when the written fact gives one. Each fact
and each suggestion counts once.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from app.facts.suggest.model import Suggestion

_COMPARED = ("type", "number", "unit", "date", "precision", "items", "name")


@dataclass(frozen=True)
class Score:
    suggested: int
    written: int
    matched: int
    missed: tuple[str, ...]
    """Ids of the written facts no suggestion matched."""
    extra: tuple[str, ...]
    """Ids of the suggestions that match no written fact."""

    @property
    def precision(self) -> float:
        return self.matched / self.suggested if self.suggested else 0.0

    @property
    def recall(self) -> float:
        return self.matched / self.written if self.written else 0.0


def _same(value: Any, other: Any) -> bool:
    if isinstance(value, (int, float, Decimal)) and isinstance(other, (int, float, Decimal)):
        return Decimal(str(value)) == Decimal(str(other))
    return bool(value == other)


def matches(suggested: Mapping[str, Any], written: Mapping[str, Any]) -> bool:
    """Whether a suggestion's fact (``to_fact()``) states the *written* fact."""
    mine, theirs = suggested["value"], written["value"]
    if not all(_same(mine.get(key), theirs.get(key)) for key in _COMPARED):
        return False
    if "title" in theirs and str(mine.get("title", "")).lower() != str(theirs["title"]).lower():
        return False
    wanted = written.get("qualifier")
    return wanted is None or suggested.get("qualifier") == wanted


def score(suggestions: Sequence[Suggestion], written: Sequence[Mapping[str, Any]]) -> Score:
    """How many of *written* the *suggestions* state, and how many suggestions are extra."""
    left = list(written)
    matched, extra = 0, []
    for suggestion in suggestions:
        fact = suggestion.to_fact()
        found = next((w for w in left if matches(fact, w)), None)
        if found is None:
            extra.append(fact["id"])
            continue
        left.remove(found)
        matched += 1
    missed = tuple(str(w["id"]) for w in left)
    return Score(len(suggestions), len(written), matched, missed, tuple(extra))
