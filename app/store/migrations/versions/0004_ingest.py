"""Agency items: identity (uri, version), exact times, embargo.

Articles stored before this revision only have a day (``published``, a Date): they keep it,
and their ``published_at`` stays empty — midnight in the newsroom's time zone would be a
made-up time, so a date-only story still shows as a date.

Revision ID: 0004
Revises: 0003
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("articles", schema=None) as batch_op:
        batch_op.add_column(sa.Column("published_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("modified_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("embargo", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("uri", sa.String(length=500), nullable=True))
        batch_op.add_column(sa.Column("item_version", sa.Integer(), nullable=True))
        batch_op.create_index("ix_articles_embargo", ["embargo"], unique=False)
        batch_op.create_unique_constraint("uq_articles_uri", ["uri"])


def downgrade() -> None:
    with op.batch_alter_table("articles", schema=None) as batch_op:
        batch_op.drop_constraint("uq_articles_uri", type_="unique")
        batch_op.drop_index("ix_articles_embargo")
        batch_op.drop_column("item_version")
        batch_op.drop_column("uri")
        batch_op.drop_column("embargo")
        batch_op.drop_column("modified_at")
        batch_op.drop_column("published_at")
