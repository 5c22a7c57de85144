"""Machine translation with CTranslate2, straight from an installed argos package.

One ``ctranslate2.Translator`` per language pair and process, loaded on first use under a lock;
every segment of a request goes through one ``translate_batch``. Tokenization is the one the
package carries (app/translation/tokenizer.py). The text being translated is never logged.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from app.translation import packages, tokenizer
from app.translation.packages import InstalledPackage, PackageError
from app.translation.tokenizer import Tokenizer

#: Longest token sequence sent to a model at once (argos models have 512 positions or more).
MAX_TOKENS = 250
#: CTranslate2 splits a request's batch into sub-batches of similar lengths (less padding):
#: 27 segments took 14.9 ms in sub-batches of 16 against 20.8 ms as one (docs/performance.md).
BATCH_OPTIONS: dict[str, Any] = {
    "max_batch_size": 16,
    "batch_type": "examples",
    "replace_unknowns": True,  # as argos does: copy a source token the model cannot name
}


class ModelMissing(PackageError):
    """No installed package translates this pair."""

    def __init__(self, source: str, target: str) -> None:
        self.source, self.target = source, target
        super().__init__(
            f"no {source}→{target} translation model is installed; "
            f"install it with: depeche models install {source} {target}"
        )


@dataclass(frozen=True)
class Loaded:
    package: InstalledPackage
    translator: Any
    tokenizer: Tokenizer

    @property
    def label(self) -> str:
        """Engine, model and version, for a translator comment."""
        return f"argos/ctranslate2 {self.package.name} {self.package.version}"


class Engine:
    """Translate batches of segments with the installed packages of one models folder."""

    def __init__(self, models_dir: Path, beam_size: int = 4, intra_threads: int = 1) -> None:
        self.models_dir = models_dir
        self.beam_size = beam_size
        self.intra_threads = intra_threads
        self._loaded: dict[tuple[str, str], Loaded] = {}
        self._lock = threading.Lock()
        self.failures: dict[tuple[str, str], str] = {}
        """Why a pair's model could not be loaded, for /readyz."""

    def is_loaded(self, source: str, target: str) -> bool:
        return (source, target) in self._loaded

    def available(self, source: str, target: str) -> InstalledPackage | None:
        loaded = self._loaded.get((source, target))
        return loaded.package if loaded else packages.find(self.models_dir, source, target)

    def load(self, source: str, target: str) -> Loaded:
        """The loaded model for a pair, loading it once per process."""
        loaded = self._loaded.get((source, target))
        if loaded is not None:
            return loaded
        with self._lock:
            loaded = self._loaded.get((source, target))
            if loaded is None:
                try:
                    loaded = self._load(source, target)
                except PackageError as error:
                    if not isinstance(error, ModelMissing):
                        self.failures[(source, target)] = str(error)
                    raise
                self._loaded[(source, target)] = loaded
                self.failures.pop((source, target), None)
        return loaded

    def _load(self, source: str, target: str) -> Loaded:
        import ctranslate2

        package = packages.find(self.models_dir, source, target)
        if package is None:
            raise ModelMissing(source, target)
        try:
            translator = ctranslate2.Translator(
                str(package.path / "model"),
                device="cpu",
                intra_threads=self.intra_threads,
                inter_threads=1,
            )
            tokens = tokenizer.load(package.path, package.source, package.target)
        except (RuntimeError, OSError, ValueError, PackageError) as error:
            raise PackageError(f"{package.name} cannot be loaded: {error}") from error
        return Loaded(package, translator, tokens)

    def translate(self, texts: Sequence[str], source: str, target: str) -> list[str]:
        """Translate every text in one batch; empty texts stay empty."""
        wanted = [text for text in texts if text.strip()]
        if not wanted:
            return ["" for _ in texts]
        loaded = self.load(source, target)
        prefix = loaded.package.target_prefix
        # A "sentence" longer than the model's positions (no punctuation in 20,000 characters)
        # goes in as several pieces of the same batch, and comes back joined.
        pieces: list[list[str]] = []
        owners: list[int] = []
        for index, text in enumerate(wanted):
            tokens = loaded.tokenizer.encode(text)
            for start in range(0, max(len(tokens), 1), MAX_TOKENS):
                pieces.append(tokens[start : start + MAX_TOKENS])
                owners.append(index)
        try:
            results = loaded.translator.translate_batch(
                pieces,
                target_prefix=[[prefix]] * len(pieces) if prefix else None,
                beam_size=self.beam_size,
                **BATCH_OPTIONS,
            )
        except (RuntimeError, ValueError) as error:
            raise PackageError(f"{loaded.package.name} failed to translate: {error}") from error
        joined: list[list[str]] = [[] for _ in wanted]
        for owner, result in zip(owners, results, strict=True):
            joined[owner].append(self._decode(loaded, result.hypotheses[0]))
        decoded = iter(" ".join(parts) for parts in joined)
        return [next(decoded) if text.strip() else "" for text in texts]

    @staticmethod
    def _decode(loaded: Loaded, hypothesis: Sequence[str]) -> str:
        pieces = list(hypothesis)
        prefix = loaded.package.target_prefix
        if prefix and pieces[:1] == [prefix]:
            pieces = pieces[1:]
        return loaded.tokenizer.decode(pieces)
