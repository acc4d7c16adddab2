"""Kill the process while a grade is in flight; the answer survives and the grade completes on resume."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from streamlit.testing.v1 import AppTest

from interviewer.bank import load_bank
from interviewer.llm.fake_server import FakeOpenAIServer, Hang
from interviewer.settings import Settings
from interviewer.store import TranscriptStore
from tests.crash_worker import ANSWERS
from tests.test_app import APP, app_env, chat  # noqa: F401  (app_env is an autouse fixture)

ROOT = Path(__file__).parent.parent


def wait_for(condition, timeout: float = 30.0) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError("condition not met in time")
        time.sleep(0.05)


def test_sigkill_during_grading_loses_nothing() -> None:
    data_dir = os.environ["INTERVIEWER_DATA_DIR"]  # a fresh directory from the app_env fixture
    with FakeOpenAIServer() as server:
        server.enqueue(Hang(120))
        worker = subprocess.Popen(
            [sys.executable, "-m", "tests.crash_worker", server.base_url],
            cwd=ROOT,
            env={**os.environ, "INTERVIEWER_DATA_DIR": data_dir},
            stdout=subprocess.PIPE,
            text=True,
        )
        session_id = worker.stdout.readline().strip()
        wait_for(lambda: len(server.requests) >= 1)  # the grading request is in flight
        os.kill(worker.pid, signal.SIGKILL)
        assert worker.wait(timeout=10) == -signal.SIGKILL

    store = TranscriptStore(Settings().resolved_database_url)
    state = store.load(session_id)
    assert state.attempts[0].answers == ANSWERS
    assert state.attempts[0].status == "grading" and state.attempts[0].grade is None
    assert store.answers(session_id) == ANSWERS
    store.close()

    app = AppTest.from_file(APP, default_timeout=60)
    app.query_params["session"] = session_id  # the candidate reopens their link
    app.run()
    assert not app.exception
    messages = chat(app)
    assert ("user", ANSWERS[0]) in messages
    assert messages[-1] == ("assistant", load_bank().get("gil").prompt)  # graded, and the next question asked

    store = TranscriptStore(Settings().resolved_database_url)
    resumed = store.load(session_id)
    assert resumed.attempts[0].status == "graded" and resumed.attempts[0].grade.score > 0
    assert resumed.attempts[1].question_id == "gil"
    store.close()
