"""The model-facing interface: chat messages in, streamed text or a validated object out.

Every model call in the project goes through a :class:`ChatClient`. Implementations:
:class:`~interviewer.llm.openai_compat.OpenAICompatibleClient` (OpenAI, Ollama, vLLM,
llama.cpp server, LM Studio) and :class:`~interviewer.llm.fake.ScriptedClient` (queued
replies and recorded requests, for tests).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Generic, Literal, Protocol, TypeVar

from pydantic import BaseModel, Field

T = TypeVar("T", bound=BaseModel)


class ChatMessage(BaseModel):
    role: Literal["system", "user", "assistant"]
    content: str


class TokenUsage(BaseModel):
    """Tokens spent by one call or summed over a session; cost is an estimate in US dollars."""

    calls: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0
    cost_usd: float | None = Field(default=0.0, description="None when a model's price is unknown.")

    def __add__(self, other: TokenUsage) -> TokenUsage:
        cost = None if self.cost_usd is None or other.cost_usd is None else self.cost_usd + other.cost_usd
        return TokenUsage(
            calls=self.calls + other.calls,
            prompt_tokens=self.prompt_tokens + other.prompt_tokens,
            completion_tokens=self.completion_tokens + other.completion_tokens,
            cost_usd=cost,
        )


class Structured(BaseModel, Generic[T]):
    """A validated reply and what it cost."""

    value: T
    usage: TokenUsage
    raw: str = ""


class LLMError(Exception):
    """A model call failed; the message says what happened and what to check."""


class LLMReplyInvalid(LLMError):
    """The model answered, but not with what the schema asks for."""

    def __init__(self, message: str, raw: str, usage: TokenUsage) -> None:
        super().__init__(message)
        self.raw = raw
        self.usage = usage


class TextStream:
    """Chunks of a streamed reply; ``text`` and ``usage`` are complete once it is exhausted."""

    def __init__(self, chunks: Iterator[str]) -> None:
        self._chunks = chunks
        self.parts: list[str] = []
        self.usage = TokenUsage()

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
