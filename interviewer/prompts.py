"""Prompt files (``prompts/*.toml``): loading, fencing candidate text, and a token budget."""

from __future__ import annotations

import tomllib
from functools import cache
from pathlib import Path
from string import Template

from pydantic import BaseModel, ConfigDict, ValidationError

from interviewer.models import ChatMessage
from interviewer.tokens import count_messages, count_text, encoding_for

PROMPTS_DIR = Path(__file__).resolve().parent.parent / "prompts"
TRUNCATION_MARK = " […]"


class PromptError(Exception):
    """A prompt file is missing or malformed; the message names the file."""


class Prompt(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str
    version: str
    system: str
    user: str

    def render(self, **values: str) -> list[ChatMessage]:
        return [
            ChatMessage(role="system", content=self.system.strip()),
            ChatMessage(role="user", content=Template(self.user.strip()).substitute(values)),
        ]


@cache
def load_prompt(name: str, directory: Path = PROMPTS_DIR) -> Prompt:
    path = directory / f"{name}.toml"
    try:
        return Prompt.model_validate(tomllib.loads(path.read_text(encoding="utf-8")))
    except (OSError, tomllib.TOMLDecodeError, ValidationError) as exc:
        raise PromptError(f"{path}: {exc}") from exc


def fence(text: str, tag: str) -> str:
    """Candidate text inside ``<tag>``; a closing tag inside the text cannot end the fence."""
    return text.replace(f"</{tag}", f"<\\/{tag}").replace(f"<{tag}", f"<\\{tag}")


def truncate_tokens(model: str, text: str, limit: int) -> str:
    """At most ``limit`` tokens of ``text``, keeping its start and end."""
    encoding, _ = encoding_for(model)
    tokens = encoding.encode(text, disallowed_special=())
    if len(tokens) <= limit:
        return text
    head = limit * 2 // 3
    tail = limit - head
    return encoding.decode(tokens[:head]) + TRUNCATION_MARK + encoding.decode(tokens[-tail:]) if tail else ""


def fit(
    prompt: Prompt, model: str, budget: int, values: dict[str, str], shrinkable: list[tuple[str, int]]
) -> list[ChatMessage]:
    """Render within ``budget`` tokens by shortening values, in the order given.

    Each ``(name, floor)`` is cut (its middle goes first) to what the rest leaves room for,
    but never below ``floor`` tokens, so a huge answer is shortened before the reference.
    """
    messages = prompt.render(**values)
    for name, floor in shrinkable:
        for _ in range(3):  # re-encoding a cut text can shift the count by a token or two
            excess = count_messages(model, messages) - budget
            current = count_text(model, values[name])
            if excess <= 0 or current <= floor:
                break
            values = {**values, name: truncate_tokens(model, values[name], max(current - excess - 2, floor))}
            messages = prompt.render(**values)
    return messages
