"""Contrasts drawn by the question's texts ("X, not Y"), and answers that turn them around."""

from __future__ import annotations

import pytest

from interviewer.bank import Bank
from interviewer.grading.claims import read
from interviewer.grading.contrasts import contrasts_in, swaps
from interviewer.grading.offline import OfflineGrader
from interviewer.grading.text import stem


def _line(text: str):  # type: ignore[no-untyped-def]
    [contrast] = contrasts_in(read(text))
    return contrast


def test_a_not_after_a_clause_draws_a_line() -> None:
    contrast = _line("A closure captures the variable, not its value.")
    assert {stem("captures"), stem("variable")} <= contrast.kept
    assert contrast.rejected == {stem("value")}


def test_instead_of_draws_a_line_inside_one_clause() -> None:
    contrast = _line("A classmethod receives the class itself instead of an instance.")
    assert stem("instance") in contrast.rejected and stem("class") in contrast.kept


def test_a_plain_denial_draws_no_line() -> None:
    assert contrasts_in(read("Tuples are not mutable.")) == []


@pytest.mark.parametrize(
    ("answer", "turned"),
    [
        ("Closures capture the value at creation time, not the variable.", True),
        ("A closure captures the value of i when each lambda is made rather than the variable.", True),
        # the same words said of something else: "the default argument" is not what the line is drawn about
        ("The default argument lambda i=i: i captures the value, not the variable.", False),
        ("A closure captures the variable, not the value.", False),
        ("A closure doesn't capture the value; it captures the variable itself.", False),
        # the same words about something else: a default argument does bind the value
        ("A default argument binds the value, not the variable.", False),
        ("If closures captured the value rather than the variable, it would print 0, 1, 2.", False),
    ],
)
def test_an_answer_that_turns_the_line_around(answer: str, turned: bool) -> None:
    contrast = _line("A closure captures the variable, not its value.")
    assert swaps(contrast, read(answer)) is turned


def test_a_turned_around_answer_misses_the_point_and_is_quoted(bank: Bank, grader: OfflineGrader) -> None:
    question = bank.questions["closures-late-binding"]
    wrong = (
        "The closures capture the value that i had when each lambda was built, not the variable, so the calls "
        "return 0, 1 and 2."
    )
    right = (
        "The closures capture the variable i, not the value it had when each lambda was built, so all three calls "
        "return 2."
    )
    turned = {p.point_id: p for p in grader.grade(question, wrong).points}["late-binding-output"]
    kept = {p.point_id: p for p in grader.grade(question, right).points}["late-binding-output"]
    assert turned.verdict == "missing" and turned.contradiction
    assert kept.verdict != "missing" and not kept.contradiction
