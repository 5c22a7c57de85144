"""Alembic's entry point: migrate the engine the caller hands over (app/store/migrate.py)."""

from __future__ import annotations

from alembic import context
from sqlalchemy import text

from app.store.migrate import MIGRATION_LOCK
from app.store.models import Base

engine = context.config.attributes["engine"]
with engine.connect() as connection:
    if connection.dialect.name == "postgresql":  # SQLite's one writer is a lock already
        connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK})
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        render_as_batch=connection.dialect.name == "sqlite",
    )
    with context.begin_transaction():
        context.run_migrations()
    connection.commit()
