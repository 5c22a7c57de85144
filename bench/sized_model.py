"""An en→fr package of a real Argos model's size, for measuring the engine where it is heavy.

The fixture models (tests/fixtures/models) are 0.7 MB: 2 layers of width 96, their weights in
the CPU's cache, so CTranslate2 spends a sentence mostly in per-step overhead and a batch saves
little. A real argos package is trained by argos-train's config (OpenNMT-py transformer: 6
encoder and 6 decoder layers, width 512, 8 heads, feed-forward 2,048, pre-norm, one shared
SentencePiece vocabulary of up to 50,000 pieces) and weighs about 95 MB in int8. Those models
cannot be downloaded here, so this builds one of that shape with seeded random weights: the
fixture's SentencePiece model and its pieces first in the vocabulary (so the seed's text
tokenizes as it does with the fixture), filler pieces after them.

Its translations are noise. What matters for throughput is how many steps it decodes: the bias
of ``</s>`` in the output layer is set so that greedy decoding of the seed's segments stops
after 15 to 83 tokens, 38 on average (the fixture model's translations: 9 to 76, 38 on
average); ``lengths`` reports them beside the fixture's so a run shows it.
"""

from __future__ import annotations

import json
import statistics
import zipfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import ctranslate2
import numpy as np
from ctranslate2 import specs

ROOT = Path(__file__).resolve().parent.parent
FIXTURE = ROOT / "tests" / "fixtures" / "models" / "translate-en_fr.argosmodel"

LAYERS, WIDTH, HEADS, FEED_FORWARD, VOCABULARY = 6, 512, 8, 2048, 50_000
SEED = 1234
#: Added to the logit of ``</s>``: lower decodes longer (2.0 ran to the 256-token cap).
EOS_BIAS = 2.3
PACKAGE = "translate-en_fr"


def build(models_dir: Path) -> Path:
    """Write the package folder into *models_dir* (an empty models folder); return it."""
    folder = models_dir / PACKAGE
    (folder / "model").mkdir(parents=True)
    with zipfile.ZipFile(FIXTURE) as archive:
        for name in archive.namelist():
            if name.endswith(("/metadata.json", "/sentencepiece.model")):
                (folder / Path(name).name).write_bytes(archive.read(name))
            elif name.endswith("/shared_vocabulary.json"):
                pieces: list[str] = json.loads(archive.read(name))
    vocabulary = pieces + [f"\u2581w{i}" for i in range(VOCABULARY - len(pieces))]
    spec = _spec(np.random.default_rng(SEED))
    spec.register_source_vocabulary(vocabulary)
    spec.register_target_vocabulary(vocabulary)
    spec.validate()
    spec.optimize(quantization="int8")
    spec.save(str(folder / "model"))
    return folder


def _spec(rng: np.random.Generator) -> Any:
    def linear(layer: Any, outputs: int, inputs: int) -> None:
        weight = rng.standard_normal((outputs, inputs), dtype=np.float32) / np.sqrt(inputs)
        layer.weight, layer.bias = weight, np.zeros(outputs, np.float32)

    def norm(layer: Any) -> None:
        layer.gamma, layer.beta = np.ones(WIDTH, np.float32), np.zeros(WIDTH, np.float32)

    spec = specs.TransformerSpec.from_config((LAYERS, LAYERS), HEADS, pre_norm=True)
    embeddings = rng.standard_normal((VOCABULARY, WIDTH), dtype=np.float32)
    spec.encoder.embeddings[0].weight = embeddings
    spec.decoder.embeddings.weight = embeddings
    norm(spec.encoder.layer_norm)
    norm(spec.decoder.layer_norm)
    for layer in [*spec.encoder.layer, *spec.decoder.layer]:
        norm(layer.self_attention.layer_norm)
        linear(layer.self_attention.linear[0], 3 * WIDTH, WIDTH)
        linear(layer.self_attention.linear[1], WIDTH, WIDTH)
        norm(layer.ffn.layer_norm)
        linear(layer.ffn.linear_0, FEED_FORWARD, WIDTH)
        linear(layer.ffn.linear_1, WIDTH, FEED_FORWARD)
    for layer in spec.decoder.layer:
        norm(layer.attention.layer_norm)
        linear(layer.attention.linear[0], WIDTH, WIDTH)
        linear(layer.attention.linear[1], 2 * WIDTH, WIDTH)
        linear(layer.attention.linear[2], WIDTH, WIDTH)
    linear(spec.decoder.projection, VOCABULARY, WIDTH)
    spec.decoder.projection.bias[0] = EOS_BIAS  # "</s>" is the vocabulary's first piece
    spec.config.unk_token, spec.config.bos_token = "<unk>", "<s>"
    spec.config.eos_token = spec.config.decoder_start_token = "</s>"
    return spec


def lengths(model: Path, tokens: Sequence[list[str]]) -> tuple[float, int, int]:
    """Mean, shortest and longest greedy translation of *tokens* by the model in *model*."""
    translator = ctranslate2.Translator(str(model), device="cpu", intra_threads=1)
    found = [len(r.hypotheses[0]) for r in translator.translate_batch(tokens, beam_size=1)]
    return statistics.mean(found), min(found), max(found)
