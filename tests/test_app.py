from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

APP = str(Path(__file__).parent.parent / "app.py")


def test_placeholder_page_grades_an_answer() -> None:
    app = AppTest.from_file(APP, default_timeout=30).run()
    assert not app.exception
    assert "offline" in app.caption[0].value
    app.text_area[0].input("Lists are mutable and tuples are immutable, so tuples can be dictionary keys.")
    app.button[0].click().run()
    assert not app.exception
    assert app.metric[0].label == "Score"
    assert "covered" in app.code[0].value


def test_placeholder_page_explains_a_misconfigured_model(monkeypatch) -> None:
    monkeypatch.setenv("INTERVIEWER_BACKEND", "openai")
    for name in ("OPENAI_API_KEY", "INTERVIEWER_API_KEY", "INTERVIEWER_BASE_URL", "OPENAI_BASE_URL"):
        monkeypatch.delenv(name, raising=False)
    app = AppTest.from_file(APP, default_timeout=30).run()
    assert not app.exception
    assert "needs an API key" in app.error[0].value
