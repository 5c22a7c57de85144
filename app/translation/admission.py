"""Admission to the translation engine: one batch at a time per worker, callers gathered into it.

Every ``Engine.translate`` call becomes a job in one queue. A caller whose job has not started
within ``timeout`` seconds leaves the queue with :class:`Overloaded` (the API answers 503 with
``Retry-After``), so waiting is bounded however many requests arrive. Whoever finds the engine
idle leads: until ``size`` segments are queued, it waits up to ``wait`` seconds for callers that
announced themselves (see :meth:`Admission.request`), and for any other caller up to
``FILL_SHARE`` of the time the previous batch took (never more than ``wait``): a heavy model's
batch fills with the requests that arrive while it gathers, a light one hardly waits. It then
sends the oldest job and every later job of the same language pair that still fits into one
``translate_batch`` (a quarter of ``size`` is always left for short jobs behind a long one).
A job is never split: a request's own segments stay in one batch, however long. If a joint
batch fails, each job in it is retried alone, so one caller's bad input fails only that caller.
"""

from __future__ import annotations

import contextvars
import math
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from app.translation.packages import PackageError

Pieces = list[list[str]]
Run = Callable[[Pieces], list[Any]]
#: Told of each batch sent to the engine: how many requests shared it, and their segments.
BatchObserver = Callable[[int, int], None]
#: The most of the engine's time a batch spends waiting for callers nobody announced: 5 % of
#: the previous batch's time (docs/performance.md: with an argos-sized model, 8 connections
#: made batches of 2 requests out of 4 without it; 4 with it).
FILL_SHARE = 0.05


class Overloaded(PackageError):
    """The engine was busy for longer than the admission timeout."""

    def __init__(self, retry_after: int) -> None:
        self.retry_after = retry_after
        super().__init__(f"translation is busy; try again in {retry_after} s")


class TooMuchWork(PackageError):
    """A request holds more segments than it may send to the engine."""

    def __init__(self, limit: int, found: int) -> None:
        self.limit, self.found = limit, found
        super().__init__(f"{found} segments to translate; at most {limit} per request")


@dataclass(eq=False)
class _Job:
    pair: tuple[str, str]
    pieces: Pieces
    run: Run
    wake: threading.Condition
    """Notified when the job is done, or when its caller should lead the next batch."""
    started: bool = False
    done: bool = False
    results: list[Any] = field(default_factory=list)
    error: Exception | None = None


@dataclass
class _Visit:
    """A request in the translation path: its segment budget, and whether it has submitted."""

    max_segments: int | None
    arriving: bool = True


_visit: contextvars.ContextVar[_Visit | None] = contextvars.ContextVar("visit", default=None)


class Admission:
    """The per-worker queue in front of one engine (see the module docstring)."""

    def __init__(self, wait: float = 0.0, size: int = 32, timeout: float = 5.0) -> None:
        self.wait, self.size, self.timeout = wait, size, timeout
        # One lock; each waiter has its own condition, so a finished batch wakes exactly the
        # callers it answered and the one that leads next, not every thread in the queue.
        self._lock = threading.Lock()
        self._gathering = threading.Condition(self._lock)
        self._queue: list[_Job] = []
        self._busy = False
        self._arriving = 0
        self._last_run = 0.0  # seconds the previous batch took in the engine
        self.batches = 0
        """How many batches were sent (for benchmarks and tests)."""
        self.observer: BatchObserver | None = None
        """Told of every batch (the app's metrics)."""

    @property
    def waiting(self) -> int:
        """Jobs queued and not started yet."""
        with self._lock:
            return len(self._queue)

    @contextmanager
    def request(self, max_segments: int | None = None) -> Iterator[None]:
        """Announce a request that will translate soon, and cap the segments it may send."""
        visit = _Visit(max_segments)
        token = _visit.set(visit)
        with self._lock:
            self._arriving += 1
        try:
            yield
        finally:
            _visit.reset(token)
            self._settle(visit)

    def _settle(self, visit: _Visit) -> None:
        with self._lock:
            if visit.arriving:
                visit.arriving = False
                self._arriving -= 1
                self._gathering.notify()

    def check(self, segments: int) -> None:
        """Refuse more segments than the current request may send."""
        visit = _visit.get()
        if visit is not None and visit.max_segments is not None and segments > visit.max_segments:
            raise TooMuchWork(visit.max_segments, segments)

    def submit(self, pair: tuple[str, str], pieces: Pieces, run: Run) -> list[Any]:
        """Translate *pieces* with *run*, in a batch shared with other callers of *pair*."""
        job = _Job(pair, pieces, run, threading.Condition(self._lock))
        deadline = time.monotonic() + self.timeout
        visit = _visit.get()
        if visit is not None:
            self._settle(visit)
        with self._lock:
            self._queue.append(job)
            self._gathering.notify()
            while not job.done:
                if not self._busy:
                    self._busy = True
                    batch = self._gather()
                    self._lock.release()
                    try:
                        self._execute(batch)
                    finally:
                        self._lock.acquire()
                        self._busy = False
                        for done in batch:
                            done.done = True
                            done.wake.notify()
                        if self._queue:
                            self._queue[0].wake.notify()  # the oldest caller leads next
                elif job.started:
                    job.wake.wait()
                else:
                    left = deadline - time.monotonic()
                    if left <= 0:
                        self._queue.remove(job)
                        raise Overloaded(max(1, math.ceil(self.timeout)))
                    job.wake.wait(left)
        if job.error is not None:
            raise job.error
        return job.results

    def _pick(self) -> list[_Job]:
        """The oldest job, then later jobs of its pair while the batch has room.

        At least a quarter of ``size`` is kept for those later jobs, so a short request rides
        along with a long one (for a few percent more work in that batch) instead of waiting
        behind every long request queued before it.
        """
        head = self._queue[0]
        batch, room = [head], max(self.size - len(head.pieces), self.size // 4)
        for job in self._queue[1:]:
            if job.pair == head.pair and len(job.pieces) <= room:
                batch.append(job)
                room -= len(job.pieces)
        return batch

    def _gather(self) -> list[_Job]:
        """Wait briefly for more callers (lock held), then take a batch off the queue."""
        now = time.monotonic()
        announced = now + self.wait
        anyone = now + min(self.wait, FILL_SHARE * self._last_run)
        batch = self._pick()
        while sum(len(job.pieces) for job in batch) < self.size:
            left = (announced if self._arriving else anyone) - time.monotonic()
            if left <= 0:
                break
            self._gathering.wait(left)
            batch = self._pick()
        for job in batch:
            job.started = True
            self._queue.remove(job)
        return batch

    def _execute(self, batch: Sequence[_Job]) -> None:
        """Run one batch (lock released); on failure, each job again on its own."""
        self._count(len(batch), sum(len(job.pieces) for job in batch))
        started = time.monotonic()
        try:
            results = batch[0].run([piece for job in batch for piece in job.pieces])
        except Exception as error:  # never leave the other callers waiting
            if len(batch) == 1:
                batch[0].error = error
            else:
                for job in batch:
                    self._alone(job)
        else:
            self._last_run = time.monotonic() - started
            start = 0
            for job in batch:
                job.results = results[start : start + len(job.pieces)]
                start += len(job.pieces)

    def _alone(self, job: _Job) -> None:
        self._count(1, len(job.pieces))
        try:
            job.results = job.run(job.pieces)
        except Exception as error:
            job.error = error

    def _count(self, requests: int, segments: int) -> None:
        self.batches += 1
        if self.observer is not None:
            self.observer(requests, segments)
