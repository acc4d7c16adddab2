"""Drill cards keep their FSRS memory state and when they were last reviewed (spaced repetition on FSRS).

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-29
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("drill_cards") as batch:
        batch.add_column(sa.Column("memory", sa.Text(), nullable=True))
        batch.add_column(sa.Column("reviewed_at", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("drill_cards") as batch:
        batch.drop_column("reviewed_at")
        batch.drop_column("memory")
