"""Recordings of spoken answers, kept only for users who opt in (issue 15).

A recording belongs to one stored answer: the session, the question's attempt and the answer's position in it
(:class:`AnswerKey`). It is kept only once that answer is in the store, with the text the candidate sent, so a
send that was refused (a stale tab, a failed save) keeps no audio, and it goes when its answer's session goes.
Each user's choice to keep recordings is stored with their settings, off unless they turn it on.

The rows live in ``interviewer.store`` with the rest of the schema; this module holds what is done with them.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import ColumnElement, delete, func, select, true
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from interviewer.models import SessionState, utc_now
from interviewer.store import (
    AnswerRow,
    RecordingRow,
    SessionRow,
    TranscriptStore,
    UserSettingsRow,
    as_utc,
    storage_error,
)
from interviewer.voice.transcription import MAX_RECORDING_BYTES

LIMIT = "25 MB"  # MAX_RECORDING_BYTES, the most the transcription endpoint accepts, and so the most kept
UNKNOWN_MEDIA_TYPE = "application/octet-stream"
_MEDIA_TYPE = re.compile(r"[\w.+-]+/[\w.+-]+(;[ \w.+=\"-]*)*")


class AnswerKey(BaseModel):
    """Which answer a recording belongs to: positions as in ``SessionState.attempts`` and ``Attempt.answers``."""

    model_config = ConfigDict(frozen=True)

    session_id: str
    attempt_index: int = Field(ge=0)
    answer_index: int = Field(ge=0)


class RecordingInfo(BaseModel):
    """A kept recording, without its audio."""

    answer: AnswerKey
    mime: str
    size: int = Field(ge=1, description="Bytes of audio.")
    kept_at: datetime


class RecordingTotals(BaseModel):
    count: int = 0
    size: int = Field(default=0, description="Bytes of audio, all of them together.")


class RecordingRefused(ValueError):
    """The recording was not kept, for the reason in the message (too large, empty, or its answer not saved)."""


class RecordingNotFound(LookupError):
    pass


def next_answer(state: SessionState) -> AnswerKey | None:
    """The key the next answer to the current question will have; None when no question is open."""
    if state.current is None:
        return None
    return AnswerKey(
        session_id=state.id, attempt_index=len(state.attempts) - 1, answer_index=len(state.current.answers)
    )


def answer_text(state: SessionState, answer: AnswerKey | None) -> str | None:
    """The text of the answer at ``answer`` in this state of the session, if it has one there."""
    if answer is None or answer.session_id != state.id or answer.attempt_index >= len(state.attempts):
        return None
    answers = state.attempts[answer.attempt_index].answers
    return answers[answer.answer_index] if answer.answer_index < len(answers) else None


def answer_keys(state: SessionState) -> dict[int, AnswerKey]:
    """The answer each of the candidate's answer turns holds, by the turn's ``seq``. Every answer is recorded as
    one such turn, in order, so the n-th answer turn is the n-th answer; a turn whose question differs is left out
    rather than matched with the wrong answer."""
    answers = [
        (attempt.question_id, AnswerKey(session_id=state.id, attempt_index=a, answer_index=i))
        for a, attempt in enumerate(state.attempts)
        for i in range(len(attempt.answers))
    ]
    turns = [t for t in state.transcript if t.role == "candidate" and t.kind == "answer"]
    return {
        turn.seq: key
        for turn, (question_id, key) in zip(turns, answers, strict=False)
        if turn.question_id == question_id
    }


def count_label(count: int) -> str:
    return f"{count} recording" + ("" if count == 1 else "s")


def size_label(size: int) -> str:
    """Bytes as people read them: "384 KB", "3.2 MB" (1,024-based, as the 25 MB bound is)."""
    if size < 1024 * 1024:
        return f"{max(1, round(size / 1024))} KB"
    return f"{size / (1024 * 1024):.1f} MB"


def media_type(mime: str | None) -> str:
    """The recorder's MIME type as given ("audio/wav", "audio/webm;codecs=opus"), or a neutral one if it is not
    one: the type is played back as it was stored."""
    mime = (mime or "").strip()
    return mime if len(mime) <= 100 and _MEDIA_TYPE.fullmatch(mime) else UNKNOWN_MEDIA_TYPE


class RecordingStore:
    """Keeps, lists, plays and deletes recordings in a transcript store's database. A ``user`` of None (no
    sign-in: one user) reaches every recording; otherwise only those of that user's sessions."""

    def __init__(self, store: TranscriptStore) -> None:
        self.url = store.url
        self._sessions = sessionmaker(store.engine, expire_on_commit=False)

    def keep(
        self, answer: AnswerKey, answer_text: str, audio: bytes, mime: str, *, at: datetime | None = None
    ) -> RecordingInfo:
        """Keep ``audio`` as the recording of ``answer``, replacing any earlier one, if the store holds that answer
        with ``answer_text``; otherwise, or if the audio is empty or over the bound, ``RecordingRefused``."""
        if not audio:
            raise RecordingRefused("The recording is empty, so there was nothing to keep.")
        if len(audio) > MAX_RECORDING_BYTES:
            raise RecordingRefused(f"The recording is {size_label(len(audio))}, over the {LIMIT} limit for recordings.")
        info = RecordingInfo(answer=answer, mime=media_type(mime), size=len(audio), kept_at=at or utc_now())
        with self._database("written", transaction=True) as db:
            stored = db.get(AnswerRow, (answer.session_id, answer.attempt_index, answer.answer_index))
            if stored is None or stored.text != answer_text:
                raise RecordingRefused("The answer was not saved, so its recording was not kept either.")
            db.merge(RecordingRow(**answer.model_dump(), **info.model_dump(exclude={"answer"}), audio=audio))
        return info

    def recordings(self, session_id: str, user: str | None = None) -> list[RecordingInfo]:
        """A session's recordings, in the order of their answers."""
        query = (
            select(
                RecordingRow.attempt_index,
                RecordingRow.answer_index,
                RecordingRow.mime,
                RecordingRow.size,
                RecordingRow.kept_at,
            )
            .where(RecordingRow.session_id == session_id, _owned_by(user))
            .order_by(RecordingRow.attempt_index, RecordingRow.answer_index)
        )
        with self._database("read") as db:
            return [
                RecordingInfo(
                    answer=AnswerKey(session_id=session_id, attempt_index=attempt, answer_index=index),
                    mime=mime,
                    size=size,
                    kept_at=as_utc(kept_at),
                )
                for attempt, index, mime, size, kept_at in db.execute(query)
            ]

    def audio(self, answer: AnswerKey, user: str | None = None) -> bytes:
        with self._database("read") as db:
            audio = db.scalar(select(RecordingRow.audio).where(_is(answer), _owned_by(user)))
        if audio is None:
            raise RecordingNotFound(f"no recording of answer {answer}")
        return bytes(audio)

    def delete(self, answer: AnswerKey, user: str | None = None) -> None:
        with self._database("written", transaction=True) as db:
            gone = db.execute(delete(RecordingRow).where(_is(answer), _owned_by(user)))
        if gone.rowcount != 1:
            raise RecordingNotFound(f"no recording of answer {answer}")

    def totals(self, user: str | None = None) -> RecordingTotals:
        with self._database("read") as db:
            return _totals(db, user)

    def delete_all(self, user: str | None = None) -> RecordingTotals:
        """Delete every recording of ``user``'s sessions; what was deleted."""
        with self._database("written", transaction=True) as db:
            gone = _totals(db, user)
            db.execute(delete(RecordingRow).where(_owned_by(user)))
        return gone

    def keeps_recordings(self, user: str) -> bool:
        """Whether ``user`` has chosen to keep their recordings (no choice yet: no)."""
        with self._database("read") as db:
            return bool(db.scalar(select(UserSettingsRow.keep_recordings).where(UserSettingsRow.user == user)))

    def set_keep_recordings(self, user: str, keep: bool) -> None:
        with self._database("written", transaction=True) as db:
            row = db.get(UserSettingsRow, user, with_for_update=True)
            if row is None:
                db.add(UserSettingsRow(user=user, keep_recordings=keep, updated_at=utc_now()))
            else:
                row.keep_recordings, row.updated_at = keep, utc_now()

    @contextmanager
    def _database(self, doing: str, *, transaction: bool = False) -> Iterator[Session]:
        """A database session whose faults come out as ``StorageError``: which database, why, what to do."""
        try:
            with self._sessions.begin() if transaction else self._sessions() as db:
                yield db
        except (SQLAlchemyError, OSError) as exc:
            raise storage_error(self.url, exc, doing) from exc


def _is(answer: AnswerKey) -> ColumnElement[bool]:
    return (
        (RecordingRow.session_id == answer.session_id)
        & (RecordingRow.attempt_index == answer.attempt_index)
        & (RecordingRow.answer_index == answer.answer_index)
    )


def _owned_by(user: str | None) -> ColumnElement[bool]:
    if user is None:
        return true()
    return RecordingRow.session_id.in_(select(SessionRow.id).where(SessionRow.user == user))


def _totals(db: Session, user: str | None) -> RecordingTotals:
    """How many recordings ``user``'s sessions have, and their bytes together."""
    query = select(func.count(), func.coalesce(func.sum(RecordingRow.size), 0)).where(_owned_by(user))
    count, size = db.execute(query).one()
    return RecordingTotals(count=count, size=size)
