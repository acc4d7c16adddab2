"""A sentence that opens with "it" or "they" is checked for misconceptions about the subject it stands for."""

from __future__ import annotations

from interviewer.bank import Bank
from interviewer.grading.offline import OfflineGrader
from interviewer.grading.pronouns import subject_of, with_subjects


def test_the_subject_is_the_words_before_the_first_verb() -> None:
    assert subject_of("Generators compute their values lazily.") == "generators"
    assert subject_of("A python list stores pointers.") == "a python list"
    assert subject_of("match/case is a switch statement.") is not None
    assert subject_of("It is a switch statement.") is None
    assert subject_of("So the loop never ends.") is None


def test_a_leading_pronoun_is_replaced_by_the_last_subject_named() -> None:
    texts = ["__slots__ makes attributes private.", "It's inherited automatically.", "They said so.", "Fine."]
    assert with_subjects(texts) == [None, "__slots__ is inherited automatically.", "__slots__ said so.", None]
    assert with_subjects(["It is fast."]) == [None]  # nothing named before: left alone


def test_a_misconception_said_with_a_pronoun_is_caught(bank: Bank, grader: OfflineGrader) -> None:
    question = bank.questions["structural-pattern-matching"]
    answer = "match/case is basically a switch statement. It compiles to a jump table, so it's O(1) and faster than a dict lookup."
    grade = grader.grade(question, answer)
    assert any(p.point_id == "ordering-cost" and p.contradiction for p in grade.points), grade.points


def test_a_pronoun_never_earns_credit_through_a_guessed_subject(bank: Bank, grader: OfflineGrader) -> None:
    # only misconception patterns are run on the resolved copy: a right claim made with "it" earns what it did
    question = bank.questions["structural-pattern-matching"]
    plain = "It checks the cases from top to bottom, so put the common ones first."
    named = "match/case is a statement. " + plain
    assert grader.grade(question, named).score >= grader.grade(question, "match/case is a statement.").score
