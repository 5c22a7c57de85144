"""Machine translation with CTranslate2, straight from an installed argos package.

One ``ctranslate2.Translator`` per language pair and process, loaded under a lock by ``warm``
at start-up or on first use; every segment of a request goes through one ``translate_batch``,
shared with concurrent requests by the engine's admission queue (``app.translation.admission``).
Tokenization is the one the package carries
(app/translation/tokenizer.py). The text being translated is
never logged.
"""

from __future__ import annotations

import functools
import logging
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from app.translation import packages, tokenizer
from app.translation.admission import Admission
from app.translation.packages import InstalledPackage, PackageError
from app.translation.segcache import EngineKey, SegmentCache
from app.translation.tokenizer import Tokenizer

log = logging.getLogger(__name__)

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

    def __init__(
        self,
        models_dir: Path,
        beam_size: int = 4,
        intra_threads: int = 1,
        segments: SegmentCache | None = None,
    ) -> None:
        self.models_dir = models_dir
        self.beam_size = beam_size
        self.intra_threads = intra_threads
        self.segments = segments
        """Segments answered without the engine (text.translate_segments asks it first)."""
        self._loaded: dict[tuple[str, str], Loaded] = {}
        self._lock = threading.Lock()
        self.failures: dict[tuple[str, str], str] = {}
        """Why a pair's model could not be loaded (for logs and the CLI, not for /readyz)."""
        self.warming: set[tuple[str, str]] = set()
        """Pairs that ``warm`` is still loading."""
        self.admission = Admission()
        """The queue every translation goes through; the app sets its limits."""

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
                        log.warning("the %s→%s model cannot be loaded: %s", source, target, error)
                    raise
                self._loaded[(source, target)] = loaded
                self.failures.pop((source, target), None)
        return loaded

    def warm(self, pairs: Iterable[tuple[str, str]]) -> threading.Thread | None:
        """Load *pairs* now, in a background thread; ``warming`` lists those not done yet."""
        todo = [pair for pair in dict.fromkeys(pairs) if pair not in self._loaded]
        if not todo:
            return None
        self.warming.update(todo)

        def load_all() -> None:
            for source, target in todo:
                try:
                    self.load(source, target)
                except PackageError:
                    pass  # recorded in failures and logged; /readyz reports the pair
                finally:
                    self.warming.discard((source, target))

        # Not a daemon: an interpreter that exits while CTranslate2 builds a model in a daemon
        # thread aborts the process ("terminate called without an active exception").
        thread = threading.Thread(target=load_all, name="depeche-warm-models")
        thread.start()
        return thread

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

    def output_key(self, source: str, target: str) -> EngineKey:
        """What makes this engine's output for a pair what it is: model, version, options."""
        package = self.load(source, target).package
        return (source, target, package.name, package.version, self.beam_size)

    def translate(self, texts: Sequence[str], source: str, target: str) -> list[str]:
        """Translate every text in one batch (shared with concurrent callers); empty stay empty."""
        wanted = [text for text in texts if text.strip()]
        if not wanted:
            return ["" for _ in texts]
        self.admission.check(len(wanted))  # before any work, then again with the pieces
        loaded = self.load(source, target)
        # A "sentence" longer than the model's positions (no punctuation in 20,000 characters)
        # goes in as several pieces of the same batch, and comes back joined.
        pieces: list[list[str]] = []
        owners: list[int] = []
        for index, text in enumerate(wanted):
            tokens = loaded.tokenizer.encode(text)
            for start in range(0, max(len(tokens), 1), MAX_TOKENS):
                pieces.append(tokens[start : start + MAX_TOKENS])
                owners.append(index)
        self.admission.check(len(pieces))
        results = self.admission.submit(
            (source, target), pieces, functools.partial(self._translate_batch, loaded)
        )
        joined: list[list[str]] = [[] for _ in wanted]
        for owner, result in zip(owners, results, strict=True):
            joined[owner].append(self._decode(loaded, result.hypotheses[0]))
        decoded = iter(" ".join(parts) for parts in joined)
        return [next(decoded) if text.strip() else "" for text in texts]

    def _translate_batch(self, loaded: Loaded, pieces: list[list[str]]) -> list[Any]:
        """One ``translate_batch`` call: the only place the engine reaches CTranslate2."""
        prefix = loaded.package.target_prefix
        try:
            results: list[Any] = loaded.translator.translate_batch(
                pieces,
                target_prefix=[[prefix]] * len(pieces) if prefix else None,
                beam_size=self.beam_size,
                **BATCH_OPTIONS,
            )
        except (RuntimeError, ValueError) as error:
            raise PackageError(f"{loaded.package.name} failed to translate: {error}") from error
        return results

    @staticmethod
    def _decode(loaded: Loaded, hypothesis: Sequence[str]) -> str:
        pieces = list(hypothesis)
        prefix = loaded.package.target_prefix
        if prefix and pieces[:1] == [prefix]:
            pieces = pieces[1:]
        return loaded.tokenizer.decode(pieces)
