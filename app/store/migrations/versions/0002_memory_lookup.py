"""The translation memory, found by sentence: a digest of each entry's source, indexed.

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

import hashlib

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def source_key(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def upgrade() -> None:
    with op.batch_alter_table("translations", schema=None) as batch_op:
        batch_op.add_column(sa.Column("source_key", sa.String(length=16), nullable=True))
    connection = op.get_bind()
    rows = connection.execute(sa.text("SELECT id, source FROM translations")).all()
    for row_id, source in rows:
        connection.execute(
            sa.text("UPDATE translations SET source_key = :key WHERE id = :id"),
            {"key": source_key(source), "id": row_id},
        )
    with op.batch_alter_table("translations", schema=None) as batch_op:
        batch_op.alter_column("source_key", existing_type=sa.String(length=16), nullable=False)
        batch_op.create_index("ix_translations_memory", ["language", "source_key"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("translations", schema=None) as batch_op:
        batch_op.drop_index("ix_translations_memory")
        batch_op.drop_column("source_key")
