"""Decoding bytes in a charset the sender names: text encodings only, errors as 400 "charset"."""

from __future__ import annotations

import codecs

from app.exchange.formats.item import FormatError

#: Python codec names we decode with: character sets, not transforms (base64, rot13) nor
#: codecs whose decoding is not linear in the input (punycode is quadratic) or means code
#: (unicode_escape).
_TEXT_CODECS = (
    "utf-", "iso8859", "latin", "ascii", "cp", "mac-", "koi8", "big5", "gb", "shift_jis",
    "euc", "iso2022", "hz", "johab", "tis-620", "kz1048", "ptcp154", "hp-roman8",
)  # fmt: skip


def decode(body: bytes, charset: str, *, unknown_status: int = 400) -> str:
    """*body* decoded from *charset*; an unknown charset or a byte outside it is a FormatError."""
    try:
        name = codecs.lookup(charset).name
    except LookupError:
        name = ""
    if not name.startswith(_TEXT_CODECS):
        raise FormatError(unknown_status, "charset", f"unknown charset {charset[:40]!r}")
    try:
        return body.decode(name)
    except UnicodeError as error:
        start = getattr(error, "start", 0)
        line = body.count(b"\n", 0, start) + 1
        raise FormatError(
            400, "charset", f"line {line}: bytes that are not {charset} ({error})"
        ) from error
