"""Kills and the review desk: when an article was killed, and each translation's risk.

Revision ID: 0005
Revises: 0004
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("articles", schema=None) as batch_op:
        batch_op.add_column(sa.Column("killed", sa.DateTime(timezone=True), nullable=True))
    with op.batch_alter_table("translations", schema=None) as batch_op:
        batch_op.add_column(sa.Column("risk", sa.Float(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("translations", schema=None) as batch_op:
        batch_op.drop_column("risk")
    with op.batch_alter_table("articles", schema=None) as batch_op:
        batch_op.drop_column("killed")
