"""One writer per session (issue 13): two tabs answering one session at once lose nothing and grade nothing twice.

Reported: two tabs answering one session lost an answer (3 of 3 tries); the turn and answer rows stopped
matching the session's state (6 turn rows for 3 turns); with a slow model one answer was graded twice.
Each tab is an ``Interviewer`` opened from the store, as a page run opens one.
"""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import func, select

from interviewer.bank import Bank
from interviewer.engine import Interviewer, InterviewError, SessionMovedOn
from interviewer.grading.offline import OfflineGrader
from interviewer.models import SessionConfig
from interviewer.store import AnswerRow, GradeRow, TranscriptStore, TurnRow
from tests.conftest import FakeClock, needs_sandbox

ANSWER_A = "Lists are mutable and tuples are immutable, so a tuple can be a dictionary key."
ANSWER_B = "Tuples are hashable when their items are, lists are not; lists can grow in place."


def tab(store: TranscriptStore, bank: Bank, session_id: str, clock: FakeClock) -> Interviewer:
    state = store.load(session_id)
    return Interviewer(state, bank, OfflineGrader(bank.mistakes), sink=store, clock=clock)


def counts(store: TranscriptStore, session_id: str) -> tuple[int, int, int]:
    with store._sessions() as db:
        return tuple(  # type: ignore[return-value]
            db.scalar(select(func.count()).select_from(table).where(table.session_id == session_id)) or 0
            for table in (TurnRow, AnswerRow, GradeRow)
        )


def test_a_stale_tab_is_refused_and_the_rows_match_the_state(
    backend_store: TranscriptStore, bank: Bank, clock: FakeClock
) -> None:
    config = SessionConfig(question_ids=["lists-vs-tuples", "gil"], question_count=2, max_follow_ups=0)
    first = Interviewer.start(config, bank, OfflineGrader(bank.mistakes), sink=backend_store, clock=clock)
    one, two = (tab(backend_store, bank, first.state.id, clock) for _ in range(2))
    one.answer(ANSWER_A)
    with pytest.raises(SessionMovedOn, match="another tab"):
        two.answer(ANSWER_B)
    assert isinstance(SessionMovedOn("x"), InterviewError)
    stored = backend_store.load(first.state.id)
    assert stored.attempts[0].answers == [ANSWER_A], "the first answer is kept, the stale one refused"
    turns, answers, grades = counts(backend_store, first.state.id)
    assert turns == len(stored.transcript)
    assert answers == sum(len(a.answers) for a in stored.attempts)
    assert grades == sum(1 for a in stored.attempts if a.grade is not None)
    again = tab(backend_store, bank, first.state.id, clock)  # the refused tab reloads and goes on
    again.answer(ANSWER_B)
    assert [len(a.answers) for a in backend_store.load(first.state.id).attempts] == [1, 1]


def test_racing_tabs_in_threads_lose_no_answer_and_grade_none_twice(
    backend_store: TranscriptStore, bank: Bank, clock: FakeClock
) -> None:
    config = SessionConfig(question_ids=["lists-vs-tuples"], question_count=1, max_follow_ups=0)
    first = Interviewer.start(config, bank, OfflineGrader(bank.mistakes), sink=backend_store, clock=clock)
    tabs = [tab(backend_store, bank, first.state.id, clock) for _ in range(4)]
    outcomes: list[str] = []
    barrier = threading.Barrier(len(tabs))

    def answer(interviewer: Interviewer, text: str) -> None:
        barrier.wait()
        try:
            interviewer.answer(text)
            outcomes.append("saved")
        except SessionMovedOn:
            outcomes.append("moved on")

    threads = [threading.Thread(target=answer, args=(t, f"{ANSWER_A} ({i})")) for i, t in enumerate(tabs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    stored = backend_store.load(first.state.id)
    assert len(outcomes) == len(tabs) and outcomes.count("saved") == 1, outcomes
    assert len(stored.attempts[0].answers) == 1 and stored.attempts[0].grade is not None
    turns, answers, grades = counts(backend_store, first.state.id)
    assert (turns, answers, grades) == (len(stored.transcript), 1, 1)


def test_two_app_tabs_a_move_on_a_stale_page_is_refused_and_the_page_catches_up(tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from tests.test_app import chat, new_app, start_mock

    monkeypatch.setenv("INTERVIEWER_DATA_DIR", str(tmp_path))
    one = start_mock(new_app(), count=2)
    session_id = one.query_params["session"]
    two = new_app(session=session_id if isinstance(session_id, str) else session_id[0])
    question = chat(two)[-1][1]
    one.chat_input[0].set_value(ANSWER_A).run()  # tab one answers first
    two.chat_input[0].set_value(ANSWER_B).run()  # tab two still shows the question as it was
    assert any("another tab" in e.value for e in two.error), [e.value for e in two.error]
    texts = [text for _, text in chat(two)]
    assert ANSWER_A in texts and ANSWER_B not in texts, (
        "the page shows where the session stands, without the stale move"
    )
    assert question in texts


def test_two_drill_tabs_the_stale_explanation_is_refused_and_kept(tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from tests.test_app import click, new_app

    monkeypatch.setenv("INTERVIEWER_DATA_DIR", str(tmp_path))
    one = new_app()
    one.switch_page("app_pages/drill.py").run()
    one = click(one, "Start the next concept")
    session_id = one.query_params["session"]
    two = new_app(session=session_id if isinstance(session_id, str) else session_id[0])
    two.switch_page("app_pages/drill.py").run()
    one.chat_input[0].set_value(ANSWER_A).run()
    assert one.metric and one.metric[0].label == "Score"
    two.chat_input[0].set_value(ANSWER_B).run()
    # the drill was graded in tab one, so tab two now shows the grade: its explanation has nowhere to go
    assert any("another tab" in m.value for m in [*two.error, *two.info]), [i.value for i in two.info]
    assert two.metric and two.metric[0].label == "Score"
    assert any(c.value == ANSWER_B for c in two.code), "the unsent explanation is on the page to copy"
    store = TranscriptStore(f"sqlite:///{tmp_path / 'interviews.db'}")
    [attempt] = store.load(session_id if isinstance(session_id, str) else session_id[0]).attempts
    assert attempt.answers == [ANSWER_A], "only the first tab's explanation is stored"
    store.close()


@needs_sandbox
def test_a_stale_tab_code_never_lands_on_the_next_question(tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """Issue 14: the editor saves as it is typed. A tab still showing the first coding question, after another tab
    moved on to the second, must not save its code as the second question's: it is refused and shown to copy."""
    from tests.test_app import click, new_app, start_mock, type_code

    monkeypatch.setenv("INTERVIEWER_DATA_DIR", str(tmp_path))
    one = start_mock(new_app(), count=2, topics=["coding"])
    session_id = one.query_params["session"]
    two = new_app(session=session_id)
    one = click(one, "Skip")  # tab one moves on to the second coding question
    stale_code = "def late():\n    return 'typed in the stale tab'\n"
    two = type_code(two, stale_code)
    assert any("another tab" in e.value for e in two.error), [e.value for e in two.error]
    assert any(c.value == stale_code.strip() for c in two.code), "the stale tab's code is on the page to copy"
    store = TranscriptStore(f"sqlite:///{tmp_path / 'interviews.db'}")
    first, second = store.load(session_id).attempts
    assert first.code is None and second.code is None
    store.close()


@needs_sandbox
def test_two_tabs_editing_one_question_the_refused_code_is_not_saved_behind_the_message(tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """Red team: tab two was told its code was not saved, and the very next rerun saved it over tab one's."""
    from tests.test_app import new_app, start_mock, type_code

    monkeypatch.setenv("INTERVIEWER_DATA_DIR", str(tmp_path))
    one = start_mock(new_app(), count=1, topics=["coding"])
    session_id = one.query_params["session"]
    two = new_app(session=session_id)
    first = "def first_tab():\n    return 1\n"
    second = "def second_tab():\n    return 2\n"
    one = type_code(one, first)
    two = type_code(two, second)
    assert any("another tab" in e.value for e in two.error)
    two.run()  # the page reruns (the clock, a click elsewhere): nothing new was typed
    store = TranscriptStore(f"sqlite:///{tmp_path / 'interviews.db'}")
    assert store.load(session_id).attempts[0].code == first
    two = type_code(two, second + "# typed after the message\n")  # the candidate goes on, having been told
    assert store.load(session_id).attempts[0].code == second + "# typed after the message\n"
    store.close()
