"""Keeping the recording of a spoken answer in the app (issue 15), for those who opt in: the choice beside the
recorder and on Settings, the player and "Delete this recording" on the review page, "Delete all my recordings"
on Settings; and the promises around it: off keeps nothing, a stale tab's refused send keeps nothing, and a
recording that cannot be kept never costs the answer."""

from __future__ import annotations

import io
import random
import sqlite3
import wave
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from interviewer import recordings
from interviewer.llm.fake_server import FakeOpenAIServer
from interviewer.store import TranscriptStore
from interviewer.voice.fake_audio import FakeAudio, Heard, timed_words
from tests.test_app import click, new_app, start_mock
from tests.test_voice_app import MEANT, SAID, app_env, audio_server, record, send  # noqa: F401  (app_env, audio_server: fixtures)

KEEP = "Keep my recordings"
OTHER = "Tuples cannot change and lists can, which is why a tuple can be a dictionary key."


def spoken_wav(seed: int, seconds: float = 1.5, rate: int = 16_000) -> bytes:
    """A WAV of noise (every byte value, unlike silence), different for every seed: what the recorder sends."""
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes(random.Random(seed).randbytes(2 * int(seconds * rate)))
    return buffer.getvalue()


def kept(data_dir: Path) -> list[tuple[str, int, int, str, bytes]]:
    """Every recording in the database, read straight from the file."""
    with sqlite3.connect(data_dir / "interviews.db") as db:
        rows = db.execute(
            "SELECT session_id, attempt_index, answer_index, mime, audio FROM recordings "
            "ORDER BY session_id, attempt_index, answer_index"
        )
        return [tuple(row) for row in rows]


def stored(data_dir: Path, session_id: str):  # type: ignore[no-untyped-def]
    store = TranscriptStore(f"sqlite:///{data_dir / 'interviews.db'}")
    try:
        return store.load(session_id)
    finally:
        store.close()


def keep_toggle(app: AppTest):  # type: ignore[no-untyped-def]
    [toggle] = [t for t in app.toggle if t.label == KEEP]
    return toggle


def notes(app: AppTest) -> list[str]:
    return [c.value for c in app.caption]


def speak(app: AppTest, fake: FakeAudio, audio: bytes, said: str = SAID) -> AppTest:
    fake.script(Heard(said, timed_words(said)))
    return record(app, audio)


def settings_page(app: AppTest) -> AppTest:
    app.switch_page("app_pages/settings.py").run()
    assert not app.exception
    return app


def review_page(app: AppTest) -> AppTest:
    app.switch_page("app_pages/review.py").run()
    assert not app.exception
    return app


def warnings(app: AppTest) -> list[str]:
    return [w.value for w in app.warning]


@pytest.fixture
def fake(request: pytest.FixtureRequest) -> FakeAudio:
    """The transcription server's script (``audio_server``, from the voice tests, points the app at it)."""
    server: tuple[FakeOpenAIServer, FakeAudio] = request.getfixturevalue("audio_server")
    return server[1]


def test_by_default_a_spoken_answer_keeps_no_recording(fake: FakeAudio, tmp_path: Path) -> None:
    """The privacy promise: nobody opted in, nothing kept."""
    app = speak(start_mock(new_app(), count=1), fake, spoken_wav(1))
    assert keep_toggle(app).value is False
    assert any("will not be kept" in n for n in notes(app)), notes(app)
    app = send(app, MEANT)
    assert not app.exception
    assert any("Interview complete" in s.value for s in app.success)
    [attempt] = stored(tmp_path, app.query_params["session"]).attempts
    assert attempt.answers == [MEANT] and attempt.grade is not None
    assert kept(tmp_path) == []


def test_opting_in_beside_the_recorder_keeps_it_and_the_review_page_plays_it(fake: FakeAudio, tmp_path: Path) -> None:
    audio = spoken_wav(2)
    app = speak(start_mock(new_app(), count=1), fake, audio)
    keep_toggle(app).set_value(True).run()
    assert any("will be kept" in n for n in notes(app)), notes(app)
    app = send(app, MEANT)
    assert not app.exception
    session_id = app.query_params["session"]
    assert kept(tmp_path) == [(session_id, 0, 0, "audio/wav", audio)], "the very bytes recorded, with their answer"
    assert stored(tmp_path, session_id).attempts[0].grade is not None

    app = review_page(app)
    answers = [m for m in app.chat_message if m.name == "user"]
    assert len(answers) == 1 and len(answers[0].get("audio")) == 1, "a player in the answer's own message"
    assert any(b.label == "Delete this recording" for b in app.button)
    assert any("not the recordings" in n for n in notes(app)), "the exports say they hold no audio"

    app = settings_page(app)
    assert keep_toggle(app).value is True, "the same choice on Settings"
    assert any("1 recording" in n for n in notes(app)), notes(app)


def test_a_recording_is_deleted_from_the_review_page_only_after_confirming(fake: FakeAudio, tmp_path: Path) -> None:
    app = speak(start_mock(new_app(), count=2), fake, spoken_wav(3))
    keep_toggle(app).set_value(True).run()
    app = send(app, MEANT)
    app = send(speak(app, fake, spoken_wav(4), OTHER), OTHER)
    assert [row[1:3] for row in kept(tmp_path)] == [(0, 0), (1, 0)]
    session_id = app.query_params["session"]

    app = review_page(app)
    assert len(app.get("audio")) == 2
    [first, _] = [b for b in app.button if b.label == "Delete this recording"]
    first.click()
    app = app.run()
    assert any("Delete the recording" in w for w in warnings(app)), warnings(app)
    app = click(app, "Keep the recording")
    assert len(kept(tmp_path)) == 2, "nothing is deleted without a yes"
    [first, _] = [b for b in app.button if b.label == "Delete this recording"]
    first.click()
    app = click(app.run(), "Yes, delete the recording")
    assert not app.exception
    assert [row[1:3] for row in kept(tmp_path)] == [(1, 0)], "that one went, the other stayed"
    assert len(app.get("audio")) == 1
    assert stored(tmp_path, session_id).attempts[0].answers == [MEANT], "the answer stays"


def test_all_recordings_are_deleted_from_settings_after_confirming(fake: FakeAudio, tmp_path: Path) -> None:
    one, two = spoken_wav(5), spoken_wav(6, seconds=2.5)
    app = speak(start_mock(new_app(), count=2), fake, one)
    keep_toggle(app).set_value(True).run()
    app = send(app, MEANT)
    app = send(speak(app, fake, two, OTHER), OTHER)
    total = recordings.size_label(len(one) + len(two))

    app = settings_page(app)
    assert any("2 recordings" in n and total in n for n in notes(app)), notes(app)
    app = click(app, "Delete all my recordings")
    assert any("2 recordings" in w and total in w for w in warnings(app)), warnings(app)
    app = click(app, "Keep them")
    assert len(kept(tmp_path)) == 2, "nothing is deleted without a yes"
    app = click(app, "Delete all my recordings")
    app = click(app, "Yes, delete them all")
    assert not app.exception
    assert kept(tmp_path) == []
    assert any("2 recordings" in s.value for s in app.success)
    [button] = [b for b in app.button if b.label == "Delete all my recordings"]
    assert button.disabled, "none left to delete"
    assert keep_toggle(app).value is True, "deleting them does not change the choice"


def test_turning_it_off_keeps_what_was_kept_until_deleted_and_says_so(fake: FakeAudio, tmp_path: Path) -> None:
    app = speak(start_mock(new_app(), count=2), fake, spoken_wav(7))
    keep_toggle(app).set_value(True).run()
    app = send(app, MEANT)
    app = settings_page(app)
    keep_toggle(app).set_value(False).run()
    assert any("stay until you delete them" in n for n in notes(app)), notes(app)
    assert len(kept(tmp_path)) == 1
    app.switch_page("app_pages/mock_interview.py").run()
    app = speak(app, fake, spoken_wav(8), OTHER)
    assert keep_toggle(app).value is False
    assert any("will not be kept" in n for n in notes(app)), notes(app)
    app = send(app, OTHER)
    assert len(kept(tmp_path)) == 1, "the next answer's recording is not kept"


def test_a_recording_that_cannot_be_kept_costs_the_answer_nothing(fake: FakeAudio, tmp_path: Path) -> None:
    """Red team: a full disk while keeping the audio must neither lose the answer nor its grade."""
    app = speak(start_mock(new_app(), count=1), fake, spoken_wav(9))
    keep_toggle(app).set_value(True).run()
    with sqlite3.connect(tmp_path / "interviews.db") as db:
        db.execute(
            "CREATE TRIGGER disk_full BEFORE INSERT ON recordings "
            "BEGIN SELECT RAISE(ABORT, 'database or disk is full'); END"
        )
    app = send(app, MEANT)
    assert not app.exception
    assert any("Interview complete" in s.value for s in app.success), "the answer went through as usual"
    [attempt] = stored(tmp_path, app.query_params["session"]).attempts
    assert attempt.answers == [MEANT] and attempt.grade is not None and attempt.status == "graded"
    assert any("could not be kept" in w and "disk" in w for w in warnings(app)), warnings(app)
    assert kept(tmp_path) == []


def test_a_recording_over_the_bound_is_not_kept_and_the_page_says_why(
    fake: FakeAudio, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    audio = spoken_wav(10)
    monkeypatch.setattr(recordings, "MAX_RECORDING_BYTES", len(audio) - 1)  # 25 MB of audio is slow to make
    app = speak(start_mock(new_app(), count=1), fake, audio)
    keep_toggle(app).set_value(True).run()
    assert any("over the" in n for n in notes(app)), "said before sending"
    app = send(app, MEANT)
    assert not app.exception
    assert stored(tmp_path, app.query_params["session"]).attempts[0].grade is not None
    assert any("25 MB" in w for w in warnings(app)), warnings(app)
    assert kept(tmp_path) == []


def test_a_stale_tabs_refused_send_keeps_nothing(fake: FakeAudio, tmp_path: Path) -> None:
    fake.script(Heard(SAID, timed_words(SAID)), Heard(OTHER, timed_words(OTHER)))
    one = start_mock(new_app(), count=2)
    two = new_app(session=one.query_params["session"])
    one, two = record(one, spoken_wav(11)), record(two, spoken_wav(12))
    keep_toggle(one).set_value(True).run()
    keep_toggle(two).set_value(True).run()
    one = send(one, MEANT)
    two = send(two, OTHER)  # sent from a page showing a question tab one has answered
    assert not two.exception
    assert any("another tab" in e.value for e in two.error), [e.value for e in two.error]
    assert [(row[1:3], row[4]) for row in kept(tmp_path)] == [((0, 0), spoken_wav(11))], "only tab one's"
    state = stored(tmp_path, one.query_params["session"])
    assert state.attempts[0].answers == [MEANT] and not state.attempts[1].answers


def test_the_choice_at_the_moment_of_sending_decides(
    fake: FakeAudio, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Opted in when recording, opted out (in another tab) before sending: nothing is kept."""
    monkeypatch.setenv("INTERVIEWER_KEEP_SETTINGS", "1")  # the app is one user's: the choice is theirs everywhere
    app = speak(start_mock(new_app(), count=1), fake, spoken_wav(13))
    keep_toggle(app).set_value(True).run()
    elsewhere = settings_page(new_app())
    assert keep_toggle(elsewhere).value is True
    keep_toggle(elsewhere).set_value(False).run()
    app = send(app, MEANT)
    assert not app.exception
    assert kept(tmp_path) == []


def test_the_choice_is_remembered_across_visits_for_its_owner_only(
    fake: FakeAudio, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = settings_page(new_app())
    keep_toggle(app).set_value(True).run()
    assert keep_toggle(settings_page(new_app())).value is False, "a shared server: one visitor's choice is theirs"
    monkeypatch.setenv("INTERVIEWER_KEEP_SETTINGS", "1")
    app = settings_page(new_app())
    keep_toggle(app).set_value(True).run()
    again = new_app()  # a new visit
    assert keep_toggle(settings_page(again)).value is True
    again.switch_page("app_pages/mock_interview.py").run()
    again = speak(start_mock(again, count=1), fake, spoken_wav(14))
    assert keep_toggle(again).value is True and any("will be kept" in n for n in notes(again))


def test_a_drill_answered_out_loud_keeps_its_recording_when_asked(fake: FakeAudio, tmp_path: Path) -> None:
    app = new_app()
    app.switch_page("app_pages/drill.py").run()
    app = click(app, "Start the next concept")
    app = speak(app, fake, spoken_wav(15))
    keep_toggle(app).set_value(True).run()
    app = send(app, MEANT)
    assert not app.exception
    assert app.metric and app.metric[0].label == "Score"
    assert [row[4] for row in kept(tmp_path)] == [spoken_wav(15)]


def test_settings_say_when_no_recordings_can_be_made() -> None:
    app = settings_page(new_app())
    assert keep_toggle(app).value is False
    assert any("Answering out loud is off" in n for n in notes(app)), notes(app)
    [button] = [b for b in app.button if b.label == "Delete all my recordings"]
    assert button.disabled


def test_a_take_graded_when_time_runs_out_keeps_its_recording_when_asked(fake: FakeAudio, tmp_path: Path) -> None:
    """A take stopped by the clock (the recorder sends it just before time is up) has its transcript graded at
    expiry; its recording is kept like a sent answer's, for a user who opted in."""
    from tests.conftest import FakeClock

    clock = FakeClock()
    audio = spoken_wav(7)
    app = speak(start_mock(new_app(clock), count=1, minutes=1), fake, audio)
    keep_toggle(app).set_value(True).run()
    clock.advance(61)
    app.run()
    session_id = app.query_params["session"]
    [attempt] = stored(tmp_path, session_id).attempts
    assert attempt.answers == [SAID] and attempt.grade is not None
    assert kept(tmp_path) == [(session_id, 0, 0, "audio/wav", audio)]


def test_an_operator_can_turn_keeping_recordings_off_for_everyone(
    fake: FakeAudio, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """INTERVIEWER_ALLOW_RECORDINGS=0: the choice is not offered, and nothing is kept even for a user who had
    turned it on; what was kept before can still be deleted."""
    monkeypatch.setenv("INTERVIEWER_KEEP_SETTINGS", "1")  # the user's choice is stored, and holds on every visit
    app = speak(start_mock(new_app(), count=1), fake, spoken_wav(11))
    keep_toggle(app).set_value(True).run()  # the user's choice, made while the server allowed it
    app = send(app, MEANT)
    assert len(kept(tmp_path)) == 1

    monkeypatch.setenv("INTERVIEWER_ALLOW_RECORDINGS", "0")
    app = speak(start_mock(new_app(), count=1), fake, spoken_wav(12))
    assert not [t for t in app.toggle if t.label == KEEP], "the choice is not offered"
    assert any("keeps no recordings" in n for n in notes(app)), notes(app)
    app = send(app, MEANT)
    assert not app.exception
    assert len(kept(tmp_path)) == 1, "nothing more was kept"

    app = settings_page(app)
    assert not [t for t in app.toggle if t.label == KEEP]
    assert any("keeps no recordings" in n and "1 recording" in n for n in notes(app)), notes(app)
    assert any(b.label == "Delete all my recordings" and not b.disabled for b in app.button)
