"""Machine translation as persisted huey jobs: queue, run, retry, recover.

``Jobs`` owns one huey instance and registers its tasks on it (nothing at import time):

* ``translate`` (slug, language): the idempotent fill of ``app.jobs.work``, retried
  ``JOBS_RETRIES`` times with a growing delay; the board shows each error, and *failed* after
  the last one (then a new version of the article, or new models, queue it again).
* ``sweep``, every minute and at each consumer process's start: queue again what was lost — a
  *running* record whose process is gone or whose heartbeat stopped (huey had already dropped
  the task from its queue), a *queued* one whose task is in neither the queue nor the schedule
  — and look at the articles changed since the last sweep for editions with gaps and no job
  (a publish whose process died between its commit and its enqueue).
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Mapping
from dataclasses import replace
from functools import cached_property
from typing import TYPE_CHECKING, Any, NamedTuple

from sqlalchemy import select

from app import config
from app.i18n.locales import SUPPORTED_LANGUAGES
from app.jobs.board import FAILED, HOST, QUEUED, RETRYING, RUNNING, Board, Record
from app.jobs.storage import check_storage, make_huey
from app.jobs.work import FillError, fill_edition, touch
from app.publication.fill import MachineStatus, model_stamp
from app.store.database import Database
from app.store.models import ArticleRow
from app.translation import make_engine, packages
from app.translation.engine import Engine, ModelMissing

if TYPE_CHECKING:
    from huey import Huey
    from huey.api import Task, TaskWrapper

log = logging.getLogger(__name__)
TRANSLATE, SWEEP = "depeche.translate", "depeche.sweep"
WATERMARK = "sweep:seq"
#: Articles the sweep looks at per run (it queues another run while it is behind).
SWEEP_BATCH = 500


class _Queue(NamedTuple):
    huey: Huey
    board: Board
    translate: TaskWrapper
    sweep: TaskWrapper


class Jobs:
    """The job side of one process: a web worker queues, a consumer runs."""

    def __init__(
        self,
        settings: Mapping[str, Any],
        database: Database | None = None,
        engine: Engine | None = None,
    ) -> None:
        self.settings = dict(settings)
        self._database = database
        self._engine = engine
        check_storage(self.settings)  # a JOBS_URL we cannot use stops start-up, huey or not
        self.lease = float(self.settings["JOBS_LEASE"])
        self._running: set[str | None] = set()
        """Tasks this process is running (a record naming this pid and another task is stale)."""

    # --- the queue, made on first use: huey, with the redis and psycopg clients it imports,
    # is ~16 MB of memory that a web worker which never queues does not pay --------------------

    @cached_property
    def _queue(self) -> _Queue:
        from huey import crontab

        huey = make_huey(self.settings)
        translate = huey.task(
            retries=int(self.settings["JOBS_RETRIES"]),
            retry_delay=float(self.settings["JOBS_RETRY_DELAY"]),
            retry_backoff=float(self.settings["JOBS_RETRY_BACKOFF"]),
            context=True,
            name=TRANSLATE,
        )(self._translate)
        sweep = huey.periodic_task(crontab(), name=SWEEP)(self._sweep)
        huey.on_startup("depeche.orphan")(_die_with_parent)
        huey.on_startup("depeche.recover")(self._sweep)
        return _Queue(huey, Board(huey), translate, sweep)

    @property
    def huey(self) -> Huey:
        return self._queue.huey

    @property
    def board(self) -> Board:
        return self._queue.board

    @property
    def translate(self) -> TaskWrapper:
        return self._queue.translate

    @property
    def sweep(self) -> TaskWrapper:
        return self._queue.sweep

    # --- resources, made on first use (a web worker that only queues never loads a model) ---

    @cached_property
    def database(self) -> Database:
        return self._database or Database(config.database_url(self.settings))

    @cached_property
    def engine(self) -> Engine:
        return self._engine or make_engine(self.database, self.settings)

    # --- queueing ----------------------------------------------------------------------------

    def queue(self, slug: str, language: str, version: int) -> Record:
        """Queue a translation of *slug* into *language* (the article is at *version*)."""
        task = self.translate.s(slug, language)
        self.huey.enqueue(task)
        return self.board.queued(slug, language, version, task.id)

    def queue_article(self, slug: str) -> tuple[str, ...]:
        """Queue every other language of *slug* that an installed model can translate into."""
        with self.database.read() as session:
            found = session.execute(
                select(ArticleRow.language, ArticleRow.version).where(ArticleRow.slug == slug)
            ).one_or_none()
        if found is None:
            return ()
        source, version = found
        queued = tuple(
            target
            for target in SUPPORTED_LANGUAGES
            if target != source and self.translatable(source, target)
        )
        for target in queued:
            self.queue(slug, target, version)
        return queued

    def translatable(self, source: str, target: str) -> bool:
        return packages.find(self.engine.models_dir, source, target) is not None

    def status(
        self, slug: str, language: str, version: int, model: str | None, owed: bool
    ) -> MachineStatus:
        """Pending: *owed* (the edition has gaps a model can fill) and the job has not given up
        on this version with this *model* install. The error is the last run's, until one
        succeeds."""
        if not owed:
            return MachineStatus()
        record = self.board.get(slug, language)
        current = record is not None and record.version >= version
        failed = record is not None and record.state == FAILED and record.model == model
        given_up = current and failed
        queued = current and record is not None and record.active
        return MachineStatus(not given_up, record.error if record else None, queued)

    # --- running -----------------------------------------------------------------------------

    def _translate(self, slug: str, language: str, task: Task | None = None) -> None:
        task_id = task.id if task is not None else None
        self._running.add(task_id)
        try:
            self._run(slug, language, task, task_id)
        finally:
            self._running.discard(task_id)

    def _run(self, slug: str, language: str, task: Task | None, task_id: str | None) -> None:
        before = self.board.get(slug, language)
        record = self.board.running(slug, language, before.version if before else 0, task_id)
        beating = threading.Event()
        heart = threading.Thread(target=self._beat, args=(record, beating), daemon=True)
        heart.start()
        try:
            filled = fill_edition(
                self.database, self.engine, slug, language, str(self.settings["JOBS_TEST_HOLD"])
            )
        except ModelMissing:
            filled = None  # uninstalled meanwhile: nothing owed that a job could do
        except Exception as error:
            public = str(error) if isinstance(error, FillError) else type(error).__name__
            self._failed(record, public, final=task is None or not task.retries)
            raise
        finally:
            beating.set()
        now = self.board.get(slug, language)
        if now is not None and now.task == task_id and now.state != FAILED:
            self.board.delete(slug, language)
            if now.error and (filled is None or filled.segments == 0):
                touch(self.database, slug)  # the error goes away without a new version

    def _beat(self, record: Record, stop: threading.Event) -> None:
        while not stop.wait(max(self.lease / 3, 0.5)):
            try:
                record = self.board.beat(record)
            except Exception:  # a missed beat is not the job's failure
                log.warning("could not refresh the heartbeat of %s", record.slug, exc_info=True)

    def _failed(self, record: Record, error: str, final: bool) -> None:
        state = FAILED if final else RETRYING
        with self.database.read() as session:
            row = session.execute(
                select(ArticleRow.language).where(ArticleRow.slug == record.slug)
            ).scalar_one_or_none()
        model = model_stamp(self.engine.available(row, record.language)) if row else None
        self.board.put(replace(record, state=state, error=error, pid=None, model=model))
        touch(self.database, record.slug)
        log.warning(
            "machine translation of %s into %s failed%s: %s",
            record.slug,
            record.language,
            "" if final else ", will retry",
            error,
        )

    # --- recovery ----------------------------------------------------------------------------

    def _sweep(self) -> None:
        """Queue again what was lost, then look at the articles changed since the last sweep."""
        try:
            self.recover()
            if self.scan():
                self.huey.enqueue(self.sweep.s())  # behind: another batch soon
        except Exception:
            log.exception("the job sweep failed")

    def recover(self) -> list[Record]:
        """Queue again every lost record; return them."""
        waiting = {t.id for t in self.huey.pending()} | {t.id for t in self.huey.scheduled()}
        lost = []
        now = time.time()
        for record in self.board.records():
            orphan = record.state in (QUEUED, RETRYING) and record.task not in waiting
            mine = record.host == HOST and record.pid == os.getpid()
            stale = record.state == RUNNING and mine and record.task not in self._running
            if stale or record.lost(self.lease, now) or (orphan and now - record.updated > 5):
                lost.append(record)
        for record in lost:
            log.info("queueing %s [%s] again: its job was lost", record.slug, record.language)
            self.queue(record.slug, record.language, record.version)
        return lost

    def scan(self) -> bool:
        """Queue the editions with gaps, among articles changed since the last scan, that no
        job is about; return whether more are left to look at."""
        from app.publication.reader import read_edition

        seen = int(self.huey.get(WATERMARK, peek=True) or 0)
        with self.database.read() as session:
            rows = session.execute(
                select(ArticleRow.slug, ArticleRow.language, ArticleRow.seq)
                .where(ArticleRow.seq > seen)
                .order_by(ArticleRow.seq)
                .limit(SWEEP_BATCH + 1)
            ).all()
        for slug, source, _seq in rows[:SWEEP_BATCH]:
            for target in SUPPORTED_LANGUAGES:
                if target == source or not self.translatable(source, target):
                    continue
                record = self.board.get(slug, target)
                if record is not None and (record.active or record.state == FAILED):
                    continue
                reading = read_edition(self.database, slug, target)
                if reading is not None and reading.edition.missing(reading.extra):
                    self.queue(slug, target, reading.edition.article.version)
        if rows:
            self.huey.put(WATERMARK, rows[:SWEEP_BATCH][-1][2])
        return len(rows) > SWEEP_BATCH

    # --- consumer ----------------------------------------------------------------------------

    def consumer(self, workers: int | None = None) -> Any:
        """A huey consumer: worker processes (one that dies is started again, and its start
        sweeps), the scheduler for retries and the minute's sweep."""
        return self.huey.create_consumer(
            workers=workers or int(self.settings["JOBS_WORKERS"]),
            worker_type="process",
            periodic=True,
            initial_delay=0.05,
            max_delay=1.0,
            check_worker_health=True,
            health_check_interval=1,
        )

    def drain(self, limit: int = 100) -> int:
        """Run what is queued now in this process (the desk's tools and tests); return how many
        tasks ran. Retries go to the schedule, as with a consumer."""
        ran = 0
        while ran < limit:
            task = self.huey.dequeue()
            if task is None:
                break
            self.huey.execute(task)
            ran += 1
        return ran


def _die_with_parent() -> None:
    """A worker process goes when its consumer does, even on a kill -9 of the consumer (an
    orphan would go on taking tasks); Linux only. Its running record is then recovered."""
    import ctypes
    import signal

    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass
