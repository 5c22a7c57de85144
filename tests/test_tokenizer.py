"""Both tokenizers argos packages carry, with real fixture packages: SentencePiece and BPE."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from app.translation.engine import Engine
from app.translation.memory import catalog_path
from app.translation.packages import PackageError, install_archive, inventory
from app.translation.tokenizer import MAX_WORD, MosesBpe, load
from tests.conftest import DATA_DIR, FIXTURE_MODELS, SLUG
from tests.store import seed_settings

BPE_PACKAGE = FIXTURE_MODELS / "translate-fr_en-bpe.argosmodel"


def french_seed() -> list[tuple[str, str]]:
    """(French, English) pairs of the seed whose French is not shared by two English texts."""
    with catalog_path(DATA_DIR / "articles" / SLUG, "fr").open("rb") as handle:
        pairs = [(str(m.string), str(m.id)) for m in read_po(handle) if m.id and m.string]
    french = [fr for fr, _ in pairs]
    return [(fr, en) for fr, en in pairs if french.count(fr) == 1]


@pytest.fixture(scope="module")
def bpe_models(tmp_path_factory: pytest.TempPathFactory) -> Path:
    models = tmp_path_factory.mktemp("bpe-models")
    install_archive(BPE_PACKAGE, models, ("fr", "en"))
    return models


def test_a_bpe_package_installs(bpe_models: Path) -> None:
    (package,) = inventory(bpe_models).packages
    assert (package.name, package.source, package.target) == ("translate-fr_en", "fr", "en")
    assert (package.path / "bpe.model").is_file()
    assert not (package.path / "sentencepiece.model").exists()


def test_a_bpe_package_translates_the_seed_exactly(bpe_models: Path) -> None:
    engine = Engine(bpe_models, beam_size=1)
    pairs = french_seed()
    assert len(pairs) == 67
    assert engine.translate([fr for fr, _ in pairs], "fr", "en") == [en for _, en in pairs]
    assert isinstance(engine.load("fr", "en").tokenizer, MosesBpe)


def test_bpe_tokenizes_as_argos_does(bpe_models: Path) -> None:
    from argostranslate.tokenizer import BPETokenizer

    folder = bpe_models / "translate-fr_en"
    ours, argos = load(folder, "fr", "en"), BPETokenizer(folder / "bpe.model", "fr", "en")
    texts = [fr for fr, _ in french_seed()] + ["L’armée & « les rebelles » : 1 500 km, 50 %."]
    for text in texts:
        tokens = ours.encode(text)
        assert tokens == argos.encode(text)
        assert ours.decode(tokens) == argos.decode(tokens)


def test_a_long_word_goes_to_bpe_in_slices_and_comes_back_whole(bpe_models: Path) -> None:
    tokenizer = load(bpe_models / "translate-fr_en", "fr", "en")
    word = "anticonstitutionnellement" * 20  # 500 letters, no space
    tokens = tokenizer.encode(word)
    assert len(tokens) > len(word) // MAX_WORD
    assert tokenizer.decode(tokens) == word


class CountingCodes(dict[tuple[str, str], int]):
    """BPE merge ranks that count how often argos's BPE looks one up: its work, measured."""

    lookups = 0

    def get(self, key: tuple[str, str], default: object = None) -> object:  # type: ignore[override]
        self.lookups += 1
        return super().get(key, default)


def test_bpe_work_grows_linearly_with_a_long_word(tmp_path: Path) -> None:
    # Distinct letters that Moses keeps as one word, and codes that merge them two by two:
    # argos's BPE then makes one pass over the whole word per merge, quadratic in its length.
    letters = [chr(c) for c in range(0x100, 0x530) if chr(c).isalpha() and chr(c).islower()]
    models = tmp_path / "models"
    install_archive(BPE_PACKAGE, models)
    codes = [f"{letters[i]} {letters[i + 1]}\n" for i in range(0, len(letters) - 1, 2)]
    (models / "translate-fr_en" / "bpe.model").write_text("#version: 0.2\n" + "".join(codes))
    tokenizer = load(models / "translate-fr_en", "fr", "en")

    def lookups(length: int) -> int:
        assert isinstance(tokenizer, MosesBpe)
        counting = CountingCodes(tokenizer._bpe.bpe_codes)
        tokenizer._bpe.bpe_codes, tokenizer._bpe.cache = counting, {}
        word = "".join(letters[:length])
        assert tokenizer.decode(tokenizer.encode(word)) == word
        return counting.lookups

    half = len(letters) // 4 * 2
    assert lookups(2 * half) <= 2.5 * lookups(half)  # without slices: 4x


def test_a_bpe_model_argos_would_exit_on_is_a_load_error(tmp_path: Path) -> None:
    models = tmp_path / "models"
    install_archive(BPE_PACKAGE, models)
    codes = models / "translate-fr_en" / "bpe.model"
    codes.write_text("#version: 0.2\ne s\nthree units here\n", encoding="utf-8")
    with pytest.raises(PackageError, match="bad tokenizer bpe.model: line 2 is not two units"):
        Engine(models, beam_size=1).load("fr", "en")


def test_a_package_folder_without_a_tokenizer_is_skipped(tmp_path: Path) -> None:
    models = tmp_path / "models"
    install_archive(BPE_PACKAGE, models)
    (models / "translate-fr_en" / "bpe.model").unlink()
    found = inventory(models)
    assert found.packages == []
    assert [s.reason for s in found.skipped] == [
        "no tokenizer: neither sentencepiece.model nor bpe.model"
    ]


def test_sentencepiece_wins_when_a_package_has_both(tmp_path: Path, models_dir: Path) -> None:
    models = tmp_path / "models"
    install_archive(BPE_PACKAGE, models)
    shutil.copy(models_dir / "translate-fr_en" / "sentencepiece.model", models / "translate-fr_en")
    assert not isinstance(load(models / "translate-fr_en", "fr", "en"), MosesBpe)


def test_the_api_translates_with_a_bpe_package(bpe_models: Path) -> None:
    from app import create_app

    app = create_app({**seed_settings(), "MODELS_DIR": bpe_models})
    french, english = (
        "La Minusma a commencé à rétrocéder ses camps aux autorités maliennes.",
        ("MINUSMA has begun to return its camps to the Malian authorities."),
    )
    answer = app.test_client().post(
        "/api/v1/translate", json={"q": french, "source": "fr", "target": "en"}
    )
    assert answer.status_code == 200, answer.json
    assert answer.json["translatedText"] == english
