"""How tall an embed is at a given width: oEmbed states a height before anything is drawn.

An estimate from the text's length and the layout in ``assets/embed.css`` (line heights,
paddings, the fact grid's columns, the timeline's two columns from 480 px), tuned on a wide
font (DejaVu Sans) and padded so that it errs on the tall side: a little blank space rather
than a scrollbar, for consumers that ignore the embed's resize messages.
"""

from __future__ import annotations

from collections.abc import Iterable
from math import ceil
from typing import Any

from app.translation.edition import Edition

#: The embed pages are laid out for 280 to 800 CSS pixels.
MIN_WIDTH, DEFAULT_WIDTH, MAX_WIDTH = 280, 600, 800

_PADDING_X, _CHROME_Y = 32, 25  # side paddings; top border and paddings
_BODY, _SMALL, _HEADLINE = (8.0, 21.0), (7.0, 17.9), (10.5, 24.0)  # px per character, line
_BRAND_AND_FOOTER = 17.9 + 10 + 17.9
_HEADING = 14 + 6 + 17.9  # an h2 with its margins
_FACT_MIN, _GAP_X, _GAP_Y = 160, 16, 8
_TIMELINE_TWO_COLUMNS, _DATE_COLUMN, _ROW_CHROME = 480, 160 + 12, 11
# Measured in Chromium at 280-800 px, both languages: within 10 % either way before this.
_MARGIN = 1.06


def _lines(text: str, width: float, font: tuple[float, float]) -> float:
    """The height of *text* wrapped in *width* pixels, in a font of (char width, line)."""
    per_line = max(1, int(width // font[0]))
    return max(1, ceil(len(text) / per_line)) * font[1]


def _facts(facts: Iterable[dict[str, Any]], width: float) -> float:
    columns = max(1, int((width + _GAP_X) // (_FACT_MIN + _GAP_X)))
    cell = (width - _GAP_X * (columns - 1)) / columns
    heights = [_lines(f["label"], cell, _SMALL) + _lines(f["display"], cell, _BODY) for f in facts]
    rows = [max(heights[i : i + columns]) for i in range(0, len(heights), columns)]
    return _HEADING + sum(rows) + _GAP_Y * max(0, len(rows) - 1)


def _timeline(entries: Iterable[dict[str, Any]], width: float, page_width: int) -> float:
    total = _HEADING
    for entry in entries:
        if page_width >= _TIMELINE_TWO_COLUMNS:
            row = max(
                _lines(entry["display"], _DATE_COLUMN - 12, _BODY),
                _lines(entry["text"], width - _DATE_COLUMN, _BODY),
            )
        else:
            row = _lines(entry["display"], width, _BODY) + _lines(entry["text"], width, _BODY)
        total += row + _ROW_CHROME
    return total


def estimate_height(
    kind: str, edition: Edition, summary: dict[str, Any] | None, page_width: int
) -> int:
    """The embed's height in CSS pixels when it is *page_width* wide."""
    width = max(page_width, 1) - _PADDING_X
    article = edition.article
    height = _CHROME_Y + _BRAND_AND_FOOTER + 4
    height += _lines(edition.text(article.headline), width, _HEADLINE)
    if kind == "facts" and summary is not None:
        height += _facts(summary["facts"], width) + _timeline(
            summary["timeline"], width, page_width
        )
    else:
        height += 6 + _lines(edition.text(article.standfirst), width, _BODY)
        height += 6 + _SMALL[1]
    return ceil(height * _MARGIN)
