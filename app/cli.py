"""``depeche ...`` commands for the newsroom: ingest wire copy, and more."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import click

from app.config import DEFAULTS, from_environment
from app.content.ingest import IngestError, ingest


def _data_dir(option: Path | None) -> Path:
    return option or from_environment().get("DATA_DIR") or DEFAULTS["DATA_DIR"]


@click.group()
def main() -> None:
    """dépêche: bilingual news publishing."""


@main.command("ingest")
@click.argument("wire", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--slug", required=True, help="Folder name under data/articles/.")
@click.option("--headline", help="Editorial headline (kept from the article if omitted).")
@click.option("--standfirst", help="Editorial standfirst (kept from the article if omitted).")
@click.option("--dateline", help="Place the story was filed from, e.g. Gao.")
@click.option("--published", type=click.DateTime(formats=["%Y-%m-%d"]), help="YYYY-MM-DD.")
@click.option("--language", type=click.Choice(["en", "fr"]), help="Language of the wire copy.")
@click.option("--publisher", help="Publisher credited after the agency, e.g. France 24.")
@click.option(
    "--data-dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="Defaults to DEPECHE_DATA_DIR, then data/.",
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
    data_dir: Path | None,
) -> None:
    """Ingest WIRE copy as article SLUG: source.txt byte for byte, and article.md."""
    try:
        result = ingest(
            wire,
            slug,
            _data_dir(data_dir),
            headline=headline,
            standfirst=standfirst,
            dateline=dateline,
            published=published.date() if published else None,
            language=language,
            publisher=publisher,
        )
    except IngestError as error:
        raise click.ClickException(str(error)) from error
    story = result.story
    headings = sum(kind == "heading" for kind, _ in story.blocks)
    click.echo(
        f"{result.folder}: {len(story.blocks) - headings} paragraphs, {headings} subheadings, "
        f"{len(story.related)} related links, credit {story.agency}"
    )
    for line in story.dropped:
        click.echo(f"dropped promo line: {line}")


@main.command("check")
@click.option(
    "--data-dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="Defaults to DEPECHE_DATA_DIR, then data/.",
)
def check_command(data_dir: Path | None) -> None:
    """Prove every fact of every article in every language; exit 1 on any problem."""
    from app.content.store import ArticleStore, ContentError
    from app.facts.check import check_article
    from app.facts.store import load_facts
    from app.i18n.locales import SUPPORTED_LANGUAGES
    from app.translation.edition import build_edition
    from app.translation.memory import CatalogError

    try:
        articles = ArticleStore.load(_data_dir(data_dir))
        problems, checked = [], 0
        for article in articles:
            path = article.folder / "facts.yaml"
            if not path.exists():
                continue
            facts = load_facts(path, article)
            editions = {lang: build_edition(article, lang) for lang in SUPPORTED_LANGUAGES}
            problems += check_article(article, facts, editions)
            checked += len(facts.facts) + len(facts.timeline)
    except (ContentError, CatalogError) as error:
        raise click.ClickException(str(error)) from error
    for problem in problems:
        click.echo(str(problem), err=True)
    if problems:
        raise click.ClickException(f"{len(problems)} problem(s) in {checked} facts")
    click.echo(f"{checked} facts and timeline entries proved in {', '.join(SUPPORTED_LANGUAGES)}")


def _register() -> None:
    from app.cli_models import models, translate

    main.add_command(models)
    main.add_command(translate)


_register()
