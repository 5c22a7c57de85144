"""The schema this code needs, and the check a web process makes before it serves.

Kept apart from Alembic (``app.store.migrate``), which a web worker never imports: the check is
one query of Alembic's own ``alembic_version`` table, and Alembic's modules are ~11 MB of every
worker's memory. A test holds ``SCHEMA`` to Alembic's head.
"""

from __future__ import annotations

from sqlalchemy import inspect, text

from app.store.database import Database, StoreError

#: The newest migration (``app/store/migrations/versions``): the schema this code reads.
SCHEMA = "0005"
UPGRADE_COMMAND = "depeche db upgrade"
#: Alembic's table of the revision a database is at.
VERSION_TABLE = "alembic_version"


def current(database: Database) -> str | None:
    """The migration the database is at (None: an empty database)."""
    with database.engine.connect() as connection:
        if not inspect(connection).has_table(VERSION_TABLE):
            return None
        found = connection.execute(text(f"SELECT version_num FROM {VERSION_TABLE}")).scalars()
        return next(iter(found), None)


def ensure_current(database: Database) -> None:
    """Raise StoreError unless the schema is the one this code needs."""
    found = current(database)
    if found == SCHEMA:
        return
    where = database.engine.url.render_as_string(hide_password=True)
    if found is None:
        raise StoreError(f"the database {where} has no schema yet: run `{UPGRADE_COMMAND}`")
    raise StoreError(
        f"the database {where} is at schema {found}, this code needs {SCHEMA}: "
        f"run `{UPGRADE_COMMAND}`"
    )
