"""Text from a model server or an exception is scrubbed of the key and of credential-shaped strings (issue 13).

Reported: a model server whose error message echoes the Authorization header put the key into the grade's
fallback reason, which was stored in the database (and its WAL), shown on the report page and exported.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from interviewer.bank import load_bank
from interviewer.export import to_json, to_markdown
from interviewer.grading.llm import LLMGrader
from interviewer.grading.offline import OfflineGrader
from interviewer.llm.fake_server import ErrorReply, FakeOpenAIServer
from interviewer.llm.openai_compat import OpenAICompatibleClient
from interviewer.models import Attempt, SessionConfig, SessionState, utc_now
from interviewer.redaction import redact
from interviewer.store import TranscriptStore

CANARY = "sk-proj-echo-canary-7c1e9a"
OTHER = "sk-live-0123456789abcdefABCDEF"
ECHO = f"bad request; you sent Authorization: Bearer {CANARY} and x-api-key {OTHER} (token=abc.def.ghi)"


@pytest.mark.parametrize(
    ("text", "gone"),
    [
        (f"Authorization: Bearer {CANARY}", [CANARY, "Bearer " + CANARY[:8]]),
        (f"key {OTHER} rejected", [OTHER]),
        ("Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.sig", ["eyJhbGciOiJIUzI1NiJ9"]),
        ("api_key=abcdef0123456789abcdef&x=1", ["abcdef0123456789abcdef"]),
    ],
)
def test_credentials_are_scrubbed(text: str, gone: list[str]) -> None:
    cleaned = redact(text)
    for secret in gone:
        assert secret not in cleaned
    assert "[redacted]" in cleaned


def test_the_configured_key_is_scrubbed_in_any_form() -> None:
    key = "plain-key-without-prefix-42"
    assert key not in redact(f"the key was {key}!", secrets=[key])


def test_ordinary_text_is_left_alone() -> None:
    text = "The server answered 500: internal error at /v1/chat/completions (model gpt-4o-mini, 12 tokens)."
    assert redact(text) == text


def test_an_echoing_server_leaves_the_key_nowhere(tmp_path: Path) -> None:
    bank = load_bank()
    question = bank.get("lists-vs-tuples")
    with FakeOpenAIServer(responder=lambda body: ErrorReply(500, message=ECHO)) as server:
        client = OpenAICompatibleClient(model="fake-model", base_url=server.base_url, api_key=CANARY, max_retries=0)
        grade = LLMGrader(client, OfflineGrader(bank.mistakes)).grade(question, "Lists are mutable; tuples are not.")
        check = client.check_connection()
    assert grade.fallback_reason, "the model failed, so the offline grader graded"
    state = SessionState(
        id="s1", config=SessionConfig(question_ids=[question.id]), created_at=utc_now(), started_at=utc_now()
    )
    attempt = Attempt(question_id=question.id, topic=question.topic, asked_at=utc_now(), last_prompt_at=utc_now())
    attempt.grade = grade
    state.attempts.append(attempt)
    store = TranscriptStore(f"sqlite:///{tmp_path / 'db.sqlite'}")
    store.save(state)
    store.close()
    shown = grade.model_dump_json() + check.message + to_json(state, bank) + to_markdown(state, bank)
    stored = b"".join(path.read_bytes() for path in tmp_path.iterdir() if path.is_file())
    for secret in (CANARY, OTHER):
        assert secret not in shown, secret
        assert secret.encode() not in stored, secret
