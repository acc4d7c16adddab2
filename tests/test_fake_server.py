"""FakeOpenAIServer driven by the real openai SDK over a local socket.

Besides checking the fake itself, these tests pin down how the SDK reacts to misbehaving servers,
which is what the project's client wrapper has to handle:

* ``Retry-After: 0`` is *not* taken literally: the SDK only honours a Retry-After in (0, 120] seconds,
  so for 0 it falls back to its own backoff (0.5 s less up to 25 % jitter). ``retry-after-ms`` or a
  fractional ``Retry-After`` gives a fast retry.
* A read timeout raises ``openai.APITimeoutError``; a server that closes without answering raises
  ``openai.APIConnectionError``.
* A stream cut off mid-body raises ``openai.APIConnectionError`` after the chunks that did arrive.
* A 200 response whose JSON body is malformed raises a bare ``json.JSONDecodeError`` (not an
  ``openai.APIError``); a 200 response that is not JSON at all comes back as a plain ``str``.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from typing import Any

import openai
import pytest
from openai import OpenAI

from interviewer.llm.fake_server import (
    ErrorReply,
    FakeOpenAIServer,
    Hang,
    RawReply,
    Reply,
    StreamReply,
)

MESSAGES: list[Any] = [{"role": "user", "content": "What does the GIL protect?"}]


@pytest.fixture
def server() -> Iterator[FakeOpenAIServer]:
    with FakeOpenAIServer() as fake:
        yield fake


@pytest.fixture
def client(server: FakeOpenAIServer) -> Iterator[OpenAI]:
    with OpenAI(api_key="test-key", base_url=server.base_url, max_retries=0, timeout=2) as sdk:
        yield sdk


def ask(client: OpenAI, **kwargs: Any) -> Any:
    return client.chat.completions.create(model="fake-model", messages=MESSAGES, **kwargs)


def test_listens_on_loopback_only(server: FakeOpenAIServer) -> None:
    assert server.base_url == f"http://127.0.0.1:{server.port}/v1"
    assert server.port > 0


def test_completion_is_parsed_by_the_sdk(server: FakeOpenAIServer, client: OpenAI) -> None:
    server.enqueue(Reply("Reference counts.", prompt_tokens=42, completion_tokens=3))

    completion = client.chat.completions.create(model="gpt-test", messages=MESSAGES, temperature=0)

    assert completion.choices[0].message.content == "Reference counts."
    assert completion.choices[0].message.role == "assistant"
    assert completion.choices[0].finish_reason == "stop"
    assert completion.model == "gpt-test"
    assert completion.usage is not None
    assert (completion.usage.prompt_tokens, completion.usage.completion_tokens) == (42, 3)
    assert completion.usage.total_tokens == 45
    [request] = server.requests
    assert (request.method, request.path) == ("POST", "/v1/chat/completions")
    assert request.body == {"model": "gpt-test", "messages": MESSAGES, "temperature": 0}
    assert server.pending == 0


def test_reply_model_and_finish_reason_can_be_set(server: FakeOpenAIServer, client: OpenAI) -> None:
    server.enqueue(Reply("cut", model="other-model", finish_reason="length"))

    completion = ask(client)

    assert completion.model == "other-model"
    assert completion.choices[0].finish_reason == "length"


def test_stream_yields_chunks_then_usage(server: FakeOpenAIServer, client: OpenAI) -> None:
    server.enqueue(StreamReply(["Refer", "ence ", "counts."], prompt_tokens=7, completion_tokens=4))

    chunks = list(ask(client, stream=True, stream_options={"include_usage": True}))

    texts = [chunk.choices[0].delta.content for chunk in chunks if chunk.choices and chunk.choices[0].delta.content]
    assert texts == ["Refer", "ence ", "counts."]
    assert chunks[0].choices[0].delta.role == "assistant"
    assert [chunk.choices[0].finish_reason for chunk in chunks if chunk.choices][-1] == "stop"
    assert chunks[-1].choices == []
    assert chunks[-1].usage is not None
    assert (chunks[-1].usage.prompt_tokens, chunks[-1].usage.completion_tokens) == (7, 4)
    assert all(chunk.usage is None for chunk in chunks[:-1])


def test_usage_chunk_only_when_the_request_asks_for_it(server: FakeOpenAIServer, client: OpenAI) -> None:
    server.enqueue(StreamReply(["a", "b"]))

    chunks = list(ask(client, stream=True))

    assert all(chunk.choices and chunk.usage is None for chunk in chunks)
    assert chunks[-1].choices[0].finish_reason == "stop"


def test_plain_reply_is_streamed_when_the_request_streams(server: FakeOpenAIServer, client: OpenAI) -> None:
    server.enqueue(Reply("It protects interpreter state.", completion_tokens=6))

    chunks = list(ask(client, stream=True, stream_options={"include_usage": True}))

    text = "".join(chunk.choices[0].delta.content or "" for chunk in chunks if chunk.choices)
    assert text == "It protects interpreter state."
    assert len([chunk for chunk in chunks if chunk.choices and chunk.choices[0].delta.content]) > 1
    assert chunks[-1].usage is not None
    assert chunks[-1].usage.completion_tokens == 6


def test_rate_limit_is_retried_but_retry_after_zero_means_sdk_backoff(server: FakeOpenAIServer) -> None:
    server.enqueue(ErrorReply(429, "Slow down", headers={"Retry-After": "0"}), Reply("second time lucky"))

    with OpenAI(api_key="test-key", base_url=server.base_url, max_retries=1, timeout=2) as retrying:
        started = time.perf_counter()
        completion = ask(retrying)
        elapsed = time.perf_counter() - started

    assert completion.choices[0].message.content == "second time lucky"
    requests = server.requests
    assert len(requests) == 2
    assert [r.headers["x-stainless-retry-count"] for r in requests] == ["0", "1"]
    # Retry-After: 0 is outside the (0, 120] s range the SDK honours, so it sleeps its default
    # first backoff: 0.5 s minus up to 25 % jitter.
    assert 0.3 < elapsed < 2.0


def test_retry_after_ms_gives_a_fast_retry(server: FakeOpenAIServer) -> None:
    server.enqueue(ErrorReply(429, headers={"retry-after-ms": "1"}), Reply("ok"))

    with OpenAI(api_key="test-key", base_url=server.base_url, max_retries=1, timeout=2) as retrying:
        started = time.perf_counter()
        completion = ask(retrying)
        elapsed = time.perf_counter() - started

    assert completion.choices[0].message.content == "ok"
    assert len(server.requests) == 2
    assert elapsed < 0.3


def test_server_error_raises_without_retries(server: FakeOpenAIServer, client: OpenAI) -> None:
    server.enqueue(ErrorReply(500, "The server had an error"))

    with pytest.raises(openai.InternalServerError) as caught:
        ask(client)

    assert caught.value.status_code == 500
    assert caught.value.body == {
        "message": "The server had an error",
        "type": "server_error",
        "param": None,
        "code": None,
    }
    assert len(server.requests) == 1


def test_rate_limit_error_body_is_openai_shaped(server: FakeOpenAIServer, client: OpenAI) -> None:
    server.enqueue(ErrorReply(429, "Rate limit reached"))

    with pytest.raises(openai.RateLimitError) as caught:
        ask(client)

    assert caught.value.code == "rate_limit_exceeded"
    assert "Rate limit reached" in str(caught.value)


def test_hang_triggers_the_client_timeout(server: FakeOpenAIServer, client: OpenAI) -> None:
    server.enqueue(Hang(3))

    started = time.perf_counter()
    with pytest.raises(openai.APITimeoutError):
        ask(client.with_options(timeout=0.5))

    assert time.perf_counter() - started < 1.5


def test_hang_then_close_is_a_connection_error(server: FakeOpenAIServer, client: OpenAI) -> None:
    server.enqueue(Hang(0.05))

    with pytest.raises(openai.APIConnectionError) as caught:
        ask(client)

    assert not isinstance(caught.value, openai.APITimeoutError)


def test_close_is_prompt_while_a_request_hangs() -> None:
    fake = FakeOpenAIServer()
    fake.enqueue(Hang(30))
    with (
        OpenAI(api_key="k", base_url=fake.base_url, max_retries=0, timeout=0.2) as sdk,
        pytest.raises(openai.APITimeoutError),
    ):
        ask(sdk)

    started = time.perf_counter()
    fake.close()
    fake.close()  # idempotent

    assert time.perf_counter() - started < 1.0


def test_truncated_stream_raises_connection_error_after_the_sent_chunks(
    server: FakeOpenAIServer, client: OpenAI
) -> None:
    server.enqueue(StreamReply(["one ", "two ", "three"], truncate_after=2))
    received: list[str] = []

    # The stream is chunked, so the SDK notices the missing end of body: it yields what arrived,
    # then raises APIConnectionError (caused by "incomplete chunked read").
    with pytest.raises(openai.APIConnectionError):
        for chunk in ask(client, stream=True, stream_options={"include_usage": True}):
            received.extend(choice.delta.content or "" for choice in chunk.choices)

    assert received == ["one ", "two "]


def test_malformed_json_raises_a_bare_json_error(server: FakeOpenAIServer, client: OpenAI) -> None:
    server.enqueue(RawReply("{not json"))

    # Not wrapped in an openai exception: callers must catch ValueError too.
    with pytest.raises(json.JSONDecodeError):
        ask(client)


def test_non_json_content_type_comes_back_as_text(server: FakeOpenAIServer, client: OpenAI) -> None:
    server.enqueue(RawReply("<html>bad gateway</html>", content_type="text/html"))

    result = ask(client)

    assert result == "<html>bad gateway</html>"


def test_models_are_listed_and_retrieved() -> None:
    with (
        FakeOpenAIServer(models=["small", "large"]) as fake,
        OpenAI(api_key="k", base_url=fake.base_url, max_retries=0, timeout=2) as sdk,
    ):
        listed = sdk.models.list()
        assert [model.id for model in listed.data] == ["small", "large"]
        assert {model.owned_by for model in listed.data} == {"fake"}
        assert sdk.models.retrieve("large").id == "large"
        with pytest.raises(openai.NotFoundError):
            sdk.models.retrieve("missing")


def test_unknown_endpoint_is_not_found(server: FakeOpenAIServer, client: OpenAI) -> None:
    with pytest.raises(openai.NotFoundError):
        client.embeddings.create(model="fake-model", input="text")


def test_required_api_key_is_checked_everywhere() -> None:
    with FakeOpenAIServer(require_api_key="right-key") as fake:
        fake.enqueue(Reply("welcome"))
        with OpenAI(api_key="wrong-key", base_url=fake.base_url, max_retries=0, timeout=2) as wrong:
            with pytest.raises(openai.AuthenticationError) as caught:
                ask(wrong)
            assert caught.value.code == "invalid_api_key"
            with pytest.raises(openai.AuthenticationError):
                wrong.models.list()
        assert fake.pending == 1  # a rejected request consumes nothing

        with OpenAI(api_key="right-key", base_url=fake.base_url, max_retries=0, timeout=2) as right:
            assert ask(right).choices[0].message.content == "welcome"
            assert [model.id for model in right.models.list().data] == ["fake-model"]


def test_recorded_requests_redact_the_api_key(server: FakeOpenAIServer, client: OpenAI) -> None:
    server.enqueue(Reply("ok"))
    ask(client)
    client.models.list()

    requests = server.requests
    assert [(r.method, r.path) for r in requests] == [("POST", "/v1/chat/completions"), ("GET", "/v1/models")]
    assert all(r.headers["authorization"] == "Bearer ***" for r in requests)
    assert "test-key" not in repr(requests)
    assert requests[1].body is None


def test_empty_queue_answers_500_and_is_counted(server: FakeOpenAIServer, client: OpenAI) -> None:
    with pytest.raises(openai.InternalServerError, match="no scripted reply left"):
        ask(client)

    assert server.unscripted == 1
    assert len(server.requests) == 1


def test_responder_answers_when_the_queue_is_empty() -> None:
    def echo(body: dict[str, Any]) -> Reply:
        return Reply(f"echo: {body['messages'][-1]['content']}")

    with (
        FakeOpenAIServer(responder=echo) as fake,
        OpenAI(api_key="k", base_url=fake.base_url, max_retries=0, timeout=2) as sdk,
    ):
        fake.enqueue(Reply("scripted first"))
        contents = [ask(sdk).choices[0].message.content for _ in range(3)]
        streamed = "".join(c.choices[0].delta.content or "" for c in ask(sdk, stream=True) if c.choices)

    assert contents == ["scripted first", f"echo: {MESSAGES[0]['content']}", f"echo: {MESSAGES[0]['content']}"]
    assert streamed == f"echo: {MESSAGES[0]['content']}"
    assert fake.unscripted == 0


def test_enqueue_rejects_other_objects(server: FakeOpenAIServer) -> None:
    with pytest.raises(TypeError):
        server.enqueue("just a string")  # type: ignore[arg-type]


def test_client_hanging_up_mid_stream_is_quiet(
    server: FakeOpenAIServer, client: OpenAI, capfd: pytest.CaptureFixture[str]
) -> None:
    server.enqueue(StreamReply([f"part {i} " for i in range(10)], delay_between=0.02), Reply("still serving"))

    with ask(client, stream=True) as stream:
        first = next(iter(stream))
    assert first.choices[0].delta.content == "part 0 "

    time.sleep(0.3)  # let the server hit the closed socket while writing the rest
    assert ask(client).choices[0].message.content == "still serving"
    server.close()

    assert capfd.readouterr().err == ""
