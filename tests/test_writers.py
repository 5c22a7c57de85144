"""Concurrent writers of the store: they wait for each other, none is refused, and what they
publish leaves other articles' remembered answers current."""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlencode

from flask import Flask

from app.store.database import Database
from app.store.migrate import upgrade
from tests.conftest import DATA_DIR, SEED, SLUG
from tests.store import drop, new_url
from tests.test_ingest_api import EDITORIAL
from tests.test_memo import memo_of
from tests.tokens import bearer, issue_token

WRITERS = 4
WRITES = 25


def test_writers_of_two_processes_wait_for_each_other_and_none_is_refused(
    tmp_path: Path,
) -> None:
    # Two engines stand for two workers; each writer reads the state first, as the ingest
    # does, then writes. On SQLite a deferred transaction refuses such a writer at once.
    url = new_url(tmp_path)
    first, second = Database(url), Database(url)
    try:
        upgrade(first)
        before = first.seq()
        failures: list[Exception] = []

        def write(database: Database) -> None:
            try:
                for _ in range(WRITES):
                    with database.write() as session:
                        database.next_seq(session)
            except Exception as error:  # counted below
                failures.append(error)

        threads = [
            threading.Thread(target=write, args=(database,))
            for database in (first, second)
            for _ in range(WRITERS)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert failures == []
        assert first.seq() == before + 2 * WRITERS * WRITES
    finally:
        first.dispose()
        second.dispose()
        drop(url)


def test_a_publish_leaves_the_hot_articles_remembered_answer_current(
    make_app: Callable[..., Flask],
) -> None:
    # Publishing another article leaves the hot one's version (the stamp its memo entry is
    # kept by) as it was: during a publish storm it is still answered from memory.
    app = make_app(DATA_DIR, RESPONSE_MEMO=True)
    client = app.test_client()
    hot = f"/api/v1/articles/{SLUG}"
    assert client.get(hot).status_code == 200
    memo = memo_of(app)
    (key,) = [k for k in memo._entries if k[3] == hot]
    headers = {**bearer(issue_token(app, "publish")), "Content-Type": "text/plain; charset=utf-8"}
    for number in range(3):
        query = urlencode({**EDITORIAL, "slug": f"another-{number}"})
        response = client.post(f"/api/v1/ingest?{query}", data=SEED.read_bytes(), headers=headers)
        assert response.status_code == 201
    assert memo._current(memo._entries[key])
