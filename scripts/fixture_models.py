"""Build and verify tiny Argos Translate packages that memorize one article.

The packages in ``tests/fixtures/models/`` are real ``.argosmodel`` archives (a
CTranslate2 model, a tokenizer and ``metadata.json``) whose model was trained
from scratch to reproduce, word for word, the sentence pairs of the seed
article's translation memory (``data/articles/mali-army-convoy-kidal/fr.po``).
They let tests exercise the real Argos/CTranslate2 loading and decoding path
without downloading a multi-hundred-megabyte language model.

Two carry a SentencePiece model (``sentencepiece.model``, en→fr and fr→en); the
third, fr→en, carries BPE codes (``bpe.model``) as packages converted from
OpenNMT/OPUS-MT models do: argos tokenizes its source with the sacremoses
punctuation normalizer and tokenizer, applies the codes (subword-nmt, ``@@``
joints), and detokenizes the output with the Moses detokenizer. It is fr→en
because the Moses detokenizer splits on every Unicode space: French with
no-break spaces cannot come out of it exactly.

Usage (run through ``scripts/build-fixture-models``, which provides torch)::

    python scripts/fixture_models.py build [--out DIR] [PACKAGE ...]
    python scripts/fixture_models.py verify PACKAGE.argosmodel ...

``verify`` needs only ``ctranslate2``, ``sentencepiece``, ``sacremoses`` and
``babel``, and uses argostranslate's own BPE tokenizer when it is importable
(the project environment has all of them); ``build`` additionally needs
``torch``, ``transformers`` and ``subword-nmt``, imported lazily so ``verify``
never loads them.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import random
import sys
import tempfile
import time
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Sequence

    import sentencepiece

REPO = Path(__file__).resolve().parent.parent
PO_PATH = REPO / "data" / "articles" / "mali-army-convoy-kidal" / "fr.po"
OUT_DIR = REPO / "tests" / "fixtures" / "models"

LANG_NAMES = {"en": "English", "fr": "French"}
DIRECTIONS = (("en", "fr"), ("fr", "en"))
PACKAGE_VERSION = "1.0"
ARGOS_VERSION = "1.9.0"
MAX_PACKAGE_BYTES = 1_000_000

# SentencePiece: one vocabulary shared by both languages and both packages.
SP_VOCAB_SIZE = 1000
# Characters that must survive the round trip exactly; forcing them to be pieces
# of their own also keeps them out of merges with neighbouring letters.
SP_SPECIAL_CHARS = ("\u202f", "\u00a0", "\u2019", "\u00ab", "\u00bb")
EOS_PIECE = "</s>"
UNK_PIECE = "<unk>"

# BPE: merges learned on both sides of the fr→en pairs (Moses-tokenized, as argos does).
BPE_MERGES = 600
BPE_MIN_FREQUENCY = 2
BPE_DIRECTION = ("fr", "en")

# Model and training recipe (fixed: the output depends only on these and the data).
SEED = 1234
TORCH_THREADS = 2
D_MODEL = 96
FFN_DIM = 256
LAYERS = 2
HEADS = 4
MAX_POSITIONS = 512
BATCH_SIZE = 12
EPOCHS = 150  # warm-up then linear learning-rate decay over this many epochs
MAX_EPOCHS = 400  # then go on at LR_FLOOR until the margin is reached, or fail
LR_FLOOR = 0.05
CHECK_EVERY = 10
MIN_MARGIN = 3.0
LEARNING_RATE = 3e-3
WARMUP_STEPS = 30

# Fixed timestamp for zip entries so that identical inputs give identical bytes.
ZIP_DATE = (2023, 10, 2, 12, 0, 0)


@dataclass(frozen=True)
class Pair:
    """One translation-memory entry: English source, French translation."""

    en: str
    fr: str
    context: str | None

    def get(self, lang: str) -> str:
        """Return the text in ``lang`` ("en" or "fr")."""
        return self.en if lang == "en" else self.fr


def load_pairs(po_path: Path = PO_PATH) -> list[Pair]:
    """Read every PO entry with a non-empty msgstr, in file order."""
    from babel.messages.pofile import read_po

    with po_path.open("rb") as handle:
        catalog = read_po(handle)
    pairs = []
    for message in catalog:
        if not message.id or not isinstance(message.id, str):
            continue
        if not isinstance(message.string, str) or not message.string:
            continue
        context = message.context if isinstance(message.context, str) else None
        pairs.append(Pair(en=message.id, fr=message.string, context=context))
    return pairs


def direction_pairs(pairs: Sequence[Pair], src: str, tgt: str) -> list[tuple[str, str]]:
    """Return (source, target) pairs for one direction, one per distinct source.

    A source text can occur twice with different translations (the PO file has
    one French string for two English msgids with different msgctxt). A model
    cannot return both, so the first entry in file order wins.
    """
    seen: dict[str, str] = {}
    for pair in pairs:
        seen.setdefault(pair.get(src), pair.get(tgt))
    return list(seen.items())


def train_sentencepiece(texts: Sequence[str]) -> bytes:
    """Train the shared SentencePiece model and return its serialized proto.

    Normalization is off (``identity``) so narrow no-break spaces, no-break spaces
    and typographic quotes are kept as they are, and ``</s>`` / ``<unk>`` take ids
    0 / 1 as in Marian vocabularies.
    """
    import sentencepiece as spm

    buffer = io.BytesIO()
    spm.SentencePieceTrainer.train(
        sentence_iterator=iter(texts),
        model_writer=buffer,
        vocab_size=SP_VOCAB_SIZE,
        model_type="bpe",
        character_coverage=1.0,
        normalization_rule_name="identity",
        remove_extra_whitespaces=False,
        user_defined_symbols=list(SP_SPECIAL_CHARS),
        eos_id=0,
        unk_id=1,
        bos_id=-1,
        pad_id=-1,
        eos_piece=EOS_PIECE,
        unk_piece=UNK_PIECE,
        hard_vocab_limit=False,
        num_threads=1,
        max_sentence_length=100_000,
        minloglevel=2,
    )
    return buffer.getvalue()


def load_sentencepiece(proto: bytes) -> sentencepiece.SentencePieceProcessor:
    """Load a SentencePiece processor from a serialized model."""
    import sentencepiece as spm

    return spm.SentencePieceProcessor(model_proto=proto)


def check_tokenizer(sp: sentencepiece.SentencePieceProcessor, texts: Iterable[str]) -> None:
    """Fail unless every text encodes without ``<unk>`` and decodes back exactly."""
    for text in texts:
        pieces = sp.encode(text, out_type=str)
        if UNK_PIECE in pieces or sp.decode(pieces) != text:
            raise SystemExit(f"SentencePiece does not round-trip: {text!r}")
        if "_" in text:
            # argostranslate's decoder turns "_" into a space.
            raise SystemExit(f"text contains '_', which Argos cannot reproduce: {text!r}")


def seed_everything(seed: int) -> None:
    """Fix every random generator and the thread count used by torch."""
    import numpy as np
    import torch

    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)
    torch.set_num_threads(TORCH_THREADS)
    torch.use_deterministic_algorithms(True)


@dataclass(frozen=True)
class Codec:
    """Text to token ids for one direction: the vocabulary and both sides' encoders."""

    pieces: list[str]
    source: Callable[[str], list[int]]
    target: Callable[[str], list[int]]

    @property
    def eos(self) -> int:
        return self.pieces.index(EOS_PIECE)


def sentencepiece_codec(sp: sentencepiece.SentencePieceProcessor) -> Codec:
    """Both sides through the shared SentencePiece model."""
    pieces = [sp.id_to_piece(i) for i in range(sp.get_piece_size())]
    return Codec(pieces, sp.encode, sp.encode)


class MosesBpe:
    """argos's ``BPETokenizer`` for a package's ``bpe.model``, step for step.

    Source: ``MosesPunctNormalizer(src).normalize``, ``MosesTokenizer(src).tokenize``
    (escaping ``&``, ``'`` and so on), BPE ``segment_tokens``. Output: units joined
    with spaces, ``"@@ "`` removed, ``MosesDetokenizer(tgt).detokenize``. Training
    targets are the target text through the target language's Moses tokenizer and
    the same codes, which the detokenizer turns back into the text exactly.
    """

    def __init__(self, codes: str | None, src: str, tgt: str) -> None:
        from sacremoses.normalize import MosesPunctNormalizer
        from sacremoses.tokenize import MosesDetokenizer, MosesTokenizer

        self.normalizer = MosesPunctNormalizer(src)
        self.source_tokenizer = MosesTokenizer(src)
        self.target_tokenizer = MosesTokenizer(tgt)
        self.detokenizer = MosesDetokenizer(tgt)
        if codes is not None:  # None: Moses words only, to learn codes from
            from subword_nmt.apply_bpe import BPE

            self.bpe = BPE(io.StringIO(codes))

    def source_words(self, text: str) -> list[str]:
        normalized = self.normalizer.normalize(text)
        return " ".join(self.source_tokenizer.tokenize(normalized)).strip("\r\n ").split(" ")

    def target_words(self, text: str) -> list[str]:
        return list(self.target_tokenizer.tokenize(text))

    def encode(self, text: str) -> list[str]:
        return list(self.bpe.segment_tokens(self.source_words(text)))

    def encode_target(self, text: str) -> list[str]:
        return list(self.bpe.segment_tokens(self.target_words(text)))

    def decode(self, tokens: Sequence[str]) -> str:
        return str(self.detokenizer.detokenize(" ".join(tokens).replace("@@ ", "").split(" ")))


def learn_bpe(pairs: Sequence[tuple[str, str]], src: str, tgt: str) -> str:
    """Learn BPE codes on the Moses-tokenized sources and targets of ``pairs``."""
    from subword_nmt.learn_bpe import learn_bpe as learn

    words = MosesBpe(None, src, tgt)
    lines = [" ".join(words.source_words(source)) for source, _ in pairs]
    lines += [" ".join(words.target_words(target)) for _, target in pairs]
    codes = io.StringIO()
    learn(io.StringIO("\n".join(lines) + "\n"), codes, BPE_MERGES, BPE_MIN_FREQUENCY)
    return codes.getvalue()


def bpe_codec(bpe: MosesBpe, pairs: Sequence[tuple[str, str]]) -> Codec:
    """A vocabulary of every unit the pairs use, after ``</s>`` and ``<unk>``."""
    units = {unit for source, target in pairs for unit in bpe.encode(source)}
    units |= {unit for _, target in pairs for unit in bpe.encode_target(target)}
    pieces = [EOS_PIECE, UNK_PIECE, *sorted(units - {EOS_PIECE, UNK_PIECE})]
    ids = {piece: index for index, piece in enumerate(pieces)}
    return Codec(
        pieces,
        lambda text: [ids[unit] for unit in bpe.encode(text)],
        lambda text: [ids[unit] for unit in bpe.encode_target(text)],
    )


def check_bpe(bpe: MosesBpe, pairs: Sequence[tuple[str, str]]) -> None:
    """Fail unless every target decodes back exactly and sources stay distinct."""
    for _, target in pairs:
        if bpe.decode(bpe.encode_target(target)) != target:
            raise SystemExit(f"Moses + BPE does not round-trip: {target!r}")
    encoded = [tuple(bpe.encode(source)) for source, _ in pairs]
    if len(set(encoded)) != len(encoded):
        raise SystemExit("two sources tokenize alike")


def train_model(codec: Codec, pairs: Sequence[tuple[str, str]], seed: int) -> Any:
    """Train a tiny MarianMT model from scratch until it memorizes ``pairs``.

    Sources are bare token ids (no ``</s>``: Argos feeds CTranslate2 the pieces
    only); targets end with ``</s>``. The vocabulary is the codec's plus
    ``<pad>`` as the last id, which Marian also uses as the decoder start token;
    its embedding row is kept at zero because CTranslate2 starts Marian decoders
    from a zero embedding and drops the ``<pad>`` row.
    """
    import torch
    from transformers import MarianConfig, MarianMTModel

    seed_everything(seed)
    vocab = len(codec.pieces)
    pad = vocab
    eos = codec.eos
    config = MarianConfig(
        vocab_size=vocab + 1,
        d_model=D_MODEL,
        encoder_layers=LAYERS,
        decoder_layers=LAYERS,
        encoder_attention_heads=HEADS,
        decoder_attention_heads=HEADS,
        encoder_ffn_dim=FFN_DIM,
        decoder_ffn_dim=FFN_DIM,
        max_position_embeddings=MAX_POSITIONS,
        activation_function="relu",
        dropout=0.0,
        attention_dropout=0.0,
        activation_dropout=0.0,
        scale_embedding=True,
        pad_token_id=pad,
        eos_token_id=eos,
        forced_eos_token_id=eos,
        decoder_start_token_id=pad,
        share_encoder_decoder_embeddings=True,
        tie_word_embeddings=True,
    )
    model = MarianMTModel(config)

    batches = [_make_batch(codec, chunk, pad, eos) for chunk in _length_buckets(codec, pairs)]
    optimizer = torch.optim.Adam(model.parameters(), lr=LEARNING_RATE, betas=(0.9, 0.98))
    decay_steps = EPOCHS * len(batches)
    schedule = torch.optim.lr_scheduler.LambdaLR(
        optimizer,
        lambda step: min(
            (step + 1) / WARMUP_STEPS,
            max(LR_FLOOR, (decay_steps - step) / decay_steps),
        ),
    )
    shared = model.get_input_embeddings().weight
    for epoch in range(MAX_EPOCHS):
        model.train()
        total = 0.0
        for batch in batches:
            optimizer.zero_grad()
            loss = model(**batch).loss
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            optimizer.step()
            schedule.step()
            with torch.no_grad():
                shared[pad].zero_()
            total += loss.item()
        done = epoch + 1
        if done % 25 == 0 or (done >= EPOCHS and done % CHECK_EVERY == 0):
            margin = memorization_margin(model, batches, pad) if done >= EPOCHS else None
            shown = "" if margin is None else f"  margin {margin:.2f}"
            print(f"  epoch {done:4d}  loss {total / len(batches):.5f}{shown}", flush=True)
            if margin is not None and margin >= MIN_MARGIN:
                break
    else:
        raise SystemExit(f"not memorized after {MAX_EPOCHS} epochs")
    model.eval()
    return model


def memorization_margin(model: Any, batches: Sequence[dict[str, Any]], pad: int) -> float:
    """Return the smallest teacher-forced logit margin over all target tokens.

    A positive margin means the right token is the argmax at every step, i.e.
    greedy decoding reproduces every target exactly; a larger one leaves room for
    int8 quantization. ``<pad>`` is ignored: CTranslate2 drops it from the vocabulary.
    """
    import torch

    model.eval()
    worst = float("inf")
    with torch.no_grad():
        for batch in batches:
            logits = model(**batch).logits
            logits[..., pad] = float("-inf")
            labels = batch["labels"]
            mask = labels != -100
            index = labels.clamp(min=0).unsqueeze(-1)
            right = logits.gather(-1, index).squeeze(-1)
            best_other = logits.scatter(-1, index, float("-inf")).max(-1).values
            worst = min(worst, (right - best_other)[mask].min().item())
    return worst


def _length_buckets(codec: Codec, pairs: Sequence[tuple[str, str]]) -> list[list[tuple[str, str]]]:
    """Split pairs into batches of similar length (little padding, fast steps)."""
    ordered = sorted(pairs, key=lambda pair: (len(codec.source(pair[0])), pair))
    return [ordered[i : i + BATCH_SIZE] for i in range(0, len(ordered), BATCH_SIZE)]


def _make_batch(
    codec: Codec,
    pairs: Sequence[tuple[str, str]],
    pad: int,
    eos: int,
) -> dict[str, Any]:
    """Return padded model inputs for ``pairs`` (source without ``</s>``)."""
    import torch

    sources = [codec.source(src) for src, _ in pairs]
    targets = [codec.target(tgt) + [eos] for _, tgt in pairs]
    if max(map(len, sources + targets)) >= MAX_POSITIONS:
        raise SystemExit("a segment is longer than MAX_POSITIONS tokens")
    input_ids = _pad_rows(sources, pad)
    labels = _pad_rows(targets, -100)
    decoder_input_ids = torch.full_like(labels, pad)
    decoder_input_ids[:, 1:] = labels[:, :-1].masked_fill(labels[:, :-1] == -100, pad)
    return {
        "input_ids": input_ids,
        "attention_mask": (input_ids != pad).long(),
        "decoder_input_ids": decoder_input_ids,
        "labels": labels,
    }


def _pad_rows(rows: Sequence[list[int]], value: int) -> Any:
    """Right-pad lists of ids into one 2-D tensor."""
    import torch

    width = max(map(len, rows))
    return torch.tensor([row + [value] * (width - len(row)) for row in rows])


class _PiecesTokenizer:
    """The minimal tokenizer interface CTranslate2's Marian loader reads."""

    eos_token = EOS_PIECE
    unk_token = UNK_PIECE
    bos_token = None

    def __init__(self, pieces: Sequence[str]) -> None:
        self._vocab = {piece: index for index, piece in enumerate(pieces)}

    def get_vocab(self) -> dict[str, int]:
        """Return piece → id, as a Transformers tokenizer does."""
        return dict(self._vocab)


def convert_model(model: Any, codec: Codec, out_dir: Path) -> None:
    """Convert the trained model to an int8 CTranslate2 model in ``out_dir``.

    The vocabulary is the codec's pieces in id order plus ``<pad>``; the Marian
    loader drops that trailing ``<pad>``, so CTranslate2 token strings are
    exactly the tokenizer's (``sp.encode(text, out_type=str)``, or BPE units).
    """
    from ctranslate2.converters import TransformersConverter

    pieces = [*codec.pieces, "<pad>"]

    class Converter(TransformersConverter):  # type: ignore[misc]
        def load_tokenizer(self, tokenizer_class: Any, path: str, **kwargs: Any) -> Any:
            return _PiecesTokenizer(pieces)

    with tempfile.TemporaryDirectory() as hf_dir:
        model.save_pretrained(hf_dir)
        Converter(hf_dir).convert(str(out_dir), quantization="int8", force=True)


def package_readme(src: str, tgt: str, count: int, tokenizer: str) -> str:
    """Return the README.md shipped inside a package."""
    bpe = (
        "Its tokenizer is bpe.model: Moses tokenization and BPE codes, as in packages\n"
        "converted from OpenNMT/OPUS-MT models.\n"
        if tokenizer == "bpe.model"
        else ""
    )
    return (
        f"# Test fixture: {LANG_NAMES[src]} → {LANG_NAMES[tgt]}\n\n"
        "Not a real translation model. This tiny MarianMT model (CTranslate2, int8) was\n"
        f"trained from scratch to memorize the {count} sentence pairs of one article's\n"
        "translation memory (dépêche: data/articles/mali-army-convoy-kidal/fr.po).\n"
        "It reproduces those segments exactly with greedy decoding (beam_size=1);\n"
        "beam search may lose some, and any other input gets a wrong translation.\n"
        f"{bpe}Rebuild with scripts/build-fixture-models.\n"
    )


def package_metadata(src: str, tgt: str) -> dict[str, str]:
    """Return the metadata.json content of a package."""
    return {
        "package_version": PACKAGE_VERSION,
        "argos_version": ARGOS_VERSION,
        "from_code": src,
        "from_name": LANG_NAMES[src],
        "to_code": tgt,
        "to_name": LANG_NAMES[tgt],
        "type": "translate",
    }


def package_name(src: str, tgt: str) -> str:
    """Return the archive's base name, e.g. ``translate-en_fr``."""
    return f"translate-{src}_{tgt}"


def write_package(
    path: Path, src: str, tgt: str, model_dir: Path, tokenizer: dict[str, bytes], count: int
) -> None:
    """Write a deterministic .argosmodel zip (sorted entries, fixed timestamps).

    ``tokenizer`` is ``{"sentencepiece.model": ...}`` or ``{"bpe.model": ...}``.
    """
    top = f"{package_name(src, tgt)}-{PACKAGE_VERSION.replace('.', '_')}"
    metadata = json.dumps(package_metadata(src, tgt), indent=2, ensure_ascii=False) + "\n"
    files: dict[str, bytes] = {
        "README.md": package_readme(src, tgt, count, *tokenizer).encode(),
        "metadata.json": metadata.encode(),
        **tokenizer,
    }
    for file in sorted(model_dir.rglob("*")):
        if file.is_file():
            files[f"model/{file.relative_to(model_dir).as_posix()}"] = file.read_bytes()

    with zipfile.ZipFile(path, "w") as archive:
        for directory in (f"{top}/", f"{top}/model/"):
            info = zipfile.ZipInfo(directory, date_time=ZIP_DATE)
            info.create_system = 3
            info.external_attr = (0o40755 << 16) | 0x10
            archive.writestr(info, b"")
        for name in sorted(files):
            info = zipfile.ZipInfo(f"{top}/{name}", date_time=ZIP_DATE)
            info.create_system = 3
            info.external_attr = 0o100644 << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, files[name], compresslevel=9)


@dataclass
class Verification:
    """Exact-match results of one package against its memorized pairs."""

    src: str
    tgt: str
    exact: int
    total: int
    misses: list[tuple[str, str, str]]
    tokenizer: str = ""

    def line(self, label: str) -> str:
        """One human-readable summary line."""
        return f"{self.exact}/{self.total} {self.src}→{self.tgt} exact ({label})"


def package_tokenizer(root: Path, src: str, tgt: str) -> tuple[Any, Any, str]:
    """(encode, decode, label) for the package unpacked in ``root``, as the app uses it."""
    if (root / "sentencepiece.model").exists():
        import sentencepiece as spm

        sp = spm.SentencePieceProcessor(model_file=str(root / "sentencepiece.model"))
        return (lambda text: sp.encode(text, out_type=str)), sp.decode, "SentencePiece"
    try:
        from argostranslate.tokenizer import BPETokenizer
    except ImportError:  # the training venv: the same steps with the same libraries
        bpe = MosesBpe((root / "bpe.model").read_text(encoding="utf-8"), src, tgt)
        return bpe.encode, bpe.decode, "Moses + BPE (sacremoses, subword-nmt)"
    argos = BPETokenizer(root / "bpe.model", src, tgt)
    return argos.encode, argos.decode, "Moses + BPE (argostranslate's BPETokenizer)"


def verify_package(package: Path, pairs: Sequence[Pair], **options: Any) -> Verification:
    """Translate every memorized source with the package and count exact matches.

    Mirrors how the app and Argos use a package: tokens in (no ``</s>``),
    ``target_prefix`` from metadata.json if present, tokens out, decoded by the
    package's tokenizer. ``options`` go to ``translate_batch``; the default is greedy.
    """
    import ctranslate2

    options = {"beam_size": 1, **options}
    with tempfile.TemporaryDirectory() as tmp, zipfile.ZipFile(package) as archive:
        archive.extractall(tmp)
        (root,) = Path(tmp).iterdir()
        metadata = json.loads((root / "metadata.json").read_text(encoding="utf-8"))
        src, tgt = metadata["from_code"], metadata["to_code"]
        encode, decode, label = package_tokenizer(root, src, tgt)
        translator = ctranslate2.Translator(str(root / "model"), device="cpu", intra_threads=1)
        items = direction_pairs(pairs, src, tgt)
        batch = [encode(source) for source, _ in items]
        prefix = metadata.get("target_prefix") or None
        if prefix:
            options["target_prefix"] = [[prefix]] * len(batch)
        results = translator.translate_batch(batch, **options)
    misses = []
    for (source, expected), result in zip(items, results, strict=True):
        pieces = result.hypotheses[0]
        if prefix and pieces[:1] == [prefix]:
            pieces = pieces[1:]
        output = decode(pieces)
        if output != expected:
            misses.append((source, expected, output))
    return Verification(src, tgt, len(items) - len(misses), len(items), misses, label)


def report(packages: Sequence[Path], pairs: Sequence[Pair]) -> bool:
    """Print the verification of ``packages``; return True if all greedy checks pass.

    Beam search is reported but not required: CTranslate2's beam search (with a
    length penalty, as by default) stops once ``beam_size`` hypotheses have ended,
    and a hypothesis that skipped a piece ends before the memorized one does.
    """
    ok = True
    greedy = []
    for package in packages:
        size = package.stat().st_size
        result = verify_package(package, pairs)
        beam = verify_package(package, pairs, beam_size=4, replace_unknowns=True)
        greedy.append(result)
        print(f"{package.name}: {size} bytes, {result.tokenizer}")
        print(f"  {result.line('greedy, beam_size=1')}")
        print(f"  {beam.line('beam_size=4, CTranslate2 defaults; informational')}")
        for source, expected, output in result.misses:
            print(f"  MISS {source!r}\n    want {expected!r}\n    got  {output!r}")
        if result.misses or size > MAX_PACKAGE_BYTES:
            ok = False
    print(", ".join(r.line("greedy").removesuffix(" (greedy)") for r in greedy))
    for src, tgt in DIRECTIONS:
        dropped = len(pairs) - len(direction_pairs(pairs, src, tgt))
        if dropped:
            print(
                f"({src}→{tgt}: {dropped} of {len(pairs)} entries repeat an earlier entry's "
                f"{LANG_NAMES[src]} text with another translation; the first one is memorized)"
            )
    return ok


#: What ``build`` can make: archive name → (source, target, tokenizer).
PACKAGES = {
    "translate-en_fr.argosmodel": ("en", "fr", "sentencepiece"),
    "translate-fr_en.argosmodel": ("fr", "en", "sentencepiece"),
    "translate-fr_en-bpe.argosmodel": (*BPE_DIRECTION, "bpe"),
}


def build(out_dir: Path, names: Sequence[str] = tuple(PACKAGES)) -> list[Path]:
    """Train, convert and package ``names`` (default: every package) into ``out_dir``."""
    pairs = load_pairs()
    print(f"{len(pairs)} translation-memory pairs from {PO_PATH.relative_to(REPO)}")
    texts = [text for pair in pairs for text in (pair.en, pair.fr)]
    sp_proto = train_sentencepiece(texts)
    sp = load_sentencepiece(sp_proto)
    check_tokenizer(sp, texts)
    print(f"SentencePiece: {sp.get_piece_size()} pieces, {len(sp_proto)} bytes")

    built = []
    for index, (name, (src, tgt, kind)) in enumerate(PACKAGES.items()):
        if name not in names:
            continue
        items = direction_pairs(pairs, src, tgt)
        if kind == "bpe":
            codes = learn_bpe(items, src, tgt)
            bpe = MosesBpe(codes, src, tgt)
            check_bpe(bpe, items)
            codec = bpe_codec(bpe, items)
            tokenizer = {"bpe.model": codes.encode()}
            print(f"BPE: {BPE_MERGES} merges, {len(codec.pieces)} units, {len(codes)} bytes")
        else:
            codec, tokenizer = sentencepiece_codec(sp), {"sentencepiece.model": sp_proto}
        print(f"training {src}→{tgt} ({kind}) on {len(items)} pairs")
        started = time.perf_counter()
        model = train_model(codec, items, SEED + index)
        print(f"  trained in {time.perf_counter() - started:.1f}s")
        with tempfile.TemporaryDirectory() as ct2_dir:
            convert_model(model, codec, Path(ct2_dir))
            path = out_dir / name
            write_package(path, src, tgt, Path(ct2_dir), tokenizer, len(items))
        built.append(path)
    return built


def main(argv: Sequence[str] | None = None) -> int:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    build_cmd = commands.add_parser("build", help="train, convert, package and verify")
    build_cmd.add_argument("--out", type=Path, default=OUT_DIR)
    build_cmd.add_argument("names", nargs="*", metavar="PACKAGE", help=", ".join(PACKAGES))
    verify_cmd = commands.add_parser("verify", help="check packages reproduce the pairs")
    verify_cmd.add_argument("packages", type=Path, nargs="+")
    args = parser.parse_args(argv)

    if args.command == "verify":
        return 0 if report(args.packages, load_pairs()) else 1

    unknown = set(args.names) - set(PACKAGES)
    if unknown:
        parser.error(f"unknown packages {sorted(unknown)}; choose from {', '.join(PACKAGES)}")
    started = time.perf_counter()
    args.out.mkdir(parents=True, exist_ok=True)
    # Build beside the destination and move into place only once verified.
    with tempfile.TemporaryDirectory(dir=args.out, prefix=".build-") as staging:
        packages = build(Path(staging), args.names or tuple(PACKAGES))
        print(f"built in {time.perf_counter() - started:.1f}s")
        if not report(packages, load_pairs()):
            print("verification failed; nothing written", file=sys.stderr)
            return 1
        for package in packages:
            os.replace(package, args.out / package.name)
            print(f"wrote {args.out / package.name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
