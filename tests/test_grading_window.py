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
    assert "40,000 characters (7,000 words)" in part.note
    assert f"first {len(part.text):,} characters ({len(part.text.split()):,} words" in part.note


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


@pytest.mark.parametrize(
    "answer",
    [
        "a\u3002" * 1_500,  # full stops of Chinese and Japanese need no space after them
        "```\n" + "x\u2028" * 1_495 + "\n```",  # a line separator ends a line of code
        "Tuples.\rLists.\r" * 400,  # old Mac line ends
    ],
)
def test_the_sentence_cap_counts_every_break_the_grader_splits_at(answer: str) -> None:
    from interviewer.grading.text import split_sentences

    part = graded_part(answer)
    assert len(split_sentences(part.text)) <= GRADED_SENTENCES
    assert part.note is not None


def test_characters_that_grow_under_normalisation_are_cut_after_they_grow() -> None:
    """U+FDFA is one character and eighteen after NFKC: the window measures the text the graders read."""
    part = graded_part("Tuples are immutable. " + "\ufdfa" * 2_990)
    assert len(part.text) <= GRADED_CHARS
    assert part.note is not None


def test_notes_are_right_about_odd_answers() -> None:
    token = graded_part("x" * 50_000)
    assert token.note is not None and "(1 word)" in token.note
    invisible = graded_part("Tuples are immutable." + "\u200b" * 5_000 + "\x00" * 5_000)
    assert invisible.note is None, "nothing readable was left unread"
    assert graded_part("Tuples are immutable\rLists are mutable").text == "Tuples are immutable\nLists are mutable"


def test_an_output_round_reads_no_further_than_the_window(bank: Bank, grader: OfflineGrader) -> None:
    """Red team: a filler answer past the window, then "It prints ...", had its output point covered."""
    import contextlib
    import io

    from interviewer.grading.coding import grade_output_round

    question = bank.get("output-shallow-copy-nested")
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        exec(question.snippet, {})  # the bank's own snippet, as the sandbox would run it
    filler = "I am not sure what this prints, so let me think about lists and copies for a while. " * 40
    plain = grade_output_round(question, filler, printed.getvalue(), hints_used=0, discussion_grader=grader)
    late = filler + "It prints " + " ".join(printed.getvalue().split())
    padded = grade_output_round(question, late, printed.getvalue(), hints_used=0, discussion_grader=grader)
    assert padded.score == plain.score and padded.length_note


def test_a_coding_round_reads_no_further_than_the_window_and_keeps_the_note(bank: Bank, grader: OfflineGrader) -> None:
    """Red team: an assumption stated after the window raised the round from 1.75 to 2.95, and the note was lost."""
    from interviewer.grading.coding import grade_coding_round
    from interviewer.models import CaseResult, SandboxReport

    question = bank.get("code-chunked")
    assert question.coding is not None
    report = SandboxReport(
        isolation="rlimits",
        results=[CaseResult(index=i, call="x", status="passed") for i, _ in enumerate(question.coding.hidden_tests)],
    )
    filler = "I loop over the items and build each chunk, appending it to the result list when it is full. " * 40

    def round_grade(discussion: str):  # type: ignore[no-untyped-def]
        return grade_coding_round(
            question,
            question.coding.reference_solution,
            report,
            discussion,
            clarifications_asked=0,
            hints_used=0,
            discussion_grader=grader,
            mistakes=bank.mistakes,
        )

    plain, late = round_grade(filler), round_grade(filler + "I assume the size is positive.")
    assert late.score == plain.score
    assert late.length_note is not None


def test_the_count_that_spares_the_split_is_never_below_the_real_one() -> None:
    """Grading counts sentences only when the quick bound says there may be too many: the bound must never fall
    below the real count, or a long answer would be read past the cap."""
    import json
    from pathlib import Path

    from interviewer.grading.text import normalize, sentence_pieces
    from interviewer.grading.window import _most_pieces

    data = Path(__file__).parent / "data"
    texts = [
        json.loads(line)["answer"]
        for path in [data / "calibration.jsonl", *sorted((data / "calibration_bank").glob("*.jsonl"))]
        for line in path.read_text(encoding="utf-8").splitlines()
        if line.strip()
    ]
    texts += [
        "a\u3002" * 50,
        "```\n" + "x\u2028" * 50 + "\n```",
        "Tuples.\rLists.\r" * 30,
        "```python\nx = 1\ny = 2\n```after the fence```\nz = 3\n```" * 5,
        "<!-- hidden -->visible<!-- again -->more" * 10,
        "no marks at all but a very long line of words " * 20,
        "e.g. this, i.e. that, vs. the other... etc. and so on!?" * 10,
        "```" * 30,
    ]
    for text in texts:
        head = normalize(text)
        assert _most_pieces(head) >= len(sentence_pieces(head)), text[:80]
