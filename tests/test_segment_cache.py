"""The segment cache: the translation memory first (reviewed wins), then this worker's recent
engine output; never across pairs; the engine only for what neither has."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from flask import Flask

from app import create_app
from app.translation.engine import Engine
from app.translation.segcache import SegmentCache
from tests.conftest import SLUG
from tests.test_engine import CountingTranslator
from tests.tokens import bearer, issue_token

API = "/api/v1/translate"
SOURCE = "The convoy left Gao on Monday morning, about 300 km southwest of Kidal, he said."
REVIEWED = "Relu : le convoi a quitté Gao lundi matin, à quelque 300 km de Kidal."
NEW = "The convoy was expected in Kidal within days."


def counting_app(url: str, models_dir: Path, **settings: Any) -> tuple[Flask, CountingTranslator]:
    app = create_app(
        {"TESTING": True, "DATABASE_URL": url, "MODELS_DIR": models_dir, "BEAM_SIZE": 1, **settings}
    )
    engine: Engine = app.extensions["depeche.engine"]
    loaded = engine.load("en", "fr")
    counting = CountingTranslator(loaded.translator)
    object.__setattr__(loaded, "translator", counting)
    return app, counting


def ask(app: Flask, q: str | list[str], source: str = "en", target: str = "fr") -> Any:
    response = app.test_client().post(API, json={"q": q, "source": source, "target": target})
    assert response.status_code == 200, response.json
    return response.json["translatedText"]


def test_a_reviewed_sentence_comes_from_the_memory_not_the_engine(
    data_copy: Path, models_dir: Path, database_for: Callable[[Path], str]
) -> None:
    po = data_copy / "articles" / SLUG / "fr.po"
    text = po.read_text()
    old = text.split(f'msgid "{SOURCE}"\nmsgstr "', 1)[1].split('"', 1)[0]
    po.write_text(text.replace(f'msgstr "{old}"', f'msgstr "{REVIEWED}"', 1))
    app, counting = counting_app(database_for(data_copy), models_dir)
    assert ask(app, SOURCE) == REVIEWED  # the desk's words, not the model's
    assert counting.calls == 0


def test_a_sentence_translated_once_is_not_translated_again(
    seed_database: str, models_dir: Path
) -> None:
    app, counting = counting_app(seed_database, models_dir)
    first = ask(app, NEW)
    assert counting.calls == 1
    assert ask(app, [NEW, NEW]) == [first, first]
    assert counting.calls == 1


def test_the_cache_never_crosses_pairs_and_can_be_turned_off(
    seed_database: str, models_dir: Path
) -> None:
    app, counting = counting_app(seed_database, models_dir)
    french = ask(app, SOURCE)
    assert counting.calls == 0  # the seed's reviewed French
    # The English sentence asked as French (fr→en) is not answered from en→fr work.
    assert ask(app, SOURCE, "fr", "en") != french
    off, engine_only = counting_app(seed_database, models_dir, SEGMENT_CACHE_BYTES=0)
    ask(off, SOURCE)
    ask(off, SOURCE)
    assert engine_only.calls == 2


def explain(app: Flask, q: str | list[str]) -> dict[str, str]:
    """Where each sentence of *q* came from, as the API says."""
    body = {"q": q, "source": "en", "target": "fr", "explain": True}
    response = app.test_client().post(API, json=body)
    assert response.status_code == 200, response.json
    return {item["source"]: item["origin"] for item in response.json["segments"]}


def test_the_api_says_where_each_sentence_came_from(seed_database: str, models_dir: Path) -> None:
    app, _ = counting_app(seed_database, models_dir)
    assert explain(app, [SOURCE, NEW]) == {SOURCE: "memory", NEW: "engine"}
    assert explain(app, f"{NEW} {SOURCE}") == {NEW: "cache", SOURCE: "memory"}
    plain = app.test_client().post(API, json={"q": NEW, "source": "en", "target": "fr"})
    assert "segments" not in plain.json  # only when asked
    body = {"q": NEW, "source": "en", "target": "fr", "explain": 1}
    refused = app.test_client().post(API, json=body)
    assert refused.status_code == 422
    assert "explain" in refused.json["errors"]["json"]


def test_a_kill_purges_the_articles_sentences_from_every_workers_cache(
    data_copy: Path, models_dir: Path, database_for: Callable[[Path], str]
) -> None:
    """Two workers on one store: each translated a sentence of the article with its engine
    (the desk had not translated it); after a kill through one, neither answers it from its
    cache within the change interval, while a sentence of no article stays cached."""
    po = data_copy / "articles" / SLUG / "fr.po"
    text = po.read_text()
    old = text.split(f'msgid "{SOURCE}"\nmsgstr "', 1)[1].split('"', 1)[0]
    po.write_text(text.replace(f'msgstr "{old}"', 'msgstr ""', 1))
    url = database_for(data_copy)
    interval = 0.25
    workers = [counting_app(url, models_dir, CHANGE_CHECK_INTERVAL=interval)[0] for _ in "ab"]
    for worker in workers:
        assert explain(worker, [SOURCE, NEW]) == {SOURCE: "engine", NEW: "engine"}
        assert explain(worker, [SOURCE, NEW]) == {SOURCE: "cache", NEW: "cache"}
    killer = workers[0].test_client()
    token = issue_token(workers[0], "publish")
    assert killer.delete(f"/api/v1/articles/{SLUG}", headers=bearer(token)).status_code == 200
    time.sleep(interval + 0.1)
    for worker in workers:
        assert explain(worker, [SOURCE, NEW]) == {SOURCE: "engine", NEW: "cache"}


def test_output_translated_before_a_purge_is_not_kept_after_it() -> None:
    cache = SegmentCache(None, 10_000)
    key = ("en", "fr", "translate-en_fr", "1.0", 1)
    started = cache.purges
    cache.forget({"A sentence of a killed story."})
    cache.remember(key, {"A sentence of a killed story.": "Une phrase."}, as_of=started)
    assert cache.recent(key, ["A sentence of a killed story."]) == {}
    cache.remember(key, {"Another one.": "Une autre."}, as_of=cache.purges)
    assert cache.recent(key, ["Another one."]) == {"Another one.": "Une autre."}
