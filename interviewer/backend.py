"""Choosing the backend from settings: the offline grader and bank wording, or a model.

Switching between them is a setting (``INTERVIEWER_BACKEND``); everything else talks to
the :class:`Backend` it gets back.
"""

from __future__ import annotations

from dataclasses import dataclass

from interviewer.bank import Bank
from interviewer.grading import Grader
from interviewer.grading.llm import LLMGrader
from interviewer.grading.offline import OfflineGrader
from interviewer.llm.base import ChatClient
from interviewer.llm.openai_compat import OpenAICompatibleClient
from interviewer.settings import Backend as BackendName
from interviewer.settings import Settings
from interviewer.turns import LLMTurns, OfflineTurns, TurnWriter


@dataclass(frozen=True)
class Backend:
    name: BackendName
    grader: Grader
    turns: TurnWriter
    client: ChatClient | None
    description: str


def make_client(settings: Settings) -> OpenAICompatibleClient:
    """Only built when the model backend is chosen: the SDK refuses to start without a key."""
    return OpenAICompatibleClient(
        model=settings.model,
        base_url=settings.base_url,
        api_key=settings.api_key,
        timeout=settings.timeout_seconds,
        max_retries=settings.max_retries,
        temperature=settings.temperature,
        prices=settings.prices,
    )


def make_backend(settings: Settings, bank: Bank, name: BackendName | None = None) -> Backend:
    offline = OfflineGrader(bank.mistakes, settings.hint_penalty)
    chosen = name or settings.active_backend
    if chosen == "offline":
        return Backend(
            "offline", offline, OfflineTurns(), None, "offline: rubric cues and the bank's wording, no model"
        )
    client = make_client(settings)
    budget = settings.prompt_budget_tokens
    return Backend(
        "openai",
        LLMGrader(client, offline, budget_tokens=budget),
        LLMTurns(client, budget_tokens=budget),
        client,
        f"model {settings.model} at {client.base_url}",
    )
