"""``depeche ...`` commands for the newsroom: the database, import/export, ingest, translate,
check. Every command reads the same settings as the service (``config.load``)."""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Iterable, Iterator
from datetime import datetime
from pathlib import Path
from typing import Any, TypeVar

import click

from app import config
from app.content.folder import ContentError
from app.store.database import Database, StoreError
from app.store.migrate import UPGRADE_COMMAND, current, head, upgrade
from app.translation.memory import CatalogError

T = TypeVar("T")


def open_database(create: bool = True) -> Database:
    """The configured database; created with the newest schema when it has none yet."""
    from app.store import open_database as connect

    database = connect(config.load())
    found = current(database)
    if found is None and create:
        upgrade(database)
    elif found != head():
        raise click.ClickException(
            f"the database is at schema {found}, this code needs {head()}: run `{UPGRADE_COMMAND}`"
        )
    return database


def with_progress(items: Iterable[T], label: str, length: int | None = None) -> Iterator[T]:
    """Iterate *items* (*length* of them), showing count, rate and time left on a terminal
    (quiet when piped)."""
    length = len(items) if length is None and isinstance(items, list) else length
    if not sys.stderr.isatty() or (length or 0) < 2:
        yield from items
        return
    started, given = time.monotonic(), 0

    def rate(_: Any) -> str:
        # Counted here, not read from the bar: click shows the line before it hands it over.
        elapsed = time.monotonic() - started
        return f"{given / elapsed:.0f}/s" if elapsed > 0 else ""

    with click.progressbar(
        items,
        length=length,
        label=label,
        show_pos=True,
        show_eta=True,
        item_show_func=rate,
        file=sys.stderr,
    ) as bar:
        for item in bar:
            given += 1
            yield item


def _fail_on_content_errors(action: Callable[[], T]) -> T:
    try:
        return action()
    except (ContentError, CatalogError, StoreError) as error:
        raise click.ClickException(str(error)) from error


@click.group()
def main() -> None:
    """dépêche: bilingual news publishing."""


@main.group("db")
def db() -> None:
    """The content store's database."""


@db.command("upgrade")
def db_upgrade() -> None:
    """Create the database, or bring its schema up to date (run before starting workers)."""
    database = Database(config.database_url(config.load()))
    before, after = upgrade(database)
    where = database.engine.url.render_as_string(hide_password=True)
    if before == after:
        click.echo(f"{where}: schema {after}, up to date")
    else:
        click.echo(f"{where}: schema {before or '(none)'} → {after}")


def _root(option: Path | None) -> Path:
    return option or Path(config.load()["DATA_DIR"])


@main.command("import")
@click.argument("root", required=False, type=click.Path(file_okay=False, path_type=Path))
@click.option("--if-empty", is_flag=True, help="Only when the store has no article yet.")
def import_command(root: Path | None, if_empty: bool) -> None:
    """Import the article folders of ROOT (holding articles/<slug>/; default: the data folder).

    Each article is read whole and written in one transaction; an unchanged one is left as it
    is. A bad folder is reported by file and field and nothing of it is written."""
    from app.exchange.folders import article_folders, read_folders, store_read, stored_slugs

    source = _root(root)
    database = open_database()
    stored = set(stored_slugs(database))
    if if_empty and stored:
        click.echo("the store has articles already: nothing imported")
        return
    folders = _fail_on_content_errors(lambda: article_folders(source))
    changed, failed, started = 0, [], time.monotonic()
    read = read_folders(folders, source, stored)
    for content in with_progress(read, "importing", len(folders)):
        if isinstance(content, str):
            failed.append(content)
            continue
        changed += store_read(database, content, source)
    elapsed = time.monotonic() - started
    for message in failed:
        click.echo(message, err=True)
    click.echo(
        f"{len(folders) - len(failed)} articles read, {changed} changed, "
        f"{len(failed)} refused in {elapsed:.1f} s"
    )
    if failed:
        raise SystemExit(1)


@main.command("export")
@click.argument("root", required=False, type=click.Path(file_okay=False, path_type=Path))
@click.option("--slug", "slugs", multiple=True, help="Only this article (repeatable).")
def export_command(root: Path | None, slugs: tuple[str, ...]) -> None:
    """Write every article (or --slug ones) to ROOT/articles/<slug>/ in the canonical form."""
    from app.exchange.folders import export_article, stored_slugs

    target = _root(root)
    database = open_database()
    wanted = list(slugs) or stored_slugs(database)
    for slug in with_progress(wanted, "exporting"):
        _fail_on_content_errors(lambda slug=slug: export_article(database, slug, target))  # type: ignore[misc]
    click.echo(f"{len(wanted)} articles written to {target / 'articles'}")


@main.command("ingest")
@click.argument("wire", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--slug", required=True, help="The article's slug (its URL).")
@click.option("--headline", help="Editorial headline (kept from the article if omitted).")
@click.option("--standfirst", help="Editorial standfirst (kept from the article if omitted).")
@click.option("--dateline", help="Place the story was filed from, e.g. Gao.")
@click.option("--published", type=click.DateTime(formats=["%Y-%m-%d"]), help="YYYY-MM-DD.")
@click.option("--language", type=click.Choice(["en", "fr"]), help="Language of the wire copy.")
@click.option("--publisher", help="Publisher credited after the agency, e.g. France 24.")
@click.option(
    "--embargo",
    help="Readers see nothing before this time (ISO 8601 with offset: 2023-10-02T18:00+02:00).",
)
def ingest_command(
    wire: Path,
    slug: str,
    headline: str | None,
    standfirst: str | None,
    dateline: str | None,
    published: datetime | None,
    language: str | None,
    publisher: str | None,
    embargo: str | None,
) -> None:
    """Ingest WIRE copy as article SLUG in the store (the copy is kept byte for byte)."""
    from app.content.ingest import IngestError
    from app.exchange.formats import FormatError, parse_time
    from app.exchange.ingest import ingest_wire

    try:
        until = parse_time(embargo, "--embargo") if embargo is not None else None
    except FormatError as error:
        raise click.BadParameter(error.detail, param_hint="--embargo") from error
    database = open_database()
    try:
        result = ingest_wire(
            database,
            wire.read_bytes(),
            slug,
            embargo=until,
            headline=headline,
            standfirst=standfirst,
            dateline=dateline,
            published=published.date() if published else None,
            language=language,
            publisher=publisher,
        )
    except IngestError as error:
        raise click.ClickException(str(error)) from error
    assert result.ingested is not None
    story = result.ingested.story
    headings = sum(kind == "heading" for kind, _ in story.blocks)
    click.echo(
        f"{slug}: {len(story.blocks) - headings} paragraphs, {headings} subheadings, "
        f"{len(story.related)} related links, credit {story.agency}"
        + ("" if result.changed else " (unchanged)")
        + (f", embargoed until {result.embargo.isoformat()}" if result.embargo else "")
    )
    for line in story.dropped:
        click.echo(f"dropped promo line: {line}")
    for fact in result.dropped_facts:
        click.echo(f"removed fact {fact}: its quote is no longer in the text")
    if result.changed:
        from app.jobs import queue_translations

        queued = queue_translations(config.load(), slug)
        if queued:
            click.echo(f"machine translation queued: {', '.join(queued)} (depeche jobs worker)")


@main.command("check")
def check_command() -> None:
    """Prove every fact of every article in every language; exit 1 on any problem."""
    from sqlalchemy import select

    from app.exchange.folders import stored_slugs
    from app.facts.check import check_article
    from app.i18n.locales import SUPPORTED_LANGUAGES
    from app.publication.reader import read_edition
    from app.store.models import ArticleRow

    database = open_database()
    max_risk = config.load()["MT_PUBLISH_MAX_RISK"]
    problems, checked = [], 0
    for slug in with_progress(stored_slugs(database), "checking"):
        readings = {
            lang: read_edition(database, slug, lang, max_risk) for lang in SUPPORTED_LANGUAGES
        }
        first = next(r for r in readings.values() if r is not None)
        if first.all_facts is None:
            continue
        with database.read() as session:
            source = session.execute(
                select(ArticleRow.source).where(ArticleRow.slug == slug)
            ).scalar_one()
        article = first.edition.article
        wire = source.decode("utf-8") if source else " ".join(s.text for s in article.segments())
        editions = {lang: r.edition for lang, r in readings.items() if r is not None}
        problems += check_article(article, first.all_facts, editions, wire)
        checked += len(first.all_facts.facts) + len(first.all_facts.timeline)
    for problem in problems:
        click.echo(str(problem), err=True)
    if problems:
        raise click.ClickException(f"{len(problems)} problem(s) in {checked} facts")
    click.echo(f"{checked} facts and timeline entries proved in {', '.join(SUPPORTED_LANGUAGES)}")


@main.command("translate")
@click.argument("slug")
@click.option("--to", "target", required=True, help="Target language, e.g. fr.")
@click.option("--no-machine", is_flag=True, help="Only merge the catalog with the article.")
def translate_command(slug: str, target: str, no_machine: bool) -> None:
    """Bring SLUG's translation memory for --to up to date and fill the gaps by machine."""
    from app.exchange.translate import translate_article

    settings = config.load()
    database = open_database()
    try:
        outcome = translate_article(database, settings, slug, target, machine=not no_machine)
    except (ContentError, StoreError) as error:
        raise click.ClickException(str(error)) from error
    if outcome.warning:
        click.echo(outcome.warning, err=True)
    summary = ", ".join(f"{n} {status}" for status, n in outcome.report.counts.items())
    click.echo(
        f"{slug} [{target}]: {summary}, {outcome.report.obsolete} obsolete; "
        f"{outcome.filled} machine-filled"
    )


@main.group("facts")
def facts_group() -> None:
    """Draft key facts from an article's text, and accept them."""


@facts_group.command("suggest")
@click.argument("slug")
def facts_suggest(slug: str) -> None:
    """Print candidate facts for SLUG (facts.yaml's shape, with quote offsets and confidence)."""
    from app.content.folder import dump_yaml
    from app.exchange.suggestions import as_data, suggestions

    database = open_database()
    found = _fail_on_content_errors(lambda: suggestions(database, slug))
    click.echo(
        dump_yaml({"suggestions": [as_data(s) for s in found]}, leaves_inline=True), nl=False
    )


@facts_group.command("accept")
@click.argument("slug")
@click.argument("ids", nargs=-1, required=True)
def facts_accept(slug: str, ids: tuple[str, ...]) -> None:
    """Add the suggestions IDS to SLUG's published facts (a new version of the article)."""
    from app.exchange.suggestions import accept

    database = open_database()
    accepted = _fail_on_content_errors(lambda: accept(database, slug, list(ids)))
    click.echo(f"{slug}: accepted {', '.join(accepted)}")


def _register() -> None:
    from app.cli_jobs import jobs
    from app.cli_models import models
    from app.cli_tokens import tokens_group

    main.add_command(models)
    main.add_command(tokens_group)
    main.add_command(jobs)


_register()
