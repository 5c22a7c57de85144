"""Machine translation with the real fixture argos packages (tests/fixtures/models)."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from babel.messages.pofile import read_po
from flask import Flask
from flask.testing import FlaskClient

from app import create_app
from app.config import PROJECT_ROOT
from app.translation.engine import Engine
from app.translation.memory import catalog_path
from tests.conftest import DATA_DIR, SLUG
from tests.store import seed_settings, seed_url


def seed_pairs() -> list[tuple[str, str]]:
    with catalog_path(DATA_DIR / "articles" / SLUG, "fr").open("rb") as handle:
        return [(str(m.id), str(m.string)) for m in read_po(handle) if m.id and m.string]


@pytest.fixture(scope="session")
def engine(models_dir: Path) -> Engine:
    return Engine(models_dir, beam_size=1, intra_threads=1)


@pytest.fixture
def mt_client(models_dir: Path) -> FlaskClient:
    app = create_app({**seed_settings(), "MODELS_DIR": models_dir, "BEAM_SIZE": 1})
    return app.test_client()


class CountingTranslator:
    """Counts calls to the CTranslate2 translator it stands in front of (a true boundary)."""

    def __init__(self, real: Any) -> None:
        self.real, self.calls = real, 0

    def translate_batch(self, *args: Any, **kwargs: Any) -> Any:
        self.calls += 1
        return self.real.translate_batch(*args, **kwargs)


def test_english_seed_translates_to_the_reviewed_french(engine: Engine) -> None:
    pairs = seed_pairs()
    assert engine.translate([en for en, _ in pairs], "en", "fr") == [fr for _, fr in pairs]


def test_french_seed_translates_back_to_the_english(engine: Engine) -> None:
    # A French text with two English sources (a label and a timeline entry share
    # "Reprise des hostilités…") cannot come back as both: those are left out.
    french = [fr for _, fr in seed_pairs()]
    pairs = [(en, fr) for en, fr in seed_pairs() if french.count(fr) == 1]
    assert engine.translate([fr for _, fr in pairs], "fr", "en") == [en for en, _ in pairs]


def test_every_segment_of_a_request_goes_in_one_batch(models_dir: Path) -> None:
    engine = Engine(models_dir, beam_size=1)
    loaded = engine.load("en", "fr")
    counting = CountingTranslator(loaded.translator)
    object.__setattr__(loaded, "translator", counting)
    engine.translate([en for en, _ in seed_pairs()], "en", "fr")
    assert counting.calls == 1


def test_the_model_loads_once_per_process(engine: Engine) -> None:
    assert engine.load("en", "fr") is engine.load("en", "fr")


def test_api_translates_a_list_in_the_shape_it_was_asked(mt_client: FlaskClient) -> None:
    pairs = seed_pairs()[:5]
    response = mt_client.post(
        "/api/v1/translate", json={"q": [en for en, _ in pairs], "source": "en", "target": "fr"}
    )
    assert response.status_code == 200, response.json
    body = response.json
    assert body["translatedText"] == [fr for _, fr in pairs]
    assert body["model"] == {"name": "translate-en_fr", "version": "1.0"}


def test_free_text_is_segmented_then_rejoined(mt_client: FlaskClient) -> None:
    text = (
        "Kidal has been under their control ever since. "
        "The rebels routed the Malian army when it tried to regain control in 2014.\n\n"
        "MINUSMA has begun to return its camps to the Malian authorities."
    )
    answer = mt_client.post("/api/v1/translate", json={"q": text, "source": "en", "target": "fr"})
    assert answer.json["translatedText"] == (
        "Kidal est depuis lors restée sous leur contrôle. Les rebelles ont mis en déroute "
        "l’armée malienne lorsque celle-ci a tenté d’en reprendre le contrôle en 2014.\n\n"
        "La Minusma a commencé à rétrocéder ses camps aux autorités maliennes."
    )


def test_html_keeps_the_markup(mt_client: FlaskClient) -> None:
    html = (
        '<p class="lede">Kidal has been under their control ever since.</p>'
        "<script>var x = 'Kidal';</script><p><b>The 2015 agreement is shattering</b></p>"
    )
    answer = mt_client.post(
        "/api/v1/translate", json={"q": html, "source": "en", "target": "fr", "format": "html"}
    )
    assert answer.json["translatedText"] == (
        '<p class="lede">Kidal est depuis lors restée sous leur contrôle.</p>'
        "<script>var x = 'Kidal';</script><p><b>L’accord de 2015 vole en éclats</b></p>"
    )


def test_libretranslate_clients_work_unchanged(mt_client: FlaskClient) -> None:
    sentence, french = (
        "Kidal has been under their control ever since.",
        ("Kidal est depuis lors restée sous leur contrôle."),
    )
    as_json = mt_client.post(
        "/translate",
        json={"q": sentence, "source": "en", "target": "fr", "format": "text", "api_key": ""},
    )
    assert as_json.status_code == 200 and as_json.json == {"translatedText": french}
    as_form = mt_client.post("/translate", data={"q": sentence, "source": "en", "target": "fr"})
    assert as_form.json == {"translatedText": french}
    listed = mt_client.post("/translate", json={"q": [sentence], "source": "en", "target": "fr"})
    assert listed.json == {"translatedText": [french]}
    assert mt_client.get("/languages").json == [
        {"code": "en", "name": "English", "targets": ["fr"]},
        {"code": "fr", "name": "French", "targets": ["en"]},
    ]


def test_readyz_lists_installed_models(mt_client: FlaskClient) -> None:
    models = mt_client.get("/readyz").json["models"]
    assert [(m["source"], m["target"], m["installed"], m["version"]) for m in models] == [
        ("en", "fr", True, "1.0"),
        ("fr", "en", True, "1.0"),
    ]


def test_an_edition_without_translations_is_filled_by_machine_at_request_time(
    data_copy: Path, models_dir: Path, make_app: Callable[..., Flask]
) -> None:
    (data_copy / "articles" / SLUG / "fr.po").unlink()
    app = make_app(data_copy, MODELS_DIR=models_dir, BEAM_SIZE=1)
    client = app.test_client()
    body = client.get(f"/api/v1/articles/{SLUG}?lang=fr").json
    assert body["translation"]["counts"]["machine"] == 27
    assert (
        body["headline"]
        == "Un convoi de l’armée malienne fait route vers Kidal, bastion de la rébellion touareg"
    )
    facts = client.get(f"/api/v1/articles/{SLUG}/facts?lang=fr").json
    assert facts["facts"][0]["label"] == "Véhicules du convoi"
    unfilled = make_app(data_copy).test_client().get(f"/api/v1/articles/{SLUG}?lang=fr").json
    assert unfilled["translation"]["counts"]["untranslated"] == 27  # no model: source, marked


def test_serving_never_imports_torch_stanza_or_spacy(models_dir: Path) -> None:
    code = (
        "import sys\n"
        "from app import create_app\n"
        f"app = create_app({{'MODELS_DIR': {str(models_dir)!r}, 'BEAM_SIZE': 1,"
        f" 'DATABASE_URL': {seed_url()!r}}})\n"
        "c = app.test_client()\n"
        "r = c.post('/api/v1/translate', json={'q': 'Kidal has been under their control ever"
        " since.', 'source': 'en', 'target': 'fr'})\n"
        "assert r.status_code == 200, r.json\n"
        "bad = [m for m in sys.modules if m.split('.')[0] in ('torch', 'stanza', 'spacy',"
        " 'onnxruntime', 'minisbd') or m == 'argostranslate.translate']\n"
        "print(bad)\n"
    )
    run = subprocess.run(
        [sys.executable, "-c", code], cwd=PROJECT_ROOT, capture_output=True, text=True, check=True
    )
    assert run.stdout.strip() == "[]"


def test_a_sentence_longer_than_the_model_is_translated_in_pieces(mt_client: FlaskClient) -> None:
    endless = " ".join(["Kidal has been under their control ever since"] * 120)  # no full stop
    response = mt_client.post(
        "/api/v1/translate", json={"q": endless, "source": "en", "target": "fr"}
    )
    assert response.status_code == 200  # not a 500 from the model's position limit
    assert response.json["translatedText"].count("Kidal") >= 4  # one answer per piece
