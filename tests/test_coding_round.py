"""A coding round through the engine, with the real sandbox: clarify, run examples, submit, discuss."""

from __future__ import annotations

import pytest

from interviewer.bank import Bank
from interviewer.engine import Interviewer, InvalidMove
from interviewer.grading.offline import OfflineGrader
from interviewer.models import SessionConfig
from interviewer.store import TranscriptStore
from tests.conftest import FakeClock, needs_sandbox

pytestmark = needs_sandbox

QUESTION = "code-merge-intervals"
DISCUSSION = (
    "I sort the intervals by start, then walk them once, extending the last merged interval when the next one "
    "overlaps it and appending otherwise; the names say what each part holds and there is no nesting to speak of. "
    "Sorting dominates, so it is O(n log n) time and O(n) extra space for the output; the merge itself is a "
    "single linear pass. I assumed intervals are closed, so touching ones merge. One improvement: accept "
    "tuples and return tuples, or merge in place to save memory."
)


def start(bank: Bank, clock: FakeClock, store: TranscriptStore | None = None) -> Interviewer:
    config = SessionConfig(question_ids=[QUESTION], question_count=1, kinds=["coding"])
    return Interviewer.start(config, bank, OfflineGrader(bank.mistakes), sink=store, clock=clock)


def test_a_full_coding_round_with_the_reference_solution(bank: Bank, clock: FakeClock, store) -> None:
    question = bank.get(QUESTION)
    interviewer = start(bank, clock, store)
    interviewer.ask_clarification("Can the input be empty?")
    report = interviewer.run_examples(question.coding.reference_solution)
    assert report.all_passed and report.total == len(question.coding.examples)
    with pytest.raises(InvalidMove, match="Submit your code first"):
        interviewer.answer("It is O(n log n).")

    turns = interviewer.submit_code(question.coding.reference_solution)
    assert turns[-1].kind == "follow_up" and "hidden tests passed" in turns[-1].text
    stored = store.load(interviewer.state.id).attempts[0]
    assert stored.code == question.coding.reference_solution and stored.code_report.all_passed

    interviewer.answer(DISCUSSION)
    grade = interviewer.state.attempts[0].grade
    points = {p.point_id: p for p in grade.points}
    assert len(points) == len(grade.points)  # point ids are unique within a grade
    assert points["code-tests"].credit == 1.0 and points["code-clarified"].verdict == "covered"
    assert points["code-readability"].credit >= 0.8
    assert grade.score >= 4.0
    assert question.coding.expected_complexity in grade.model_answer and "```python" in grade.model_answer
    assert interviewer.state.status == "finished"


def test_wrong_and_clever_code_is_graded_down_with_reasons(bank: Bank, clock: FakeClock) -> None:
    clever = (
        "from functools import reduce\n"
        "def merge_intervals(intervals):\n"
        "    return reduce(lambda acc, iv: acc + [iv], sorted(intervals), [])  # forgets to merge\n"
    )
    interviewer = start(bank, clock)
    interviewer.submit_code(clever)
    interviewer.answer("It is fast.")
    grade = interviewer.state.attempts[0].grade
    points = {p.point_id: p for p in grade.points}
    assert points["code-tests"].credit < 1.0 and points["code-tests"].evidence.endswith("hidden tests passed")
    assert {m.mistake_id for m in grade.mistakes} >= {"clever-unmaintainable-code", "no-clarifying-assumptions"}
    assert any(line.startswith("Failing hidden test") for line in grade.feedback)
    assert grade.score < 2.0


def test_code_that_does_not_load_scores_nothing_for_tests(bank: Bank, clock: FakeClock) -> None:
    interviewer = start(bank, clock)
    interviewer.submit_code("def merge_intervals(intervals):\n    return [\n")
    assert "line" in interviewer.state.transcript[-1].text.lower()
    interviewer.answer("I ran out of time; I assumed the input was sorted.")
    points = {p.point_id: p for p in interviewer.state.attempts[0].grade.points}
    assert points["code-tests"].verdict == "missing" and "line" in points["code-tests"].evidence.lower()


def test_coding_moves_only_apply_to_coding_rounds(small_bank: Bank, clock: FakeClock) -> None:
    interviewer = Interviewer.start(
        SessionConfig(question_ids=["tuples"], question_count=1), small_bank, OfflineGrader(), clock=clock
    )
    with pytest.raises(InvalidMove, match="not a coding round"):
        interviewer.run_examples("def f(): pass")


def output_session(bank: Bank, clock: FakeClock, question_id: str) -> Interviewer:
    config = SessionConfig(question_ids=[question_id], question_count=1, kinds=["output"])
    return Interviewer.start(config, bank, OfflineGrader(bank.mistakes), clock=clock)


def test_output_questions_are_graded_against_what_the_snippet_really_prints(bank: Bank, clock: FakeClock) -> None:
    from interviewer.sandbox import run_snippet

    question = bank.get("output-mutable-default")
    interviewer = output_session(bank, clock, question.id)
    attempt = interviewer.state.attempts[0]
    assert attempt.expected_output == run_snippet(question.snippet).stdout
    assert question.snippet.strip() in interviewer.state.transcript[0].text

    lines = attempt.expected_output.strip().splitlines()
    interviewer.answer(
        "It prints:\n" + "\n".join(lines) + "\nbecause the default list is created once, when the function is "
        "defined, and every call that omits the argument appends to that same shared list."
    )
    right = interviewer.state.attempts[0].grade
    assert {p.point_id: p.credit for p in right.points}["output"] == 1.0
    assert "It prints:" in right.model_answer

    wrong = output_session(bank, clock, question.id)
    wrong.answer("It prints a fresh list each time, because every call gets its own new default list.")
    worse = wrong.state.attempts[0].grade
    assert {p.point_id: p.credit for p in worse.points}["output"] < 1.0
    assert worse.score < right.score
    assert worse.feedback[0].startswith("The snippet prints:")


def test_correct_code_dominates_a_coding_round(bank: Bank, clock: FakeClock) -> None:
    question = bank.get(QUESTION)
    interviewer = start(bank, clock)
    interviewer.submit_code(question.coding.reference_solution)
    interviewer.answer("It is quick, I think; I assumed the input fits in memory.")
    grade = interviewer.state.attempts[0].grade
    weights = {p.point_id: p.weight for p in grade.points}
    total = sum(weights.values())
    assert abs(weights["code-tests"] / total - 0.45) < 0.01
    assert 3.0 <= grade.score < 4.5  # right code, thin discussion


def timed(bank: Bank, clock: FakeClock, store: TranscriptStore | None = None, **limits) -> Interviewer:  # type: ignore[no-untyped-def]
    config = SessionConfig(question_ids=[QUESTION], question_count=1, kinds=["coding"], **limits)
    return Interviewer.start(config, bank, OfflineGrader(bank.mistakes), sink=store, clock=clock)


def test_at_expiry_the_code_last_run_is_graded(bank: Bank, clock: FakeClock) -> None:
    question = bank.get(QUESTION)
    interviewer = timed(bank, clock, per_question_seconds=600)
    interviewer.run_examples(question.coding.reference_solution)
    clock.advance(601)
    turns = interviewer.check_time()
    assert "Grading the code in your editor" in turns[0].text
    attempt = interviewer.state.attempts[0]
    assert attempt.status == "expired" and attempt.code_report.all_passed
    assert {p.point_id: p.credit for p in attempt.grade.points}["code-tests"] == 1.0


def test_the_code_being_typed_is_kept_without_running_it_and_survives_a_reload(
    bank: Bank, clock: FakeClock, store
) -> None:
    """Issue 14: the editor saves what is typed (no run, no transcript turn), so a refresh shows it again."""
    interviewer = start(bank, clock, store)
    draft = "def merge_intervals(intervals):\n    return sorted(intervals)\n"
    assert interviewer.save_code(draft) == []
    assert interviewer.state.attempts[0].example_runs == 0
    assert not [t for t in interviewer.state.transcript if t.kind.startswith("code")]
    reloaded = store.load(interviewer.state.id)
    assert reloaded.attempts[0].code == draft


def test_the_draft_in_the_editor_is_graded_when_time_runs_out(bank: Bank, clock: FakeClock) -> None:
    """Issue 14: under the default policy, the code typed so far counts at expiry, run or not."""
    question = bank.get(QUESTION)
    interviewer = timed(bank, clock, per_question_seconds=600)
    interviewer.run_examples("def merge_intervals(intervals):\n    return []\n")
    interviewer.save_code(question.coding.reference_solution)  # typed after the last run
    clock.advance(601)
    turns = interviewer.check_time()
    assert "Grading the code in your editor" in turns[0].text
    attempt = interviewer.state.attempts[0]
    assert attempt.status == "expired" and attempt.code_report.all_passed


def test_code_typed_after_time_ran_out_is_not_kept_as_in_time(bank: Bank, clock: FakeClock) -> None:
    question = bank.get(QUESTION)
    interviewer = timed(bank, clock, per_question_seconds=600)
    interviewer.save_code("def merge_intervals(intervals):\n    return []\n")
    clock.advance(601)
    interviewer.save_code(question.coding.reference_solution)  # the save that notices the expiry
    attempt = interviewer.state.attempts[0]
    assert attempt.status == "expired" and not attempt.code_report.all_passed
    assert attempt.code != question.coding.reference_solution


def test_saving_code_is_refused_where_there_is_no_editor(bank: Bank, clock: FakeClock) -> None:
    question = bank.get(QUESTION)
    interviewer = start(bank, clock)
    with pytest.raises(InvalidMove, match="limit"):
        interviewer.save_code("x" * 300_000)
    interviewer.submit_code(question.coding.reference_solution)
    with pytest.raises(InvalidMove, match="already submitted"):
        interviewer.save_code("def merge_intervals(intervals):\n    return []\n")
    assert interviewer.state.attempts[0].code == question.coding.reference_solution


def test_a_coding_round_with_the_model_backend(bank: Bank, clock: FakeClock) -> None:
    import json

    from interviewer.grading.llm import LLMGrader
    from interviewer.llm.fake import ScriptedClient

    question = bank.get(QUESTION)
    quote = "Sorting dominates, so it is O(n log n) time"
    reply = {"points": [{"point_id": "complexity", "verdict": "covered", "quote": quote}], "mistakes": []}
    client = ScriptedClient().enqueue(json.dumps(reply))
    config = SessionConfig(question_ids=[QUESTION], question_count=1, kinds=["coding"])
    interviewer = Interviewer.start(config, bank, LLMGrader(client, OfflineGrader(bank.mistakes)), clock=clock)
    interviewer.submit_code(question.coding.reference_solution)
    interviewer.answer(DISCUSSION)
    grade = interviewer.state.attempts[0].grade
    assert grade.grader == "scripted" and grade.prompt_version
    points = {p.point_id: p for p in grade.points}
    assert points["complexity"].verdict == "covered" and points["code-tests"].credit == 1.0
    assert "<candidate_answer>" in client.requests[0][1].content


FORGER = """
import builtins, sys

def {name}(*args, **kwargs):
    frame = sys._getframe(1)
    while frame is not None:
        names = frame.f_locals
        if "expected" in names and not callable(names["expected"]):
            if isinstance(names.get("raises"), str):
                raise getattr(builtins, names["raises"])("forged")
            return names["expected"]
        frame = frame.f_back
    return None
"""


@pytest.mark.parametrize("question_id", ["code-chunked", "code-count-log-levels", "code-lru-cache"])
def test_code_that_reads_the_runner_for_answers_fails_the_hidden_tests(
    bank: Bank, clock: FakeClock, question_id: str
) -> None:
    """The reported attack: walk up to the runner's frame and return its expected value, then talk well."""
    question = bank.get(question_id)
    config = SessionConfig(question_ids=[question_id], question_count=1, kinds=["coding"])
    interviewer = Interviewer.start(config, bank, OfflineGrader(bank.mistakes), clock=clock)
    interviewer.submit_code(FORGER.format(name=question.coding.function))
    report = interviewer.state.attempts[0].code_report
    assert report is not None and report.passed == 0, [(r.call, r.status) for r in report.results]
    interviewer.answer(DISCUSSION)
    grade = interviewer.state.attempts[0].grade
    assert {p.point_id: p for p in grade.points}["code-tests"].credit == 0.0
    assert grade.score <= 3.0


def test_the_starter_code_put_back_counts_as_no_code(bank: Bank, clock: FakeClock) -> None:
    """Red team: typing and deleting back to the template saved the template, and expiry then graded it."""
    question = bank.get(QUESTION)
    interviewer = timed(bank, clock, per_question_seconds=600)
    interviewer.save_code(question.coding.starter() + "# x")
    interviewer.save_code(question.coding.starter())
    assert interviewer.state.attempts[0].code is None
    clock.advance(601)
    turns = interviewer.check_time()
    assert "marked unanswered" in turns[0].text


def test_code_with_a_null_byte_gets_a_message_without_a_missing_line_number() -> None:
    from interviewer.grading.readability import review
    from interviewer.sandbox_runner import syntax_message

    try:
        compile("x = 1\x00", "<code>", "exec")
    except SyntaxError as exc:
        message = syntax_message(exc)
    assert "None" not in message and message.startswith("SyntaxError: ")
    assert all("None" not in finding for finding in review("x = 1\x00").findings)
