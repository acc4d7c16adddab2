"""The API key never leaks, and model faults never reach the page as a traceback."""

from __future__ import annotations

import io
import itertools
import logging
import os
import time
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from interviewer.bank import load_bank
from interviewer.export import to_json, to_markdown
from interviewer.grading.llm import LLMGrader
from interviewer.grading.offline import OfflineGrader
from interviewer.llm.fake_server import ErrorReply, FakeOpenAIServer, Hang, RawReply, Reply, StreamReply
from interviewer.llm.openai_compat import OpenAICompatibleClient
from interviewer.settings import Settings
from interviewer.store import TranscriptStore
from tests.test_app import APP, BETTER, WEAK, app_env, start_mock  # noqa: F401  (app_env is an autouse fixture)

CANARY = "sk-canary-3f9d2c7a1b8e4d6f"
GRADE = '{"points": [{"point_id": "mutability", "verdict": "covered", "quote": "Lists are mutable"}], "mistakes": []}'


def page_text(app: AppTest) -> str:
    parts = []
    for kind in ("markdown", "caption", "error", "warning", "info", "success", "code", "metric", "text"):
        for element in getattr(app, kind):
            parts.append(str(getattr(element, "value", "")))
    for message in app.chat_message:
        parts.extend(md.value for md in message.markdown)
    parts.extend(str(e.value) for e in app.exception)
    return "\n".join(parts)


@pytest.fixture
def model_env(monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    replies = itertools.cycle(
        [
            ErrorReply(500),
            ErrorReply(401, message="Incorrect API key provided"),
            RawReply("{not json"),
            Reply(GRADE),
            StreamReply(["What would ", "you add?"], truncate_after=1),
            Reply("A follow-up question?"),
        ]
    )
    with FakeOpenAIServer(responder=lambda body: next(replies)) as server:
        monkeypatch.setenv("OPENAI_API_KEY", CANARY)
        monkeypatch.setenv("INTERVIEWER_BACKEND", "openai")
        monkeypatch.setenv("INTERVIEWER_BASE_URL", server.base_url)
        monkeypatch.setenv("INTERVIEWER_MODEL", "fake-model")
        monkeypatch.setenv("INTERVIEWER_MAX_RETRIES", "1")
        monkeypatch.setenv("INTERVIEWER_TIMEOUT_SECONDS", "2")
        yield server


def test_the_api_key_never_appears_anywhere(model_env, capfd: pytest.CaptureFixture) -> None:
    log = io.StringIO()
    handler = logging.StreamHandler(log)
    root = logging.getLogger()
    previous = root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)  # the noisiest a deployment could run, SDK and HTTP client included
    try:
        app = start_mock(AppTest.from_file(APP, default_timeout=60).run(), count=2)
        for answer in (WEAK, BETTER, WEAK, BETTER):
            if not app.chat_input:
                break
            app.chat_input[0].set_value(answer).run()
        texts = [page_text(app)]
        app.switch_page("app_pages/settings.py").run()
        [test] = [b for b in app.button if b.label == "Test connection"]
        test.click()
        app.run()
        texts.append(page_text(app))
        app.switch_page("app_pages/review.py").run()
        texts.append(page_text(app))
    finally:
        root.removeHandler(handler)
        root.setLevel(previous)

    assert len(model_env.requests) >= 3  # the model was really used, faults included
    data_dir = Path(os.environ["INTERVIEWER_DATA_DIR"])
    store = TranscriptStore(Settings().resolved_database_url)
    bank = load_bank()
    exports = [f(store.load(s.id), bank) for s in store.list_sessions() for f in (to_markdown, to_json)]
    store.close()
    database = b"".join(p.read_bytes() for p in data_dir.glob("interviews.db*"))
    captured = capfd.readouterr()

    assert exports and database
    for name, haystack in {
        "logs": log.getvalue(),
        "stdout": captured.out,
        "stderr": captured.err,
        "pages": "\n".join(texts),
        "exports": "\n".join(exports),
    }.items():
        assert CANARY not in haystack, f"the key leaked into {name}"
    assert CANARY.encode() not in database


def test_model_faults_show_a_status_and_the_interview_goes_on(monkeypatch: pytest.MonkeyPatch) -> None:
    with FakeOpenAIServer(responder=lambda body: ErrorReply(500)) as server:
        monkeypatch.setenv("OPENAI_API_KEY", CANARY)
        monkeypatch.setenv("INTERVIEWER_BACKEND", "openai")
        monkeypatch.setenv("INTERVIEWER_BASE_URL", server.base_url)
        monkeypatch.setenv("INTERVIEWER_MAX_RETRIES", "1")
        app = start_mock(AppTest.from_file(APP, default_timeout=60).run(), count=1)
        app.chat_input[0].set_value(BETTER).run()
        while app.chat_input:
            app.chat_input[0].set_value(WEAK).run()
        assert not app.exception
        assert any("Interview complete" in s.value for s in app.success)
        assert any("offline grader" in w.value and "500" in w.value for w in app.warning)
        grading_calls = [r for r in server.requests if r.body and "response_format" in r.body]
        assert grading_calls and len(grading_calls) % 2 == 0  # each grade: one try and exactly one retry


def test_a_slow_server_within_the_timeout_still_grades(bank=None) -> None:  # type: ignore[no-untyped-def]
    bank = load_bank()
    with FakeOpenAIServer() as server:
        server.enqueue(Reply(GRADE, delay=0.5))
        client = OpenAICompatibleClient(model="m", base_url=server.base_url, api_key=CANARY, timeout=3, max_retries=0)
        grade = LLMGrader(client, OfflineGrader(bank.mistakes)).grade(bank.get("lists-vs-tuples"), BETTER)
    assert grade.grader == "openai"


def test_the_total_wait_for_a_dead_server_is_bounded() -> None:
    bank = load_bank()
    with FakeOpenAIServer() as server:
        server.enqueue(Hang(30), Hang(30), Hang(30))
        client = OpenAICompatibleClient(model="m", base_url=server.base_url, api_key=CANARY, timeout=0.5, max_retries=1)
        start = time.monotonic()
        grade = LLMGrader(client, OfflineGrader(bank.mistakes)).grade(bank.get("lists-vs-tuples"), BETTER)
        elapsed = time.monotonic() - start
    assert grade.grader == "offline" and "No reply" in grade.fallback_reason
    assert len(server.requests) == 2  # one try, one retry, then the offline grader
    assert elapsed < 2 * 0.5 + 2.0  # two timeouts plus the SDK's backoff, never more
