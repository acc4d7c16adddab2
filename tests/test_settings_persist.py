"""Settings survive a refresh (issue 14): per signed-in user, or for the one user of an app its operator says is
theirs alone (INTERVIEWER_KEEP_SETTINGS); never the key, and never shared between the visitors of a server that has
no sign-in. (A first version guessed "the local user" from the client's address: a red team showed Streamlit hides
loopback addresses, so it never worked locally, and behind a proxy on the same host every visitor shared it.)"""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from tests.test_app import APP, app_env, click  # noqa: F401  (app_env is an autouse fixture)
from tests.test_sign_in import AUTH

CANARY = "sk-canary-0123456789abcdef"


def settings_page(user: str | None = None) -> AppTest:
    app = AppTest.from_file(APP, default_timeout=60)
    if user is not None:
        app.secrets.update(AUTH)
        app.user = {"is_logged_in": True, "email": user}
    app.run()
    app.switch_page("app_pages/settings.py").run()
    return app


def choose(app: AppTest) -> AppTest:
    app.radio[0].set_value("openai")
    app.text_input[0].input("my-local-model")
    app.text_input[1].input("http://127.0.0.1:9/v1")
    app.text_input[2].input(CANARY)
    return click(app, "Save")


def shown(app: AppTest) -> tuple[str, str]:
    return app.text_input[0].value, app.text_input[1].value


def no_canary_on_disk(directory: Path) -> bool:
    return all(CANARY.encode() not in path.read_bytes() for path in directory.rglob("*") if path.is_file())


def test_the_only_user_finds_their_settings_after_a_refresh(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("INTERVIEWER_KEEP_SETTINGS", "1")
    choose(settings_page())
    again = settings_page()  # a new browser session: a refresh
    assert not again.exception
    assert shown(again) == ("my-local-model", "http://127.0.0.1:9/v1")
    assert again.text_input[2].placeholder == "not set", "the key is not kept"
    assert no_canary_on_disk(tmp_path)


def test_a_visitor_of_a_shared_server_without_sign_in_changes_nobody_elses_settings(tmp_path: Path) -> None:
    choose(settings_page())  # not from this machine, not signed in
    other = settings_page()
    assert shown(other) != ("my-local-model", "http://127.0.0.1:9/v1")
    assert no_canary_on_disk(tmp_path)


def test_each_signed_in_user_keeps_their_own(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("INTERVIEWER_LOCK_SETTINGS", "0")  # sign-in locks the settings unless the operator says not
    choose(settings_page("ana@example.com"))
    assert shown(settings_page("ana@example.com")) == ("my-local-model", "http://127.0.0.1:9/v1")
    assert shown(settings_page("ben@example.com")) != ("my-local-model", "http://127.0.0.1:9/v1")
    assert no_canary_on_disk(tmp_path)


def test_visitors_that_all_come_from_this_machine_still_share_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Behind a proxy on the same host every visitor's address is the machine's own: no address makes them one."""
    import streamlit as st

    monkeypatch.setattr(type(st.context), "ip_address", property(lambda self: "::ffff:127.0.0.1"))
    choose(settings_page())
    assert shown(settings_page()) != ("my-local-model", "http://127.0.0.1:9/v1")
