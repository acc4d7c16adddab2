"""The model-facing interface: chat messages in, streamed text or a validated object out.

Every model call in the project goes through a :class:`ChatClient`. Implementations:
:class:`~interviewer.llm.openai_compat.OpenAICompatibleClient` (OpenAI, Ollama, vLLM,
llama.cpp server, LM Studio) and :class:`~interviewer.llm.fake.ScriptedClient` (queued
replies and recorded requests, for tests).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from typing import Generic, Protocol, TypeVar

from pydantic import BaseModel, ValidationError

from interviewer.models import ChatMessage, TokenUsage

T = TypeVar("T", bound=BaseModel)

__all__ = ["ChatClient", "ChatMessage", "LLMError", "LLMReplyInvalid", "Structured", "TextStream", "TokenUsage"]


class Structured(BaseModel, Generic[T]):
    """A validated reply and what it cost."""

    value: T
    usage: TokenUsage
    raw: str = ""


class LLMError(Exception):
    """A model call failed; the message says what happened and what to check.

    ``usage`` is what the failed attempt had already cost (a reply that did not fit the
    schema was still paid for).
    """

    def __init__(self, message: str, usage: TokenUsage | None = None) -> None:
        super().__init__(message)
        self.usage = usage or TokenUsage()


class LLMReplyInvalid(LLMError):
    """The model answered, but not with what the schema asks for."""

    def __init__(self, message: str, raw: str, usage: TokenUsage) -> None:
        super().__init__(message, usage)
        self.raw = raw


def invalid_reply(schema: type[BaseModel], raw: str, error: ValidationError, usage: TokenUsage) -> LLMReplyInvalid:
    """A short, readable account of how a reply missed the schema (at most five problems)."""
    problems = "; ".join(f"{'.'.join(str(p) for p in e['loc']) or 'reply'}: {e['msg']}" for e in error.errors()[:5])
    return LLMReplyInvalid(f"the reply did not match the {schema.__name__} schema: {problems}", raw, usage)


class TextStream:
    """Chunks of a streamed reply; ``text`` and ``usage`` are complete once it is exhausted."""

    def __init__(self, chunks: Iterator[str]) -> None:
        self._chunks = chunks
        self.parts: list[str] = []
        self.usage = TokenUsage()
        self.error: str | None = None  # set when a model failed and fallback words were used

    @classmethod
    def producing(cls, produce: Callable[[TextStream], Iterator[str]]) -> TextStream:
        """A stream whose generator can set the stream's ``usage`` and ``error`` as it runs."""
        stream = cls(iter(()))
        stream._chunks = produce(stream)
        return stream

    def __iter__(self) -> Iterator[str]:
        for chunk in self._chunks:
            self.parts.append(chunk)
            yield chunk

    @property
    def text(self) -> str:
        return "".join(self.parts)

    def read(self) -> str:
        for _ in self:
            pass
        return self.text


class ChatClient(Protocol):
    name: str
    model: str

    def stream(self, messages: Sequence[ChatMessage], *, temperature: float | None = None) -> TextStream: ...

    def parse(self, messages: Sequence[ChatMessage], schema: type[T]) -> Structured[T]: ...
