"""Alembic migrations, run from code: `depeche db upgrade` (the check a web process makes is
``app.store.schema``, which does not import Alembic)."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.script import ScriptDirectory

from app.store.database import Database
from app.store.schema import UPGRADE_COMMAND, current, ensure_current

MIGRATIONS = Path(__file__).parent / "migrations"
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


def upgrade(database: Database) -> tuple[str | None, str | None]:
    """Bring the database to the newest schema; return (before, after)."""
    before = current(database)
    command.upgrade(alembic_config(database), "head")
    return before, current(database)


__all__ = ["UPGRADE_COMMAND", "alembic_config", "current", "ensure_current", "head", "upgrade"]
