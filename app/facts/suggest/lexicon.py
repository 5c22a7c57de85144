"""The lexicon of each language we read facts in."""

from __future__ import annotations

from app.facts.suggest.vocabulary import Lexicon
from app.facts.suggest.words_en import EN
from app.facts.suggest.words_fr import FR

__all__ = ["LEXICONS", "Lexicon", "lexicon"]

LEXICONS: dict[str, Lexicon] = {"en": EN, "fr": FR}


def lexicon(language: str) -> Lexicon:
    """The lexicon of *language* (English for a language we have none for)."""
    return LEXICONS.get(language, EN)
