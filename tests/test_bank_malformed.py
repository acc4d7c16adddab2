"""Malformed bank files: wrong types, lists and tables swapped, bytes that are not UTF-8.

Every problem must name the file, and where there is one the question and the field;
`interviewer bank validate` must list them all and exit 1, never with a traceback.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from interviewer.bank import BankProblem, read_bank
from interviewer.cli import main

BANK_DIR = Path(__file__).parent.parent / "question_bank"

QUESTION = """
[[questions]]
id = "{id}"
day = 1
difficulty = "easy"
prompt = "Explain something."
reference_answer = "Something is explained."

[[questions.rubric]]
id = "first"
statement = "The first idea."
weight = 2
cues = ["first idea"]
contradicted_by = ["the first idea is false"]

[[questions.rubric]]
id = "second"
statement = "The second idea."
weight = 1
cues = ["second idea"]
contradicted_by = ["the second idea is false"]
"""


def topic(*questions: str, name: str = "alpha") -> str:
    return f'topic = "{name}"\n' + "\n".join(questions)


def make_bank(root: Path, files: dict[str, str | bytes], mistakes: str | bytes | None = None) -> Path:
    directory = root / "bank"
    directory.mkdir()
    if mistakes is None:
        shutil.copy(BANK_DIR / "mistakes.toml", directory / "mistakes.toml")
    else:
        write(directory / "mistakes.toml", mistakes)
    for name, content in files.items():
        write(directory / name, content)
    return directory


def write(path: Path, content: str | bytes) -> None:
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")


def problems(root: Path, files: dict[str, str | bytes], mistakes: str | bytes | None = None) -> list[BankProblem]:
    _, found = read_bank(make_bank(root, files, mistakes))
    return found


def validate(directory: Path) -> subprocess.CompletedProcess[str]:
    """`interviewer bank validate` in a fresh process, as a user would run it."""
    return subprocess.run(
        [sys.executable, "-m", "interviewer", "--bank-dir", str(directory), "bank", "validate"],
        capture_output=True,
        text=True,
        timeout=60,
    )


# --- a field of the wrong type --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"day = 1": 'day = "one"'}, "day", "valid integer"),
        ({'difficulty = "easy"': "difficulty = 3"}, "difficulty", "'easy', 'medium' or 'hard'"),
        ({"weight = 2": 'weight = "heavy"'}, "rubric.0.weight", "valid number"),
        ({'cues = ["first idea"]': 'cues = "first idea"'}, "rubric.0.cues", "valid list"),
        ({'cues = ["first idea"]': 'cues = ["ok", 2]'}, "rubric.0.cues.1", "valid string"),
        ({'statement = "The second idea."': "statement = 2"}, "rubric.1.statement", "valid string"),
        ({'prompt = "Explain something."': "prompt = true"}, "prompt", "valid string"),
        ({'reference_answer = "Something is explained."': 'reference_answer = ""'}, "reference_answer", "at least 1"),
    ],
    ids=["day", "difficulty", "weight", "cues-string", "cue-number", "statement", "prompt-bool", "empty-reference"],
)
def test_a_field_of_the_wrong_type_is_named(tmp_path: Path, change: dict[str, str], field: str, message: str) -> None:
    text = QUESTION.format(id="q1")
    for old, new in change.items():
        assert old in text
        text = text.replace(old, new, 1)
    [problem] = problems(tmp_path, {"a.toml": topic(text)})
    assert (problem.file, problem.question_id, problem.field) == ("a.toml", "q1", field)
    assert message in problem.message
    assert str(problem).startswith(f"a.toml [q1] {field}: ")


def test_an_id_of_the_wrong_type_falls_back_to_the_questions_position(tmp_path: Path) -> None:
    text = topic(QUESTION.format(id="q1"), QUESTION.format(id="q2").replace('id = "q2"', "id = 7", 1))
    [problem] = problems(tmp_path, {"a.toml": text})
    assert (problem.file, problem.question_id, problem.field) == ("a.toml", "#2", "id")


def test_a_topic_of_the_wrong_type(tmp_path: Path) -> None:
    [problem] = problems(tmp_path, {"a.toml": "topic = 5\n" + QUESTION.format(id="q1")})
    assert (problem.file, problem.field) == ("a.toml", "topic")


def test_a_misspelt_field_is_named(tmp_path: Path) -> None:
    text = QUESTION.format(id="q1").replace("prompt =", 'promt = "typo"\nprompt =', 1)
    [problem] = problems(tmp_path, {"a.toml": topic(text)})
    assert str(problem) == "a.toml [q1] promt: Extra inputs are not permitted"


# --- lists and tables swapped ---------------------------------------------------------------------


def test_a_list_where_rubric_tables_are_expected(tmp_path: Path) -> None:
    text = QUESTION.format(id="q1").split("[[questions.rubric]]")[0] + 'rubric = ["first idea", "second idea"]\n'
    found = problems(tmp_path, {"a.toml": topic(text)})
    assert [(p.file, p.question_id, p.field) for p in found] == [
        ("a.toml", "q1", "rubric.0"),
        ("a.toml", "q1", "rubric.1"),
    ]
    assert all("valid dictionary" in p.message for p in found)


def test_a_list_where_question_tables_are_expected(tmp_path: Path) -> None:
    found = problems(tmp_path, {"a.toml": 'topic = "alpha"\nquestions = ["q1", 2]\n'})
    assert [str(p) for p in found] == ["a.toml questions[0]: not a table", "a.toml questions[1]: not a table"]


def test_one_table_where_an_array_of_questions_is_expected(tmp_path: Path) -> None:
    text = topic(QUESTION.format(id="q1").replace("[[questions]]", "[questions]").split("[[questions.rubric]]")[0])
    [problem] = problems(tmp_path, {"a.toml": text})
    assert str(problem) == "a.toml questions: expected a [[questions]] array"


def test_a_table_where_a_list_of_follow_ups_is_expected(tmp_path: Path) -> None:
    text = QUESTION.format(id="q1").replace(
        'reference_answer = "Something is explained."',
        'reference_answer = "Something is explained."\nfollow_ups = { point = "first", ask = "Why?" }',
    )
    [problem] = problems(tmp_path, {"a.toml": topic(text)})
    assert (problem.file, problem.question_id, problem.field) == ("a.toml", "q1", "follow_ups")
    assert "valid list" in problem.message


def test_a_string_where_a_list_of_hints_is_expected(tmp_path: Path) -> None:
    text = QUESTION.format(id="q1").replace(
        'reference_answer = "Something is explained."', 'reference_answer = "Something is explained."\nhints = "one"'
    )
    [problem] = problems(tmp_path, {"a.toml": topic(text)})
    assert str(problem).startswith("a.toml [q1] hints: ")


def test_an_empty_list_of_triggers(tmp_path: Path) -> None:
    text = QUESTION.format(id="q1") + '\n[[questions.clarifications]]\ntriggers = []\nanswer = "Assume CPython."\n'
    [problem] = problems(tmp_path, {"a.toml": topic(text)})
    assert (problem.question_id, problem.field) == ("q1", "clarifications.0.triggers")


# --- bytes that are not UTF-8 ---------------------------------------------------------------------

ENCODED = {
    "latin-1": topic(QUESTION.format(id="q1")).replace("Explain something.", "Explain café.").encode("latin-1"),
    "utf-16": topic(QUESTION.format(id="q1")).encode("utf-16"),
    "stray-bytes": topic(QUESTION.format(id="q1")).encode().replace(b"Explain", b"Exp\xff\xfelain"),
}


@pytest.mark.parametrize("encoding", sorted(ENCODED))
def test_a_file_that_is_not_utf8_is_named_and_the_rest_still_loads(tmp_path: Path, encoding: str) -> None:
    bank, found = read_bank(
        make_bank(tmp_path, {"a.toml": ENCODED[encoding], "b.toml": topic(QUESTION.format(id="q2"))})
    )
    [problem] = found
    assert problem.file == "a.toml" and problem.question_id is None
    assert "utf-8" in problem.message.lower()
    assert list(bank.questions) == ["q2"]  # the readable file's questions still load


def test_a_byte_order_mark_is_accepted(tmp_path: Path) -> None:
    """A UTF-8 file saved with a BOM (as some Windows editors do) loads like any other."""
    assert problems(tmp_path, {"a.toml": b"\xef\xbb\xbf" + topic(QUESTION.format(id="q1")).encode()}) == []


# --- the common-mistake catalogue -----------------------------------------------------------------

CATALOGUE = (BANK_DIR / "mistakes.toml").read_text(encoding="utf-8")


def test_a_mistake_field_of_the_wrong_type(tmp_path: Path) -> None:
    broken = CATALOGUE.replace("penalty = ", 'penalty = "high" # ', 1)
    found = problems(tmp_path, {"a.toml": topic(QUESTION.format(id="q1"))}, mistakes=broken)
    [problem] = [p for p in found if p.file == "mistakes.toml"]
    assert (problem.question_id, problem.field) == ("no-practical-example", "penalty")
    assert "valid number" in problem.message


def test_mistakes_that_are_not_tables(tmp_path: Path) -> None:
    found = problems(tmp_path, {"a.toml": topic(QUESTION.format(id="q1"))}, mistakes="mistakes = [1, 2]\n")
    assert [(p.file, p.question_id) for p in found] == [("mistakes.toml", "#1"), ("mistakes.toml", "#2")]


def test_a_catalogue_that_is_not_utf8(tmp_path: Path) -> None:
    found = problems(tmp_path, {"a.toml": topic(QUESTION.format(id="q1"))}, mistakes=CATALOGUE.encode("utf-16"))
    assert found[0].file == "mistakes.toml" and "utf-8" in found[0].message.lower()


def test_a_mistake_id_of_the_wrong_type(tmp_path: Path) -> None:
    broken = CATALOGUE.replace('id = "no-practical-example"', 'id = ["no-practical-example"]', 1)
    found = problems(tmp_path, {"a.toml": topic(QUESTION.format(id="q1"))}, mistakes=broken)
    assert any(p.file == "mistakes.toml" and p.field == "id" for p in found)


# --- the command ----------------------------------------------------------------------------------


def test_validate_lists_every_problem_and_exits_1_without_a_traceback(tmp_path: Path) -> None:
    two_bad = QUESTION.format(id="q1").replace("day = 1", 'day = "one"').replace("weight = 2", 'weight = "x"')
    rubric_list = QUESTION.format(id="q2").split("[[questions.rubric]]")[0] + 'rubric = ["a", "b"]\n'
    directory = make_bank(
        tmp_path,
        {
            "a.toml": topic(two_bad, rubric_list),
            "b.toml": ENCODED["latin-1"],
            "c.toml": 'topic = "gamma"\nquestions = [1]\n',
            "d.toml": topic(QUESTION.format(id="q4"), name="delta"),
        },
        mistakes=CATALOGUE.replace("penalty = ", 'penalty = "high" # ', 1),
    )
    result = validate(directory)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr + result.stdout
    lines = result.stdout.splitlines()
    assert "mistakes.toml [no-practical-example] penalty: Input should be a valid number" in lines[0]
    for expected in (
        "a.toml [q1] day: ",
        "a.toml [q1] rubric.0.weight: ",
        "a.toml [q2] rubric.0: ",
        "a.toml [q2] rubric.1: ",
        "b.toml: not UTF-8 text: invalid continuation byte at byte",
        "c.toml questions[0]: not a table",
    ):
        assert any(line.startswith(expected) for line in lines), (expected, lines)
    assert not any(line.startswith("d.toml") for line in lines)
    assert f"{len(lines)} problem(s) found." in result.stderr


def test_validate_in_process_agrees(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    directory = make_bank(tmp_path, {"a.toml": ENCODED["stray-bytes"]})
    assert main(["--bank-dir", str(directory), "bank", "validate"]) == 1
    out = capsys.readouterr()
    assert out.out.startswith("a.toml: not UTF-8 text: invalid start byte at byte") and "1 problem(s) found." in out.err


def test_an_unreadable_topic_file_is_a_problem_not_a_crash(tmp_path: Path) -> None:
    directory = make_bank(tmp_path, {"a.toml": topic(QUESTION.format(id="q1"))})
    (directory / "b.toml").mkdir()
    result = validate(directory)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert result.stdout.startswith("b.toml")


# --- bounded work: what a bank file may ask of the grader (issue 13) --------------------------------------------


def test_a_nan_weight_is_named_as_such(tmp_path: Path) -> None:
    found = problems(tmp_path, {"alpha.toml": topic(QUESTION.format(id="q1").replace("weight = 2", "weight = nan"))})
    [problem] = [p for p in found if p.field == "rubric.0.weight"]
    assert "finite" in problem.message, problem


def test_deeply_nested_toml_names_the_file(tmp_path: Path) -> None:
    nested = "x = " + "[" * 5000 + "]" * 5000 + "\n"
    found = problems(tmp_path, {"alpha.toml": topic(QUESTION.format(id="q1")) + nested})
    assert any(p.file == "alpha.toml" and "nested" in p.message for p in found), found


def test_too_many_rubric_points_and_cues_are_refused(tmp_path: Path) -> None:
    points = "".join(
        f'\n[[questions.rubric]]\nid = "p{i}"\nstatement = "Idea {i}."\nweight = 1\ncues = ["idea {i}"]\n'
        for i in range(40)
    )
    many_cues = QUESTION.format(id="q2").replace(
        'cues = ["first idea"]', "cues = [" + ", ".join(f'"cue {i}"' for i in range(500)) + "]"
    )
    found = problems(tmp_path, {"alpha.toml": topic(QUESTION.format(id="q1") + points, many_cues)})
    assert any(p.question_id == "q1" and "rubric points" in p.message for p in found), found
    assert any(p.question_id == "q2" and "cues" in p.message for p in found), found


def test_a_huge_bank_file_is_refused_before_it_is_parsed(tmp_path: Path) -> None:
    huge = topic(QUESTION.format(id="q1")) + "# " + "x" * (3 * 1024 * 1024) + "\n"
    found = problems(tmp_path, {"alpha.toml": huge})
    assert any(p.file == "alpha.toml" and "MB" in p.message for p in found), found
