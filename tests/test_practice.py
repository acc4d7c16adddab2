from __future__ import annotations

import io
import re
from pathlib import Path

import pytest

from interviewer.cli import main
from interviewer.settings import Settings
from interviewer.store import TranscriptStore


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("INTERVIEWER_DATA_DIR", str(tmp_path))
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.delenv("INTERVIEWER_DATABASE_URL", raising=False)
    return tmp_path


def practise(monkeypatch: pytest.MonkeyPatch, capsys, args: list[str], typed: str) -> str:
    monkeypatch.setattr("sys.stdin", io.StringIO(typed))
    assert main(["practice", *args]) == 0
    return capsys.readouterr().out


def test_a_full_terminal_interview_is_graded_and_stored(data_dir: Path, monkeypatch, capsys) -> None:
    typed = (
        "/ask which python version?\n"
        "/hint\n"
        "Lists are mutable, you can append to them,\n"
        "while tuples are immutable once created.\n"
        "\n"
        "A list can't be a dictionary key because it is unhashable; a tuple is hashable, e.g. {(1, 2): 'x'}.\n"
        "\n"
    )
    out = practise(monkeypatch, capsys, ["--question-id", "lists-vs-tuples", "--follow-ups", "1"], typed)
    assert "Assume CPython 3.12" in out
    assert "Think about what you can and cannot do" in out
    assert "cache results keyed by a pair of coordinates" in out  # the follow-up
    assert "=== Report ===" in out and "covered" in out and "Overall:" in out
    store = TranscriptStore(Settings().resolved_database_url)
    [summary] = store.list_sessions()
    state = store.load(summary.id)
    assert state.status == "finished"
    assert state.attempts[0].hints_used == 1
    assert len(state.attempts[0].answers) == 2
    [card] = store.drill_cards()
    assert card.question_id == "lists-vs-tuples" and card.reviews == 1, "the drill schedule learns from it"
    store.close()


def test_an_interrupted_session_resumes(data_dir: Path, monkeypatch, capsys) -> None:
    out = practise(monkeypatch, capsys, ["--question-id", "lists-vs-tuples", "--question-id", "gil"], "/skip\n")
    session_id = re.search(r"--resume (\S+)", out).group(1)
    out = practise(monkeypatch, capsys, ["--resume", session_id], "/repeat\n/end\n")
    assert "Global Interpreter Lock" in out or "GIL" in out
    assert "=== Report ===" in out


def test_bad_moves_get_a_message(data_dir: Path, monkeypatch, capsys) -> None:
    out = practise(monkeypatch, capsys, ["--question-id", "lists-vs-tuples"], "/ask\n/unknown\n/end\n")
    assert "Type the question you want to ask" in out
    assert "Moves:" in out


def test_resume_of_an_unknown_session(data_dir: Path, monkeypatch, capsys) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO(""))
    assert main(["practice", "--resume", "nope"]) == 2
    assert "no saved session" in capsys.readouterr().err


def test_ctrl_c_in_a_real_terminal_session_prints_the_resume_command_and_no_traceback(data_dir: Path) -> None:
    """A real SIGINT to a real process, mid-answer: the answer sent before it is kept and the session resumes."""
    import os
    import select
    import signal
    import subprocess
    import sys
    import time

    env = {**os.environ, "INTERVIEWER_DATA_DIR": str(data_dir), "PYTHONUNBUFFERED": "1"}
    command = [sys.executable, "-m", "interviewer", "practice", "--follow-ups", "0"]
    process = subprocess.Popen(
        [*command, "--question-id", "lists-vs-tuples", "--question-id", "gil"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
    )
    assert process.stdin is not None and process.stdout is not None
    try:
        process.stdin.write(b"Lists are mutable and tuples are immutable, so tuples can be dictionary keys.\n\n")
        process.stdin.write(b"The GIL lets one thread")  # typing the second answer, not sent
        process.stdin.flush()
        seen, deadline = b"", time.monotonic() + 60
        while b"Interpreter Lock" not in seen and time.monotonic() < deadline:
            if select.select([process.stdout], [], [], 1)[0]:  # never block: the prompt has no newline
                seen += os.read(process.stdout.fileno(), 4096)
        assert b"Interpreter Lock" in seen, seen[-500:]  # the second question is asked: the first answer is stored
        process.send_signal(signal.SIGINT)
        out, err = process.communicate(timeout=60)
    finally:
        process.kill()
    text = (seen + out).decode()
    assert process.returncode == 130
    assert "Traceback" not in err.decode() and "KeyboardInterrupt" not in err.decode(), err
    session_id = re.search(r"--resume (\S+)", text).group(1)
    store = TranscriptStore(Settings().resolved_database_url)
    state = store.load(session_id)
    store.close()
    assert state.attempts[0].answers == [
        "Lists are mutable and tuples are immutable, so tuples can be dictionary keys."
    ]
    assert state.status == "in_progress"


def test_piping_into_head_is_quiet(data_dir: Path) -> None:
    """``interviewer bank list | head -1``: the reader goes away early; no "Broken pipe" error, no traceback."""
    import subprocess
    import sys

    for command in (["bank", "list"], ["bank", "show", "gil"]):
        pipeline = subprocess.run(
            f"{sys.executable} -m interviewer {' '.join(command)} | head -c 1 > /dev/null",
            shell=True,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert pipeline.stderr == "", pipeline.stderr
