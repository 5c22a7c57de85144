"""Rule-based sentence segmentation for English and French, offline.

A sentence ends at ``.``, ``!``, ``?`` or ``…`` (with any closing quotes or brackets after it)
when whitespace and the start of a new sentence follow — unless the word before the full stop
is an abbreviation (``Col.``, ``M.``, ``Oct.``) or a single initial. Decimals (``1.5``,
``2,5``) never split because no space follows their separator.
"""

from __future__ import annotations

import re

_COMMON = {
    "col",
    "gen",
    "lt",
    "capt",
    "cpt",
    "maj",
    "sgt",
    "adm",
    "cmdr",
    "dr",
    "prof",
    "st",
    "jan",
    "feb",
    "fév",
    "mar",
    "apr",
    "avr",
    "jun",
    "jul",
    "juil",
    "aug",
    "sep",
    "sept",
    "oct",
    "nov",
    "dec",
    "déc",
    "no",
    "vol",
    "art",
    "ch",
    "cf",
    "approx",
    "vs",
}
ABBREVIATIONS: dict[str, frozenset[str]] = {
    "en": frozenset(
        _COMMON
        | {
            "mr",
            "mrs",
            "ms",
            "jr",
            "sr",
            "gov",
            "sen",
            "rep",
            "pres",
            "inc",
            "ltd",
            "co",
            "corp",
            "mt",
            "ft",
            "e.g",
            "i.e",
        }
    ),
    "fr": frozenset(
        _COMMON
        | {
            "m",
            "mm",
            "mme",
            "mmes",
            "mlle",
            "me",
            "mgr",
            "pr",
            "dr",
            "janv",
            "févr",
            "oct",
            "av",
            "bd",
            "p",
            "env",
            "cie",
        }
    ),
}

_OPENERS = "\"'“‘«([¿¡"
_CLOSERS = "\"'”’»)]"
# A terminator, closing punctuation (French puts a narrow space before ? ! »), then space.
_BOUNDARY = re.compile(
    rf"(?P<end>[.!?…]+(?:[\s\u202f\u00a0]?[{re.escape(_CLOSERS)}])*)(?P<gap>\s+)"
)
_WORD_BEFORE = re.compile(r"(?:^|[\s(\[«\"“'‘])([\w.]+)$")


def _starts_sentence(text: str) -> bool:
    """Whether *text* opens like a sentence: a capital, a digit or an opening quote."""
    first = text.lstrip(_OPENERS + " \u202f\u00a0")[:1]
    return bool(first) and (first.isupper() or first.isdigit())


def _is_abbreviation(before: str, language: str) -> bool:
    match = _WORD_BEFORE.search(before)
    if match is None:
        return False
    word = match.group(1).lower()
    if len(word) == 1 and word.isalpha():
        return True  # an initial: "J. Smith", "M. Goïta"
    return word in ABBREVIATIONS.get(language, ABBREVIATIONS["en"])


def split_sentences(text: str, language: str) -> list[str]:
    """Split a paragraph into sentences; the pieces joined by single spaces give the text."""
    sentences: list[str] = []
    start = 0
    for match in _BOUNDARY.finditer(text):
        rest = text[match.end() :]
        if not _starts_sentence(rest):
            continue
        end = match.group("end")
        if end == "." and _is_abbreviation(text[start : match.start()], language):
            continue
        sentences.append(text[start : match.end("end")].strip())
        start = match.end()
    tail = text[start:].strip()
    if tail:
        sentences.append(tail)
    return sentences
