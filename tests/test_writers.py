"""Concurrent writers of the store: they wait for each other, none is refused."""

from __future__ import annotations

import threading
from pathlib import Path

from app.store.database import Database
from app.store.migrate import upgrade
from tests.store import drop, new_url

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
