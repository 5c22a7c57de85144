"""Words, phrases and spans of a sentence, with their character offsets.

Every helper here is linear in the sentence: one regex pass with no nested repetition, or a
scan of a bounded window next to a position.
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_left
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache

SPACE = "[\\s\u00a0\u202f\u2009]"
_SPACES = re.compile(SPACE + "+")
# An elided article or preposition (l', d', qu'), a word with inner apostrophes or hyphens, or
# one non-space character. "N'Djamena" stays one word: only lower-case elisions split off.
_TOKEN = re.compile(
    r"(?:[ldjmnsc]|qu|[LD])['’](?=[^\W\d_])"
    r"|[^\W_](?:[^\W_]|['’\-.](?=[^\W_]))*"
    r"|\S"
)
_POSSESSIVE = re.compile(r"['’]s$")
# Where a clause ends, for quotes: punctuation that is not inside a number.
_CLAUSE_MARKS = frozenset(',;:—–()"«»“”[]')
_WINDOW = 60
#: Endings of French adjectives that follow a noun: "soudanais", "alimentaire", "blindés".
FRENCH_ADJECTIVE = re.compile(
    r"(?:ains?|aines?|als?|ales?|aux|iens?|iennes?|ais|aises?|iques?|els?|elles?|ifs?|ives?"
    r"|aires?|ée?s?|ois|oises?|ies|is|ans?|anes?|eux|euses?)$"
)


@dataclass(frozen=True)
class Token:
    text: str
    start: int
    end: int

    @property
    def is_word(self) -> bool:
        return self.text[0].isalpha()

    @property
    def is_capitalized(self) -> bool:
        return self.text[0].isupper()

    @property
    def lower(self) -> str:
        return self.text.lower().replace("’", "'")


class Spans:
    """Character spans that do not overlap, with an overlap test in O(log n)."""

    def __init__(self, spans: Iterable[tuple[int, int]] = ()) -> None:
        self._starts: list[int] = []
        self._ends: list[int] = []
        for start, end in spans:
            self.add(start, end)

    def overlaps(self, start: int, end: int) -> bool:
        before = bisect_left(self._starts, end)  # the spans that start before *end*
        return before > 0 and self._ends[before - 1] > start

    def add(self, start: int, end: int) -> bool:
        """Add [start, end) unless it overlaps one already there; say whether it was added."""
        if self.overlaps(start, end):
            return False
        at = bisect_left(self._starts, start)
        self._starts.insert(at, start)
        self._ends.insert(at, end)
        return True

    def __iter__(self) -> Iterator[tuple[int, int]]:
        return iter(zip(self._starts, self._ends, strict=True))


def tokens(text: str) -> list[Token]:
    """The words and punctuation of *text*; a possessive 's is its own token."""
    found: list[Token] = []
    for match in _TOKEN.finditer(text):
        word, start, end = match.group(), match.start(), match.end()
        possessive = _POSSESSIVE.search(word) if len(word) > 2 else None
        if possessive is not None:
            cut = start + possessive.start()
            found += [Token(word[: possessive.start()], start, cut), Token(text[cut:end], cut, end)]
        else:
            found.append(Token(word, start, end))
    return found


def squash(text: str) -> str:
    """Lower case, one plain space for any run of spaces, ’ as '."""
    return _SPACES.sub(" ", text).replace("’", "'").lower()


@lru_cache(maxsize=256)
def phrase_pattern(phrases: tuple[str, ...], anchor: str) -> re.Pattern[str]:
    """A regex for any of *phrases* (longest first), anchored at the end ($) or start (^)."""
    parts = []
    for phrase in sorted(set(phrases), key=len, reverse=True):
        body = SPACE.join(re.escape(word) for word in phrase.split(" "))
        body = body.replace("'", "['’]")
        tail = r"\b" if phrase[-1].isalnum() else ""
        head = r"\b" if phrase[0].isalnum() else ""
        parts.append(f"{head}{body}{tail}")
    alternatives = "|".join(parts)
    if anchor == "$":
        return re.compile(f"(?:{alternatives}){SPACE}*$", re.IGNORECASE)
    return re.compile(f"^{SPACE}*(?:{alternatives})", re.IGNORECASE)


def phrase_before(text: str, position: int, phrases: Iterable[str]) -> tuple[str, int] | None:
    """The phrase of *phrases* that ends right before *position*, and where it starts."""
    start = max(0, position - _WINDOW)
    match = phrase_pattern(tuple(phrases), "$").search(text[start:position])
    if match is None:
        return None
    return squash(match.group()).strip(), start + match.start()


def phrase_after(text: str, position: int, phrases: Iterable[str]) -> tuple[str, int] | None:
    """The phrase of *phrases* that starts right after *position*, and where it ends."""
    match = phrase_pattern(tuple(phrases), "^").match(text[position : position + _WINDOW])
    if match is None:
        return None
    return squash(match.group()).strip(), position + match.end()


def clause(text: str, start: int, end: int, max_words: int = 8) -> tuple[int, int]:
    """The span of the clause around [start, end): to the nearest clause marks, a few words on
    each side at most, without the spaces at its ends."""
    left = start
    words = 0
    while left > 0 and not _ends_clause(text, left - 1):
        if text[left - 1].isspace() and not text[left - 2 : left - 1].isspace():
            words += 1
            if words > max_words:
                break
        left -= 1
    right = end
    words = 0
    while right < len(text) and not _ends_clause(text, right):
        if text[right].isspace():
            words += 1
            if words > max_words:
                break
        right += 1
    while right > end and (text[right - 1].isspace() or text[right - 1] in ".!?"):
        right -= 1
    while left < start and text[left].isspace():
        left += 1
    return left, right


def _ends_clause(text: str, at: int) -> bool:
    """A clause mark, but not the comma or point inside a number ("1,500")."""
    if text[at] not in _CLAUSE_MARKS:
        return False
    inside_number = (
        text[at] == "," and text[at - 1 : at].isdigit() and text[at + 1 : at + 2].isdigit()
    )
    return not inside_number


def slug(text: str, max_words: int = 5) -> str:
    """ASCII, lower case, hyphens: "Convoy left Gao" → "convoy-left-gao"."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    words = re.findall(r"[a-z0-9]+", ascii_text.lower())
    return "-".join(words[:max_words])


def capitalize(text: str) -> str:
    """Upper-case the first letter only: "alliance of armed groups" → "Alliance of…"."""
    return text[:1].upper() + text[1:] if text else text
