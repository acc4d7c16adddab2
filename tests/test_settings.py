from __future__ import annotations

from pathlib import Path

import pytest

from interviewer.settings import Settings


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("OPENAI_API_KEY", "INTERVIEWER_API_KEY", "INTERVIEWER_BACKEND", "DATABASE_URL", "OPENAI_BASE_URL"):
        monkeypatch.delenv(name, raising=False)


def test_offline_is_the_default_without_a_key() -> None:
    assert Settings(_env_file=None).active_backend == "offline"


def test_a_key_selects_the_openai_backend(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test-secret")
    settings = Settings(_env_file=None)
    assert settings.active_backend == "openai"
    assert "sk-test-secret" not in repr(settings)
    assert "sk-test-secret" not in str(settings.model_dump())


def test_explicit_backend_wins(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test-secret")
    monkeypatch.setenv("INTERVIEWER_BACKEND", "offline")
    assert Settings(_env_file=None).active_backend == "offline"


def test_env_file_is_read(tmp_path: Path) -> None:
    env = tmp_path / ".env"
    env.write_text("INTERVIEWER_MAX_FOLLOW_UPS=3\nDATABASE_URL=postgresql+psycopg://u@localhost/db\n")
    settings = Settings(_env_file=env)
    assert settings.max_follow_ups == 3
    assert settings.resolved_database_url == "postgresql+psycopg://u@localhost/db"


def test_sqlite_under_the_data_dir_by_default(tmp_path: Path) -> None:
    settings = Settings(_env_file=None, data_dir=tmp_path)
    assert settings.resolved_database_url == f"sqlite:///{tmp_path.resolve() / 'interviews.db'}"


def test_bad_values_are_rejected() -> None:
    with pytest.raises(ValueError, match="max_follow_ups"):
        Settings(_env_file=None, max_follow_ups=9)


def test_fields_can_be_set_by_name_in_code() -> None:
    settings = Settings(_env_file=None, base_url="http://localhost:11434/v1", api_key="k", backend="openai")
    assert settings.base_url == "http://localhost:11434/v1"
    assert settings.api_key.get_secret_value() == "k"
