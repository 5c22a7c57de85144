"""Publishes run on threads of their own, below the readers' CPU priority."""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable

import pytest
from flask import Flask, current_app

from app import create_app
from app.exchange.publisher import Publisher, publish
from tests.conftest import DATA_DIR, SEED
from tests.store import seed_settings
from tests.test_ingest_api import EDITORIAL, Desk

linux = pytest.mark.skipif(
    not os.uname().sysname == "Linux", reason="per-thread nice values are Linux's"
)


def _niceness() -> int:
    return os.getpriority(os.PRIO_PROCESS, threading.get_native_id())


@linux
def test_a_publish_runs_below_the_callers_priority() -> None:
    app = create_app({**seed_settings(), "PUBLISH_NICE": 7})
    with app.app_context():
        found = publish(lambda: (threading.get_native_id(), _niceness()))
    assert found[0] != threading.get_native_id()
    assert found[1] == min(19, _niceness() + 7)


def test_nice_0_keeps_the_priority_and_the_app_context_follows() -> None:
    app = create_app({**seed_settings(), "PUBLISH_NICE": 0})
    with app.app_context():
        niceness, name = publish(lambda: (_niceness(), current_app.name))
    assert niceness == _niceness() and name == app.name


def test_an_exception_reaches_the_caller() -> None:
    publisher = Publisher(threads=1, nice=0)
    try:
        with pytest.raises(ValueError, match="no body"):
            publisher.run(Flask("t"), _raises)
    finally:
        publisher.shutdown()


def _raises() -> None:
    raise ValueError("no body")


def test_at_most_the_configured_threads_publish_at_once() -> None:
    publisher, running, most = Publisher(threads=2, nice=0), [0], [0]
    lock = threading.Lock()

    def work() -> None:
        with lock:
            running[0] += 1
            most[0] = max(most[0], running[0])
        time.sleep(0.05)
        with lock:
            running[0] -= 1

    app = Flask("t")
    callers = [threading.Thread(target=publisher.run, args=(app, work)) for _ in range(6)]
    try:
        for caller in callers:
            caller.start()
        for caller in callers:
            caller.join()
    finally:
        publisher.shutdown()
    assert most[0] == 2


def test_an_ingest_is_stored_by_a_publishing_thread(make_app: Callable[..., Flask]) -> None:
    desk = Desk(make_app(DATA_DIR))
    publisher: Publisher = desk.app.extensions["depeche.publisher"]
    assert publisher.threads == set()
    response = desk.post(SEED.read_bytes(), **EDITORIAL)
    assert response.status_code == 201, response.get_json()
    assert len(publisher.threads) == 1 and threading.get_native_id() not in publisher.threads
