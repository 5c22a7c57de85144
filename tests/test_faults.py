"""Faults: models broken or deleted while running, bad data at start, slow clients."""

from __future__ import annotations

import shutil
import socket
import time
import urllib.request
from collections.abc import Callable
from pathlib import Path

import pytest
from flask import Flask

from app import create_app
from app.content.folder import ContentError
from app.translation.packages import install_archive
from tests.conftest import DATA_DIR, FIXTURE_MODELS, SLUG
from tests.granian import granian
from tests.store import new_url, seed_settings

SENTENCE = {"q": "Kidal has been under their control ever since.", "source": "en", "target": "fr"}


@pytest.fixture
def own_models(tmp_path: Path) -> Path:
    """Fixture models in a folder this test may break."""
    models = tmp_path / "models"
    install_archive(FIXTURE_MODELS / "translate-en_fr.argosmodel", models)
    return models


def app_with(models: Path) -> Flask:
    return create_app({**seed_settings(), "MODELS_DIR": models, "BEAM_SIZE": 1})


def test_a_corrupted_model_is_a_503_and_readyz_says_why(own_models: Path) -> None:
    (own_models / "translate-en_fr" / "model" / "model.bin").write_bytes(b"garbage")
    client = app_with(own_models).test_client()
    response = client.post("/api/v1/translate", json=SENTENCE)
    assert response.status_code == 503
    assert "cannot be loaded" in response.json["detail"]
    entry = client.get("/readyz").json["models"][0]
    assert entry["installed"] is True and "cannot be loaded" in entry["error"]
    assert client.get(f"/fr/articles/{SLUG}").status_code == 200  # content still served


def test_a_model_deleted_while_running(own_models: Path) -> None:
    client = app_with(own_models).test_client()
    assert client.post("/api/v1/translate", json=SENTENCE).status_code == 200
    shutil.rmtree(own_models / "translate-en_fr")
    # Loaded models stay in memory; readyz tells operators the files are gone.
    assert client.post("/api/v1/translate", json=SENTENCE).status_code == 200
    entry = client.get("/readyz").json["models"][0]
    assert entry["installed"] is False
    assert entry["install"] == "depeche models install en fr"
    fresh = app_with(own_models).test_client()
    assert fresh.post("/api/v1/translate", json=SENTENCE).status_code == 503


def test_a_broken_model_does_not_break_an_edition(
    own_models: Path, data_copy: Path, make_app: Callable[..., Flask]
) -> None:
    (own_models / "translate-en_fr" / "model" / "model.bin").write_bytes(b"garbage")
    (data_copy / "articles" / SLUG / "fr.po").unlink()
    app = make_app(data_copy, MODELS_DIR=own_models)
    response = app.test_client().get(f"/api/v1/articles/{SLUG}?lang=fr")
    assert response.status_code == 200
    assert response.json["translation"]["counts"]["untranslated"] == 27


@pytest.mark.parametrize("breakage", ["articles-is-a-file", "article-md-is-a-folder", "missing"])
def test_unreadable_data_is_refused_by_import_with_the_file_named(
    tmp_path: Path, breakage: str, database_for: Callable[[Path], str]
) -> None:
    data = tmp_path / "data"
    shutil.copytree(DATA_DIR, data)
    if breakage == "articles-is-a-file":
        shutil.rmtree(data / "articles")
        (data / "articles").write_text("")
    elif breakage == "article-md-is-a-folder":
        md = data / "articles" / SLUG / "article.md"
        md.unlink()
        md.mkdir()
    else:
        shutil.rmtree(data)
    with pytest.raises(ContentError) as caught:
        database_for(data)
    assert str(data) in str(caught.value)


def test_a_store_without_its_schema_stops_start_up_saying_what_to_do(tmp_path: Path) -> None:
    log = tmp_path / "granian.log"
    empty = new_url(tmp_path)
    with pytest.raises(RuntimeError), granian(log, DEPECHE_DATABASE_URL=empty):
        pass
    text = log.read_text()
    assert "has no schema yet" in text
    assert "depeche db upgrade" in text


def test_a_store_behind_the_code_refuses_to_serve(tmp_path: Path) -> None:
    from alembic import command

    from app.store.database import Database, StoreError
    from app.store.migrate import alembic_config, upgrade

    url = new_url(tmp_path)
    database = Database(url)
    upgrade(database)
    command.downgrade(alembic_config(database), "base")
    command.stamp(alembic_config(database), "0001")
    with database.engine.begin() as connection:
        connection.exec_driver_sql("UPDATE alembic_version SET version_num = '0000'")
    with pytest.raises(StoreError, match="run `depeche db upgrade`"):
        create_app({"TESTING": True, "DATABASE_URL": url})
    database.dispose()


def test_slow_clients_holding_connections_do_not_stop_others(tmp_path: Path) -> None:
    with granian(tmp_path / "granian.log", workers=1) as base:
        port = int(base.rsplit(":", 1)[1])
        idle = []
        try:
            for _ in range(200):  # bounded: 200 connections that never finish their request
                sock = socket.create_connection(("127.0.0.1", port), timeout=2)
                sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n")
                idle.append(sock)
            started = time.monotonic()
            with urllib.request.urlopen(f"{base}/fr/articles/{SLUG}", timeout=5) as response:
                assert response.status == 200
            assert time.monotonic() - started < 5
        finally:
            for sock in idle:
                sock.close()
