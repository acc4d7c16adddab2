from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from interviewer.cli import main

ANSWER = "Lists are mutable and can be appended to; tuples are immutable, so tuples are hashable dictionary keys."


def test_bank_list_and_filters(capsys) -> None:
    assert main(["bank", "list", "--day", "1"]) == 0
    out = capsys.readouterr().out
    assert "lists-vs-tuples" in out and "question(s)" in out
    assert main(["bank", "list", "--topic", "data_structures", "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert rows and {r["topic"] for r in rows} == {"data_structures"}


def test_bank_show(capsys) -> None:
    assert main(["bank", "show", "lists-vs-tuples"]) == 0
    out = capsys.readouterr().out
    assert "Rubric:" in out and "hashable-dict-keys" in out and "Model answer:" in out
    assert main(["bank", "show", "lists-vs-tuples", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["id"] == "lists-vs-tuples"


def test_unknown_question_is_a_clear_error(capsys) -> None:
    assert main(["bank", "show", "no-such-question"]) == 2
    assert "no question with id 'no-such-question'" in capsys.readouterr().err


def test_grade_text_and_json(capsys, tmp_path: Path) -> None:
    assert main(["grade", "--question", "lists-vs-tuples", "--answer", ANSWER]) == 0
    out = capsys.readouterr().out
    assert "lists-vs-tuples:" in out and "covered" in out and "Feedback:" in out
    answer_file = tmp_path / "answer.txt"
    answer_file.write_text(ANSWER, encoding="utf-8")
    assert main(["grade", "--question", "lists-vs-tuples", "--answer-file", str(answer_file), "--json"]) == 0
    grade = json.loads(capsys.readouterr().out)
    assert grade["grader"] == "offline" and 0 < grade["score"] <= 5
    assert {p["point_id"] for p in grade["points"]} >= {"mutability", "hashable-dict-keys"}


def test_grade_requires_an_answer(capsys) -> None:
    with pytest.raises(SystemExit):
        main(["grade", "--question", "lists-vs-tuples"])


def write_jsonl(path: Path, rows: list[dict]) -> Path:
    path.write_text("\n".join(json.dumps(r) for r in rows) + "\n", encoding="utf-8")
    return path


ROWS = [
    {
        "id": "a",
        "question": "What is a stack?",
        "reference_answer": "A last-in first-out structure with push and pop.",
        "answer": "It is last in first out: push adds to the top and pop removes from the top.",
        "score": 5,
        "max_score": 5,
    },
    {
        "id": "b",
        "question": "What is a stack?",
        "reference_answer": "A last-in first-out structure with push and pop.",
        "answer": "A stack is a list that is kept sorted.",
        "score": 1,
        "max_score": 5,
    },
    {
        "id": "c",
        "question_id": "lists-vs-tuples",
        "question": "ignored",
        "reference_answer": "ignored",
        "answer": ANSWER,
        "score": 0.8,
        "max_score": 1,
    },
    {
        "id": "d",
        "question_id": "lists-vs-tuples",
        "question": "ignored",
        "reference_answer": "ignored",
        "answer": "Tuples are older than lists and slower.",
        "score": 0.1,
        "max_score": 1,
    },
]


def test_eval_prints_agreement_figures(tmp_path: Path, capsys) -> None:
    data = write_jsonl(tmp_path / "data.jsonl", ROWS)
    assert main(["eval", str(data)]) == 0
    out = capsys.readouterr().out
    for name in ("n", "pearson", "spearman", "qwk", "rmse", "mae"):
        assert f"  {name} " in out


def test_eval_json_has_items_on_the_datas_scale(tmp_path: Path, capsys) -> None:
    data = write_jsonl(tmp_path / "data.jsonl", ROWS)
    assert main(["eval", str(data), "--grader", "offline", "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["n"] == 4 and result["pearson"] > 0.5
    items = {i["id"]: i for i in result["items"]}
    assert set(items) == {"a", "b", "c", "d"}
    assert items["c"]["human"] == 0.8 and 0 <= items["c"]["predicted"] <= 1
    assert 0 <= items["a"]["predicted"] <= 5
    assert items["c"]["predicted"] > items["d"]["predicted"]


def test_eval_reports_the_bad_line(tmp_path: Path, capsys) -> None:
    data = tmp_path / "bad.jsonl"
    data.write_text(json.dumps(ROWS[0]) + "\n{not json\n", encoding="utf-8")
    assert main(["eval", str(data)]) == 2
    assert "bad.jsonl:2" in capsys.readouterr().err


def test_python_dash_m_entry_point() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "interviewer", "bank", "validate"], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("OK:")
