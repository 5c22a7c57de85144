"""The tokenizer an argos package carries: SentencePiece, or Moses tokenization and BPE codes.

argostranslate reads ``sentencepiece.model`` first, then ``bpe.model`` (packages converted from
OpenNMT/OPUS-MT models: sacremoses punctuation normalizer and tokenizer, subword-nmt codes with
``@@`` joints, the Moses detokenizer of the target language on the way out). We use argos's own
tokenizer classes (``argostranslate.tokenizer`` imports neither stanza, torch nor argos's
settings, which create folders in $HOME) so a package
tokenizes here exactly as it does in argos, and load them at once so that a broken file is a
PackageError when the model loads, not at the first translation.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any, Protocol

from app.translation.errors import PackageError

#: The file names argos looks for, in its order of preference.
FILES = ("sentencepiece.model", "bpe.model")
#: Longest slice of a word that goes to BPE at once (BPE is quadratic in a word's length).
MAX_WORD = 100
#: Distinct words argos's BPE keeps segmented in memory before we empty its cache.
MAX_CACHE = 50_000
MAX_CODES_BYTES = 16 * 1024 * 1024


class Tokenizer(Protocol):
    def encode(self, text: str) -> list[str]: ...

    def decode(self, tokens: Sequence[str]) -> str: ...


class SentencePiece:
    """``sentencepiece.model``: pieces in, pieces out."""

    def __init__(self, path: Path) -> None:
        from argostranslate.tokenizer import SentencePieceTokenizer

        self._argos = SentencePieceTokenizer(path)
        self._processor: Any = self._argos.lazy_processor()

    def encode(self, text: str) -> list[str]:
        return list(self._argos.encode(text))

    def decode(self, tokens: Sequence[str]) -> str:
        # decode_pieces, not argos's decode: that one also turns "_" into spaces.
        text: str = self._processor.decode_pieces(list(tokens))
        return text.lstrip(" ")


class MosesBpe:
    """``bpe.model``: Moses-normalized and tokenized source, BPE-joined and detokenized target."""

    def __init__(self, path: Path, source: str, target: str) -> None:
        from argostranslate.tokenizer import BPETokenizer

        check_codes(path)
        # Moses knows languages by their primary subtag ("pt" for "pt-BR").
        self._argos = BPETokenizer(path, source.split("-")[0], target.split("-")[0])
        self._argos.lazy_load()
        self._bpe: Any = self._argos.bpe_source

    def encode(self, text: str) -> list[str]:
        """argos's encode, except that a word goes to BPE in slices of MAX_WORD characters.

        Applying BPE codes is quadratic in a word's length; a slice's last unit keeps the
        ``@@`` joint, so the word comes back whole.
        """
        normalized = self._argos.normalizer.normalize(text)
        tokens: list[str] = []
        for word in self._argos.tokenizer.tokenize(normalized):
            for start in range(0, len(word), MAX_WORD):
                units = self._bpe.segment_tokens([word[start : start + MAX_WORD]])
                if start + MAX_WORD < len(word):
                    units[-1] += self._bpe.separator
                tokens.extend(units)
        if len(self._bpe.cache) > MAX_CACHE:
            self._bpe.cache.clear()  # argos's word cache would grow with every new word
        return tokens

    def decode(self, tokens: Sequence[str]) -> str:
        text: str = self._argos.decode(list(tokens))
        return text


def check_codes(path: Path) -> None:
    """Refuse a BPE codes file that argos's reader would exit the process on (sys.exit)."""
    if path.stat().st_size > MAX_CODES_BYTES:
        raise PackageError(f"over {MAX_CODES_BYTES} bytes")
    lines = path.read_text(encoding="utf-8").split("\n")
    if lines and lines[0].startswith("#version:"):
        if lines[0].split()[-1:] not in (["0.1"], ["0.2"]):
            raise PackageError(f"unknown BPE codes version {lines[0]!r:.40}")
        lines = lines[1:]
    if lines and lines[-1] == "":
        lines.pop()  # the newline that ends the file
    for number, line in enumerate(lines, 1):
        if len(line.strip("\r\n ").split(" ")) != 2:
            raise PackageError(f"line {number} is not two units: {line!r:.40}")


def load(package: Path, source: str, target: str) -> Tokenizer:
    """The loaded tokenizer of the package folder *package*; PackageError if none or bad."""
    for name in FILES:
        path = package / name
        if not path.is_file():
            continue
        try:
            if name == "bpe.model":
                return MosesBpe(path, source, target)
            return SentencePiece(path)
        except (PackageError, OSError, RuntimeError, ValueError, IndexError, ImportError) as error:
            raise PackageError(f"bad tokenizer {name}: {error}") from error
    raise PackageError(f"no tokenizer: neither {FILES[0]} nor {FILES[1]}")
