"""Translate free text and HTML: segment with our own splitter, one batch, numbers re-rendered."""

from __future__ import annotations

import re
from collections.abc import Sequence

from babel import Locale

from app.content.segment import split_sentences
from app.translation import markup
from app.translation.engine import Engine
from app.translation.numbers import localize_numbers

_PARAGRAPH_BREAK = re.compile(r"(\n\s*\n)")


def _pieces(text: str, language: str) -> list[str]:
    """Split text into sentences and the separators between them, keeping every character."""
    out: list[str] = []
    for chunk in _PARAGRAPH_BREAK.split(text):
        if not chunk.strip() or _PARAGRAPH_BREAK.fullmatch(chunk):
            out.append(chunk)
            continue
        lead = chunk[: len(chunk) - len(chunk.lstrip())]
        trail = chunk[len(chunk.rstrip()) :]
        sentences = split_sentences(chunk.strip(), language)
        out.append(lead)
        for index, sentence in enumerate(sentences):
            out.append("\x00" + sentence)
            if index < len(sentences) - 1:
                out.append(" ")
        out.append(trail)
    return out


#: Where a segment's translation came from: the translation memory, this worker's recent engine
#: output, or the engine now.
MEMORY, CACHE, ENGINE = "memory", "cache", "engine"


def translate_texts(
    engine: Engine,
    texts: Sequence[str],
    source: str,
    target: str,
    origins: dict[str, str] | None = None,
) -> list[str]:
    """Translate plain texts: every sentence of every text in one engine batch."""
    layouts = [_pieces(text, source) for text in texts]
    sentences = [p[1:] for layout in layouts for p in layout if p.startswith("\x00")]
    translated = iter(translate_segments(engine, sentences, source, target, origins))
    return [
        "".join(next(translated) if p.startswith("\x00") else p for p in layout)
        for layout in layouts
    ]


def translate_segments(
    engine: Engine,
    segments: Sequence[str],
    source: str,
    target: str,
    origins: dict[str, str] | None = None,
) -> list[str]:
    """Translate segments: those the memory or this worker already has are answered from it,
    the rest in one engine batch with their numbers and dates put in target form. *origins*,
    when given, gets where each segment came from (``MEMORY``, ``CACHE`` or ``ENGINE``)."""
    cache = engine.segments
    engine.admission.check(sum(1 for s in segments if s.strip()))  # the request's cap, first
    wanted = list(dict.fromkeys(s for s in segments if s.strip()))
    known = cache.from_memory(wanted, source, target) if cache is not None else {}
    came = dict.fromkeys(known, MEMORY)
    todo = [s for s in wanted if s not in known]
    purges = 0
    if cache is not None and todo:
        key = engine.output_key(source, target)
        recent = cache.recent(key, todo)
        purges = cache.purges  # after the look for kills that ``recent`` made
        known.update(recent)
        came.update(dict.fromkeys(recent, CACHE))
        todo = [s for s in todo if s not in recent]
    if todo:
        locale = Locale.parse(target)
        raw = engine.translate(todo, source, target)
        fresh = {s: localize_numbers(s, t, source, locale) for s, t in zip(todo, raw, strict=True)}
        if cache is not None:
            cache.remember(engine.output_key(source, target), fresh, as_of=purges)
        known.update(fresh)
        came.update(dict.fromkeys(fresh, ENGINE))
    if origins is not None:
        origins.update((text, came[text]) for text in wanted)
    return [known.get(s, "") if s.strip() else "" for s in segments]


def translate_html(
    engine: Engine,
    fragments: Sequence[str],
    source: str,
    target: str,
    origins: dict[str, str] | None = None,
) -> list[str]:
    """Translate the text of HTML documents or fragments; everything else stays as written.

    Text nodes, a title's text and ``title``/``alt`` values go to the engine in one batch
    (see app/translation/markup.py for what is left alone). A text without a letter ("1,500",
    "|") is not sent: only its numbers are put in the target's form.
    """
    parsed = [markup.pieces(fragment) for fragment in fragments]
    texts = [p.text for ps in parsed for p in ps if p.text is not None and _has_letter(p.text)]
    translated = iter(translate_texts(engine, texts, source, target, origins))
    locale = Locale.parse(target)

    def render(piece: markup.Piece) -> str:
        if piece.text is None:
            return piece.raw
        if _has_letter(piece.text):
            return piece.render(next(translated))
        return piece.render(localize_numbers(piece.text, piece.text, source, locale))

    return ["".join(render(piece) for piece in ps) for ps in parsed]


def _has_letter(text: str) -> bool:
    return any(character.isalpha() for character in text)
