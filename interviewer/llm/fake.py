"""Scripted clients for tests and benchmarks: no network, recorded requests."""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterator, Sequence

from pydantic import BaseModel, ValidationError

from interviewer.llm.base import ChatMessage, LLMError, Structured, T, TextStream, TokenUsage, invalid_reply

Responder = Callable[[Sequence[ChatMessage], type[BaseModel] | None], str]


class ScriptedClient:
    """A :class:`~interviewer.llm.base.ChatClient` that replies from a queue.

    ``enqueue`` takes reply texts (JSON for ``parse``) or exceptions to raise; every
    request is kept in ``requests``. A ``responder`` answers when the queue is empty.
    """

    name = "scripted"

    def __init__(self, model: str = "scripted-model", responder: Responder | None = None) -> None:
        self.model = model
        self.responder = responder
        self.queue: deque[str | Exception] = deque()
        self.requests: list[list[ChatMessage]] = []

    def enqueue(self, *replies: str | BaseModel | Exception) -> ScriptedClient:
        for reply in replies:
            self.queue.append(reply.model_dump_json() if isinstance(reply, BaseModel) else reply)
        return self

    def _next(self, messages: Sequence[ChatMessage], schema: type[BaseModel] | None) -> str:
        self.requests.append(list(messages))
        if self.queue:
            reply = self.queue.popleft()
        elif self.responder is not None:
            reply = self.responder(messages, schema)
        else:
            raise LLMError("ScriptedClient: no scripted reply left")
        if isinstance(reply, Exception):
            raise reply
        return reply

    @staticmethod
    def _usage(messages: Sequence[ChatMessage], reply: str) -> TokenUsage:
        prompt = sum(len(m.content.split()) for m in messages)
        return TokenUsage(calls=1, prompt_tokens=prompt, completion_tokens=len(reply.split()), cost_usd=0.0)

    def stream(self, messages: Sequence[ChatMessage], *, temperature: float | None = None) -> TextStream:
        reply = self._next(messages, None)

        def chunks(stream: TextStream) -> Iterator[str]:
            for index, word in enumerate(reply.split(" ")):
                yield word if index == 0 else " " + word
            stream.usage = self._usage(messages, reply)

        return TextStream.producing(chunks)

    def parse(self, messages: Sequence[ChatMessage], schema: type[T]) -> Structured[T]:
        raw = self._next(messages, schema)
        usage = self._usage(messages, raw)
        try:
            value = schema.model_validate_json(raw)
        except ValidationError as exc:
            raise invalid_reply(schema, raw, exc, usage) from exc
        return Structured[schema](value=value, usage=usage, raw=raw)  # type: ignore[valid-type]
