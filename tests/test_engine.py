"""Machine translation with the real fixture argos packages (tests/fixtures/models)."""

from __future__ import annotations

import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from babel.messages.pofile import read_po
from flask import Flask
from flask.testing import FlaskClient

from app import create_app
from app.config import PROJECT_ROOT
from app.jobs import jobs_for
from app.translation.admission import Admission
from app.translation.engine import Engine
from app.translation.memory import catalog_path
from app.translation.packages import PackageError
from tests.conftest import DATA_DIR, SLUG
from tests.store import seed_settings, seed_url

API = "/api/v1/translate"


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


class GatedTranslator:
    """Stands in front of the CTranslate2 translator (a true boundary): records each batch's
    size, holds the first call until released, and fails any batch holding a poison piece, as
    a model can fail on one input."""

    def __init__(self, real: Any, poison: list[str] | None = None) -> None:
        self.real, self.poison = real, poison
        self.sizes: list[int] = []
        self.entered = threading.Event()
        self.release = threading.Event()

    def translate_batch(self, pieces: list[list[str]], **kwargs: Any) -> Any:
        self.sizes.append(len(pieces))
        if len(self.sizes) == 1:
            self.entered.set()
            self.release.wait(30)
        if self.poison is not None and self.poison in pieces:
            raise RuntimeError("the model failed on this input")
        return self.real.translate_batch(pieces, **kwargs)


def gate_engine(engine: Engine, poison: str | None = None) -> GatedTranslator:
    loaded = engine.load("en", "fr")
    gate = GatedTranslator(loaded.translator, poison and loaded.tokenizer.encode(poison))
    object.__setattr__(loaded, "translator", gate)
    return gate


def queue_behind_the_first(
    engine: Engine, gate: GatedTranslator, threads: list[threading.Thread]
) -> None:
    """Run *threads*: the first holds the gated engine while all the others queue, then go."""
    threads[0].start()
    gate.entered.wait(30)
    for thread in threads[1:]:
        thread.start()
    wait_for(lambda: engine.admission.waiting == len(threads) - 1)
    gate.release.set()
    for thread in threads:
        thread.join(30)


def wait_for(condition: Callable[[], bool]) -> None:
    deadline = time.monotonic() + 30
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.005)


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


def test_an_edition_without_translations_is_queued_at_request_time_and_filled_by_the_job(
    data_copy: Path, models_dir: Path, make_app: Callable[..., Flask]
) -> None:
    (data_copy / "articles" / SLUG / "fr.po").unlink()
    app = make_app(data_copy, MODELS_DIR=models_dir, BEAM_SIZE=1, CHANGE_CHECK_INTERVAL=0)
    client = app.test_client()
    queued = client.get(f"/api/v1/articles/{SLUG}?lang=fr").json
    assert queued["translation"]["pending"] is True
    assert queued["translation"]["counts"]["untranslated"] == 27
    assert jobs_for(app).drain() == 1  # what `depeche jobs worker` runs
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
        [sys.executable, "-c", code], cwd=PROJECT_ROOT, capture_output=True, text=True
    )
    assert run.returncode == 0, run.stderr[-3000:]
    assert run.stdout.strip() == "[]"


def test_a_sentence_longer_than_the_model_is_translated_in_pieces(mt_client: FlaskClient) -> None:
    endless = " ".join(["Kidal has been under their control ever since"] * 120)  # no full stop
    response = mt_client.post(
        "/api/v1/translate", json={"q": endless, "source": "en", "target": "fr"}
    )
    assert response.status_code == 200  # not a 500 from the model's position limit
    assert response.json["translatedText"].count("Kidal") >= 4  # one answer per piece


def test_concurrent_callers_share_one_batch_and_each_gets_its_own(models_dir: Path) -> None:
    engine = Engine(models_dir, beam_size=1)
    engine.admission = Admission(wait=0, size=64, timeout=30)
    gate = gate_engine(engine)
    pairs = seed_pairs()[:9]
    results: dict[int, list[str]] = {}

    def run(index: int) -> None:
        results[index] = engine.translate([pairs[index][0]], "en", "fr")

    queue_behind_the_first(
        engine, gate, [threading.Thread(target=run, args=(i,)) for i in range(9)]
    )
    assert results == {i: [fr] for i, (_, fr) in enumerate(pairs)}
    assert gate.sizes == [1, 8]  # nine callers, two translate_batch calls


def test_a_request_never_shares_past_the_batch_size_and_is_never_split(models_dir: Path) -> None:
    engine = Engine(models_dir, beam_size=1)
    engine.admission = Admission(wait=0, size=4, timeout=30)
    gate = gate_engine(engine)
    english = [en for en, _ in seed_pairs()]
    requests = [english[0:1], english[1:4], english[4:6], english[6:7], english[7:13]]
    threads = [threading.Thread(target=engine.translate, args=(r, "en", "fr")) for r in requests]
    threads[0].start()
    gate.entered.wait(30)
    for queued, thread in enumerate(threads[1:], start=1):
        thread.start()  # one at a time, so the queue's order is known
        wait_for(lambda n=queued: engine.admission.waiting == n)  # type: ignore[misc]
    gate.release.set()
    for thread in threads:
        thread.join(30)
    # 3 + 1 fill one batch of 4 (the 2 waits its turn); the 6 goes alone, whole.
    assert gate.sizes == [1, 4, 2, 6]


def test_one_callers_poison_input_does_not_fail_the_others(models_dir: Path) -> None:
    engine = Engine(models_dir, beam_size=1)
    engine.admission = Admission(wait=0, size=64, timeout=30)
    poison = "The agreement signed in 2015 is in turn being shattered."
    gate = gate_engine(engine, poison=poison)
    pairs = seed_pairs()[:4]
    results: dict[str, object] = {}

    def run(text: str) -> None:
        try:
            results[text] = engine.translate([text], "en", "fr")
        except PackageError as error:
            results[text] = error

    first = threading.Thread(target=run, args=(pairs[0][0],))
    first.start()
    gate.entered.wait(30)
    rest = [threading.Thread(target=run, args=(t,)) for t in (pairs[1][0], poison, pairs[2][0])]
    for thread in rest:
        thread.start()
    wait_for(lambda: engine.admission.waiting == 3)
    gate.release.set()
    for thread in [first, *rest]:
        thread.join(30)
    assert isinstance(results.pop(poison), PackageError)
    assert results == {en: [fr] for en, fr in pairs[:3]}
    assert gate.sizes == [1, 3, 1, 1, 1]  # the joint batch failed: each caller again, alone


def test_a_batch_waits_its_whole_wait_only_for_announced_requests(models_dir: Path) -> None:
    engine = Engine(models_dir, beam_size=1)
    engine.admission = Admission(wait=10, size=64, timeout=30)
    counting = CountingTranslator(engine.load("en", "fr").translator)
    object.__setattr__(engine.load("en", "fr"), "translator", counting)
    started = time.monotonic()
    engine.translate(["Kidal has been under their control ever since."], "en", "fr")
    assert time.monotonic() - started < 5  # alone: no 10 s gathering wait
    announced = threading.Event()

    def late() -> None:
        with engine.admission.request():
            announced.set()
            time.sleep(0.2)  # parsing, segmenting...
            engine.translate(["MINUSMA has begun to return its camps."], "en", "fr")

    thread = threading.Thread(target=late)
    thread.start()
    announced.wait(30)
    engine.translate(["The colonels have made the restoration."], "en", "fr")
    thread.join(30)
    assert counting.calls == 2  # the lone call, then both of these together


def test_after_a_slow_batch_the_next_one_waits_a_share_of_it_for_anyone(
    models_dir: Path,
) -> None:
    engine = Engine(models_dir, beam_size=1)
    engine.admission = Admission(wait=30, size=64, timeout=60)
    gate = gate_engine(engine)
    english = [en for en, _ in seed_pairs()]
    threading.Timer(3, gate.release.set).start()
    engine.translate(english[0:1], "en", "fr")  # held 3 s: the next batch gathers ~150 ms
    # Nobody announces the second caller: it is only seen once it submits.
    thread = threading.Thread(target=engine.translate, args=(english[1:2], "en", "fr"))
    started = time.monotonic()
    thread.start()
    engine.translate(english[2:3], "en", "fr")
    thread.join(30)
    assert gate.sizes == [1, 2]
    assert time.monotonic() - started < 10  # a share of the 3 s batch, not the 30 s setting


def test_the_admission_timeout_is_a_503_with_retry_after(models_dir: Path) -> None:
    app = create_app(
        {
            **seed_settings(),
            "MODELS_DIR": models_dir,
            "BEAM_SIZE": 1,
            "TRANSLATE_QUEUE_TIMEOUT": 0.2,
            "SEGMENT_CACHE_BYTES": 0,  # every request goes to the engine
        }
    )
    gate = gate_engine(app.extensions["depeche.engine"])
    sentence = {"q": "Kidal has been under their control ever since.", "source": "en"}
    first: dict[str, Any] = {}

    def post() -> None:
        first["answer"] = app.test_client().post(API, json={**sentence, "target": "fr"})

    thread = threading.Thread(target=post)
    thread.start()
    gate.entered.wait(30)
    busy = app.test_client().post(API, json={**sentence, "target": "fr"})
    libre = app.test_client().post("/translate", json={**sentence, "target": "fr"})
    gate.release.set()
    thread.join(30)
    assert busy.status_code == 503 and busy.mimetype == "application/problem+json"
    assert busy.headers["Retry-After"] == "1"
    assert "busy" in busy.json["detail"]
    assert libre.status_code == 503 and libre.headers["Retry-After"] == "1"
    assert "busy" in libre.json["error"]
    assert first["answer"].status_code == 200


def test_concurrent_http_requests_are_gathered(models_dir: Path) -> None:
    engine_only = {"BEAM_SIZE": 1, "SEGMENT_CACHE_BYTES": 0}  # the seed's sentences are in memory
    app = create_app({**seed_settings(), "MODELS_DIR": models_dir, **engine_only})
    gate = gate_engine(app.extensions["depeche.engine"])
    pairs = seed_pairs()[:8]
    answers: dict[int, Any] = {}

    def post(index: int) -> None:
        body = {"q": pairs[index][0], "source": "en", "target": "fr"}
        answers[index] = app.test_client().post(API, json=body).json

    threads = [threading.Thread(target=post, args=(i,)) for i in range(8)]
    threads[0].start()
    gate.entered.wait(30)
    for thread in threads[1:]:
        thread.start()
    wait_for(lambda: app.extensions["depeche.engine"].admission.waiting == 7)
    gate.release.set()
    for thread in threads:
        thread.join(30)
    assert {i: a["translatedText"] for i, a in answers.items()} == {
        i: fr for i, (_, fr) in enumerate(pairs)
    }
    assert gate.sizes == [1, 7]


def test_segments_per_request_are_capped(mt_client: FlaskClient) -> None:
    # 10,000 "<" are one text node (not tags), so one segment, not 10,000.
    angles = mt_client.post(
        API, json={"q": "<" * 10_000, "source": "en", "target": "fr", "format": "html"}
    )
    assert angles.status_code == 200
    nodes = "".join(["<p>Kidal has been under their control ever since.</p>"] * 201)
    html = mt_client.post(API, json={"q": nodes, "source": "en", "target": "fr", "format": "html"})
    assert html.status_code == 413
    assert html.json["errors"] == {"json": {"q": ["More than 200 sentences."]}}
    sentences = " ".join(["Kidal has been under their control ever since."] * 201)
    many = mt_client.post(API, json={"q": sentences, "source": "en", "target": "fr"})
    assert many.status_code == 413
    assert "201" in many.json["detail"]
    libre = mt_client.post("/translate", json={"q": sentences, "source": "en", "target": "fr"})
    assert libre.status_code == 413 and libre.json["error"]
    at_cap = " ".join(["Kidal has been under their control ever since."] * 200)
    assert (
        mt_client.post(API, json={"q": at_cap, "source": "en", "target": "fr"}).status_code == 200
    )


def test_models_are_warm_before_the_first_reader(models_dir: Path) -> None:
    app = create_app({**seed_settings(), "MODELS_DIR": models_dir, "REQUIRE_MODELS": "en-fr"})
    client, engine = app.test_client(), app.extensions["depeche.engine"]
    wait_for(lambda: client.get("/readyz").status_code == 200)
    assert engine.is_loaded("en", "fr") and engine.is_loaded("fr", "en")  # no request yet
    states = [m["state"] for m in client.get("/readyz").json["models"]]
    assert states == ["loaded", "loaded"]


def test_readyz_says_loading_until_the_models_are_warm(models_dir: Path) -> None:
    app = create_app({**seed_settings(), "MODELS_DIR": models_dir, "WARM_MODELS": False})
    client, engine = app.test_client(), app.extensions["depeche.engine"]
    assert client.get("/readyz").json["models"][0]["state"] == "installed"
    with engine._lock:  # a slow disk: the load cannot finish yet
        thread = engine.warm([("en", "fr"), ("fr", "en")])
        assert thread is not None
        loading = client.get("/readyz")
        assert loading.status_code == 503
        assert loading.json["status"] == "loading"
        assert [m["state"] for m in loading.json["models"]] == ["loading", "loading"]
    thread.join(30)
    assert client.get("/readyz").status_code == 200
    assert engine.warm([("en", "fr")]) is None  # nothing left to load


def test_readyz_names_a_broken_model_without_paths_or_library_text(tmp_path: Path) -> None:
    from app.translation.packages import install_archive
    from tests.conftest import FIXTURE_MODELS

    models = tmp_path / "models"
    install_archive(FIXTURE_MODELS / "translate-en_fr.argosmodel", models)
    (models / "translate-en_fr" / "model" / "model.bin").write_bytes(b"garbage")
    app = create_app({**seed_settings(), "MODELS_DIR": models})
    client, engine = app.test_client(), app.extensions["depeche.engine"]
    wait_for(lambda: not engine.warming)
    body = client.get("/readyz").get_data(as_text=True)
    entry = client.get("/readyz").json["models"][0]
    assert entry["state"] == "broken" and entry["install"] == "depeche models install en fr"
    assert "cannot be loaded" in entry["error"]
    raw = engine.failures[("en", "fr")]  # the library's own words, kept for the logs
    assert str(models) not in body and "models_dir" not in body and raw not in body
    answer = client.post(API, json={"q": "Kidal.", "source": "en", "target": "fr"})
    assert answer.status_code == 503 and str(models) not in answer.get_data(as_text=True)
    assert "cannot be loaded" in answer.json["detail"]


def test_a_short_request_rides_along_with_a_long_one(models_dir: Path) -> None:
    engine = Engine(models_dir, beam_size=1)
    engine.admission = Admission(wait=0, size=8, timeout=30)
    gate = gate_engine(engine)
    english = [en for en, _ in seed_pairs()]
    long_one, short = english[1:13], english[13:14]
    answers: dict[str, list[str]] = {}
    threads = [
        threading.Thread(target=engine.translate, args=(english[0:1], "en", "fr")),
        threading.Thread(
            target=lambda: answers.update(long=engine.translate(long_one, "en", "fr"))
        ),
        threading.Thread(target=lambda: answers.update(short=engine.translate(short, "en", "fr"))),
    ]
    threads[0].start()
    gate.entered.wait(30)
    for queued, thread in enumerate(threads[1:], start=1):
        thread.start()
        wait_for(lambda n=queued: engine.admission.waiting == n)  # type: ignore[misc]
    gate.release.set()
    for thread in threads:
        thread.join(30)
    # The 12-sentence request is over the batch size: it goes whole, and the one-sentence
    # request queued behind it goes in the same batch rather than after it.
    assert gate.sizes == [1, 13]
    pairs = dict(seed_pairs())
    assert answers == {"long": [pairs[en] for en in long_one], "short": [pairs[short[0]]]}


def test_metrics_count_the_requests_and_segments_of_each_engine_batch(models_dir: Path) -> None:
    app = create_app({**seed_settings(), "MODELS_DIR": models_dir, "BEAM_SIZE": 1})
    engine: Engine = app.extensions["depeche.engine"]
    gate = gate_engine(engine)
    english = [en for en, _ in seed_pairs()]
    requests = [english[0:1], english[1:3], english[3:4], english[4:7]]
    queue_behind_the_first(
        engine,
        gate,
        [threading.Thread(target=engine.translate, args=(r, "en", "fr")) for r in requests],
    )
    text = app.test_client().get("/metrics").get_data(as_text=True)
    assert gate.sizes == [1, 6]
    assert "depeche_translation_batch_requests_count 2.0" in text
    assert "depeche_translation_batch_requests_sum 4.0" in text  # 1, then 3 together
    assert "depeche_translation_batch_segments_sum 7.0" in text
    assert 'depeche_translation_batch_requests_bucket{le="1.0"} 1.0' in text
