"""Recordings of spoken answers, kept for the users who opt in: the audio, keyed by its answer, and each user's
choice (off unless they turn it on).

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("user_settings") as batch:
        batch.add_column(sa.Column("keep_recordings", sa.Boolean(), server_default=sa.false(), nullable=False))
    op.create_table(
        "recordings",
        sa.Column("session_id", sa.String(length=64), nullable=False),
        sa.Column("attempt_index", sa.Integer(), nullable=False),
        sa.Column("answer_index", sa.Integer(), nullable=False),
        sa.Column("mime", sa.String(length=100), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("audio", sa.LargeBinary(), nullable=False),
        sa.Column("kept_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["session_id", "attempt_index", "answer_index"],
            ["answers.session_id", "answers.attempt_index", "answers.answer_index"],
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("session_id", "attempt_index", "answer_index"),
    )


def downgrade() -> None:
    op.drop_table("recordings")
    with op.batch_alter_table("user_settings") as batch:
        batch.drop_column("keep_recordings")
