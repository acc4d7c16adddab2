"""Keeping the recordings of spoken answers (issue 15): only for an answer that was accepted, byte for byte on
every backend, deleted one by one, all at once, or with their session; and the preference that says whether to
keep them, off until the user turns it on."""

from __future__ import annotations

import random

import pytest
from alembic import command
from sqlalchemy import inspect, text

from interviewer.bank import Bank
from interviewer.engine import Interviewer
from interviewer.grading.offline import OfflineGrader
from interviewer.migrations import alembic_config, current_revision, head_revision
from interviewer.models import SavedSettings, SessionConfig, StorageError
from interviewer.recordings import (
    MAX_RECORDING_BYTES,
    AnswerKey,
    RecordingNotFound,
    RecordingRefused,
    RecordingStore,
    RecordingTotals,
    answer_keys,
    next_answer,
)
from interviewer.store import TranscriptStore, make_engine
from interviewer.voice.models import Delivery
from tests.conftest import FakeClock

FIRST = "Lists are mutable, tuples are immutable."
SECOND = "Tuples are hashable, so a tuple can be a dictionary key."


@pytest.fixture
def store(backend_store: TranscriptStore) -> TranscriptStore:
    return backend_store


@pytest.fixture
def recordings(store: TranscriptStore) -> RecordingStore:
    return RecordingStore(store)


def noise(size: int, seed: int = 1) -> bytes:
    """Bytes of every value, NUL and 0xFF included: what a store that treats audio as text would damage."""
    return random.Random(seed).randbytes(size)


def delivery() -> Delivery:
    return Delivery(words=7, speaking_seconds=2.5, talk_seconds=3.0)


def interview(bank: Bank, store: TranscriptStore, clock: FakeClock, user: str | None = None) -> Interviewer:
    config = SessionConfig(question_ids=["tuples"], question_count=1, max_follow_ups=1)
    return Interviewer.start(config, bank, OfflineGrader(bank.mistakes), sink=store, clock=clock, user=user)


def answered(bank: Bank, store: TranscriptStore, clock: FakeClock, user: str | None = None) -> Interviewer:
    """A session whose one question has two spoken answers (the second after a follow-up)."""
    interviewer = interview(bank, store, clock, user)
    interviewer.answer(FIRST, delivery())
    interviewer.answer(SECOND, delivery())
    return interviewer


def key(interviewer: Interviewer, answer_index: int = 0) -> AnswerKey:
    return AnswerKey(session_id=interviewer.state.id, attempt_index=0, answer_index=answer_index)


def count_rows(store: TranscriptStore) -> int:
    with store.engine.connect() as connection:
        return connection.scalar(text("SELECT count(*) FROM recordings")) or 0


# --- which answer a recording belongs to ----------------------------------------------------------


def test_the_next_answer_is_the_one_the_current_question_gets_next(small_bank: Bank, clock: FakeClock) -> None:
    interviewer = interview(small_bank, None, clock)  # type: ignore[arg-type]
    first = next_answer(interviewer.state)
    interviewer.answer(FIRST)
    assert interviewer.state.current is not None, "a follow-up: the same question takes a second answer"
    second = next_answer(interviewer.state)
    interviewer.answer(SECOND)
    assert (first.attempt_index, first.answer_index) == (0, 0)
    assert (second.attempt_index, second.answer_index) == (0, 1)
    assert next_answer(interviewer.state) is None, "the interview is over: no answer comes next"
    answers = [t for t in interviewer.state.transcript if t.kind == "answer"]
    assert answer_keys(interviewer.state) == {answers[0].seq: first, answers[1].seq: second}


# --- keeping, reading, deleting ---------------------------------------------------------------------


def test_audio_round_trips_exactly(
    small_bank: Bank, store: TranscriptStore, recordings: RecordingStore, clock: FakeClock
) -> None:
    interviewer = answered(small_bank, store, clock)
    audio = bytes(range(256)) * 4 + noise(3 * 1024 * 1024)
    info = recordings.keep(key(interviewer), FIRST, audio, "audio/wav", at=clock())
    assert (info.size, info.mime, info.kept_at) == (len(audio), "audio/wav", clock())
    assert recordings.audio(key(interviewer)) == audio
    elsewhere = TranscriptStore(store.url)  # another connection reads the very same bytes
    try:
        assert RecordingStore(elsewhere).audio(key(interviewer)) == audio
        assert RecordingStore(elsewhere).recordings(interviewer.state.id) == [info]
    finally:
        elsewhere.close()


def test_a_session_lists_its_recordings_in_answer_order(
    small_bank: Bank, store: TranscriptStore, recordings: RecordingStore, clock: FakeClock
) -> None:
    interviewer = answered(small_bank, store, clock)
    other = answered(small_bank, store, clock)
    recordings.keep(key(interviewer, 1), SECOND, noise(100, 2), "audio/webm", at=clock())
    recordings.keep(key(interviewer, 0), FIRST, noise(50, 3), "audio/wav", at=clock())
    recordings.keep(key(other, 0), FIRST, noise(10, 4), "audio/wav", at=clock())
    listed = recordings.recordings(interviewer.state.id)
    assert [(r.answer, r.size, r.mime) for r in listed] == [
        (key(interviewer, 0), 50, "audio/wav"),
        (key(interviewer, 1), 100, "audio/webm"),
    ]


def test_keeping_again_replaces_the_answers_recording(
    small_bank: Bank, store: TranscriptStore, recordings: RecordingStore, clock: FakeClock
) -> None:
    interviewer = answered(small_bank, store, clock)
    recordings.keep(key(interviewer), FIRST, noise(100, 1), "audio/wav", at=clock())
    recordings.keep(key(interviewer), FIRST, noise(80, 2), "audio/wav", at=clock())
    assert recordings.audio(key(interviewer)) == noise(80, 2)
    assert count_rows(store) == 1


def test_no_recording_is_kept_for_an_answer_the_store_does_not_hold(
    small_bank: Bank, store: TranscriptStore, recordings: RecordingStore, clock: FakeClock
) -> None:
    """A tab whose send was refused has the answer in memory only, or another tab's answer in its place."""
    interviewer = interview(small_bank, store, clock)
    missing = key(interviewer)
    with pytest.raises(RecordingRefused):
        recordings.keep(missing, FIRST, noise(10), "audio/wav", at=clock())
    interviewer.answer(FIRST, delivery())
    with pytest.raises(RecordingRefused):  # the stored answer there is another one
        recordings.keep(missing, "Something else entirely.", noise(10), "audio/wav", at=clock())
    with pytest.raises(RecordingRefused):
        recordings.keep(key(interviewer).model_copy(update={"session_id": "nope"}), FIRST, b"x", "audio/wav")
    assert count_rows(store) == 0


def test_a_recording_over_the_bound_is_refused_with_a_message(
    small_bank: Bank, store: TranscriptStore, recordings: RecordingStore, clock: FakeClock
) -> None:
    interviewer = answered(small_bank, store, clock)
    with pytest.raises(RecordingRefused) as refused:
        recordings.keep(key(interviewer), FIRST, bytes(MAX_RECORDING_BYTES + 1), "audio/wav")
    assert "25 MB" in str(refused.value)
    assert count_rows(store) == 0
    recordings.keep(key(interviewer), FIRST, b"\x00", "audio/wav")  # the bound is about size, not emptiness
    with pytest.raises(RecordingRefused):
        recordings.keep(key(interviewer), FIRST, b"", "audio/wav")


def test_deleting_one_recording_leaves_the_answer_and_the_others(
    small_bank: Bank, store: TranscriptStore, recordings: RecordingStore, clock: FakeClock
) -> None:
    interviewer = answered(small_bank, store, clock, user="ana")
    recordings.keep(key(interviewer, 0), FIRST, noise(10), "audio/wav")
    recordings.keep(key(interviewer, 1), SECOND, noise(20), "audio/wav")
    with pytest.raises(RecordingNotFound):
        recordings.delete(key(interviewer, 0), user="ben")  # another user's is not found, and stays
    recordings.delete(key(interviewer, 0), user="ana")
    assert [r.answer for r in recordings.recordings(interviewer.state.id)] == [key(interviewer, 1)]
    assert store.answers(interviewer.state.id) == [FIRST, SECOND]
    with pytest.raises(RecordingNotFound):
        recordings.audio(key(interviewer, 0))
    with pytest.raises(RecordingNotFound):
        recordings.delete(key(interviewer, 0), user="ana")


def test_a_user_sees_and_plays_only_their_own(
    small_bank: Bank, store: TranscriptStore, recordings: RecordingStore, clock: FakeClock
) -> None:
    interviewer = answered(small_bank, store, clock, user="ana")
    recordings.keep(key(interviewer), FIRST, noise(10), "audio/wav")
    assert recordings.recordings(interviewer.state.id, user="ben") == []
    with pytest.raises(RecordingNotFound):
        recordings.audio(key(interviewer), user="ben")
    assert recordings.audio(key(interviewer), user="ana") == noise(10)


def test_deleting_all_of_a_users_recordings_leaves_everyone_elses(
    small_bank: Bank, store: TranscriptStore, recordings: RecordingStore, clock: FakeClock
) -> None:
    ana_one, ana_two = answered(small_bank, store, clock, "ana"), answered(small_bank, store, clock, "ana")
    ben = answered(small_bank, store, clock, "ben")
    recordings.keep(key(ana_one, 0), FIRST, noise(1000), "audio/wav")
    recordings.keep(key(ana_one, 1), SECOND, noise(2000), "audio/wav")
    recordings.keep(key(ana_two, 0), FIRST, noise(500), "audio/wav")
    recordings.keep(key(ben, 0), FIRST, noise(7), "audio/wav")
    assert recordings.totals("ana") == RecordingTotals(count=3, size=3500)
    assert recordings.totals() == RecordingTotals(count=4, size=3507), "no sign-in: the one user's, all of them"
    assert recordings.delete_all("ana") == RecordingTotals(count=3, size=3500)
    assert recordings.totals("ana") == RecordingTotals()
    assert [r.answer for r in recordings.recordings(ben.state.id)] == [key(ben, 0)]
    assert store.answers(ana_one.state.id) == [FIRST, SECOND], "the answers stay"
    assert recordings.delete_all("ana") == RecordingTotals()


def test_deleting_a_session_deletes_its_recordings(
    small_bank: Bank, store: TranscriptStore, recordings: RecordingStore, clock: FakeClock
) -> None:
    doomed, kept = answered(small_bank, store, clock, "ana"), answered(small_bank, store, clock, "ana")
    recordings.keep(key(doomed, 0), FIRST, noise(10), "audio/wav")
    recordings.keep(key(doomed, 1), SECOND, noise(10), "audio/wav")
    recordings.keep(key(kept, 0), FIRST, noise(10), "audio/wav")
    store.delete(doomed.state.id, user="ana")
    assert recordings.recordings(doomed.state.id) == []
    assert count_rows(store) == 1


def test_a_database_fault_is_a_storage_error(
    small_bank: Bank, store: TranscriptStore, recordings: RecordingStore, clock: FakeClock
) -> None:
    interviewer = answered(small_bank, store, clock)
    with store.engine.begin() as connection:
        connection.execute(text("DROP TABLE recordings"))
    with pytest.raises(StorageError) as caught:
        recordings.keep(key(interviewer), FIRST, noise(10), "audio/wav")
    assert "recordings" in str(caught.value)


# --- the preference ---------------------------------------------------------------------------------


def test_keeping_is_off_until_the_user_turns_it_on_and_stays_as_they_left_it(
    store: TranscriptStore, recordings: RecordingStore
) -> None:
    assert recordings.keeps_recordings("ana") is False
    recordings.set_keep_recordings("ana", True)
    assert recordings.keeps_recordings("ana") is True
    assert recordings.keeps_recordings("ben") is False, "per user"
    elsewhere = TranscriptStore(store.url)
    try:
        assert RecordingStore(elsewhere).keeps_recordings("ana") is True, "across visits"
    finally:
        elsewhere.close()
    store.save_settings("ana", SavedSettings(backend="offline"))  # saving the model settings leaves it alone
    assert recordings.keeps_recordings("ana") is True
    assert store.saved_settings("ana") == SavedSettings(backend="offline")
    recordings.set_keep_recordings("ana", False)
    assert recordings.keeps_recordings("ana") is False
    store.save_settings("ben", SavedSettings(model="m"))
    assert recordings.keeps_recordings("ben") is False


def test_turning_keeping_on_leaves_the_saved_model_settings_alone(
    store: TranscriptStore, recordings: RecordingStore
) -> None:
    chosen = SavedSettings(backend="openai", model="my-model", base_url="http://127.0.0.1:9/v1")
    store.save_settings("ana", chosen)
    recordings.set_keep_recordings("ana", True)
    assert store.saved_settings("ana") == chosen


# --- the migration ----------------------------------------------------------------------------------


def test_a_database_at_revision_0004_gains_recordings_and_keeps_its_data(
    small_bank: Bank, database_url: str, clock: FakeClock
) -> None:
    engine = make_engine(database_url)
    with engine.begin() as connection:
        command.upgrade(alembic_config(connection), "0004")
        connection.execute(
            text(
                'INSERT INTO user_settings ("user", backend, model, base_url, updated_at) '
                "VALUES ('ana', 'openai', 'my-model', NULL, :at)"
            ),
            {"at": clock()},
        )
        assert not inspect(connection).has_table("recordings")
    engine.dispose()

    store = TranscriptStore(database_url)
    try:
        with store.engine.connect() as connection:
            assert current_revision(connection) == head_revision() == "0005"
        assert store.saved_settings("ana") == SavedSettings(backend="openai", model="my-model")
        recordings = RecordingStore(store)
        assert recordings.keeps_recordings("ana") is False, "nobody is opted in by an upgrade"
        interviewer = answered(small_bank, store, clock, "ana")
        recordings.keep(key(interviewer), FIRST, noise(64), "audio/wav")
        assert recordings.audio(key(interviewer)) == noise(64)

        with store.engine.begin() as connection:
            command.downgrade(alembic_config(connection), "0004")
            assert not inspect(connection).has_table("recordings")
            assert "keep_recordings" not in {c["name"] for c in inspect(connection).get_columns("user_settings")}
            command.upgrade(alembic_config(connection), "head")
    finally:
        store.close()
