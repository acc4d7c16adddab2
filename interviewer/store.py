"""The transcript store: sessions, turns, answers and grades in SQL (SQLAlchemy 2); and the recordings of
spoken answers, for users who keep them (the table here, what is done with it in ``interviewer.recordings``).

SQLite by default (a file under the data directory), any SQLAlchemy URL through
``DATABASE_URL``; PostgreSQL through psycopg 3 (``postgresql+psycopg://...``). The
session's full state is kept as JSON, which is what resuming reads; turns, answers,
grades and per-point results are also kept as rows, so a transcript can be queried and
an answer exists as soon as it is submitted.

Opening a store brings the database's schema up to date (``interviewer.migrations``).
Every text column goes through :class:`EscapedText` / :class:`EscapedString`, so any
Python string, NUL included, reads back exactly as it was written on every backend.
"""

from __future__ import annotations

import re
import sqlite3
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError
from sqlalchemy import (
    Boolean,
    DateTime,
    Float,
    ForeignKey,
    ForeignKeyConstraint,
    Integer,
    LargeBinary,
    String,
    Text,
    TypeDecorator,
    create_engine,
    delete,
    event,
    false,
    func,
    select,
    update,
)
from sqlalchemy.engine import Dialect, Engine, make_url
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column, sessionmaker

from interviewer.migrations import upgrade_database
from interviewer.models import (
    FINAL_STATUSES,
    DrillCard,
    PointHistory,
    SavedSettings,
    SessionMode,
    SessionState,
    SessionStatus,
    StaleSession,
    StorageError,
    utc_now,
)

# --- text that survives any database ---------------------------------------------------
#
# PostgreSQL refuses NUL ("\x00") in text, and answers are stored exactly as typed. On every
# backend but SQLite, NUL is written as ESCAPE + "0", and the escape character itself (a
# private-use code point nobody types) as ESCAPE + ESCAPE; reading undoes both. Strings with neither
# character, nearly all of them, are stored unchanged. SQLite keeps NUL itself and is left
# verbatim, so databases written before this existed read back as they always did.

NUL = "\x00"
ESCAPE = "\ue000"
_ESCAPED = re.compile(ESCAPE + "(.)", re.DOTALL)
_UNESCAPE = {"0": NUL, ESCAPE: ESCAPE}
VERBATIM_DIALECTS = frozenset({"sqlite"})
"""Backends that store any string as it is; every other one gets the escaped form."""


def escape_nul(value: str) -> str:
    if NUL not in value and ESCAPE not in value:
        return value
    return value.replace(ESCAPE, ESCAPE + ESCAPE).replace(NUL, ESCAPE + "0")


def unescape_nul(value: str) -> str:
    if ESCAPE not in value:
        return value
    return _ESCAPED.sub(lambda match: _UNESCAPE.get(match[1], match[0]), value)


class _NulSafe(TypeDecorator):
    """A string type whose values reach the database with NUL escaped where it must be."""

    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Dialect) -> Any:
        if value is None or dialect.name in VERBATIM_DIALECTS:
            return value
        return escape_nul(value)

    def process_result_value(self, value: Any, dialect: Dialect) -> Any:
        if value is None or dialect.name in VERBATIM_DIALECTS:
            return value
        return unescape_nul(value)


class EscapedText(_NulSafe):
    impl = Text
    cache_ok = True  # SQLAlchemy reads it from each class itself, not from a base


class EscapedString(_NulSafe):
    impl = String
    cache_ok = True


class Base(DeclarativeBase):
    pass


class SessionRow(Base):
    __tablename__ = "sessions"

    id: Mapped[str] = mapped_column(EscapedString(64), primary_key=True)
    user: Mapped[str | None] = mapped_column(EscapedString(255), index=True)
    mode: Mapped[str] = mapped_column(EscapedString(16))
    status: Mapped[str] = mapped_column(EscapedString(16))
    topics: Mapped[str] = mapped_column(EscapedText, default="")
    score: Mapped[float | None] = mapped_column(Float)
    question_count: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    state: Mapped[str] = mapped_column(EscapedText)
    version: Mapped[int] = mapped_column(Integer, default=0, server_default="0")


class TurnRow(Base):
    __tablename__ = "turns"

    session_id: Mapped[str] = mapped_column(ForeignKey("sessions.id", ondelete="CASCADE"), primary_key=True)
    seq: Mapped[int] = mapped_column(Integer, primary_key=True)
    role: Mapped[str] = mapped_column(EscapedString(16))
    kind: Mapped[str] = mapped_column(EscapedString(32))
    question_id: Mapped[str | None] = mapped_column(EscapedString(80))
    point_id: Mapped[str | None] = mapped_column(EscapedString(80))
    text: Mapped[str] = mapped_column(EscapedText)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class AnswerRow(Base):
    __tablename__ = "answers"

    session_id: Mapped[str] = mapped_column(ForeignKey("sessions.id", ondelete="CASCADE"), primary_key=True)
    attempt_index: Mapped[int] = mapped_column(Integer, primary_key=True)
    answer_index: Mapped[int] = mapped_column(Integer, primary_key=True)
    question_id: Mapped[str] = mapped_column(EscapedString(80))
    text: Mapped[str] = mapped_column(EscapedText)
    seconds: Mapped[float] = mapped_column(Float)


class GradeRow(Base):
    __tablename__ = "grades"

    session_id: Mapped[str] = mapped_column(ForeignKey("sessions.id", ondelete="CASCADE"), primary_key=True)
    attempt_index: Mapped[int] = mapped_column(Integer, primary_key=True)
    question_id: Mapped[str] = mapped_column(EscapedString(80), index=True)
    status: Mapped[str] = mapped_column(EscapedString(16))
    grader: Mapped[str] = mapped_column(EscapedString(64))
    score: Mapped[float] = mapped_column(Float)
    grade: Mapped[str] = mapped_column(EscapedText)


class PointResultRow(Base):
    __tablename__ = "point_results"

    session_id: Mapped[str] = mapped_column(ForeignKey("sessions.id", ondelete="CASCADE"), primary_key=True)
    attempt_index: Mapped[int] = mapped_column(Integer, primary_key=True)
    point_id: Mapped[str] = mapped_column(EscapedString(80), primary_key=True)
    question_id: Mapped[str] = mapped_column(EscapedString(80), index=True)
    user: Mapped[str | None] = mapped_column(EscapedString(255), index=True)
    verdict: Mapped[str] = mapped_column(EscapedString(16))
    credit: Mapped[float] = mapped_column(Float)


class DrillCardRow(Base):
    __tablename__ = "drill_cards"

    user: Mapped[str] = mapped_column(EscapedString(255), primary_key=True)
    question_id: Mapped[str] = mapped_column(EscapedString(80), primary_key=True)
    reviews: Mapped[int] = mapped_column(Integer)
    last_score: Mapped[float] = mapped_column(Float)
    interval_days: Mapped[float] = mapped_column(Float)
    due_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    memory: Mapped[str | None] = mapped_column(EscapedText, nullable=True)
    reviewed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)


class UserSettingsRow(Base):
    __tablename__ = "user_settings"

    user: Mapped[str] = mapped_column(EscapedString(255), primary_key=True)
    backend: Mapped[str | None] = mapped_column(EscapedString(16), nullable=True)
    model: Mapped[str | None] = mapped_column(EscapedString(200), nullable=True)
    base_url: Mapped[str | None] = mapped_column(EscapedText, nullable=True)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    keep_recordings: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())


class RecordingRow(Base):
    """The audio of a spoken answer, for users who keep their recordings (``interviewer.recordings``). It belongs
    to a stored answer, and goes with it."""

    __tablename__ = "recordings"
    __table_args__ = (
        ForeignKeyConstraint(
            ["session_id", "attempt_index", "answer_index"],
            ["answers.session_id", "answers.attempt_index", "answers.answer_index"],
            ondelete="CASCADE",
        ),
    )

    session_id: Mapped[str] = mapped_column(EscapedString(64), primary_key=True)
    attempt_index: Mapped[int] = mapped_column(Integer, primary_key=True)
    answer_index: Mapped[int] = mapped_column(Integer, primary_key=True)
    mime: Mapped[str] = mapped_column(EscapedString(100))
    size: Mapped[int] = mapped_column(Integer)
    audio: Mapped[bytes] = mapped_column(LargeBinary)
    kept_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


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


class UnreadableSession(SessionNotFound):
    """The session's stored state does not validate (written by a faulty version, or damaged): it is left alone,
    and the pages that list sessions go on without it."""


def where(url: str) -> str:
    """The database as a person would name it: the SQLite file's path, or the server URL without a password."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        return str(parsed.database or ":memory:")
    return parsed.render_as_string(hide_password=True)


def storage_error(url: str, exc: BaseException, doing: str) -> StorageError:
    """A message for a database fault: which database, what failed, and what to do about it."""
    reason = " ".join(str(getattr(exc, "orig", None) or exc).split())[:300]
    lowered = reason.lower()
    sqlite = make_url(url).get_backend_name() == "sqlite"
    if "full" in lowered:
        advice = "Free some disk space, then try again."
    elif "readonly" in lowered or "read-only" in lowered or "permission" in lowered:
        advice = "Make the file and its folder writable by the app, or point INTERVIEWER_DATA_DIR elsewhere."
    elif sqlite and _busy(exc):
        advice = "Another process held it locked for longer than the app waits; try again in a moment."
    elif sqlite:
        advice = (
            "The file is not a usable database (damaged, truncated or something else). Move it aside, keeping it, "
            "and the app starts a new one; or restore a backup."
        )
    else:
        advice = "Is the database server running, and is DATABASE_URL right?"
    return StorageError(f"The database {where(url)} cannot be {doing}: {reason}. {advice}")


def as_utc(moment: datetime) -> datetime:
    """SQLite hands back naive datetimes; everything stored is UTC."""
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


BUSY_WAIT_SECONDS = 30.0


def sqlite_pragmas(dbapi_connection, _record) -> None:  # type: ignore[no-untyped-def]
    """Per connection: wait up to 30 s for a lock, enforce foreign keys, and keep the file in WAL mode.

    Switching a new file to WAL needs it alone, and SQLite answers "database is locked" at once, without its busy
    wait, when two connections would otherwise deadlock (several processes opening one new database together).
    So that switch is tried again, with growing pauses, for up to BUSY_WAIT_SECONDS.
    """
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.execute("PRAGMA foreign_keys=ON")
        deadline = time.monotonic() + BUSY_WAIT_SECONDS
        pause = 0.01
        while True:
            try:
                cursor.execute("PRAGMA journal_mode=WAL")
                break
            except sqlite3.OperationalError as exc:
                if not _busy(exc) or time.monotonic() + pause > deadline:
                    raise
                time.sleep(pause)
                pause = min(pause * 2, 0.5)
    finally:
        cursor.close()


def _busy(exc: BaseException) -> bool:
    reason = str(exc).lower()
    return "locked" in reason or "busy" in reason


POOL_OPTIONS = {"pool_size": int, "max_overflow": int, "pool_timeout": float, "pool_recycle": int}


def make_engine(url: str) -> Engine:
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        # a plain file path gets its folder made; a SQLite URI filename ("file:...?mode=ro", with uri=true) names
        # its file its own way and is left to SQLite (its folder is not "file:" in the working directory)
        if parsed.database and parsed.database != ":memory:" and not parsed.database.startswith("file:"):
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30})
        event.listen(engine, "connect", sqlite_pragmas)
        return engine
    if parsed.drivername in ("postgres", "postgresql"):
        # A bare postgresql:// (or Heroku-style postgres://) URL means psycopg 3 here, the
        # driver this package installs, rather than SQLAlchemy's default psycopg2.
        parsed = parsed.set(drivername="postgresql+psycopg")
    # Connection-pool settings may ride in the URL (?pool_size=10&max_overflow=5); they are
    # SQLAlchemy's, not the driver's, so they are taken out before the URL reaches it.
    pool = {name: kind(parsed.query[name]) for name, kind in POOL_OPTIONS.items() if name in parsed.query}
    return create_engine(parsed.difference_update_query(pool), pool_pre_ping=True, **pool)


def _upsert(
    db: Session,
    stored: dict[tuple[Any, ...], Any],
    row_type: type[GradeRow] | type[PointResultRow],
    session_id: str,
    key: dict[str, Any],
    fields: dict[str, Any],
) -> None:
    """Add the row, or set its fields on the stored one (the ORM writes only values that differ)."""
    row = stored.get(tuple(key.values()))
    if row is None:
        db.add(row_type(session_id=session_id, **key, **fields))
        return
    for name, value in fields.items():
        setattr(row, name, value)


class TranscriptStore:
    """Saves and loads sessions; implements the engine's ``SessionSink``."""

    def __init__(self, url: str) -> None:
        self.url = url
        try:
            self.engine = make_engine(url)
        except (SQLAlchemyError, OSError) as exc:
            raise storage_error(url, exc, "opened") from exc
        try:
            upgrade_database(self.engine)
            self._check_integrity()
        except (SQLAlchemyError, OSError, StorageError) as exc:
            self.engine.dispose()
            if isinstance(exc, StorageError):
                raise
            raise storage_error(url, exc, "opened") from exc
        except BaseException:
            self.engine.dispose()
            raise
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)

    def _check_integrity(self) -> None:
        """A SQLite file that fails SQLite's own quick check is refused rather than used without a word."""
        if self.engine.dialect.name != "sqlite":
            return
        with self.engine.connect() as connection:
            found = [row[0] for row in connection.exec_driver_sql("PRAGMA quick_check")]
        if found != ["ok"]:
            problem = RuntimeError(f"it fails SQLite's integrity check ({'; '.join(found[:2])})")
            raise storage_error(self.url, problem, "used")

    def close(self) -> None:
        self.engine.dispose()

    def save(self, state: SessionState) -> None:
        """Write the session's state and any turns, answers and grades not yet stored, atomically.

        One writer per session: the save must build on the version it was loaded at (``state.version``); the
        row's version is compared and raised in one UPDATE, so of two tabs saving the same version one wins and
        the other gets ``StaleSession`` and writes nothing. On success ``state.version`` is the new version.
        """
        expected = state.version
        try:
            self._save(state, expected)
        except StaleSession:
            raise
        except (SQLAlchemyError, OSError) as exc:
            state.version = expected
            raise storage_error(self.url, exc, "written") from exc

    def _save(self, state: SessionState, expected: int) -> None:
        with self._sessions.begin() as db:
            row = db.get(SessionRow, state.id, with_for_update=True)
            state.version = expected + 1  # what the stored state says; put back if the save fails
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
            try:
                if row is None:
                    if expected != 0:
                        raise StaleSession(f"session {state.id} is gone")
                    db.add(SessionRow(id=state.id, created_at=state.created_at, version=1, **fields))
                    db.flush()
                else:
                    db.expunge(row)  # the UPDATE below is the write: nothing of the loaded row may flush
                    moved = db.execute(
                        update(SessionRow)
                        .where(SessionRow.id == state.id, SessionRow.version == expected)
                        .values(version=expected + 1, **fields)
                        .execution_options(synchronize_session=False)
                    )
                    if moved.rowcount != 1:
                        raise StaleSession(f"session {state.id} was saved by another tab since it was loaded")
                self._save_rows(db, state)
            except BaseException:
                state.version = expected
                raise

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
        # Grades and point results already stored, read in one query each: a save then writes
        # only what is new or changed (merging row by row cost a query per row, every save).
        stored_grades = {
            (row.attempt_index,): row for row in db.scalars(select(GradeRow).where(GradeRow.session_id == state.id))
        }
        stored_points = {
            (row.attempt_index, row.point_id): row
            for row in db.scalars(select(PointResultRow).where(PointResultRow.session_id == state.id))
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
            grade_fields = {
                "question_id": attempt.question_id,
                "status": attempt.status,
                "grader": attempt.grade.grader,
                "score": attempt.grade.score,
                "grade": attempt.grade.model_dump_json(),
            }
            _upsert(db, stored_grades, GradeRow, state.id, {"attempt_index": attempt_index}, grade_fields)
            if attempt.status in FINAL_STATUSES:
                for point in attempt.grade.points:
                    point_fields = {
                        "question_id": attempt.question_id,
                        "user": state.user,
                        "verdict": point.verdict,
                        "credit": point.credit,
                    }
                    key = {"attempt_index": attempt_index, "point_id": point.point_id}
                    _upsert(db, stored_points, PointResultRow, state.id, key, point_fields)

    def load(self, session_id: str, user: str | None = None) -> SessionState:
        """The session's state; a session belonging to another user is reported as not found."""
        with self._sessions() as db:
            row = db.get(SessionRow, session_id)
            if row is None or (user is not None and row.user != user):
                raise SessionNotFound(f"no session {session_id!r}")
            try:
                state = SessionState.model_validate_json(row.state)
            except ValidationError as exc:
                raise UnreadableSession(
                    f"Session {session_id} is stored in a form this version cannot read ({exc.error_count()} "
                    "problem(s)); it is left as it is."
                ) from exc
            state.version = row.version or 0  # the row's version is the one a save is compared with
            return state

    def delete(self, session_id: str, user: str | None = None) -> None:
        """Delete a session and everything stored with it (turns, answers, grades, point results, recordings), in
        one transaction; a session of another user is reported as not found and left alone."""
        with self._sessions.begin() as db:
            row = db.get(SessionRow, session_id)
            if row is None or (user is not None and row.user != user):
                raise SessionNotFound(f"no session {session_id!r}")
            # children first, whatever the cascade
            for table in (RecordingRow, PointResultRow, GradeRow, AnswerRow, TurnRow):
                db.execute(delete(table).where(table.session_id == session_id))
            db.delete(row)

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
                    created_at=as_utc(row.created_at),
                    updated_at=as_utc(row.updated_at),
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
                    due_at=as_utc(row.due_at),
                    memory=row.memory,
                    reviewed_at=as_utc(row.reviewed_at) if row.reviewed_at else None,
                )
                for row in rows
            ]

    def saved_settings(self, user: str) -> SavedSettings | None:
        """A user's model settings from an earlier visit, if any (never a key: none is stored)."""
        with self._sessions() as db:
            row = db.get(UserSettingsRow, user)
            return None if row is None else SavedSettings(backend=row.backend, model=row.model, base_url=row.base_url)

    def save_settings(self, user: str, chosen: SavedSettings) -> None:
        with self._sessions.begin() as db:
            db.merge(UserSettingsRow(user=user, updated_at=utc_now(), **chosen.model_dump()))

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
