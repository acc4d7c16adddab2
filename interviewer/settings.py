"""Settings from the environment and ``.env`` (every one is documented in ``.env.example``)."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal
from urllib.parse import urlsplit

from pydantic import AliasChoices, Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

from interviewer.models import ExpiryPolicy

Backend = Literal["offline", "openai"]
OPENAI_URL = "https://api.openai.com/v1"  # where the SDK sends requests when no base URL is set
_DEFAULT_PORTS = {"http": 80, "https": 443}


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

    lock_settings: bool | None = Field(
        default=None,
        description="Whether visitors may change the backend, model, server and key in the app: locked, the "
        "settings page only shows them. Unset: locked when sign-in is on.",
    )
    keep_settings: bool = Field(
        default=False,
        description="Whether, with no sign-in, the backend, model and server chosen on the settings page are kept "
        "across visits (never the key). Set it only when the app is yours alone: without sign-in every visitor "
        "would share them. Signed-in users always keep their own.",
    )

    allow_recordings: bool = Field(
        default=True,
        description="Whether users may choose to keep the audio of their spoken answers. Off: no recording is kept "
        "whatever a user chose, and the choice is not offered; recordings kept before stay until deleted.",
    )

    transcription_base_url: str | None = Field(
        default=None,
        description="An OpenAI-compatible transcription server (/v1/audio/transcriptions): OpenAI, or a local Whisper "
        "server such as speaches, faster-whisper-server, LocalAI or vLLM. Unset: answering by voice is off.",
    )
    transcription_model: str = "whisper-1"
    transcription_api_key: SecretStr | None = Field(
        default=None,
        description="The transcription server's key. Unset: the model key, only if both are the same server.",
    )

    speech_base_url: str | None = Field(
        default=None,
        description="An OpenAI-compatible speech server (/v1/audio/speech) for reading the interviewer aloud. "
        "Unset: the browser's own speech synthesis (offline, no key).",
    )
    speech_model: str = "tts-1"
    speech_voice: str = "alloy"
    speech_api_key: SecretStr | None = Field(
        default=None, description="The speech server's key. Unset: the model key, only if both are the same server."
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
    def transcription_key(self) -> SecretStr | None:
        return self._key_for(self.transcription_base_url, self.transcription_api_key)

    @property
    def speech_key(self) -> SecretStr | None:
        return self._key_for(self.speech_base_url, self.speech_api_key)

    def _key_for(self, url: str | None, own: SecretStr | None) -> SecretStr | None:
        """The key to send to an audio server: its own, or the model key when it is the model's own server."""
        if own is not None:
            return own
        if url and same_server(url, self.base_url):
            return self.api_key
        return None

    @property
    def resolved_database_url(self) -> str:
        """``DATABASE_URL`` if set, else a SQLite file in the data directory."""
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.data_dir / 'interviews.db').resolve()}"


def same_server(first: str | None, second: str | None) -> bool:
    """Whether two base URLs name the same server: scheme, host and port (``None`` is OpenAI's), with no user
    part smuggled in ("https://user@api.openai.com" is not OpenAI's server to send a key to)."""
    a, b = urlsplit((first or OPENAI_URL).strip()), urlsplit((second or OPENAI_URL).strip())
    if a.username or a.password or b.username or b.password:
        return (first or OPENAI_URL).strip().rstrip("/") == (second or OPENAI_URL).strip().rstrip("/")
    try:
        ports = (a.port or _DEFAULT_PORTS.get(a.scheme.lower())), (b.port or _DEFAULT_PORTS.get(b.scheme.lower()))
    except ValueError:  # a port that is not a number
        return False
    return (
        a.scheme.lower() == b.scheme.lower()
        and (a.hostname or "") == (b.hostname or "")
        and ports[0] == ports[1]
        and a.path.rstrip("/") == b.path.rstrip("/")
    )


def with_overrides(base: Settings, overrides: Mapping[str, Any]) -> Settings:
    """The operator's settings with a browser session's choices on top. The operator's key belongs to the
    operator's server: a session that points the app at another server without giving a key gets no key."""
    merged = base.model_copy(update=dict(overrides))
    if "api_key" not in overrides and not same_server(base.base_url, merged.base_url):
        merged = merged.model_copy(update={"api_key": None})
    return merged
