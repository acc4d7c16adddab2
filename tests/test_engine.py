from __future__ import annotations

from datetime import timedelta

import pytest

from interviewer.bank import Bank
from interviewer.engine import MAX_ANSWER_CHARS, GradingFailed, Interviewer, InvalidMove
from interviewer.grading.offline import OfflineGrader
from interviewer.models import Grade, PointHistory, Question, SessionConfig, SessionState
from interviewer.store import TranscriptStore
from tests.conftest import FakeClock

STRONG_TUPLES = (
    "Lists are mutable while tuples are immutable, so you cannot append to a tuple. "
    "Because tuples are hashable they can be used as a dictionary key, for example d[(1, 2)] = 'a'."
)
PARTIAL_TUPLES = "Lists are mutable, you can append and remove items, but tuples are immutable once they are created."


def start(bank: Bank, clock: FakeClock, sink=None, **config) -> Interviewer:
    config.setdefault("question_ids", ["tuples", "generators"])
    config.setdefault("question_count", len(config["question_ids"]))
    return Interviewer.start(SessionConfig(**config), bank, OfflineGrader(bank.mistakes), sink=sink, clock=clock)


def kinds(turns) -> list[str]:
    return [t.kind for t in turns]


def test_start_asks_the_first_question(small_bank: Bank, clock: FakeClock) -> None:
    interviewer = start(small_bank, clock)
    assert kinds(interviewer.state.transcript) == ["question"]
    assert interviewer.state.transcript[0].text == small_bank.get("tuples").prompt
    assert interviewer.current_question.id == "tuples"


def test_follow_up_targets_the_heaviest_missing_point_then_grades_and_moves_on(
    small_bank: Bank, clock: FakeClock
) -> None:
    interviewer = start(small_bank, clock, max_follow_ups=1)
    clock.advance(40)
    turns = interviewer.answer(PARTIAL_TUPLES)
    assert kinds(turns) == ["answer", "follow_up"]
    assert turns[1].point_id == "keys"
    assert turns[1].text == "Could a list be a dictionary key?"

    clock.advance(20)
    turns = interviewer.answer("No: a list is not hashable, only a tuple can be a dictionary key.")
    assert kinds(turns) == ["answer", "feedback", "question"]
    first = interviewer.state.attempts[0]
    assert first.status == "graded"
    assert first.answer_seconds == [40.0, 20.0]
    assert {p.point_id: p.verdict for p in first.grade.points} == {"mutability": "covered", "keys": "covered"}
    assert interviewer.current_question.id == "generators"


def test_follow_ups_are_bounded_by_the_setting(small_bank: Bank, clock: FakeClock) -> None:
    interviewer = start(small_bank, clock, max_follow_ups=0)
    turns = interviewer.answer(PARTIAL_TUPLES)
    assert "follow_up" not in kinds(turns)
    assert interviewer.state.attempts[0].status == "graded"


def test_no_follow_up_when_everything_is_covered(small_bank: Bank, clock: FakeClock) -> None:
    interviewer = start(small_bank, clock, max_follow_ups=2)
    turns = interviewer.answer(STRONG_TUPLES)
    assert kinds(turns) == ["answer", "feedback", "question"]


def test_hint_is_recorded_and_costs_points(small_bank: Bank, clock: FakeClock) -> None:
    plain = start(small_bank, clock, max_follow_ups=0)
    plain.answer(STRONG_TUPLES)
    hinted = start(small_bank, clock, max_follow_ups=0)
    turns = hinted.hint()
    assert kinds(turns) == ["hint_request", "hint"]
    assert turns[1].text == "Think about changing them."
    hinted.hint()
    hinted.hint()  # only two hints exist
    assert hinted.state.transcript[-1].text.startswith("That's all the hints")
    hinted.answer(STRONG_TUPLES)
    attempt = hinted.state.attempts[0]
    assert attempt.hints_used == 2
    assert attempt.grade.hints_used == 2
    assert attempt.grade.score == pytest.approx(plain.state.attempts[0].grade.score - 1.0)


def test_skip_scores_zero_and_moves_on(small_bank: Bank, clock: FakeClock) -> None:
    interviewer = start(small_bank, clock)
    turns = interviewer.skip()
    assert kinds(turns) == ["skip", "question"]
    attempt = interviewer.state.attempts[0]
    assert attempt.status == "skipped"
    assert attempt.grade.score == 0
    assert interviewer.current_question.id == "generators"


def test_skipping_a_follow_up_keeps_the_grade_so_far(small_bank: Bank, clock: FakeClock) -> None:
    interviewer = start(small_bank, clock, max_follow_ups=1)
    interviewer.answer(PARTIAL_TUPLES)
    score_before = interviewer.state.attempts[0].grade.score
    interviewer.skip()
    attempt = interviewer.state.attempts[0]
    assert attempt.status == "graded"
    assert attempt.grade.score == score_before > 0


def test_clarification_uses_the_questions_clarifications(small_bank: Bank, clock: FakeClock) -> None:
    interviewer = start(small_bank, clock)
    turns = interviewer.ask_clarification("Which Python version should I assume?")
    assert kinds(turns) == ["clarification_request", "clarification"]
    assert turns[1].text == "Assume Python 3.12."
    unknown = interviewer.ask_clarification("Should I care about the colour of the code?")
    assert "assumption" in unknown[1].text
    assert interviewer.state.attempts[0].clarifications_asked == 2


def test_scenario_reveals_facts_only_when_asked(small_bank: Bank, clock: FakeClock) -> None:
    interviewer = start(small_bank, clock, question_ids=["latency"])
    assert "410 ms" not in interviewer.state.transcript[0].text
    assert "410 ms" in interviewer.ask_clarification("What do the latency metrics on the dashboard show?")[1].text
    assert "query" in interviewer.ask_clarification("Did anything change in the database queries?")[1].text


def test_repeat_says_the_current_prompt_again(small_bank: Bank, clock: FakeClock) -> None:
    interviewer = start(small_bank, clock, max_follow_ups=1)
    interviewer.answer(PARTIAL_TUPLES)
    turns = interviewer.repeat()
    assert kinds(turns) == ["repeat_request", "follow_up"]
    assert turns[1].text == "Could a list be a dictionary key?"


@pytest.mark.parametrize("text", ["", "   \n\t "])
def test_empty_answer_is_refused_with_a_message(small_bank: Bank, clock: FakeClock, text: str) -> None:
    interviewer = start(small_bank, clock)
    with pytest.raises(InvalidMove, match="empty"):
        interviewer.answer(text)
    assert interviewer.state.attempts[0].answers == []


def test_huge_answer_is_refused_without_recording(small_bank: Bank, clock: FakeClock) -> None:
    interviewer = start(small_bank, clock)
    with pytest.raises(InvalidMove, match="limit"):
        interviewer.answer("word " * (MAX_ANSWER_CHARS // 4))
    assert interviewer.state.attempts[0].answers == []


def test_per_question_expiry_grades_the_draft(small_bank: Bank, clock: FakeClock) -> None:
    interviewer = start(small_bank, clock, per_question_seconds=60, expiry_policy="grade_answer_so_far")
    clock.advance(61)
    turns = interviewer.check_time(draft=STRONG_TUPLES)
    assert kinds(turns) == ["answer", "expiry", "feedback", "question"]
    attempt = interviewer.state.attempts[0]
    assert attempt.status == "expired" and attempt.expired
    assert attempt.grade.score > 3
    assert interviewer.current_question.id == "generators"


def test_per_question_expiry_can_mark_unanswered_but_keeps_the_text(small_bank: Bank, clock: FakeClock) -> None:
    interviewer = start(small_bank, clock, per_question_seconds=60, expiry_policy="mark_unanswered")
    clock.advance(61)
    turns = interviewer.answer(STRONG_TUPLES)  # a late answer
    assert "expiry" in kinds(turns)
    attempt = interviewer.state.attempts[0]
    assert attempt.answers == [STRONG_TUPLES]
    assert attempt.grade.score == 0
    assert "marked unanswered" in turns[kinds(turns).index("expiry")].text


def test_mark_unanswered_keeps_credit_for_answers_given_in_time(small_bank: Bank, clock: FakeClock) -> None:
    interviewer = start(small_bank, clock, per_question_seconds=60, expiry_policy="mark_unanswered", max_follow_ups=1)
    clock.advance(30)
    interviewer.answer(PARTIAL_TUPLES)
    clock.advance(31)
    interviewer.answer("Late: tuples are hashable so they can be dictionary keys.")
    attempt = interviewer.state.attempts[0]
    assert attempt.status == "expired"
    assert len(attempt.answers) == 2
    assert {p.point_id: p.verdict for p in attempt.grade.points}["keys"] == "missing"
    assert attempt.grade.score > 0


def test_expiry_without_any_answer_scores_zero(small_bank: Bank, clock: FakeClock) -> None:
    interviewer = start(small_bank, clock, per_question_seconds=30)
    clock.advance(31)
    turns = interviewer.check_time()
    assert kinds(turns) == ["expiry", "feedback", "question"]
    assert interviewer.state.attempts[0].grade.score == 0


def test_total_limit_ends_the_session(small_bank: Bank, clock: FakeClock) -> None:
    interviewer = start(small_bank, clock, total_seconds=120)
    clock.advance(50)
    interviewer.answer(STRONG_TUPLES)
    clock.advance(80)
    turns = interviewer.check_time(draft="Generators yield values lazily, which keeps memory flat.")
    assert kinds(turns)[-1] == "summary"
    assert interviewer.state.status == "finished"
    assert [a.status for a in interviewer.state.attempts] == ["graded", "expired"]
    with pytest.raises(InvalidMove, match="finished"):
        interviewer.answer("anything")


def test_time_left_counts_down(small_bank: Bank, clock: FakeClock) -> None:
    interviewer = start(small_bank, clock, per_question_seconds=90, total_seconds=600)
    clock.advance(30)
    left = interviewer.time_left()
    assert left.question_seconds == 60
    assert left.total_seconds == 570


def test_the_deadline_is_the_first_of_the_question_and_the_interview_limits(small_bank: Bank, clock: FakeClock) -> None:
    interviewer = start(small_bank, clock, per_question_seconds=90, total_seconds=600)
    asked = interviewer.state.current.asked_at  # type: ignore[union-attr]
    assert interviewer.deadline() == asked + timedelta(seconds=90)
    clock.advance(560)  # the question's own limit is long past; the interview has 40 s left
    interviewer.skip()
    assert interviewer.deadline() == interviewer.state.started_at + timedelta(seconds=600)
    assert start(small_bank, FakeClock(), per_question_seconds=None, total_seconds=None).deadline() is None


def test_questions_never_repeat_within_a_session(small_bank: Bank, clock: FakeClock) -> None:
    interviewer = start(small_bank, clock, question_ids=[], question_count=3, max_follow_ups=0)
    while interviewer.state.status != "finished":
        interviewer.skip()
    asked = interviewer.state.asked_ids
    assert sorted(asked) == ["generators", "latency", "tuples"]


def test_selection_respects_filters(small_bank: Bank, clock: FakeClock) -> None:
    interviewer = start(small_bank, clock, question_ids=[], question_count=5, day=3)
    while interviewer.state.status != "finished":
        interviewer.skip()
    assert interviewer.state.asked_ids == ["generators"]


def test_selection_prefers_weak_areas(small_bank: Bank, clock: FakeClock) -> None:
    history = [
        PointHistory(question_id="tuples", point_id="mutability", attempts=3, mean_credit=1.0),
        PointHistory(question_id="tuples", point_id="keys", attempts=3, mean_credit=1.0),
        PointHistory(question_id="generators", point_id="lazy", attempts=3, mean_credit=0.0),
        PointHistory(question_id="generators", point_id="memory", attempts=3, mean_credit=0.2),
        PointHistory(question_id="latency", point_id="baseline", attempts=2, mean_credit=1.0),
        PointHistory(question_id="latency", point_id="traces", attempts=2, mean_credit=1.0),
    ]
    for seed in range(5):
        interviewer = Interviewer.start(
            SessionConfig(question_count=1, seed=seed),
            small_bank,
            OfflineGrader(),
            clock=clock,
            history=history,
        )
        assert interviewer.current_question.id == "generators"


def test_finish_early_keeps_what_was_answered(small_bank: Bank, clock: FakeClock) -> None:
    interviewer = start(small_bank, clock, max_follow_ups=1)
    interviewer.answer(PARTIAL_TUPLES)
    turns = interviewer.finish()
    assert kinds(turns) == ["feedback", "summary"]
    assert interviewer.state.attempts[0].status == "graded"
    assert interviewer.state.status == "finished"


def test_drill_retry_asks_the_same_question_again(small_bank: Bank, clock: FakeClock) -> None:
    interviewer = start(small_bank, clock, mode="drill", question_ids=["tuples"], max_follow_ups=0)
    interviewer.answer(PARTIAL_TUPLES)
    assert interviewer.state.status == "finished"
    turns = interviewer.retry()
    assert kinds(turns) == ["question"]
    interviewer.answer(STRONG_TUPLES)
    first, second = interviewer.state.attempts
    assert first.question_id == second.question_id == "tuples"
    assert second.grade.score > first.grade.score


def test_retry_is_only_for_drills(small_bank: Bank, clock: FakeClock) -> None:
    interviewer = start(small_bank, clock, question_ids=["tuples"])
    interviewer.skip()
    with pytest.raises(InvalidMove, match="drills"):
        interviewer.retry()


def test_state_round_trips_through_json(small_bank: Bank, clock: FakeClock) -> None:
    interviewer = start(small_bank, clock, max_follow_ups=1)
    interviewer.answer(PARTIAL_TUPLES)
    interviewer.hint()
    restored = SessionState.model_validate_json(interviewer.state.model_dump_json())
    assert restored == interviewer.state


def test_resume_after_reload_from_the_store(small_bank: Bank, clock: FakeClock, store: TranscriptStore) -> None:
    interviewer = start(small_bank, clock, sink=store, max_follow_ups=1)
    interviewer.answer(PARTIAL_TUPLES)
    session_id = interviewer.state.id
    del interviewer

    reloaded = Interviewer(
        store.load(session_id), small_bank, OfflineGrader(small_bank.mistakes), sink=store, clock=clock
    )
    assert reloaded.state.transcript[-1].kind == "follow_up"
    turns = reloaded.answer("Tuples are hashable so they can be a dictionary key; lists cannot.")
    assert kinds(turns) == ["answer", "feedback", "question"]
    assert store.load(session_id) == reloaded.state


class BrokenGrader:
    name = "broken"

    def grade(self, question: Question, answer: str, *, hints_used: int = 0) -> Grade:
        raise RuntimeError("model server is down")


def test_answer_is_saved_before_grading_and_pending_grade_completes_on_resume(
    small_bank: Bank, clock: FakeClock, store: TranscriptStore
) -> None:
    interviewer = Interviewer.start(
        SessionConfig(question_ids=["tuples"], question_count=1),
        small_bank,
        BrokenGrader(),
        sink=store,
        clock=clock,
    )
    with pytest.raises(GradingFailed, match="saved"):
        interviewer.answer(STRONG_TUPLES)
    stored = store.load(interviewer.state.id)
    assert stored.attempts[0].answers == [STRONG_TUPLES]
    assert stored.attempts[0].status == "grading"
    assert store.answers(interviewer.state.id) == [STRONG_TUPLES]

    resumed = Interviewer(stored, small_bank, OfflineGrader(small_bank.mistakes), sink=store, clock=clock)
    turns = resumed.resume()
    assert "feedback" in kinds(turns)
    assert store.load(stored.id).attempts[0].grade.score > 3
    assert resumed.resume() == []


def test_a_voice_hears_streamed_turns_as_they_arrive(small_bank: Bank, clock: FakeClock) -> None:
    heard: list[tuple[str, list[str]]] = []

    def voice(kind, words) -> str:
        heard.append((kind, list(words)))
        return words.text

    interviewer = start(small_bank, clock, max_follow_ups=1)
    interviewer.voice = voice
    interviewer.answer(PARTIAL_TUPLES)
    interviewer.ask_clarification("Which version?")
    assert [kind for kind, _ in heard] == ["follow_up", "clarification"]
    assert "".join(heard[0][1]) == "Could a list be a dictionary key?"


def test_an_over_long_clarifying_question_is_refused(small_bank: Bank, clock: FakeClock) -> None:
    interviewer = start(small_bank, clock)
    with pytest.raises(InvalidMove, match="under 2,000"):
        interviewer.ask_clarification("why? " * 1000)
    assert interviewer.state.attempts[0].clarifications_asked == 0


def test_selection_only_offers_the_kinds_asked_for(small_bank: Bank, clock: FakeClock) -> None:
    interviewer = start(small_bank, clock, question_ids=[], question_count=5, kinds=["scenario"])
    while interviewer.state.status != "finished":
        interviewer.skip()
    assert interviewer.state.asked_ids == ["latency"]


def test_session_ids_never_look_like_command_line_options(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """'interviewer practice --resume <id>' fails when the id starts with '-' (1 in 64 ids did)."""
    import secrets

    from interviewer.engine import new_session_id

    ids = iter(["-starts-with-dash-aaaaaa", "ok-id-bbbbbbbbbbbbbbbbbb"])
    monkeypatch.setattr(secrets, "token_urlsafe", lambda n: next(ids))
    assert new_session_id() == "ok-id-bbbbbbbbbbbbbbbbbb"


def test_a_mock_keeps_the_score_for_the_report_unless_practice_feedback_is_asked_for(
    small_bank: Bank, clock: FakeClock
) -> None:
    """As in a real interview: "Thank you." after an answer, the scores in the report; drills always say it."""
    real = start(small_bank, clock, max_follow_ups=0)
    turns = real.answer(STRONG_TUPLES)
    [feedback] = [t for t in turns if t.kind == "feedback"]
    assert "Score" not in feedback.text and feedback.text == "Thank you."
    assert real.state.attempts[0].grade is not None, "graded all the same, for the report"
    practice = start(small_bank, clock, max_follow_ups=0, instant_feedback=True)
    [said] = [t for t in practice.answer(STRONG_TUPLES) if t.kind == "feedback"]
    assert said.text.startswith("Score ")
    drill = start(small_bank, clock, max_follow_ups=0, mode="drill", question_ids=["tuples"])
    [told] = [t for t in drill.answer(STRONG_TUPLES) if t.kind == "feedback"]
    assert told.text.startswith("Score ")


def test_the_clock_warns_at_a_minute_and_at_ten_seconds() -> None:
    from interviewer.engine import TimeLeft

    assert TimeLeft(None, None).warning() is None
    assert TimeLeft(300, None).warning() is None
    assert TimeLeft(59, 900).warning() == "Under a minute left for this question."
    assert TimeLeft(400, 45).warning() == "Under a minute left in the interview."
    urgent = TimeLeft(9.2, 30)
    assert urgent.warning() == "10 seconds left for this question: send what you have now." and urgent.urgent
    assert not TimeLeft(59, None).urgent


def test_the_closing_summary_counts_a_skipped_question_as_skipped(small_bank: Bank, clock: FakeClock) -> None:
    interviewer = start(small_bank, clock, max_follow_ups=0)
    interviewer.answer(STRONG_TUPLES)
    turns = interviewer.skip()
    [summary] = [t for t in turns if t.kind == "summary"]
    assert "1 question answered, 1 skipped" in summary.text, summary.text
