"""How much of an answer is graded: the start, up to a fixed size, and the grade says what was left unread.

The attack: a 50,000-character answer took up to 2.8 s to grade (0.44 s after the first speed work), and an
answer of one-word sentences 2 s; every grade of any answer up to the engine's limit must stay within a fixed
budget (``benchmarks/grading_worst_case.py`` measures it)."""

from __future__ import annotations

import pytest

from interviewer.bank import Bank
from interviewer.engine import MAX_ANSWER_CHARS, Interviewer
from interviewer.export import to_markdown
from interviewer.formatting import format_grade
from interviewer.grading.offline import OfflineGrader
from interviewer.grading.window import GRADED_CHARS, GRADED_SENTENCES, graded_part
from interviewer.models import SessionConfig
from tests.conftest import FakeClock

STRONG = (
    "Lists are mutable, so you can append and remove items in place, while tuples are immutable once created. "
    "Because a tuple of hashable items is hashable, it can be a dictionary key or a set member, and it works as "
    "a fixed record such as (host, port); a namedtuple gives those fields names."
)


def test_an_answer_within_the_window_is_read_whole() -> None:
    part = graded_part(STRONG)
    assert part.text == STRONG and part.note is None


def test_trailing_space_past_the_window_is_not_a_cut() -> None:
    answer = "Tuples are immutable, and lists are not. " * 30 + " \n" * 10_000
    assert graded_part(answer).note is None


def test_a_long_answer_is_cut_at_a_sentence_end_and_the_note_says_how_much_was_read() -> None:
    answer = "Tuples are immutable and lists are not. " * 1_000
    part = graded_part(answer)
    assert len(part.text) <= GRADED_CHARS and part.text.rstrip().endswith(".")
    assert part.note is not None
    assert "7,000 words" in part.note and f"first {len(part.text.split()):,}" in part.note


def test_one_word_sentences_are_capped_by_count() -> None:
    answer = "Tuples. " * 5_000
    part = graded_part(answer)
    assert part.text.count("Tuples.") == GRADED_SENTENCES
    assert part.note is not None


def test_a_cut_with_no_sentence_end_falls_on_a_space() -> None:
    answer = "tuples are immutable " * 3_000
    part = graded_part(answer)
    assert len(part.text) <= GRADED_CHARS and answer[len(part.text)] == " ", "no word is cut in two"


def test_the_grade_of_a_huge_answer_reads_only_its_start(bank: Bank, grader: OfflineGrader) -> None:
    """What comes after the window is neither credited nor held against the answer, and the grade says so."""
    question = bank.get("lists-vs-tuples")
    padding = "In my last job we shipped a service every week and the team liked the process. " * 80
    late = padding + STRONG
    assert len(late) < MAX_ANSWER_CHARS
    late_grade = grader.grade(question, late)
    early_grade = grader.grade(question, STRONG + " " + padding)
    assert late_grade.length_note and early_grade.length_note
    assert early_grade.score > late_grade.score
    assert all(p.evidence is None or p.evidence in STRONG + padding for p in early_grade.points)
    assert not any(p.evidence and "hashable" in p.evidence for p in late_grade.points)


def test_the_note_is_shown_in_the_cli_text(bank: Bank, grader: OfflineGrader) -> None:
    question = bank.get("lists-vs-tuples")
    grade = grader.grade(question, STRONG + " " + "Tuples are immutable. " * 2_000)
    assert grade.length_note is not None
    assert grade.length_note in format_grade(grade, question)


@pytest.mark.parametrize("size", [GRADED_CHARS + 200, MAX_ANSWER_CHARS])
def test_the_whole_answer_is_kept_and_the_export_carries_the_note(bank: Bank, clock: FakeClock, size: int) -> None:
    config = SessionConfig(question_ids=["lists-vs-tuples"], question_count=1, max_follow_ups=0)
    interviewer = Interviewer.start(config, bank, OfflineGrader(bank.mistakes), clock=clock)
    answer = ((STRONG + " ") * (size // len(STRONG) + 1))[:size]
    interviewer.answer(answer)
    assert any(turn.text == answer for turn in interviewer.state.transcript), "the answer is stored as written"
    markdown = to_markdown(interviewer.state, bank)
    assert "the grade reads its first" in markdown
