"""The OpenAI-compatible client: OpenAI itself, or Ollama, vLLM, llama.cpp server, LM Studio.

It uses Chat Completions, the API every one of those servers speaks, with JSON-schema
structured outputs for anything the code reads back. Retries (429 with Retry-After, 5xx,
connection errors) and timeouts are the SDK's, bounded by the settings.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

import openai
from pydantic import BaseModel, SecretStr, ValidationError

from interviewer.llm.base import ChatMessage, LLMError, Structured, T, TextStream, TokenUsage, invalid_reply
from interviewer.redaction import redact, remember
from interviewer.tokens import count_messages, count_text, usage_for

NO_KEY_PLACEHOLDER = "not-needed"  # local servers ignore the key, but the SDK insists on one
_FENCED_JSON = re.compile(r"^\s*```(?:json)?\s*(.*?)\s*```\s*$", re.S)


class ConnectionCheck(BaseModel):
    ok: bool
    message: str
    models: list[str] = []


def sdk_client(base_url: str | None, key: str | None, timeout: float, max_retries: int) -> openai.OpenAI:
    """The SDK's client for one server (the model's, or an audio server), its key remembered so that any text
    echoing it is scrubbed; local servers ignore the key, but the SDK insists on one."""
    remember(key)
    return openai.OpenAI(api_key=key or NO_KEY_PLACEHOLDER, base_url=base_url, timeout=timeout, max_retries=max_retries)


def strict_schema(schema: type[BaseModel]) -> dict[str, Any]:
    """The model's JSON schema in the form strict structured outputs accept.

    Every object lists all its properties as required and forbids others; titles and
    defaults, which some servers reject, are dropped.
    """

    def tighten(node: Any) -> Any:
        if isinstance(node, dict):
            node = {k: tighten(v) for k, v in node.items() if k not in ("title", "default")}
            if node.get("type") == "object" and "properties" in node:
                node["required"] = list(node["properties"])
                node["additionalProperties"] = False
            return node
        if isinstance(node, list):
            return [tighten(item) for item in node]
        return node

    return tighten(schema.model_json_schema())


def describe_error(exc: Exception, base_url: str, model: str, timeout: float) -> str:
    """A message for the candidate: what went wrong and what to check. Never includes the key, nor anything
    credential-shaped that the server echoed back (``redaction.redact``)."""
    return redact(_describe(exc, base_url, model, timeout))


def _describe(exc: Exception, base_url: str, model: str, timeout: float) -> str:
    if isinstance(exc, openai.AuthenticationError):
        return "The server rejected the API key (401). Check INTERVIEWER_API_KEY or OPENAI_API_KEY."
    if isinstance(exc, openai.PermissionDeniedError):
        return "The API key is not allowed to use this model (403)."
    if isinstance(exc, openai.NotFoundError):
        return f"Model {model!r} was not found at {base_url} (404). Check INTERVIEWER_MODEL and the base URL."
    if isinstance(exc, openai.RateLimitError):
        return "The server is rate limiting requests (429) and retries did not get through. Try again shortly."
    if isinstance(exc, openai.APITimeoutError):
        return f"No reply from {base_url} within {timeout:g} s."
    if isinstance(exc, openai.APIConnectionError):
        return f"Cannot connect to {base_url}. Is the server running and the URL right?"
    if isinstance(exc, openai.APIStatusError):
        return f"The server answered {exc.status_code}: {_short(exc.message)}"
    return f"The model call failed: {type(exc).__name__}: {_short(str(exc))}"


def _short(text: str, limit: int = 200) -> str:
    """What a server said, quoted: shortened, with credentials taken out, and set as code so that a page showing
    the message as Markdown shows the words and never a link or an image the server put there."""
    text = redact(" ".join(text.split()))  # before the cut: a key cut in two would no longer be recognised
    text = text if len(text) <= limit else text[: limit - 1] + "…"
    return "`" + text.replace("`", "'") + "`"


class OpenAICompatibleClient:
    name = "openai"

    def __init__(
        self,
        *,
        model: str,
        base_url: str | None = None,
        api_key: SecretStr | str | None = None,
        timeout: float = 60.0,
        max_retries: int = 2,
        temperature: float = 0.0,
        prices: Mapping[str, tuple[float, float]] | None = None,
    ) -> None:
        key = api_key.get_secret_value() if isinstance(api_key, SecretStr) else api_key
        if not key and not base_url:
            raise LLMError(
                "The OpenAI backend needs an API key (INTERVIEWER_API_KEY or OPENAI_API_KEY), "
                "or a base URL for a local server such as Ollama."
            )
        self.model = model
        self.temperature = temperature
        self.timeout = timeout
        self.prices = dict(prices or {})
        self._client = sdk_client(base_url, key, timeout, max_retries)
        self.base_url = str(self._client.base_url).rstrip("/")

    def __repr__(self) -> str:
        return f"OpenAICompatibleClient(model={self.model!r}, base_url={self.base_url!r})"

    def _error(self, exc: Exception) -> LLMError:
        return LLMError(describe_error(exc, self.base_url, self.model, self.timeout))

    def _usage(self, messages: Sequence[ChatMessage], reply: str, reported: Any) -> TokenUsage:
        """The server's own token counts, or tiktoken's when it reports none."""
        if reported is not None and getattr(reported, "prompt_tokens", None) is not None:
            prompt, completion = reported.prompt_tokens, reported.completion_tokens or 0
        else:
            prompt, completion = count_messages(self.model, messages), count_text(self.model, reply)
        return usage_for(self.model, prompt, completion, self.prices)

    def stream(self, messages: Sequence[ChatMessage], *, temperature: float | None = None) -> TextStream:
        chosen = self.temperature if temperature is None else temperature
        return TextStream.producing(lambda stream: self._stream_chunks(stream, messages, chosen))

    def _stream_chunks(self, stream: TextStream, messages: Sequence[ChatMessage], temperature: float) -> Iterator[str]:
        reported = None
        try:
            response = self._client.chat.completions.create(
                model=self.model,
                messages=[m.model_dump() for m in messages],  # type: ignore[misc]
                temperature=temperature,
                stream=True,
                stream_options={"include_usage": True},
            )
            for chunk in response:
                if chunk.usage is not None:
                    reported = chunk.usage
                if chunk.choices and chunk.choices[0].delta.content:
                    yield chunk.choices[0].delta.content
        except openai.APIConnectionError as exc:
            if stream.parts:
                raise LLMError(f"The reply from {self.base_url} broke off before it was complete.") from exc
            raise self._error(exc) from exc
        except openai.OpenAIError as exc:
            raise self._error(exc) from exc
        except (ValueError, AttributeError) as exc:
            raise LLMError(f"The streamed reply from {self.base_url} could not be read.") from exc
        finally:
            stream.usage = self._usage(messages, stream.text, reported)

    def complete(self, messages: Sequence[ChatMessage], **options: Any) -> tuple[str, TokenUsage]:
        """One non-streamed reply and its usage."""
        try:
            completion = self._client.chat.completions.create(
                model=self.model,
                messages=[m.model_dump() for m in messages],  # type: ignore[misc]
                **options,
            )
        except openai.OpenAIError as exc:
            raise self._error(exc) from exc
        except ValueError as exc:  # the SDK lets a body that is not JSON through as a decode error
            raise LLMError(f"The reply from {self.base_url} was not valid JSON.") from exc
        if not hasattr(completion, "choices"):
            raise LLMError(
                f"The reply from {self.base_url} was not a chat completion. "
                "Check the base URL (it usually ends in /v1)."
            )
        choice = completion.choices[0] if completion.choices else None
        text = (choice.message.content if choice is not None else None) or ""
        return text, self._usage(messages, text, completion.usage)

    def parse(self, messages: Sequence[ChatMessage], schema: type[T]) -> Structured[T]:
        """A reply validated against ``schema``; :class:`LLMReplyInvalid` when it is not."""
        raw, usage = self.complete(
            messages,
            temperature=0,
            response_format={
                "type": "json_schema",
                "json_schema": {"name": schema.__name__, "schema": strict_schema(schema), "strict": True},
            },
        )
        fenced = _FENCED_JSON.match(raw)
        payload = fenced.group(1) if fenced else raw
        try:
            value = schema.model_validate_json(payload)
        except ValidationError as exc:
            raise invalid_reply(schema, raw, exc, usage) from exc
        return Structured[schema](value=value, usage=usage, raw=raw)  # type: ignore[valid-type]

    def check_connection(self) -> ConnectionCheck:
        """Ask the server which models it serves; say clearly what is wrong if it cannot."""
        try:
            models = sorted(m.id for m in self._client.models.list())
        except openai.NotFoundError:
            try:  # some servers have no /models; a one-token reply proves the model works
                self.complete([ChatMessage(role="user", content="Reply with OK.")], max_tokens=1)
            except LLMError as exc:
                return ConnectionCheck(ok=False, message=str(exc))
            return ConnectionCheck(ok=True, message=f"Connected to {self.base_url}; {self.model!r} answers.")
        except openai.OpenAIError as exc:
            return ConnectionCheck(ok=False, message=str(self._error(exc)))
        if models and self.model not in models:
            shown = ", ".join(models[:10])
            return ConnectionCheck(
                ok=False,
                message=f"Connected to {self.base_url}, but it does not serve {self.model!r}. It serves: {shown}",
                models=models,
            )
        return ConnectionCheck(
            ok=True, message=f"Connected to {self.base_url}; {self.model!r} is available.", models=models
        )
