"""Publishing at a lower CPU priority than reading: the desk's writes take what readers leave.

A publish (parse, segment, validate, write) costs milliseconds of CPU; a read of a hot article
costs tens of microseconds. On a busy machine a storm of publishes would otherwise take the
cores, and the GIL, from readers: reads fell to 0.3–0.7 of their rate (docs/performance.md,
"Publishing"). So a worker runs publishes on threads of their own, ``PUBLISH_THREADS`` of them,
each with its Linux nice value raised by ``PUBLISH_NICE``: the kernel then runs reader threads
first whenever both want a core, and publishes at full speed when nobody reads. The request
thread waits for its publish (the GIL is free meanwhile) and answers as before.

The nice value is per thread on Linux (``setpriority`` of the thread's id); elsewhere the
threads run at the process's priority. Raising it needs no privilege, so it works as any user.
"""

from __future__ import annotations

import logging
import os
import sys
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

from flask import Flask, current_app

log = logging.getLogger(__name__)
T = TypeVar("T")


class Publisher:
    """Runs publishes on *threads* threads, *nice* steps below the process's CPU priority."""

    def __init__(self, threads: int, nice: int) -> None:
        self.nice = nice
        self.threads: set[int] = set()
        """The native ids of the publishing threads started so far."""
        self._pool = ThreadPoolExecutor(
            max_workers=threads, thread_name_prefix="depeche-publish", initializer=self._lower
        )

    def _lower(self) -> None:
        self.threads.add(threading.get_native_id())
        if self.nice <= 0:
            return
        if not sys.platform.startswith("linux"):
            log.info("publishing threads keep the process's priority: per-thread nice is Linux's")
            return
        thread = threading.get_native_id()
        try:
            os.setpriority(
                os.PRIO_PROCESS, thread, os.getpriority(os.PRIO_PROCESS, thread) + self.nice
            )
        except OSError as error:  # a sandbox that forbids it: publish at the normal priority
            log.warning("publishing threads keep the process's priority: %s", error)

    def run(self, app: Flask, work: Callable[[], T]) -> T:
        """*work*'s result (or its exception), run on a publishing thread in *app*'s context."""

        def in_context() -> T:
            with app.app_context():
                return work()

        return self._pool.submit(in_context).result()

    def shutdown(self) -> None:
        self._pool.shutdown(wait=True)


def init_app(app: Flask) -> None:
    app.extensions["depeche.publisher"] = Publisher(
        int(app.config["PUBLISH_THREADS"]), int(app.config["PUBLISH_NICE"])
    )


def publish(work: Callable[[], T]) -> T:
    """Run *work* (a publish) on the current app's publishing threads."""
    publisher: Publisher = current_app.extensions["depeche.publisher"]
    app: Flask = current_app._get_current_object()  # type: ignore[attr-defined]
    return publisher.run(app, work)
