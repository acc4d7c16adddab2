"""The transcript store: sessions, turns, answers and grades in SQL (SQLAlchemy 2).

SQLite by default (a file under the data directory), any SQLAlchemy URL through
``DATABASE_URL``. The session's full state is kept as JSON, which is what resuming
reads; turns, answers, grades and per-point results are also kept as rows, so a
transcript can be queried and an answer exists as soon as it is submitted.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from pydantic import BaseModel
from sqlalchemy import (
    DateTime,
    Float,
    ForeignKey,
    Integer,
    String,
    Text,
    create_engine,
    event,
    func,
    select,
)
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column, sessionmaker

from interviewer.models import DrillCard, PointHistory, SessionMode, SessionState, SessionStatus

FINAL_STATUSES = ("graded", "expired", "skipped")


class Base(DeclarativeBase):
    pass


class SessionRow(Base):
    __tablename__ = "sessions"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    user: Mapped[str | None] = mapped_column(String(255), index=True)
    mode: Mapped[str] = mapped_column(String(16))
    status: Mapped[str] = mapped_column(String(16))
    topics: Mapped[str] = mapped_column(Text, default="")
    score: Mapped[float | None] = mapped_column(Float)
    question_count: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    state: Mapped[str] = mapped_column(Text)


class TurnRow(Base):
    __tablename__ = "turns"

    session_id: Mapped[str] = mapped_column(ForeignKey("sessions.id", ondelete="CASCADE"), primary_key=True)
    seq: Mapped[int] = mapped_column(Integer, primary_key=True)
    role: Mapped[str] = mapped_column(String(16))
    kind: Mapped[str] = mapped_column(String(32))
    question_id: Mapped[str | None] = mapped_column(String(80))
    point_id: Mapped[str | None] = mapped_column(String(80))
    text: Mapped[str] = mapped_column(Text)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class AnswerRow(Base):
    __tablename__ = "answers"

    session_id: Mapped[str] = mapped_column(ForeignKey("sessions.id", ondelete="CASCADE"), primary_key=True)
    attempt_index: Mapped[int] = mapped_column(Integer, primary_key=True)
    answer_index: Mapped[int] = mapped_column(Integer, primary_key=True)
    question_id: Mapped[str] = mapped_column(String(80))
    text: Mapped[str] = mapped_column(Text)
    seconds: Mapped[float] = mapped_column(Float)


class GradeRow(Base):
    __tablename__ = "grades"

    session_id: Mapped[str] = mapped_column(ForeignKey("sessions.id", ondelete="CASCADE"), primary_key=True)
    attempt_index: Mapped[int] = mapped_column(Integer, primary_key=True)
    question_id: Mapped[str] = mapped_column(String(80), index=True)
    status: Mapped[str] = mapped_column(String(16))
    grader: Mapped[str] = mapped_column(String(64))
    score: Mapped[float] = mapped_column(Float)
    grade: Mapped[str] = mapped_column(Text)


class PointResultRow(Base):
    __tablename__ = "point_results"

    session_id: Mapped[str] = mapped_column(ForeignKey("sessions.id", ondelete="CASCADE"), primary_key=True)
    attempt_index: Mapped[int] = mapped_column(Integer, primary_key=True)
    point_id: Mapped[str] = mapped_column(String(80), primary_key=True)
    question_id: Mapped[str] = mapped_column(String(80), index=True)
    user: Mapped[str | None] = mapped_column(String(255), index=True)
    verdict: Mapped[str] = mapped_column(String(16))
    credit: Mapped[float] = mapped_column(Float)


class DrillCardRow(Base):
    __tablename__ = "drill_cards"

    user: Mapped[str] = mapped_column(String(255), primary_key=True)
    question_id: Mapped[str] = mapped_column(String(80), primary_key=True)
    reviews: Mapped[int] = mapped_column(Integer)
    last_score: Mapped[float] = mapped_column(Float)
    interval_days: Mapped[float] = mapped_column(Float)
    due_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)


class SessionSummary(BaseModel):
    id: str
    user: str | None
    mode: SessionMode
    status: SessionStatus
    topics: list[str]
    score: float | None
    question_count: int
    created_at: datetime
    updated_at: datetime


class SessionNotFound(LookupError):
    pass


def _aware(moment: datetime) -> datetime:
    """SQLite hands back naive datetimes; everything stored is UTC."""
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def _sqlite_pragmas(dbapi_connection, _record) -> None:  # type: ignore[no-untyped-def]
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def make_engine(url: str) -> Engine:
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30})
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    return create_engine(url, pool_pre_ping=True)


class TranscriptStore:
    """Saves and loads sessions; implements the engine's ``SessionSink``."""

    def __init__(self, url: str) -> None:
        self.engine = make_engine(url)
        Base.metadata.create_all(self.engine)
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)

    def close(self) -> None:
        self.engine.dispose()

    def save(self, state: SessionState) -> None:
        """Write the session's state and any turns, answers and grades not yet stored, atomically."""
        with self._sessions.begin() as db:
            row = db.get(SessionRow, state.id, with_for_update=True)
            now = state.transcript[-1].at if state.transcript else state.created_at
            topics = state.config.topics or sorted({a.topic for a in state.attempts if a.topic})
            fields = {
                "user": state.user,
                "mode": state.config.mode,
                "status": state.status,
                "topics": ",".join(topics),
                "score": state.score,
                "question_count": len(state.attempts),
                "updated_at": now,
                "state": state.model_dump_json(),
            }
            if row is None:
                db.add(SessionRow(id=state.id, created_at=state.created_at, **fields))
                db.flush()
            else:
                for key, value in fields.items():
                    setattr(row, key, value)
            self._save_rows(db, state)

    def _save_rows(self, db: Session, state: SessionState) -> None:
        stored_turns = db.scalar(select(func.count()).where(TurnRow.session_id == state.id)) or 0
        for turn in state.transcript[stored_turns:]:
            db.add(TurnRow(session_id=state.id, **turn.model_dump()))
        stored_answers = {
            (a, i)
            for a, i in db.execute(
                select(AnswerRow.attempt_index, AnswerRow.answer_index).where(AnswerRow.session_id == state.id)
            )
        }
        for attempt_index, attempt in enumerate(state.attempts):
            for answer_index, text in enumerate(attempt.answers):
                if (attempt_index, answer_index) not in stored_answers:
                    seconds = attempt.answer_seconds[answer_index] if answer_index < len(attempt.answer_seconds) else 0
                    db.add(
                        AnswerRow(
                            session_id=state.id,
                            attempt_index=attempt_index,
                            answer_index=answer_index,
                            question_id=attempt.question_id,
                            text=text,
                            seconds=seconds,
                        )
                    )
            if attempt.grade is None:
                continue
            db.merge(
                GradeRow(
                    session_id=state.id,
                    attempt_index=attempt_index,
                    question_id=attempt.question_id,
                    status=attempt.status,
                    grader=attempt.grade.grader,
                    score=attempt.grade.score,
                    grade=attempt.grade.model_dump_json(),
                )
            )
            if attempt.status in FINAL_STATUSES:
                for point in attempt.grade.points:
                    db.merge(
                        PointResultRow(
                            session_id=state.id,
                            attempt_index=attempt_index,
                            point_id=point.point_id,
                            question_id=attempt.question_id,
                            user=state.user,
                            verdict=point.verdict,
                            credit=point.credit,
                        )
                    )

    def load(self, session_id: str, user: str | None = None) -> SessionState:
        """The session's state; a session belonging to another user is reported as not found."""
        with self._sessions() as db:
            row = db.get(SessionRow, session_id)
            if row is None or (user is not None and row.user != user):
                raise SessionNotFound(f"no session {session_id!r}")
            return SessionState.model_validate_json(row.state)

    def list_sessions(self, user: str | None = None, limit: int = 200) -> list[SessionSummary]:
        """Newest first; only ``user``'s sessions when one is given."""
        query = select(SessionRow).order_by(SessionRow.created_at.desc()).limit(limit)
        if user is not None:
            query = query.where(SessionRow.user == user)
        with self._sessions() as db:
            return [
                SessionSummary(
                    id=row.id,
                    user=row.user,
                    mode=row.mode,  # type: ignore[arg-type]
                    status=row.status,  # type: ignore[arg-type]
                    topics=[t for t in row.topics.split(",") if t],
                    score=row.score,
                    question_count=row.question_count,
                    created_at=_aware(row.created_at),
                    updated_at=_aware(row.updated_at),
                )
                for row in db.scalars(query)
            ]

    def answers(self, session_id: str) -> list[str]:
        """Every stored answer of a session, in the order given."""
        query = (
            select(AnswerRow.text)
            .where(AnswerRow.session_id == session_id)
            .order_by(AnswerRow.attempt_index, AnswerRow.answer_index)
        )
        with self._sessions() as db:
            return list(db.scalars(query))

    def drill_cards(self, user: str | None = None) -> list[DrillCard]:
        with self._sessions() as db:
            rows = db.scalars(select(DrillCardRow).where(DrillCardRow.user == (user or "")))
            return [
                DrillCard(
                    user=row.user,
                    question_id=row.question_id,
                    reviews=row.reviews,
                    last_score=row.last_score,
                    interval_days=row.interval_days,
                    due_at=_aware(row.due_at),
                )
                for row in rows
            ]

    def save_drill_card(self, card: DrillCard) -> None:
        with self._sessions.begin() as db:
            db.merge(DrillCardRow(**card.model_dump()))

    def point_history(self, user: str | None = None) -> list[PointHistory]:
        """Mean credit per rubric point over finished questions: what selection treats as weak."""
        query = select(
            PointResultRow.question_id,
            PointResultRow.point_id,
            func.count(),
            func.avg(PointResultRow.credit),
        ).group_by(PointResultRow.question_id, PointResultRow.point_id)
        if user is not None:
            query = query.where(PointResultRow.user == user)
        with self._sessions() as db:
            return [
                PointHistory(question_id=q, point_id=p, attempts=n, mean_credit=min(1.0, max(0.0, float(avg))))
                for q, p, n, avg in db.execute(query)
            ]
