"""Every question in the shipped bank must be gradable: the checks a bank author relies on."""

from __future__ import annotations

import pytest

from interviewer.bank import Bank, load_bank
from interviewer.grading.offline import OfflineGrader
from interviewer.turns import bank_clarification

BANK = load_bank()
QUESTIONS = sorted(BANK.questions.values(), key=lambda q: q.id)


@pytest.mark.parametrize("question", QUESTIONS, ids=lambda q: q.id)
def test_the_model_answer_earns_a_top_grade(question, grader: OfflineGrader) -> None:
    grade = grader.grade(question, question.reference_answer)
    assert grade.score >= 4.5, [(p.point_id, p.verdict) for p in grade.points if p.verdict != "covered"]


@pytest.mark.parametrize("question", QUESTIONS, ids=lambda q: q.id)
def test_repeating_the_question_earns_nothing(question, grader: OfflineGrader) -> None:
    echo = f"{question.prompt} That is a good question and it depends on the situation."
    assert grader.grade(question, echo).score <= 1.0


@pytest.mark.parametrize("question", [q for q in QUESTIONS if q.clarifications], ids=lambda q: q.id)
def test_each_clarification_is_reachable_by_its_own_trigger(question) -> None:
    for clarification in question.clarifications:
        asked = f"Could you tell me about the {clarification.triggers[0]}?"
        assert bank_clarification(question, asked) == clarification.answer, asked


def test_every_follow_up_and_hint_is_distinct(bank: Bank) -> None:
    for question in bank.questions.values():
        asks = [f.ask for f in question.follow_ups]
        assert len(asks) == len(set(asks)), question.id
        assert len(question.hints) == len(set(question.hints)), question.id
