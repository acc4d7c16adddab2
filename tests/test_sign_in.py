"""Optional sign-in: with Streamlit's [auth] settings, each user sees only their own sessions."""

from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

from tests.test_app import APP, WEAK, app_env, chat, start_mock  # noqa: F401  (app_env is an autouse fixture)

AUTH = {"auth": {"redirect_uri": "http://localhost:8501/oauth2callback", "cookie_secret": "test-cookie-secret"}}


def as_user(email: str | None, session: str | None = None, page: str | None = None) -> AppTest:
    app = AppTest.from_file(APP, default_timeout=60)
    app.secrets.update(AUTH)
    app.user = {"is_logged_in": True, "email": email} if email else {"is_logged_in": False}
    if session is not None:
        app.query_params["session"] = session
    app.run()
    if page is not None:
        app.switch_page(page).run()
    return app


def test_signed_out_visitors_see_only_the_sign_in_page() -> None:
    app = as_user(None)
    assert not app.exception
    assert [b.label for b in app.button] == ["Sign in"]
    assert not app.chat_input


def test_two_users_never_see_each_others_sessions() -> None:
    ana = start_mock(as_user("ana@example.com"), count=1)
    ana.chat_input[0].set_value(WEAK).run()
    session_id = ana.query_params["session"]
    assert "Signed in as ana@example.com" in [c.value for c in ana.sidebar.caption]

    ana_review = as_user("ana@example.com", page="app_pages/review.py")
    assert len(ana_review.dataframe) >= 1 and not ana_review.info

    ben_review = as_user("ben@example.com", page="app_pages/review.py")
    assert "No sessions yet" in ben_review.info[0].value

    ben_link = as_user("ben@example.com", session=session_id)
    assert "was not found" in ben_link.warning[0].value
    assert WEAK not in str(chat(ben_link))

    ana_link = as_user("ana@example.com", session=session_id)
    assert ("user", WEAK) in chat(ana_link)


def test_without_auth_settings_there_is_no_sign_in(tmp_path: Path) -> None:
    app = AppTest.from_file(APP, default_timeout=60).run()
    assert not app.exception
    assert not any(b.label == "Sign in" for b in app.button)


def test_session_ids_carry_128_random_bits() -> None:
    import base64

    from interviewer.engine import new_session_id

    ids = {new_session_id() for _ in range(1000)}
    assert len(ids) == 1000
    assert {len(base64.urlsafe_b64decode(i + "==")) for i in ids} == {16}
