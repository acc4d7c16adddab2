"""The initial schema: the tables the store had before it used Alembic.

Revision ID: 0001
Revises:
Create Date: 2026-11-24

The tables are built by :func:`tables` rather than written as ``op.create_table`` calls
so that the same definition serves twice: ``upgrade`` creates all of them on an empty
database, and adopting a database made by a pre-Alembic version of the store
(``interviewer.migrations.upgrade_database``) creates only the ones it lacks (versions
before the drill schedule had no ``drill_cards``) before stamping it at this revision.
This definition is frozen: later changes to the schema belong in later revisions.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def tables() -> sa.MetaData:
    """The schema at revision 0001, as ``Base.metadata.create_all`` made it then."""
    metadata = sa.MetaData()

    def session_key() -> sa.Column:
        return sa.Column(
            "session_id", sa.String(64), sa.ForeignKey("sessions.id", ondelete="CASCADE"), primary_key=True
        )

    sa.Table(
        "sessions",
        metadata,
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("user", sa.String(255), nullable=True, index=True),
        sa.Column("mode", sa.String(16), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("topics", sa.Text(), nullable=False),
        sa.Column("score", sa.Float(), nullable=True),
        sa.Column("question_count", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, index=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("state", sa.Text(), nullable=False),
    )
    sa.Table(
        "turns",
        metadata,
        session_key(),
        sa.Column("seq", sa.Integer(), primary_key=True),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("question_id", sa.String(80), nullable=True),
        sa.Column("point_id", sa.String(80), nullable=True),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
    )
    sa.Table(
        "answers",
        metadata,
        session_key(),
        sa.Column("attempt_index", sa.Integer(), primary_key=True),
        sa.Column("answer_index", sa.Integer(), primary_key=True),
        sa.Column("question_id", sa.String(80), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("seconds", sa.Float(), nullable=False),
    )
    sa.Table(
        "grades",
        metadata,
        session_key(),
        sa.Column("attempt_index", sa.Integer(), primary_key=True),
        sa.Column("question_id", sa.String(80), nullable=False, index=True),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("grader", sa.String(64), nullable=False),
        sa.Column("score", sa.Float(), nullable=False),
        sa.Column("grade", sa.Text(), nullable=False),
    )
    sa.Table(
        "point_results",
        metadata,
        session_key(),
        sa.Column("attempt_index", sa.Integer(), primary_key=True),
        sa.Column("point_id", sa.String(80), primary_key=True),
        sa.Column("question_id", sa.String(80), nullable=False, index=True),
        sa.Column("user", sa.String(255), nullable=True, index=True),
        sa.Column("verdict", sa.String(16), nullable=False),
        sa.Column("credit", sa.Float(), nullable=False),
    )
    sa.Table(
        "drill_cards",
        metadata,
        sa.Column("user", sa.String(255), primary_key=True),
        sa.Column("question_id", sa.String(80), primary_key=True),
        sa.Column("reviews", sa.Integer(), nullable=False),
        sa.Column("last_score", sa.Float(), nullable=False),
        sa.Column("interval_days", sa.Float(), nullable=False),
        sa.Column("due_at", sa.DateTime(timezone=True), nullable=False, index=True),
    )
    return metadata


def upgrade() -> None:
    tables().create_all(op.get_bind(), checkfirst=False)


def downgrade() -> None:
    tables().drop_all(op.get_bind(), checkfirst=False)
