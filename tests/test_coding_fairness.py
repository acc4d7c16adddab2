"""Fair coding rounds: what the hidden tests check can be learned, and the report agrees with itself.

The reported case: code-flatten-config's hidden tests require ValueError on colliding keys, which the task
does not state; "Can keys contain the separator already, and what should happen to an empty nested dict?" got
no answer about it; the report then said both "clarified" and "missed: clarifies ... colliding keys", and
credited the approach from the talk although the code failed exactly that part.
"""

from __future__ import annotations

import pytest

from interviewer.bank import Bank
from interviewer.clarifications import reply, revealed, revealing_text
from interviewer.engine import Interviewer
from interviewer.grading.offline import OfflineGrader
from interviewer.models import SessionConfig
from tests.conftest import FakeClock, needs_sandbox

FLATTEN = "code-flatten-config"
BOTH = "Can keys contain the separator already, and what should happen to an empty nested dict?"
NO_COLLISION_CHECK = """
def flatten_config(config, sep="."):
    flat = {}

    def walk(node, prefix):
        for key, value in node.items():
            path = str(key) if prefix is None else f"{prefix}{sep}{key}"
            if isinstance(value, dict) and value:
                walk(value, path)
            else:
                flat[path] = value

    walk(config, None)
    return flat
"""
NOTHING_RIGHT = "def flatten_config(config, sep='.'):\n    return {}\n"
DISCUSSION = (
    "I walk the dict recursively and carry the path prefix, joining keys with the separator; a non-empty dict "
    "recurses and anything else is stored as a leaf. It is O(n) in the number of keys times the path length, "
    "with recursion depth equal to the nesting depth. Edge cases: an empty config gives an empty dict, lists "
    "are leaves, non-string keys go through str(), and colliding keys raise ValueError instead of silently "
    "overwriting. A small helper keeps it readable; an explicit stack would avoid the recursion limit."
)


def test_a_question_about_two_things_gets_both_answers(bank: Bank) -> None:
    question = bank.get(FLATTEN)
    answer = reply(question, BOTH)
    assert "ValueError" in answer, answer
    assert "empty nested dict" in answer.lower() or "empty" in answer.lower(), answer
    assert len(revealed(question, BOTH)) >= 2


def test_every_hidden_test_requirement_can_be_learned(bank: Bank) -> None:
    for question in bank.questions.values():
        if question.coding is None:
            continue
        for test in question.coding.hidden_tests:
            if test.raises is not None:
                assert test.requirement, (question.id, test.call)
            if test.requirement:
                assert revealing_text(question, test.requirement) is not None, (question.id, test.requirement)


def play(bank: Bank, clock: FakeClock, code: str, *, asks: tuple[str, ...] = (), discussion: str = DISCUSSION):  # type: ignore[no-untyped-def]
    config = SessionConfig(question_ids=[FLATTEN], question_count=1, kinds=["coding"])
    interviewer = Interviewer.start(config, bank, OfflineGrader(bank.mistakes), clock=clock)
    for text in asks:
        interviewer.ask_clarification(text)
    interviewer.submit_code(code)
    interviewer.answer(discussion)
    grade = interviewer.state.attempts[0].grade
    assert grade is not None
    return grade, {p.point_id: p for p in grade.points}


@needs_sandbox
def test_the_report_agrees_on_what_was_clarified(bank: Bank, clock: FakeClock) -> None:
    grade, points = play(bank, clock, NO_COLLISION_CHECK, asks=(BOTH,))
    clarified, assumptions = points["code-clarified"], points["assumptions"]
    assert clarified.credit == 1.0 and assumptions.verdict == "covered", (clarified, assumptions)
    assert "no-clarifying-assumptions" not in {m.mistake_id for m in grade.mistakes}


@needs_sandbox
def test_asking_about_some_of_it_is_partial_and_names_what_was_not_asked(bank: Bank, clock: FakeClock) -> None:
    grade, points = play(bank, clock, NO_COLLISION_CHECK, asks=("What should happen to an empty nested dict?",))
    clarified, assumptions = points["code-clarified"], points["assumptions"]
    assert 0 < clarified.credit < 1.0 and clarified.credit == assumptions.credit, (clarified, assumptions)
    assert assumptions.verdict == "partial"
    assert any("ValueError" in line and "failed" in line for line in grade.feedback), grade.feedback
    assert "no-clarifying-assumptions" not in {m.mistake_id for m in grade.mistakes}


@needs_sandbox
def test_no_question_and_no_assumption_is_missed_everywhere(bank: Bank, clock: FakeClock) -> None:
    talk = "I loop over the keys and build the paths. It is linear in the number of keys."
    grade, points = play(bank, clock, NO_COLLISION_CHECK, discussion=talk)
    assert points["code-clarified"].credit == 0.0
    assert points["assumptions"].verdict == "missing"
    assert "no-clarifying-assumptions" in {m.mistake_id for m in grade.mistakes}


@needs_sandbox
@pytest.mark.parametrize(
    ("code", "held", "kept"),
    [(NO_COLLISION_CHECK, "edge-cases", "approach"), (NOTHING_RIGHT, "approach", None)],
    ids=["fails-a-stated-rule", "fails-the-main-behaviour"],
)
def test_a_point_the_code_fails_is_not_fully_credited_from_the_talk(
    bank: Bank, clock: FakeClock, code: str, held: str, kept: str | None
) -> None:
    _, points = play(bank, clock, code, asks=(BOTH,))
    assert points[held].credit <= 0.5 and "held to partial" in (points[held].evidence or ""), points[held]
    if kept is not None:
        assert points[kept].verdict == "covered", points[kept]


@pytest.mark.parametrize(
    ("question_id", "asked", "said"),
    [
        ("code-dedupe-latest", "If two records share a key and timestamp, which one wins?", "later"),
        (
            "code-install-order",
            "How do I choose between packages that are ready at the same time?",
            "alphabetically smallest",
        ),
    ],
)
def test_a_question_in_other_words_gets_the_answer_not_a_shrug(
    bank: Bank, question_id: str, asked: str, said: str
) -> None:
    answer = reply(bank.get(question_id), asked)
    assert said in answer and "up to you" not in answer, answer


def test_a_vague_question_reveals_nothing(bank: Bank) -> None:
    for question in bank.questions.values():
        if question.clarifications:
            assert revealed(question, "Is there anything else I should know?") == [], question.id
