"""Alembic migrations, run from code: `depeche db upgrade`, and the check the web process makes."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory

from app.store.database import Database, StoreError

MIGRATIONS = Path(__file__).parent / "migrations"
UPGRADE_COMMAND = "depeche db upgrade"
#: The PostgreSQL advisory lock a migration holds (migrations/env.py): pods starting together,
#: each with its init container, upgrade one after another, the later ones finding the schema
#: current.
MIGRATION_LOCK = 0x646570656368


def alembic_config(database: Database) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["engine"] = database.engine
    return config


def head() -> str | None:
    """The newest migration the code knows."""
    return ScriptDirectory(str(MIGRATIONS)).get_current_head()


def current(database: Database) -> str | None:
    """The migration the database is at (None: an empty database)."""
    with database.engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def upgrade(database: Database) -> tuple[str | None, str | None]:
    """Bring the database to the newest schema; return (before, after)."""
    before = current(database)
    command.upgrade(alembic_config(database), "head")
    return before, current(database)


def ensure_current(database: Database) -> None:
    """Raise StoreError unless the schema is the one this code needs."""
    found, wanted = current(database), head()
    if found == wanted:
        return
    where = database.engine.url.render_as_string(hide_password=True)
    if found is None:
        raise StoreError(f"the database {where} has no schema yet: run `{UPGRADE_COMMAND}`")
    raise StoreError(
        f"the database {where} is at schema {found}, this code needs {wanted}: "
        f"run `{UPGRADE_COMMAND}`"
    )
