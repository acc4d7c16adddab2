"""AppTest tests for every page of the Streamlit app."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from interviewer.bank import load_bank
from interviewer.engine import Interviewer
from interviewer.formatting import unescaped_markdown
from interviewer.grading.offline import OfflineGrader
from interviewer.llm.fake_server import FakeOpenAIServer
from interviewer.models import SessionConfig
from interviewer.store import TranscriptStore
from tests.conftest import FakeClock, needs_sandbox

APP = str(Path(__file__).parent.parent / "app.py")
WEAK = "Lists can change after you make them but tuples cannot change once they are created."
BETTER = (
    "Lists are mutable, so you can append items, while tuples are immutable. Because tuples are immutable they are "
    "hashable and can be dictionary keys, for example a (lat, lon) cache key. Tuples also use less memory."
)


@pytest.fixture(autouse=True)
def app_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("INTERVIEWER_DATA_DIR", str(tmp_path))
    for name in (
        "OPENAI_API_KEY",
        "INTERVIEWER_API_KEY",
        "INTERVIEWER_BACKEND",
        "INTERVIEWER_BASE_URL",
        "OPENAI_BASE_URL",
        "DATABASE_URL",
        "INTERVIEWER_DATABASE_URL",
    ):
        monkeypatch.delenv(name, raising=False)
    return tmp_path


def new_app(clock: FakeClock | None = None, session: str | None = None) -> AppTest:
    app = AppTest.from_file(APP, default_timeout=60)
    if clock is not None:
        app.session_state["clock"] = clock
    if session is not None:
        app.query_params["session"] = session
    return app.run()


def start_mock(app: AppTest, *, count: int = 2, minutes: int = 0, topics: list[str] | None = None) -> AppTest:
    app.radio[0].set_value("Topics").run()  # the topics box is enabled once topics are chosen
    app.multiselect[0].set_value(topics or ["data_structures"])
    app.slider[0].set_value(count)
    app.number_input[0].set_value(minutes)
    app.button[0].click()  # the form's submit button
    return app.run()


def chat(app: AppTest) -> list[tuple[str, str]]:
    """Each message as a reader sees it (a candidate's text is escaped so that it shows exactly as typed)."""
    return [(m.name, " ".join(unescaped_markdown(md.value) for md in m.markdown)) for m in app.chat_message]


def click(app: AppTest, label: str) -> AppTest:
    [button] = [b for b in app.button if b.label == label]
    button.click()
    return app.run()


def test_a_short_mock_interview_with_follow_up_hint_and_report() -> None:
    app = new_app()
    assert not app.exception
    assert "offline" in app.sidebar.caption[0].value
    app = start_mock(app)
    assert not app.exception
    session_id = app.query_params["session"]
    assert len(session_id) >= 22 and chat(app)[0][0] == "assistant"

    app = click(app, "Hint (-0.5)")
    assert any(role == "assistant" for role, _ in chat(app)[1:])
    app.chat_input[0].set_value(WEAK).run()
    turns = chat(app)
    assert ("user", WEAK) in turns
    follow_up = turns[-1][1]
    assert turns[-1][0] == "assistant" and follow_up.endswith("?")  # a follow-up on a missing point

    app.chat_input[0].set_value("I am not sure, maybe it depends on the situation and the data involved.").run()
    app.chat_input[0].set_value(BETTER).run()
    while app.chat_input and not any("Interview complete" in s.value for s in app.success):
        app = click(app, "Skip")
    assert not app.exception
    assert any("Interview complete" in s.value for s in app.success)
    assert app.metric[0].label == "Overall"
    assert [m.label for m in app.metric[1:5]] == ["Structure", "Concrete example", "Trade-offs", "Concision"]
    assert any(e.label.startswith("1. ") for e in app.expander)
    assert "hint(s)" in " ".join(c.value for c in app.caption)


def test_clarifying_question_on_a_scenario() -> None:
    app = start_mock(new_app(), count=1, topics=["scenarios"])
    bank = load_bank()
    [question] = [q for q in bank.questions.values() if q.prompt.split()[:8] == chat(app)[0][1].split()[:8]]
    clarification = question.clarifications[0]
    asked = f"Could you tell me about the {clarification.triggers[0]}?"
    app.text_input[0].input(asked)
    [ask] = [b for b in app.button if b.label == "Ask"]
    ask.click()
    app = app.run()
    assert not app.exception
    _question, request, reply = chat(app)
    assert request == ("user", asked)
    assert reply[0] == "assistant" and " ".join(reply[1].split()) == " ".join(clarification.answer.split())


def test_timer_expiry_uses_the_engine_rules() -> None:
    clock = FakeClock()
    app = start_mock(new_app(clock=clock), count=2, minutes=1)
    first_question = chat(app)[0][1]
    clock.advance(61)
    app = app.run()
    assert not app.exception
    assert any("Time is up" in i.value for i in app.info)
    assert chat(app)[-1][1] != first_question  # the next question was asked


def test_the_page_shows_where_the_interview_stands_and_warns_before_time_runs_out() -> None:
    """At the top of the page, not only in the sidebar (which a phone folds away)."""
    clock = FakeClock()
    app = start_mock(new_app(clock=clock), count=2, minutes=2)
    assert any(m.value.startswith("**Question 1 of 2") and "this question 02:00" in m.value for m in app.markdown)
    assert not app.warning
    clock.advance(70)
    app = app.run()
    assert any("Under a minute left for this question" in w.value for w in app.warning)
    clock.advance(45)
    app = app.run()
    assert any("seconds left for this question" in e.value for e in app.error)
    untimed = start_mock(new_app(), count=3)
    assert any(c.value == "Question 1 of 3" for c in untimed.caption)


def test_a_refresh_resumes_the_interview(app_env: Path) -> None:
    app = start_mock(new_app(), count=2)
    app.chat_input[0].set_value(WEAK).run()
    session_id = app.query_params["session"]
    before = chat(app)

    refreshed = new_app(session=session_id)  # a new browser session with the same URL
    assert not refreshed.exception
    assert chat(refreshed) == before
    refreshed.chat_input[0].set_value(BETTER).run()
    assert ("user", BETTER) in chat(refreshed)


def test_an_unknown_session_link_starts_fresh() -> None:
    app = new_app(session="no-such-session")
    assert not app.exception
    assert "was not found" in app.warning[0].value


def test_an_empty_answer_is_refused_with_a_message() -> None:
    app = start_mock(new_app(), count=1)
    app.chat_input[0].set_value("   ").run()
    assert not app.exception
    assert "empty" in app.error[0].value


def test_an_over_long_answer_is_refused_and_the_text_is_kept_to_send_again(app_env: Path) -> None:
    """The engine says "your text has not been discarded": the page must keep that promise, in both pages."""
    from interviewer.engine import MAX_ANSWER_CHARS

    too_long = "Tuples are immutable. " * (MAX_ANSWER_CHARS // 22 + 1)
    app = start_mock(new_app(), count=1)
    asked = len(chat(app))
    app.chat_input[0].set_value(too_long).run()
    assert not app.exception
    assert any("the limit is" in e.value for e in app.error), [e.value for e in app.error]
    assert any(c.value == too_long for c in app.code), "the refused answer is on the page to shorten and resend"
    assert len(chat(app)) == asked
    drill = new_app()
    drill.switch_page("app_pages/drill.py").run()
    drill = click(drill, "Start the next concept")
    drill.chat_input[0].set_value(too_long).run()
    assert any("the limit is" in e.value for e in drill.error), [e.value for e in drill.error]
    assert any(c.value == too_long for c in drill.code)


def test_a_drill_with_retry(app_env: Path) -> None:
    app = new_app()
    app.switch_page("app_pages/drill.py").run()
    assert not app.exception
    app = click(app, "Start the next concept")
    app.chat_input[0].set_value(WEAK).run()
    assert not app.exception
    assert not any("another tab" in i.value for i in app.info), "its own answer is not another tab's"
    first = float(app.metric[0].value.split(" / ")[0])
    app = click(app, "Try again")
    assert app.chat_input
    app.chat_input[0].set_value(WEAK + " " + WEAK).run()
    assert app.metric[0].label == "Score"
    store = TranscriptStore(f"sqlite:///{app_env / 'interviews.db'}")
    [card] = store.drill_cards(None)
    assert card.reviews == 2 and first <= 5
    store.close()
    app = click(app, "Next concept")
    assert any(b.label == "Start the next concept" for b in app.button)


def stored_session(app_env: Path) -> str:
    bank = load_bank()
    store = TranscriptStore(f"sqlite:///{app_env / 'interviews.db'}")
    interviewer = Interviewer.start(
        SessionConfig(question_ids=["lists-vs-tuples", "gil"], question_count=2, max_follow_ups=0),
        bank,
        OfflineGrader(bank.mistakes),
        sink=store,
    )
    interviewer.answer(BETTER)
    interviewer.answer("The GIL lets one thread run bytecode at a time, so threads do not help CPU-bound work.")
    store.close()
    return interviewer.state.id


def test_review_shows_a_stored_session_and_both_exports(app_env: Path) -> None:
    session_id = stored_session(app_env)
    app = new_app()
    app.switch_page("app_pages/review.py").run()
    assert not app.exception
    assert len(app.dataframe) >= 1
    assert session_id in app.selectbox[0].options[0] or app.selectbox[0].value == session_id
    labels = [d.label for d in app.get("download_button")]
    assert labels == ["Export Markdown", "Export JSON"]
    assert app.metric[0].label == "Overall"
    assert any(h.value == "Progress" for h in app.header)
    assert any(s.value == "Weakest rubric points" for s in app.subheader)


def test_review_deletes_a_session_only_after_confirming(app_env: Path) -> None:
    kept, doomed = stored_session(app_env), stored_session(app_env)
    app = new_app()
    app.switch_page("app_pages/review.py").run()
    app.selectbox[0].set_value(doomed).run()
    app = click(app, "Delete")
    assert any("removed for good" in w.value for w in app.warning)
    app = click(app, "Keep it")
    store = TranscriptStore(f"sqlite:///{app_env / 'interviews.db'}")
    assert {s.id for s in store.list_sessions()} == {kept, doomed}, "nothing is deleted without a yes"
    app.selectbox[0].set_value(doomed).run()
    app = click(app, "Delete")
    app = click(app, "Yes, delete it")
    assert not app.exception
    assert any("Deleted" in m.value for m in app.success)
    assert [s.id for s in store.list_sessions()] == [kept]
    assert store.answers(doomed) == [] and store.answers(kept), "its answers went with it, the other's stayed"
    store.close()


def test_the_progress_chart_shows_a_single_day_as_points_with_readable_topics(app_env: Path) -> None:
    stored_session(app_env)
    app = new_app()
    app.switch_page("app_pages/review.py").run()
    [chart] = [*app.get("vega_lite_chart"), *app.get("arrow_vega_lite_chart")]
    spec = chart.proto.spec
    assert '"point"' in spec, "a line of one day draws nothing without its points"
    topics = {row for row in app.dataframe[0].value["topics"]}
    assert all("_" not in t for t in topics), topics


def test_a_mock_answer_moves_the_concept_in_the_drill_schedule(app_env: Path) -> None:
    """Reported: a question scored 0 in a mock was listed as "new" in the drills."""
    clock = FakeClock()
    app = start_mock(new_app(clock), count=1)
    question = chat(app)[-1][1]
    for _ in range(3):  # the answer and the follow-ups it gets
        if app.chat_input:
            app.chat_input[0].set_value("I am not sure, something about memory maybe.").run()
    store = TranscriptStore(f"sqlite:///{app_env / 'interviews.db'}")
    [card] = store.drill_cards()
    store.close()
    assert card.reviews == 1 and card.memory, "the mock's grade is a review of that concept"
    clock.advance(15 * 60)  # FSRS brings a concept that was not recalled back within minutes
    drill = new_app(clock)
    drill.switch_page("app_pages/drill.py").run()
    listed = [m.value for m in drill.markdown if m.value.startswith("- ")]
    assert listed and "last" in listed[0] and "(new)" not in listed[0], listed
    assert listed[0][2:40] in question, "the weak concept from the mock comes first"


def test_ending_an_interview_asks_first(app_env: Path) -> None:
    app = start_mock(new_app(), count=2)
    asked = len(chat(app))
    app = click(app, "End interview")
    assert any("End the interview now?" in w.value for w in app.warning)
    app = click(app, "Keep going")
    assert len(chat(app)) == asked and app.chat_input, "the interview goes on"
    app = click(app, "End interview")
    app = click(app, "Yes, end it")
    assert not app.exception
    assert any(m.label == "Overall" for m in app.metric), "the report"


def test_setup_enables_only_the_box_the_choice_uses() -> None:
    """Reported: Topics stayed active while "Plan day" was chosen, and was silently ignored."""
    app = new_app()
    topics = next(m for m in app.multiselect if m.label == "Topics")
    day = next(s for s in app.selectbox if s.label == "Plan day")
    assert topics.disabled and not day.disabled
    app.radio[0].set_value("Topics").run()
    topics = next(m for m in app.multiselect if m.label == "Topics")
    day = next(s for s in app.selectbox if s.label == "Plan day")
    assert not topics.disabled and day.disabled


def test_review_with_no_sessions() -> None:
    app = new_app()
    app.switch_page("app_pages/review.py").run()
    assert "No sessions yet" in app.info[0].value


def test_settings_offline_and_connection_test() -> None:
    app = new_app()
    app.switch_page("app_pages/settings.py").run()
    assert not app.exception
    assert any("**Active backend:** offline" in m.value for m in app.markdown)
    app = click(app, "Test connection")
    assert "needs no connection" in app.success[0].value


def test_settings_with_the_fake_openai_server() -> None:
    with FakeOpenAIServer(models=["fake-model"]) as server:
        app = new_app()
        app.switch_page("app_pages/settings.py").run()
        app.radio[0].set_value("openai")
        app.text_input[0].input("fake-model")
        app.text_input[1].input(server.base_url)
        app.text_input[2].input("sk-browser-only-key")
        [save] = [b for b in app.button if b.label == "Save"]
        save.click()
        app = app.run()
        assert not app.exception
        assert any("model fake-model" in m.value for m in app.markdown)
        app = click(app, "Test connection")
        assert "Connected to" in app.success[0].value
        assert "sk-browser-only-key" not in str([e.value for e in app.markdown] + [c.value for c in app.caption])
        assert server.requests[-1].headers["authorization"] == "Bearer ***"


def test_a_misconfigured_model_keeps_the_app_working(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("INTERVIEWER_BACKEND", "openai")
    app = new_app()
    assert not app.exception
    assert "needs an API key" in app.sidebar.warning[0].value
    app = start_mock(app, count=1)
    assert not app.exception and chat(app)


def test_dunder_names_stay_literal_in_markdown() -> None:
    from ui.views import md

    assert md("equality through __eq__ and `__hash__`") == "equality through \\_\\_eq\\_\\_ and `__hash__`"


def editor_key(app: AppTest) -> str:
    """The key of the code editor on the page (a custom component: AppTest reaches it through session state)."""
    [key] = [k[: -len("-saved")] for k in app.session_state if k.startswith("code-") and k.endswith("-saved")]
    return key


def type_code(app: AppTest, code: str) -> AppTest:
    """What the editor sends when typing pauses: the component's value, as its frontend sets it."""
    value = {"id": f"edit{len(code)}", "type": "change", "lang": "python", "text": code, "selected": "", "cursor": ""}
    app.session_state[editor_key(app)] = value
    return app.run()


def editor_opening(app: AppTest) -> str:
    """What a freshly loaded editor shows: the code saved for the question (the starter when none)."""
    return app.session_state[editor_key(app) + "-saved"]


@needs_sandbox
def test_a_coding_round_in_the_browser_page() -> None:
    question = load_bank().get("code-merge-intervals")
    app = start_mock(new_app(), count=1, topics=["coding"])
    assert not app.exception
    [prompt] = [q for q in load_bank().questions.values() if q.prompt == chat(app)[0][1]]
    task = prompt.coding
    assert editor_opening(app).startswith(task.signature)
    assert not app.text_area  # the code editor, not a plain text box
    app = type_code(app, task.reference_solution)
    app = click(app, "Run examples")
    assert not app.exception
    assert any(f"{len(task.examples)} of {len(task.examples)} passed" in s.value for s in app.success)
    assert any("bubblewrap sandbox" in c.value for c in app.caption)  # which isolation ran, every time
    app = type_code(app, task.reference_solution + "\n")  # a save arriving after the run (the editor's debounce)
    assert any(f"{len(task.examples)} of {len(task.examples)} passed" in s.value for s in app.success)
    app = click(app, "Submit code")
    assert "hidden tests passed" in chat(app)[-1][1]
    app.chat_input[0].set_value(
        "It sorts once, so O(n log n) time and O(n) space; I assumed the input fits in memory."
    ).run()
    assert not app.exception
    assert any("Interview complete" in s.value for s in app.success)
    assert any(c.language == "python" for c in app.code)  # the submitted code is in the report
    assert question.coding.function


@needs_sandbox
def test_the_code_in_the_editor_survives_a_reload_and_is_graded_when_time_runs_out(app_env: Path) -> None:
    """Issue 14: code typed but never run is saved as it is typed: a new tab (a refresh) opens the editor with it,
    and when the question's time runs out under the default policy, it meets the hidden tests."""
    clock = FakeClock()
    app = start_mock(new_app(clock), count=1, minutes=5, topics=["coding"])
    [prompt] = [q for q in load_bank().questions.values() if q.prompt == chat(app)[0][1]]
    untouched = editor_opening(app)
    app = new_app(clock, session=app.query_params["session"])
    assert editor_opening(app) == untouched  # the template is not saved as if it were an answer
    app = type_code(app, prompt.coding.reference_solution)
    assert not app.exception and not app.error

    again = new_app(clock, session=app.query_params["session"])
    assert editor_opening(again) == prompt.coding.reference_solution
    clock.advance(301)
    again.run()
    assert any("Grading the code in your editor" in i.value for i in again.info)
    assert any(m.value.startswith(":green[covered] **The code passes the hidden tests") for m in again.markdown)


def test_without_a_sandbox_the_setup_says_so_and_offers_no_code(monkeypatch: pytest.MonkeyPatch) -> None:
    from interviewer import sandbox

    monkeypatch.setattr(sandbox, "isolation_works", lambda isolation: False)
    monkeypatch.setattr(sandbox, "ALLOW_WEAK", False)
    app = new_app()
    assert any("apt-get install bubblewrap" in w.value for w in app.warning)
    [toggle] = [t for t in app.toggle if "coding rounds" in t.label]
    assert toggle.disabled
    app = start_mock(app, count=1, topics=["coding"])
    assert any("Coding rounds are off" in e.value for e in app.error)
    assert not app.chat_message  # no interview started
