"""Read agency wire copy as received: paragraphs, subheadings, "See also" lines, credit, promos."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

#: Lines a web desk appends to wire copy that are not part of the story (newsletter, app).
PROMO_LINES = (
    re.compile(r"^The summary of the week"),
    re.compile(r"^I subscribe$"),
    re.compile(r"^Take international news with you everywhere!"),
    re.compile(r"^Le résumé de la semaine"),
    re.compile(r"^Je m['’]abonne$"),
    re.compile(r"^Emportez l['’]actualité internationale partout avec vous"),
)
#: "See also…" lines, in any case: "See alsoTitle" (the web desk's glued form), "Lire aussi :
#: Titre" (French puts a space, often a no-break one, before the colon), "À LIRE AUSSI – Titre",
#: "Voir aussi". The separator is dropped; a colon inside the title ("Mali : la Minusma") stays.
#: Possessive runs of spaces keep the match linear however many there are.
SEE_ALSO = re.compile(
    r"^(?:see also|(?:[àa] )?lire aussi|voir aussi)\s*+(?::|[-–—](?=\s))?\s*+(?P<title>[^\s:].*)$",
    re.IGNORECASE,
)
CREDIT = re.compile(r"^(?:With|Avec)\s+(?P<agency>[A-Z][\w.&-]*(?: [A-Z][\w.&-]*){0,3})$")
_SUBHEADING_MAX_WORDS = 12
_SENTENCE_END = tuple('.!?…:;"»”')


@dataclass
class WireStory:
    """The pieces of a wire story, in order; nothing is rewritten."""

    blocks: list[tuple[str, str]] = field(default_factory=list)
    """("paragraph" | "heading", text) in reading order."""
    related: list[str] = field(default_factory=list)
    agency: str | None = None
    dropped: list[str] = field(default_factory=list)


def _is_subheading(text: str) -> bool:
    words = text.split()
    return (
        0 < len(words) <= _SUBHEADING_MAX_WORDS
        and text[0].isupper()
        and not text.endswith(_SENTENCE_END)
    )


def parse_wire(text: str) -> WireStory:
    """Split wire copy into blocks; the first block is always a paragraph (the lede)."""
    story = WireStory()
    for raw in re.split(r"\n\s*\n", text.strip()):
        block = " ".join(line.strip() for line in raw.splitlines() if line.strip())
        if not block:
            continue
        if any(pattern.search(block) for pattern in PROMO_LINES):
            story.dropped.append(block)
        elif see_also := SEE_ALSO.match(block):
            story.related.append(see_also.group("title"))
        elif credit := CREDIT.match(block):
            story.agency = credit.group("agency")
        elif story.blocks and _is_subheading(block):
            story.blocks.append(("heading", block))
        else:
            story.blocks.append(("paragraph", block))
    return story
