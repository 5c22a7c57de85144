"""``depeche tokens create|list|revoke``: the API tokens of the desk and its systems."""

from __future__ import annotations

import click

from app.auth import tokens
from app.auth.tokens import TokenError


@click.group("tokens")
def tokens_group() -> None:
    """API tokens for the write routes (only a digest of each is stored)."""


@tokens_group.command("create")
@click.option("--name", required=True, help="Who or what uses it, e.g. superdesk, desk-anna.")
@click.option(
    "--scope",
    "scope",
    required=True,
    help=f"Comma-separated, among {', '.join(tokens.SCOPES)}.",
)
def create_command(name: str, scope: str) -> None:
    """Make a token and print it, once, as the last line."""
    from app.cli import open_database

    database = open_database()
    try:
        scopes = tokens.parse_scopes(scope)
        with database.write() as session:
            token = tokens.create(session, name, scopes)
    except TokenError as error:
        raise click.ClickException(str(error)) from error
    click.echo(f"token {name!r} ({', '.join(scopes)}) created; it is shown only now:", err=True)
    click.echo(token)


@tokens_group.command("list")
def list_command() -> None:
    """Every token: name, scopes, when it was made, and whether it is revoked."""
    from app.cli import open_database

    with open_database().read() as session:
        found = tokens.listing(session)
    for token in found:
        state = f"revoked {token.revoked:%Y-%m-%d %H:%M}" if token.revoked else "active"
        click.echo(
            f"{token.name}\t{','.join(token.scopes)}\t{token.created:%Y-%m-%d %H:%M}\t{state}"
        )


@tokens_group.command("revoke")
@click.argument("name")
def revoke_command(name: str) -> None:
    """Revoke token NAME: from now on it is refused (401)."""
    from app.cli import open_database

    database = open_database()
    try:
        with database.write() as session:
            tokens.revoke(session, name)
    except TokenError as error:
        raise click.ClickException(str(error)) from error
    click.echo(f"token {name!r} revoked")
