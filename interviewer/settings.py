"""Settings from the environment and ``.env`` (every one is documented in ``.env.example``)."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import AliasChoices, Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

from interviewer.models import ExpiryPolicy

Backend = Literal["offline", "openai"]


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="INTERVIEWER_", env_file=".env", env_file_encoding="utf-8", extra="ignore", populate_by_name=True
    )

    backend: Backend | None = Field(
        default=None, description="offline or openai; when unset, openai if an API key is configured, else offline."
    )
    model: str = "gpt-4o-mini"
    base_url: str | None = Field(default=None, validation_alias=AliasChoices("INTERVIEWER_BASE_URL", "OPENAI_BASE_URL"))
    api_key: SecretStr | None = Field(
        default=None, validation_alias=AliasChoices("INTERVIEWER_API_KEY", "OPENAI_API_KEY")
    )
    timeout_seconds: float = Field(default=60.0, gt=0)
    max_retries: int = Field(default=2, ge=0, le=10)
    temperature: float = Field(default=0.0, ge=0, le=2)
    prices: dict[str, tuple[float, float]] = Field(
        default_factory=dict,
        description="Extra or overriding per-model prices in USD per million (input, output) tokens, "
        'laid over the built-in table; INTERVIEWER_PRICES takes JSON, e.g. {"my-model": [0.5, 1.5]}.',
    )

    data_dir: Path = Path("data")
    database_url: str | None = Field(
        default=None, validation_alias=AliasChoices("INTERVIEWER_DATABASE_URL", "DATABASE_URL")
    )
    bank_dir: Path | None = None

    allow_weak_sandbox: bool = Field(
        default=False,
        description="Run candidate code with weaker isolation (unshare or resource limits) where bubblewrap does "
        "not work; off by default, which turns coding rounds off there instead.",
    )

    max_follow_ups: int = Field(default=1, ge=0, le=5)
    per_question_seconds: float | None = Field(default=None, gt=0)
    total_seconds: float | None = Field(default=None, gt=0)
    expiry_policy: ExpiryPolicy = "grade_answer_so_far"
    hint_penalty: float = Field(default=0.5, ge=0, le=5)
    prompt_budget_tokens: int = Field(
        default=1500, ge=500, le=100_000, description="Most tokens one prompt may use; long answers are shortened."
    )

    @property
    def active_backend(self) -> Backend:
        if self.backend is not None:
            return self.backend
        return "openai" if self.api_key and self.api_key.get_secret_value() else "offline"

    @property
    def resolved_database_url(self) -> str:
        """``DATABASE_URL`` if set, else a SQLite file in the data directory."""
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.data_dir / 'interviews.db').resolve()}"
