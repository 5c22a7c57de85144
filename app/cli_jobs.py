"""``depeche jobs``: run the background job consumer, and see what it owes."""

from __future__ import annotations

import logging
import time

import click

from app import config


@click.group("jobs")
def jobs() -> None:
    """Background jobs: machine translation of published articles."""


@jobs.command("worker")
@click.option("--workers", type=int, help="Consumer processes (default: DEPECHE_JOBS_WORKERS).")
def worker(workers: int | None) -> None:
    """Run the job consumer until SIGINT or SIGTERM (a job that runs finishes first)."""
    from app.cli import open_database
    from app.jobs import Jobs, JobsConfigError
    from app.jobs.storage import where

    settings = config.load()
    open_database(create=False).dispose()  # the schema must be this code's (never migrates)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    try:
        found = Jobs(settings)
    except JobsConfigError as error:
        raise click.ClickException(str(error)) from error
    click.echo(f"job consumer on {where(settings)}", err=True)
    found.consumer(workers).run()


@jobs.command("status")
def status() -> None:
    """Queued, running, retrying and failed translations, and the queue's size."""
    from app.jobs import Jobs, JobsConfigError
    from app.jobs.storage import where

    settings = config.load()
    try:
        found = Jobs(settings)
    except JobsConfigError as error:
        raise click.ClickException(str(error)) from error
    records = sorted(found.board.records(), key=lambda r: r.updated)
    now = time.time()
    click.echo(
        f"{where(settings)}: {found.huey.pending_count()} queued, "
        f"{found.huey.scheduled_count()} scheduled (retries), {len(records)} editions"
    )
    for record in records:
        lost = " (lost: will be queued again)" if record.lost(found.lease, now) else ""
        why = f" — {record.error}" if record.error else ""
        click.echo(
            f"{record.slug} [{record.language}] v{record.version}: {record.state}, "
            f"attempt {record.attempts}, {now - record.updated:.0f} s ago{lost}{why}"
        )
