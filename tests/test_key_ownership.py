"""The operator's API key goes only to the operator's server (issue 13).

Reported: with OPENAI_API_KEY in the server's environment, a visitor sets Base URL to a server of their own,
leaves the key blank, saves and tests the connection: their server receives the operator's key.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import SecretStr
from streamlit.testing.v1 import AppTest

from interviewer.llm.fake_server import FakeOpenAIServer
from interviewer.settings import Settings, same_server, with_overrides

APP = str(Path(__file__).parent.parent / "app.py")
OPERATOR_KEY = "sk-operator-canary-5e1f"


@pytest.fixture(autouse=True)
def operator_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)  # no .env
    monkeypatch.setenv("INTERVIEWER_DATA_DIR", str(tmp_path))
    for name in ("INTERVIEWER_API_KEY", "INTERVIEWER_BACKEND", "INTERVIEWER_BASE_URL", "OPENAI_BASE_URL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.delenv("INTERVIEWER_LOCK_SETTINGS", raising=False)
    monkeypatch.setenv("OPENAI_API_KEY", OPERATOR_KEY)


def key(settings: Settings) -> str | None:
    return settings.api_key.get_secret_value() if settings.api_key else None


@pytest.mark.parametrize(
    ("first", "second", "same"),
    [
        (None, None, True),
        (None, "https://api.openai.com/v1", True),
        ("http://localhost:11434/v1", "http://localhost:11434/v1/", True),
        ("http://LOCALHOST:11434/v1", "http://localhost:11434/v1", True),
        ("http://localhost:11434/v1", "http://localhost:11435/v1", False),
        (None, "http://127.0.0.1:9556/v1", False),
        ("https://api.openai.com/v1", "https://api.openai.com.evil.example/v1", False),
        ("https://api.openai.com/v1", "https://user@api.openai.com/v1", False),
    ],
)
def test_same_server(first: str | None, second: str | None, same: bool) -> None:
    assert same_server(first, second) is same


def test_a_new_server_without_a_key_of_its_own_gets_no_key() -> None:
    operator = Settings()
    moved = with_overrides(operator, {"backend": "openai", "base_url": "http://127.0.0.1:9556/v1"})
    assert key(moved) is None
    own = with_overrides(operator, {"base_url": "http://127.0.0.1:9556/v1", "api_key": SecretStr("sk-visitor")})
    assert key(own) == "sk-visitor"
    same = with_overrides(operator, {"model": "gpt-4o"})
    assert key(same) == OPERATOR_KEY


def _settings_page(server: FakeOpenAIServer, visitor_key: str = "") -> AppTest:
    app = AppTest.from_file(APP, default_timeout=60).run()
    app.switch_page("app_pages/settings.py").run()
    app.radio[0].set_value("openai")
    app.text_input[0].input("fake-model")
    app.text_input[1].input(server.base_url)
    if visitor_key:
        app.text_input[2].input(visitor_key)
    [save] = [b for b in app.button if b.label == "Save"]
    save.click()
    app = app.run()
    [test] = [b for b in app.button if b.label == "Test connection"]
    test.click()
    return app.run()


def test_the_visitors_server_never_receives_the_operators_key() -> None:
    with FakeOpenAIServer(models=["fake-model"], require_api_key=OPERATOR_KEY) as server:
        app = _settings_page(server)
        assert not app.exception
        # the server answers 401 to anything but the operator's key: had the key been sent, it would connect
        assert not [s for s in app.success if "Connected" in s.value], "the visitor's server received the key"
        assert server.requests and app.error, "the connection test ran and failed"


def test_a_visitor_who_brings_a_key_uses_it() -> None:
    with FakeOpenAIServer(models=["fake-model"], require_api_key="sk-visitor-own") as server:
        app = _settings_page(server, visitor_key="sk-visitor-own")
        assert any("Connected" in s.value for s in app.success)


def test_a_locked_settings_page_changes_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("INTERVIEWER_LOCK_SETTINGS", "1")
    app = AppTest.from_file(APP, default_timeout=60).run()
    app.switch_page("app_pages/settings.py").run()
    assert not app.exception
    assert not [b for b in app.button if b.label == "Save"], "a locked page offers no way to change the server"
    assert any("locked" in i.value.lower() for i in app.info)


def test_settings_are_locked_by_default_when_sign_in_is_on(monkeypatch: pytest.MonkeyPatch) -> None:
    from ui import context

    monkeypatch.setattr(context, "sign_in_required", lambda: True)
    assert context.settings_locked() is True
    monkeypatch.setenv("INTERVIEWER_LOCK_SETTINGS", "0")
    assert context.settings_locked() is False
