"""Slugs made from a headline and a date: ASCII, lower case, hyphens, bounded, deterministic."""

from __future__ import annotations

import hashlib
import re
import unicodedata
from datetime import date

#: Letters NFKD does not take apart into a base letter and accents.
_LIGATURES = str.maketrans(
    {"œ": "oe", "Œ": "oe", "æ": "ae", "Æ": "ae", "ß": "ss", "ø": "o", "Ø": "o", "ł": "l",
     "Ł": "l", "đ": "d", "Đ": "d", "þ": "th", "ð": "d", "ı": "i"}
)  # fmt: skip
_NOT_WORD = re.compile(r"[^a-z0-9]+")
#: Words of the headline kept: enough to read, short enough for a URL.
MAX_WORDS_LENGTH = 60
#: Hex digits of the item's digest added when another item has the slug already.
SUFFIX_LENGTH = 6


def slugify(text: str, max_length: int = MAX_WORDS_LENGTH) -> str:
    """ "Mali : l'armée à Kidal" → "mali-l-armee-a-kidal", cut at a word within *max_length*."""
    # Accents go (é → e); any other character that is not a-z or 0-9 separates words.
    decomposed = unicodedata.normalize("NFKD", text.translate(_LIGATURES).lower())
    bare = "".join(char for char in decomposed if not unicodedata.combining(char))
    slug = _NOT_WORD.sub("-", bare).strip("-")
    if len(slug) > max_length:
        cut = slug[: max_length + 1]
        slug = cut[: cut.rfind("-")] if "-" in cut else cut[:max_length]
    return slug.strip("-")


def derive_slug(headline: str, day: date) -> str:
    """The slug of a story from its headline and its day: "...-kidal-20231002"."""
    words = slugify(headline) or "story"
    return f"{words}-{day:%Y%m%d}"


def distinct_slug(slug: str, uri: str) -> str:
    """*slug* made distinct for item *uri*, when a different item holds it already."""
    digest = hashlib.sha256(uri.encode()).hexdigest()[:SUFFIX_LENGTH]
    return f"{slug}-{digest}"
