"""The transcript store, on SQLite and on PostgreSQL (see ``database_url`` in conftest)."""

from __future__ import annotations

import multiprocessing
import sqlite3

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, inspect, select, text
from sqlalchemy.orm import sessionmaker

from interviewer.bank import Bank
from interviewer.engine import Interviewer
from interviewer.grading.offline import OfflineGrader
from interviewer.migrations import alembic_config, current_revision, head_revision
from interviewer.models import DrillCard, SessionConfig
from interviewer.store import (
    ESCAPE,
    NUL,
    Base,
    SessionNotFound,
    TranscriptStore,
    TurnRow,
    escape_nul,
    make_engine,
    sqlite_pragmas,
    storage_error,
    unescape_nul,
)
from tests.conftest import FakeClock


@pytest.fixture
def store(backend_store: TranscriptStore) -> TranscriptStore:
    """Every test here that takes ``store`` runs once per backend."""
    return backend_store


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


def test_a_regraded_answer_updates_its_stored_grade(small_bank: Bank, store: TranscriptStore, clock: FakeClock) -> None:
    from interviewer.store import GradeRow, PointResultRow

    interviewer = Interviewer.start(
        SessionConfig(question_ids=["tuples"], question_count=1, max_follow_ups=1),
        small_bank,
        OfflineGrader(small_bank.mistakes),
        sink=store,
        clock=clock,
        user="ana",
    )

    def stored(session_id: str) -> tuple[list[tuple[str, float, str]], int]:
        with store._sessions() as db:
            grades = db.execute(
                select(GradeRow.status, GradeRow.score, GradeRow.grade).where(GradeRow.session_id == session_id)
            )
            points = db.scalar(
                select(func.count()).select_from(PointResultRow).where(PointResultRow.session_id == session_id)
            )
            return [tuple(row) for row in grades], points or 0

    interviewer.answer("Lists are mutable, tuples are immutable.")
    first = interviewer.state.attempts[0].model_copy(deep=True)
    assert first.status == "asking"  # a follow-up on the missing point, not final yet
    assert stored(interviewer.state.id) == ([("asking", first.grade.score, first.grade.model_dump_json())], 0)

    interviewer.answer("Tuples are hashable, so a tuple can be a dictionary key.")
    final = interviewer.state.attempts[0]
    assert final.status == "graded" and final.grade.score > first.grade.score
    assert stored(interviewer.state.id) == (
        [("graded", final.grade.score, final.grade.model_dump_json())],
        len(final.grade.points),
    )
    assert {h.point_id: h.mean_credit for h in store.point_history(user="ana")} == {
        p.point_id: p.credit for p in final.grade.points
    }


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


# --- any text round-trips, NUL included ----------------------------------------------------

AWKWARD = "\x00\x01\x07\x08\x0b\x0c\x1b\x7f\r\n\t\\" + ESCAPE + "\ue001\ufeff\u200b\u2028"
awkward_text = st.text(st.one_of(st.sampled_from(AWKWARD), st.characters(exclude_categories=["Cs"])), max_size=60)


@given(awkward_text)
def test_escaping_is_reversible_and_removes_every_nul(value: str) -> None:
    escaped = escape_nul(value)
    assert NUL not in escaped
    assert unescape_nul(escaped) == value


def test_escaping_leaves_ordinary_text_alone() -> None:
    assert escape_nul("Tuples are immutable \\0 naïve 🐍") == "Tuples are immutable \\0 naïve 🐍"
    assert escape_nul(f"a{NUL}b{ESCAPE}c{ESCAPE}0") == f"a{ESCAPE}0b{ESCAPE}{ESCAPE}c{ESCAPE}{ESCAPE}0"
    assert unescape_nul(f"a{ESCAPE}0b{ESCAPE}{ESCAPE}c{ESCAPE}{ESCAPE}0") == f"a{NUL}b{ESCAPE}c{ESCAPE}0"
    assert unescape_nul(f"left as found: {ESCAPE}x {ESCAPE}") == f"left as found: {ESCAPE}x {ESCAPE}"


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(answer=awkward_text, user=awkward_text)
def test_any_text_round_trips_through_the_store(
    small_bank: Bank, store: TranscriptStore, clock: FakeClock, answer: str, user: str
) -> None:
    text_given = f"Tuples are immutable {answer} and hashable"
    interviewer = Interviewer.start(
        SessionConfig(question_ids=["tuples"], question_count=1, max_follow_ups=0),
        small_bank,
        OfflineGrader(small_bank.mistakes),
        sink=store,
        clock=clock,
        user=user,
    )
    interviewer.answer(text_given)
    state = interviewer.state
    assert state.attempts[0].answers == [text_given.strip()]
    assert store.load(state.id, user=user) == state
    assert store.answers(state.id) == state.attempts[0].answers
    listed = store.list_sessions(user=user)  # the store is shared by every example: others may be listed
    assert state.id in [s.id for s in listed] and {s.user for s in listed} == {user}
    with store._sessions() as db:
        texts = list(db.scalars(select(TurnRow.text).where(TurnRow.session_id == state.id).order_by(TurnRow.seq)))
    assert texts == [turn.text for turn in state.transcript]


def test_text_is_escaped_only_where_the_database_needs_it(
    small_bank: Bank, store: TranscriptStore, clock: FakeClock
) -> None:
    raw_answer = f"Tuples are immutable{NUL}, lists are mutable {ESCAPE}."
    session_id = run_session(small_bank, store, clock, None, [raw_answer])
    with store.engine.connect() as connection:
        stored = connection.execute(text("SELECT text FROM answers WHERE session_id = :id"), {"id": session_id})
        [(as_stored,)] = stored.all()
    if store.engine.dialect.name == "sqlite":
        assert as_stored == raw_answer  # SQLite files stay readable by any tool, as before
    else:
        assert as_stored == escape_nul(raw_answer) and NUL not in as_stored
    assert store.answers(session_id) == [raw_answer]


# --- schema migrations -------------------------------------------------------------------------


def open_like_the_previous_version(url: str, *, without: tuple[str, ...] = ()) -> TranscriptStore:
    """A store as it was before migrations: ``create_all`` on open, no ``alembic_version``."""
    legacy = TranscriptStore.__new__(TranscriptStore)
    legacy.engine = make_engine(url)
    later = {"user_settings", "recordings", *without}  # tables of later revisions (0004, 0005) did not exist then
    Base.metadata.create_all(legacy.engine, tables=[t for t in Base.metadata.sorted_tables if t.name not in later])
    legacy._sessions = sessionmaker(legacy.engine, expire_on_commit=False)
    return legacy


def close_as_the_previous_version(legacy: TranscriptStore) -> None:
    """Take out what later revisions added (sessions.version, 0002; the drill cards' FSRS memory, 0003), as that
    version's schema lacked them."""
    with legacy.engine.begin() as connection:
        connection.execute(text("ALTER TABLE sessions DROP COLUMN version"))
        if inspect(connection).has_table("drill_cards"):
            connection.execute(text("ALTER TABLE drill_cards DROP COLUMN memory"))
            connection.execute(text("ALTER TABLE drill_cards DROP COLUMN reviewed_at"))
    legacy.close()


def recorded_revisions(store: TranscriptStore) -> list[str]:
    with store.engine.connect() as connection:
        return list(connection.scalars(text("SELECT version_num FROM alembic_version")))


def test_a_new_database_gets_the_schema_the_models_describe(store: TranscriptStore) -> None:
    assert recorded_revisions(store) == [head_revision()]
    with store.engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    assert differences == []


def test_a_database_from_before_migrations_is_adopted_with_its_data(
    small_bank: Bank, database_url: str, clock: FakeClock
) -> None:
    legacy = open_like_the_previous_version(database_url)
    session_id = run_session(small_bank, legacy, clock, "ana", ["Lists are mutable, tuples are immutable."])
    card = DrillCard(user="ana", question_id="tuples", reviews=2, last_score=3.5, interval_days=3.0, due_at=clock())
    legacy.save_drill_card(card)
    before = legacy.load(session_id).model_copy(update={"version": 0})  # a row from before versions had none
    with legacy.engine.connect() as connection:
        assert not inspect(connection).has_table("alembic_version")
    close_as_the_previous_version(legacy)

    store = TranscriptStore(database_url)
    try:
        assert recorded_revisions(store) == [head_revision()]
        assert store.load(session_id, user="ana") == before
        assert store.answers(session_id) == ["Lists are mutable, tuples are immutable."]
        assert [s.id for s in store.list_sessions(user="ana")] == [session_id]
        assert store.drill_cards("ana") == [card]
        assert {(h.question_id, h.point_id) for h in store.point_history(user="ana")}
        clock.advance(60)
        later = run_session(small_bank, store, clock, "ana", ["Generators are lazy."])
        assert [s.id for s in store.list_sessions(user="ana")] == [later, session_id]
    finally:
        store.close()


def test_a_database_from_before_drill_cards_gains_the_table(
    small_bank: Bank, database_url: str, clock: FakeClock
) -> None:
    legacy = open_like_the_previous_version(database_url, without=("drill_cards",))
    session_id = run_session(small_bank, legacy, clock, None, ["Lists are mutable, tuples are immutable."])
    close_as_the_previous_version(legacy)

    store = TranscriptStore(database_url)
    try:
        assert recorded_revisions(store) == [head_revision()]
        assert store.answers(session_id) == ["Lists are mutable, tuples are immutable."]
        card = DrillCard(user="", question_id="tuples", reviews=1, last_score=2.0, interval_days=1.0, due_at=clock())
        store.save_drill_card(card)
        assert store.drill_cards() == [card]
    finally:
        store.close()


def test_reopening_an_up_to_date_database_changes_nothing(
    small_bank: Bank, store: TranscriptStore, database_url: str, clock: FakeClock
) -> None:
    session_id = run_session(small_bank, store, clock, None, ["Generators are lazy."])
    again = TranscriptStore(database_url)
    try:
        assert recorded_revisions(again) == [head_revision()]
        assert again.load(session_id) == store.load(session_id)
    finally:
        again.close()


def test_opening_an_up_to_date_sqlite_database_does_not_wait_for_writers(tmp_path) -> None:
    url = f"sqlite:///{tmp_path / 'interviews.db'}"
    TranscriptStore(url).close()
    writer = make_engine(url)
    with writer.connect() as busy:
        busy.exec_driver_sql("BEGIN IMMEDIATE")  # another instance in the middle of a write
        store = TranscriptStore(url)
        store.close()
        busy.rollback()
    writer.dispose()


def test_the_initial_revision_downgrades_and_upgrades_cleanly(store: TranscriptStore) -> None:
    with store.engine.begin() as connection:
        command.downgrade(alembic_config(connection), "base")
        assert current_revision(connection) is None
        assert set(inspect(connection).get_table_names()) <= {"alembic_version"}
        command.upgrade(alembic_config(connection), "head")
        assert current_revision(connection) == head_revision()


def _open_when_all_are_ready(url: str, barrier) -> None:  # type: ignore[no-untyped-def]
    barrier.wait(timeout=60)
    TranscriptStore(url).close()


def test_processes_opening_one_new_database_at_once_all_succeed(database_url: str) -> None:
    spawn = multiprocessing.get_context("spawn")
    barrier = spawn.Barrier(4)
    processes = [spawn.Process(target=_open_when_all_are_ready, args=(database_url, barrier)) for _ in range(4)]
    for process in processes:
        process.start()
    for process in processes:
        process.join(timeout=90)
    assert [process.exitcode for process in processes] == [0, 0, 0, 0]
    store = TranscriptStore(database_url)
    try:
        assert recorded_revisions(store) == [head_revision()]
        with store.engine.connect() as connection:
            assert compare_metadata(MigrationContext.configure(connection), Base.metadata) == []
    finally:
        store.close()


def test_a_bare_postgresql_url_uses_psycopg_3() -> None:
    engine = make_engine("postgresql://someone:secret@db.invalid/interviews")
    assert engine.dialect.driver == "psycopg"
    engine.dispose()


def test_pool_settings_in_the_url_size_the_pool_and_stay_away_from_the_driver() -> None:
    engine = make_engine(
        "postgresql+psycopg://someone:secret@db.invalid/interviews?pool_size=3&max_overflow=2&sslmode=require"
    )
    try:
        assert engine.pool.size() == 3 and engine.pool._max_overflow == 2
        assert dict(engine.url.query) == {"sslmode": "require"}
    finally:
        engine.dispose()


def test_deleting_a_session_removes_everything_of_it_and_nothing_else(backend_store, bank) -> None:  # type: ignore[no-untyped-def]
    from interviewer.engine import Interviewer
    from interviewer.grading.offline import OfflineGrader
    from interviewer.models import SessionConfig
    from interviewer.store import SessionNotFound

    def finished(user: str | None) -> str:
        config = SessionConfig(question_ids=["lists-vs-tuples"], question_count=1, max_follow_ups=0)
        interviewer = Interviewer.start(config, bank, OfflineGrader(bank.mistakes), sink=backend_store, user=user)
        interviewer.answer("Lists are mutable and tuples are immutable, so tuples can be dictionary keys.")
        return interviewer.state.id

    kept, doomed, theirs = finished("ann"), finished("ann"), finished("bob")
    with pytest.raises(SessionNotFound):
        backend_store.delete(theirs, user="ann")  # another user's session is not found, and stays
    backend_store.delete(doomed, user="ann")
    assert {s.id for s in backend_store.list_sessions()} == {kept, theirs}
    assert backend_store.answers(doomed) == [] and backend_store.answers(kept)
    history = backend_store.point_history(user="ann")
    assert history and all(h.attempts == 1 for h in history), "the deleted session's points left the history"
    with pytest.raises(SessionNotFound):
        backend_store.load(doomed)


class _BusyOnce:
    """A DB-API connection whose first `busy` switches to WAL fail as SQLite's do while another connection holds it."""

    def __init__(self, busy: int) -> None:
        self.busy = busy
        self.executed: list[str] = []

    def cursor(self) -> _BusyOnce:
        return self

    def execute(self, statement: str) -> None:
        if self.busy and "journal_mode" in statement:
            self.busy -= 1
            raise sqlite3.OperationalError("database is locked")
        self.executed.append(statement)

    def close(self) -> None:
        pass


def test_a_busy_database_at_connect_is_waited_for_not_reported_damaged() -> None:
    # switching a new file to WAL needs it alone; SQLite may answer "locked" at once, without waiting, when
    # several processes open the same new database together (seen in CI as a spurious "damaged" error)
    connection = _BusyOnce(busy=3)
    sqlite_pragmas(connection, None)
    assert "PRAGMA journal_mode=WAL" in connection.executed


def test_a_database_that_stays_locked_says_so_and_does_not_blame_the_file() -> None:
    error = storage_error("sqlite:////tmp/x/interviews.db", sqlite3.OperationalError("database is locked"), "opened")
    assert "damaged" not in str(error)
    assert "another" in str(error).lower()
