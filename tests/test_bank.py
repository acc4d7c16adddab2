from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from interviewer.bank import BankError, load_bank, read_bank
from interviewer.cli import main
from interviewer.models import PLAN_DAYS

GUIDE_REFS = {f"Q{n}" for n in range(1, 15)} | {"Scenario 1", "Scenario 2"}
BANK_DIR = Path(__file__).parent.parent / "question_bank"

GOOD = """
[[questions]]
id = "{id}"
day = 1
difficulty = "easy"
prompt = "Explain something."
reference_answer = "Something is explained."
{extra}
[[questions.rubric]]
id = "first"
statement = "The first idea."
weight = {weight}
cues = [{cues}]
contradicted_by = ["the first idea is false"]

[[questions.rubric]]
id = "second"
statement = "The second idea."
weight = 1
cues = ["second idea"]
contradicted_by = ["the second idea is false"]
"""


def test_the_shipped_bank_is_valid(bank) -> None:
    _, problems = read_bank(BANK_DIR)
    assert problems == []


def test_the_bank_is_big_enough_for_a_week(bank) -> None:
    assert len(bank.questions) >= 70
    for day in PLAN_DAYS:
        assert sum(q.day == day for q in bank.questions.values()) >= 8, f"day {day}"


def test_every_guide_question_and_scenario_is_in_the_bank(bank) -> None:
    refs = [q.guide_ref for q in bank.questions.values() if q.guide_ref]
    assert set(refs) == GUIDE_REFS
    assert len(refs) == len(set(refs))
    scenarios = [q for q in bank.questions.values() if q.guide_ref and q.guide_ref.startswith("Scenario")]
    assert all(q.kind == "scenario" and len(q.clarifications) >= 3 for q in scenarios)


def test_guide_questions_have_deep_rubrics(bank) -> None:
    for question in bank.questions.values():
        if question.guide_ref:
            assert len(question.rubric) >= 4, question.id
            assert question.follow_ups, question.id
            assert question.hints, question.id


def test_the_mistake_catalogue_has_the_guides_five(bank) -> None:
    assert set(bank.mistakes) == {
        "no-practical-example",
        "ignores-complexity",
        "confuses-concurrency-models",
        "clever-unmaintainable-code",
        "no-clarifying-assumptions",
    }


def make_bank(tmp_path: Path, files: dict[str, str]) -> Path:
    directory = tmp_path / "bank"
    directory.mkdir()
    shutil.copy(BANK_DIR / "mistakes.toml", directory / "mistakes.toml")
    for name, text in files.items():
        (directory / name).write_text(text, encoding="utf-8")
    return directory


def topic_file(topic: str, *questions: str) -> str:
    return f'topic = "{topic}"\n' + "\n".join(questions)


def question(id: str = "q1", weight: str = "2", cues: str = '"first idea"', extra: str = "") -> str:
    return GOOD.format(id=id, weight=weight, cues=cues, extra=extra)


def problems_in(tmp_path: Path, files: dict[str, str]) -> list[str]:
    _, problems = read_bank(make_bank(tmp_path, files))
    return [str(p) for p in problems]


def test_a_valid_bank_has_no_problems(tmp_path: Path) -> None:
    assert problems_in(tmp_path, {"a.toml": topic_file("alpha", question())}) == []


def test_duplicate_ids_across_files_are_reported(tmp_path: Path) -> None:
    found = problems_in(tmp_path, {"a.toml": topic_file("alpha", question()), "b.toml": topic_file("beta", question())})
    assert found == ["b.toml [q1] id: duplicate id: already defined in a.toml"]


def test_follow_up_naming_a_missing_point(tmp_path: Path) -> None:
    extra = '[[questions.follow_ups]]\npoint = "third"\nask = "What about a third idea?"\n'
    # follow-ups must come after the question's scalar fields; append them at the end
    text = topic_file("alpha", question()) + extra
    found = problems_in(tmp_path, {"a.toml": text})
    assert found == ["a.toml [q1] follow_ups[0].point: names rubric point 'third', which does not exist"]


def test_weights_that_make_no_sense(tmp_path: Path) -> None:
    found = problems_in(tmp_path, {"a.toml": topic_file("alpha", question(weight="0"))})
    assert found == ["a.toml [q1] rubric.0.weight: Input should be greater than 0"]
    lopsided = question().replace("weight = 1\n", "weight = 0.5\n").replace("weight = 2\n", "weight = 9\n")
    (tmp_path / "y").mkdir()
    found = problems_in(tmp_path / "y", {"a.toml": topic_file("alpha", lopsided)})
    assert found and found[0].startswith("a.toml [q1] rubric.weight: weights range from 0.5 to 9")


def test_empty_cues_are_reported(tmp_path: Path) -> None:
    found = problems_in(tmp_path, {"a.toml": topic_file("alpha", question(cues=""))})
    assert found == ["a.toml [q1] rubric.first.cues: no cues: the offline grader could never see this point"]
    (tmp_path / "z").mkdir()
    found = problems_in(tmp_path / "z", {"a.toml": topic_file("alpha", question(cues='"  "'))})
    assert found and found[0].startswith("a.toml [q1] rubric.0.cues") and "empty" in found[0]


def test_invalid_regex_cue_is_reported(tmp_path: Path) -> None:
    found = problems_in(tmp_path, {"a.toml": topic_file("alpha", question(cues='"re:(unclosed"'))})
    assert len(found) == 1 and "not a valid regular expression" in found[0] and found[0].startswith("a.toml [q1]")


def test_unknown_mistake_and_missing_fields(tmp_path: Path) -> None:
    text = topic_file("alpha", question(extra='mistakes = ["no-such-mistake"]\n'))
    assert problems_in(tmp_path, {"a.toml": text}) == [
        "a.toml [q1] mistakes[0]: unknown common mistake 'no-such-mistake'"
    ]
    (tmp_path / "m").mkdir()
    broken = question().replace('prompt = "Explain something."\n', "").replace("day = 1\n", "day = 9\n")
    found = problems_in(tmp_path / "m", {"a.toml": topic_file("alpha", broken)})
    assert any(p.startswith("a.toml [q1] prompt:") for p in found)
    assert any(p.startswith("a.toml [q1] day:") for p in found)


def test_bad_toml_and_missing_topic(tmp_path: Path) -> None:
    found = problems_in(tmp_path, {"a.toml": "topic = \n", "b.toml": question()})
    assert found[0].startswith("a.toml: not valid TOML")
    assert found[1] == 'b.toml topic: the file must set topic = "..."'


def test_scenario_without_facts(tmp_path: Path) -> None:
    found = problems_in(tmp_path, {"a.toml": topic_file("alpha", question(extra='kind = "scenario"\n'))})
    assert found == ["a.toml [q1] clarifications: a scenario needs facts to reveal when the candidate asks"]


def test_load_bank_raises_with_every_problem(tmp_path: Path) -> None:
    directory = make_bank(tmp_path, {"a.toml": topic_file("alpha", question(cues=""), question(id="q1"))})
    with pytest.raises(BankError) as caught:
        load_bank(directory)
    assert len(caught.value.problems) == 2
    assert "2 problem(s)" in str(caught.value)


def test_cli_validate_exits_non_zero_and_lists_problems(tmp_path: Path, capsys) -> None:
    directory = make_bank(tmp_path, {"a.toml": topic_file("alpha", question(cues=""))})
    assert main(["--bank-dir", str(directory), "bank", "validate"]) == 1
    out = capsys.readouterr()
    assert "a.toml [q1] rubric.first.cues" in out.out
    assert "1 problem(s)" in out.err
    assert main(["bank", "validate"]) == 0
    assert "OK:" in capsys.readouterr().out
