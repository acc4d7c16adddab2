"""`interviewer bank validate` on what the cues say: patterns that can hang, misconception cues that would
mark the question's own answer wrong, cues of common words, and points with no misconception cue."""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest

from interviewer.bank import BankError, load_bank, read_bank
from interviewer.cli import main
from interviewer.cue_checks import backtracking_risk

MISTAKES = (Path(__file__).parent / "data" / "bank" / "mistakes.toml").read_text(encoding="utf-8")

QUESTION = """
topic = "basics"

[[questions]]
id = "tuples"
day = 1
difficulty = "easy"
prompt = "How do lists and tuples differ?"
reference_answer = "Lists are mutable and tuples are immutable, so tuples are hashable and can be dictionary keys."
compares = [["list", "lists"], ["tuple", "tuples"]]

[[questions.rubric]]
id = "mutability"
statement = "Lists are mutable; tuples are immutable."
weight = 3
cues = [{mutability_cues}]
contradicted_by = [{mutability_wrong}]

[[questions.rubric]]
id = "keys"
statement = "Tuples are hashable and can be dictionary keys."
weight = 2
cues = ["hashable", "dictionary key"]
{keys_wrong}
"""


def bank_dir(
    tmp_path: Path,
    mutability_cues: str = '"mutable", "immutable"',
    mutability_wrong: str = '"tuples are mutable"',
    keys_wrong: str = 'contradicted_by = ["lists are hashable"]',
) -> Path:
    (tmp_path / "mistakes.toml").write_text(MISTAKES, encoding="utf-8")
    text = QUESTION.format(mutability_cues=mutability_cues, mutability_wrong=mutability_wrong, keys_wrong=keys_wrong)
    (tmp_path / "basics.toml").write_text(text, encoding="utf-8")
    return tmp_path


def problems(directory: Path) -> list[str]:
    return [str(p) for p in read_bank(directory, thorough=True)[1]]


def test_a_clean_question_has_no_problems(tmp_path: Path) -> None:
    assert problems(bank_dir(tmp_path)) == []


@pytest.mark.parametrize(
    "pattern",
    [r"^(a+)+$", r"(\w+\s?)*$", r"(a|ab)*c", r"(x+x+)+y", r"(?:\d+)*:"],
)
def test_patterns_that_can_backtrack_catastrophically_are_refused(tmp_path: Path, pattern: str) -> None:
    directory = bank_dir(tmp_path, mutability_cues=f'"mutable", "re:{pattern.replace(chr(92), chr(92) * 2)}"')
    with pytest.raises(BankError) as caught:
        load_bank(directory)
    assert "backtrack catastrophically" in str(caught.value)


@pytest.mark.parametrize(
    "pattern",
    [
        r"\btuples?\b(?:(?!\b(lists?|but)\b)[^.;])*?\b(are|is)\s+mutable\b",
        r"\b(append|pop|remove)\b",
        r"\bO\(1\)",
        r"[a-z]+_[a-z]+",
    ],
)
def test_linear_patterns_are_accepted(pattern: str) -> None:
    assert backtracking_risk(pattern) is None


def test_the_refused_pattern_really_hangs_and_the_check_is_fast() -> None:
    """The reported cue takes seconds on a line of a's; the check itself takes microseconds."""
    started = time.perf_counter()
    assert backtracking_risk(r"^(a+)+$")
    assert time.perf_counter() - started < 0.05
    started = time.perf_counter()
    re.search(r"^(a+)+$", "a" * 22 + "!")
    assert time.perf_counter() - started > 0.05


def test_a_misconception_cue_that_matches_the_questions_own_answer_is_refused(tmp_path: Path) -> None:
    directory = bank_dir(tmp_path, mutability_wrong='"tuples are immutable"')
    found = problems(directory)
    assert any("matches the question's own text" in p and "rubric.mutability.contradicted_by" in p for p in found)
    assert main(["--bank-dir", str(directory), "bank", "validate"]) == 1


def test_cues_made_only_of_common_words_are_reported(tmp_path: Path) -> None:
    directory = bank_dir(tmp_path, mutability_cues=r'"mutable", "each time", "re:\\b(each|every)\\s+time\\b"')
    found = problems(directory)
    assert sum("made only of common words" in p for p in found) == 2
    assert all("warning" in p for p in found)
    load_bank(directory)  # a warning does not stop the bank from loading


def test_a_point_with_no_misconception_cue_is_reported(tmp_path: Path) -> None:
    found = problems(bank_dir(tmp_path, keys_wrong=""))
    assert found == [
        "basics.toml [tuples] rubric.keys.contradicted_by: warning: no misconception cue: an answer that gets this "
        "point backwards cannot be caught"
    ]


def test_the_shipped_bank_has_no_problem_of_any_kind() -> None:
    bank, found = read_bank(thorough=True)
    assert not found, "\n".join(str(p) for p in found[:20])
    graded = [q for q in bank.questions.values() if q.kind in ("concept", "scenario")]
    assert all(p.contradicted_by for q in graded for p in q.rubric)
