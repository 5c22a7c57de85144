"""Draft key facts from an article's text, each proved by the facts check before it is offered.

``suggest_facts(article, published)`` → ``list[Suggestion]``; ``Suggestion.to_fact()`` is the
``facts.yaml`` mapping.
"""

from __future__ import annotations

from app.facts.suggest.model import Suggestion
from app.facts.suggest.orchestrator import DEFAULT_MIN_CONFIDENCE, suggest_facts

__all__ = ["DEFAULT_MIN_CONFIDENCE", "Suggestion", "suggest_facts"]
