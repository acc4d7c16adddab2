"""`interviewer bank validate` on what the cues say: patterns that can hang, misconception cues that would
mark the question's own answer wrong, cues of common words, and points with no misconception cue."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from interviewer.bank import BankError, load_bank, read_bank
from interviewer.cli import main
from interviewer.grading.offline import OfflineGrader

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
    ("pattern", "reason"),
    [
        (r"(\w)(?:x\1)+", "back-reference"),
        (r"(?<!not|never )fast", "look-behind of varying width"),
        (r"\bfoo(?!bar(?!baz))", "look-around inside a look-around"),
        (r"(?:a(?=b))+", "look-around inside a repetition"),
    ],
)
def test_patterns_the_linear_engine_cannot_run_are_refused_naming_file_and_field(
    tmp_path: Path, pattern: str, reason: str
) -> None:
    directory = bank_dir(tmp_path, mutability_cues=f'"mutable", "re:{pattern.replace(chr(92), chr(92) * 2)}"')
    with pytest.raises(BankError) as caught:
        load_bank(directory)
    message = str(caught.value)
    assert reason in message and "basics.toml" in message and "cues" in message


@pytest.mark.parametrize("pattern", [r"^(a+)+$", r"(\w+\s?)*$", r"(a|ab)*c", r"(x+x+)+y", r"(?:\d+)*:"])
def test_patterns_that_backtrack_in_python_are_accepted_and_run_in_linear_time(tmp_path: Path, pattern: str) -> None:
    """The report: the cue ``re:^(a+)+$`` and a line of 28 a's and a "!" took 14 s. On RE2 it takes microseconds."""
    directory = bank_dir(tmp_path, mutability_cues=f'"mutable", "re:{pattern.replace(chr(92), chr(92) * 2)}"')
    bank = load_bank(directory)
    answer = "Lists are mutable. " + ("a" * 28 + "!\n") * 20 + "x" * 3000 + "!"
    started = time.perf_counter()
    OfflineGrader(bank.mistakes).grade(bank.questions["tuples"], answer)
    assert time.perf_counter() - started < 2  # Python's re alone takes minutes on the first pattern


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
