"""What a language writes around a fact: qualifiers, vague amounts, titles, names.

Month and weekday names and unit names come from CLDR (Babel); the word lists (words_en.py,
words_fr.py) only hold the closed-class words that CLDR does not have. Every phrase is lower
case and matched case-insensitively, with any kind of space between words.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Lexicon:
    """What one language writes around numbers, dates and names."""

    qualifiers: dict[str, str | None]
    """Phrase before a number → qualifier; None: a bound the facts cannot state (drop it)."""
    qualifiers_after: dict[str, str]
    """Phrase right after a quantity ("300 km environ")."""
    date_qualifiers: dict[str, str | None]
    """Phrase before a date → qualifier ("by", "since"); None: drop ("until", "before")."""
    vague_before: tuple[str, ...]
    """Words that make the number after them vague: "several", "plusieurs", "des"."""
    vague_scales: tuple[str, ...]
    """Plural scale nouns that never make a precise number: "hundreds", "centaines"."""
    scales: dict[str, int]
    """Scale words after digits: "1.5 million" is 1,500,000."""
    range_joiners: tuple[str, ...]
    """Between two numbers, a range: "200 to 300" (a fact states one number)."""
    range_openers: tuple[str, ...]
    """Before the first number of a range: "between", "entre", "from"."""
    attribution_nouns: tuple[str, ...]
    """People counted to attribute a quote ("two security officials said"): not facts."""
    currencies: tuple[str, ...]
    """Money: a figure in a currency has no fact type yet."""
    age_nouns: tuple[str, ...]
    """People a number of years describes: "une femme de 34 ans" is an age, not a duration."""
    attributions: tuple[str, ...]
    """Words that name a source ("according to the UN"): a source is rarely a key fact."""
    power_phrases: tuple[str, ...]
    """Taking power: the date after such a phrase starts a period ("in power since")."""
    future_markers: tuple[str, ...]
    """A weekday in a sentence with one of these is the coming one, not the last one."""
    relative_days: dict[str, int]
    """Words naming a day relative to publication: "yesterday" → -1."""
    part_of_month: dict[str, str]
    """Phrase before a month → part: "late" → late, "fin" → late."""
    titles: tuple[str, ...]
    """A person's title before the name (compound titles first)."""
    org_heads: tuple[str, ...]
    """Nouns that head the name of an organisation."""
    connectors: tuple[str, ...]
    """Small words inside a proper name: "of", "des", "de l'"."""
    list_joiners: tuple[str, ...]
    """Between the items of a list of places, after a comma or without one."""
    locatives: tuple[str, ...]
    """Prepositions that put a list of places as where something happens."""
    relation_openers: tuple[str, ...]
    """Prepositions that make two places a relation, not a list: "between"."""
    determiners: tuple[str, ...]
    """Words dropped at the start of a draft label."""
    stopwords: tuple[str, ...]
    """Words that end a noun phrase after a number."""
