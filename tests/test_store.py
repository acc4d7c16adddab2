from __future__ import annotations

import pytest

from interviewer.bank import Bank
from interviewer.engine import Interviewer
from interviewer.grading.offline import OfflineGrader
from interviewer.models import SessionConfig
from interviewer.store import SessionNotFound, TranscriptStore
from tests.conftest import FakeClock


def run_session(bank: Bank, store: TranscriptStore, clock: FakeClock, user: str | None, answers: list[str]) -> str:
    interviewer = Interviewer.start(
        SessionConfig(question_ids=["tuples", "generators"], question_count=2, max_follow_ups=0),
        bank,
        OfflineGrader(bank.mistakes),
        sink=store,
        clock=clock,
        user=user,
    )
    for answer in answers:
        clock.advance(30)
        interviewer.answer(answer)
    return interviewer.state.id


def test_state_round_trips_exactly(small_bank: Bank, store: TranscriptStore, clock: FakeClock) -> None:
    text = "Tuples are immutable — naïve 🐍 \u00e9\u0301 mixed scripts: кортеж, 元组. Lists are mutable."
    session_id = run_session(small_bank, store, clock, None, [text])
    state = store.load(session_id)
    assert state.attempts[0].answers == [text]
    assert store.answers(session_id) == [text]
    assert state.transcript[1].text == text


def test_rows_are_written_once_per_turn_and_answer(small_bank: Bank, store: TranscriptStore, clock: FakeClock) -> None:
    session_id = run_session(
        small_bank, store, clock, None, ["Lists are mutable, tuples are immutable.", "Generators are lazy."]
    )
    state = store.load(session_id)
    store.save(state)  # saving again adds nothing
    from sqlalchemy import func, select

    from interviewer.store import TurnRow

    with store._sessions() as db:
        assert db.scalar(select(func.count()).where(TurnRow.session_id == session_id)) == len(state.transcript)
    assert len(store.answers(session_id)) == 2


def test_list_sessions_newest_first_and_per_user(small_bank: Bank, store: TranscriptStore, clock: FakeClock) -> None:
    first = run_session(small_bank, store, clock, "ana", ["Lists are mutable, tuples are immutable."])
    clock.advance(3600)
    second = run_session(small_bank, store, clock, "ben", ["Tuples are immutable and hashable."])
    assert [s.id for s in store.list_sessions()] == [second, first]
    [only] = store.list_sessions(user="ana")
    assert only.id == first and only.user == "ana"
    assert only.topics == ["basics"]
    assert only.created_at.tzinfo is not None


def test_a_user_cannot_load_another_users_session(small_bank: Bank, store: TranscriptStore, clock: FakeClock) -> None:
    session_id = run_session(small_bank, store, clock, "ana", [])
    assert store.load(session_id, user="ana").id == session_id
    with pytest.raises(SessionNotFound):
        store.load(session_id, user="ben")
    with pytest.raises(SessionNotFound):
        store.load("no-such-session")


def test_point_history_averages_final_results(small_bank: Bank, store: TranscriptStore, clock: FakeClock) -> None:
    run_session(
        small_bank,
        store,
        clock,
        "ana",
        ["Lists are mutable and tuples are immutable, they are fixed.", "Generators yield lazily."],
    )
    run_session(small_bank, store, clock, "ana", ["Tuples are hashable so they can be a dictionary key.", "skip"])
    history = {(h.question_id, h.point_id): h for h in store.point_history(user="ana")}
    assert history[("tuples", "mutability")].attempts == 2
    assert history[("tuples", "mutability")].mean_credit == 0.5
    assert history[("tuples", "keys")].mean_credit == 0.5
    assert store.point_history(user="nobody") == []


def test_sqlite_file_is_created_under_the_data_directory(tmp_path) -> None:
    from interviewer.settings import Settings

    settings = Settings(_env_file=None, data_dir=tmp_path / "nested" / "data")
    store = TranscriptStore(settings.resolved_database_url)
    try:
        assert (tmp_path / "nested" / "data" / "interviews.db").exists()
    finally:
        store.close()
