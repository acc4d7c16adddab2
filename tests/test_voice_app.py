"""Answering out loud in the app (AppTest): record, see the transcript, correct it, send; a failing or missing
transcription server is a message and the recording is kept to try again."""

from __future__ import annotations

import base64
import json
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from interviewer.llm.fake_server import FakeOpenAIServer
from interviewer.store import TranscriptStore
from interviewer.voice.fake_audio import FakeAudio, Heard, Refused, timed_words
from tests.conftest import FakeClock
from tests.spoken_audio import needs_speech, seconds_of, speech_wav
from tests.test_app import chat, new_app, start_mock
from ui.recorder import parse
from ui.voice import VOICE_SHOWN

SAID = "Lists are mutable so um you can append to them while tuples are immutable and so they are hashable"
MEANT = "Lists are mutable, so you can append to them, while tuples are immutable, and so they are hashable."


@pytest.fixture(autouse=True)
def app_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("INTERVIEWER_DATA_DIR", str(tmp_path))
    for name in ("OPENAI_API_KEY", "INTERVIEWER_API_KEY", "INTERVIEWER_BACKEND", "INTERVIEWER_BASE_URL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.delenv("INTERVIEWER_TRANSCRIPTION_BASE_URL", raising=False)
    monkeypatch.setenv("INTERVIEWER_MAX_FOLLOW_UPS", "0")  # one answer ends a one-question interview
    return tmp_path


@pytest.fixture
def audio_server(monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[FakeOpenAIServer, FakeAudio]]:
    fake = FakeAudio()
    with FakeOpenAIServer(routes=fake.routes) as server:
        monkeypatch.setenv("INTERVIEWER_TRANSCRIPTION_BASE_URL", server.base_url)
        monkeypatch.setenv("INTERVIEWER_MAX_RETRIES", "0")
        yield server, fake


def record(app: AppTest, audio: bytes, mime: str = "audio/wav") -> AppTest:
    """A take arriving from the recorder, as ``ui.recorder.recorder`` keeps it for the voice panel on screen (the
    component's own path from the browser is tested in tests/test_browser_voice.py)."""
    assert app.get("bidi_component"), "the recorder is on the page"
    [panel] = app.session_state[VOICE_SHOWN].values()
    app.session_state[f"{panel}-audio-recording"] = parse(
        {"id": uuid.uuid4().hex, "mime": mime, "seconds": seconds_of(audio), "audio": base64.b64encode(audio).decode()}
    )
    return app.run()


def send(app: AppTest, text: str) -> AppTest:
    [box] = [t for t in app.text_area if t.label.startswith("What was heard")]
    box.set_value(text)
    [button] = [b for b in app.button if b.label == "Send this answer"]
    button.click()
    return app.run()


@needs_speech
def test_a_spoken_answer_is_transcribed_corrected_sent_graded_and_its_delivery_reported(
    audio_server: tuple[FakeOpenAIServer, FakeAudio], app_env: Path
) -> None:
    server, fake = audio_server
    audio = speech_wav(SAID)
    fake.script(Heard(SAID, timed_words(SAID, words_per_second=2.4), duration=seconds_of(audio)))
    app = start_mock(new_app(), count=1)
    app = record(app, audio)
    assert not app.exception
    [box] = [t for t in app.text_area if t.label.startswith("What was heard")]
    assert box.value == SAID, "the transcript is shown to correct before anything is sent"
    assert not [text for role, text in chat(app) if role == "user"], "nothing is sent before the candidate says so"
    app = send(app, MEANT)
    assert not app.exception
    assert any(MEANT in text for role, text in chat(app) if role == "user"), "the corrected text is the answer"
    assert any("Interview complete" in s.value for s in app.success)
    spoken = [c.value for c in app.caption if c.value.startswith("Spoken:")]
    assert spoken and "words a minute" in spoken[0] and "1 filler word(s)" in spoken[0]
    store = TranscriptStore(f"sqlite:///{app_env / 'interviews.db'}")
    [attempt] = store.load(app.query_params["session"]).attempts
    assert attempt.answers == [MEANT] and attempt.deliveries[0].fillers == {"um": 1}
    store.close()
    assert len(server.requests) == 1, "transcribed once, however often the page reran"
    app.switch_page("app_pages/review.py").run()
    assert not app.exception
    assert any(h.value == "Speaking" for h in app.subheader), "delivery over time on the review page"
    assert any(c.value.startswith("Spoken:") for c in app.caption), "and under the answer in the report"


@needs_speech
def test_a_failing_server_is_a_message_and_the_recording_is_kept_to_try_again(
    audio_server: tuple[FakeOpenAIServer, FakeAudio],
) -> None:
    server, fake = audio_server
    audio = speech_wav(SAID)
    fake.script(Refused(503, "the model is loading"), Heard(SAID, timed_words(SAID)))
    app = start_mock(new_app(), count=1)
    app = record(app, audio)
    assert any("503" in e.value and "recording is kept" in e.value for e in app.error), [e.value for e in app.error]
    assert not [t for t in app.text_area if t.label.startswith("What was heard")]
    [toggle] = [t for t in app.toggle if t.label == "Read the interviewer aloud"]
    toggle.set_value(True).run()  # the page reruns for something else: the recording is not sent again
    assert len(server.requests) == 1 and any("recording is kept" in e.value for e in app.error)
    [again] = [b for b in app.button if b.label == "Transcribe again"]
    again.click()
    app = app.run()
    [box] = [t for t in app.text_area if t.label.startswith("What was heard")]
    assert box.value == SAID
    assert [r.raw.count(audio) for r in server.requests] == [1, 1], "the same recording was sent again"


def test_without_a_transcription_server_the_voice_panel_says_what_is_needed() -> None:
    app = start_mock(new_app(), count=1)
    assert not app.get("bidi_component"), "no recorder"
    assert any("INTERVIEWER_TRANSCRIPTION_BASE_URL" in c.value for c in app.caption)
    assert app.chat_input, "typed answers work as always"


@needs_speech
def test_a_drill_can_be_answered_out_loud(audio_server: tuple[FakeOpenAIServer, FakeAudio]) -> None:
    _, fake = audio_server
    fake.script(Heard(SAID, timed_words(SAID)))
    app = new_app()
    app.switch_page("app_pages/drill.py").run()
    [start] = [b for b in app.button if b.label == "Start the next concept"]
    start.click()
    app = record(app.run(), speech_wav(SAID))
    app = send(app, MEANT)
    assert not app.exception
    assert app.metric and app.metric[0].label == "Score"
    assert any(c.value.startswith("Spoken:") for c in app.caption)


def test_the_interviewer_is_read_aloud_by_the_speech_server_when_asked(monkeypatch: pytest.MonkeyPatch) -> None:
    fake = FakeAudio()
    with FakeOpenAIServer(routes=fake.routes) as server:
        monkeypatch.setenv("INTERVIEWER_SPEECH_BASE_URL", server.base_url)
        app = start_mock(new_app(), count=1)
        assert not app.get("audio"), "nothing is read aloud until the candidate asks"
        [toggle] = [t for t in app.toggle if t.label == "Read the interviewer aloud"]
        toggle.set_value(True)
        app = app.run()
        assert not app.exception and len(app.get("audio")) == 1
        question = chat(app)[0][1]
        [request] = [r for r in server.requests if r.path == "/v1/audio/speech"]
        assert request.body["input"] == " ".join(question.replace("`", "").split())
        app.run()
        assert len([r for r in server.requests if r.path == "/v1/audio/speech"]) == 1, "spoken once per turn"


def test_without_a_speech_server_the_browser_reads_aloud() -> None:
    app = start_mock(new_app(), count=2)
    [toggle] = [t for t in app.toggle if t.label == "Read the interviewer aloud"]
    toggle.set_value(True)
    app = app.run()
    assert not app.exception and not app.get("audio")
    [voice] = app.get("component_instance")
    args = json.loads(voice.proto.json_args)
    assert args["autoplay"] is True and args["text"] == " ".join(chat(app)[0][1].replace("`", "").split())
    first_id = args["id"]
    app.chat_input[0].set_value("Lists are mutable; tuples are not.").run()  # the next thing the interviewer says
    [voice] = app.get("component_instance")
    assert json.loads(voice.proto.json_args)["id"] != first_id, "a new turn is a new thing to say"


@needs_speech
def test_a_transcript_waiting_in_a_tab_another_tab_moved_past_is_kept_to_copy(
    audio_server: tuple[FakeOpenAIServer, FakeAudio],
) -> None:
    """Red team: tab two's transcript, waiting to be sent when tab one answered, vanished without a word."""
    _, fake = audio_server
    other = "Tuples cannot change, lists can."
    fake.script(Heard(SAID, timed_words(SAID)), Heard(other, timed_words(other)))
    one = start_mock(new_app(), count=2)
    two = new_app(session=one.query_params["session"])
    one = record(one, speech_wav(SAID))
    two = record(two, speech_wav(other))
    one = send(one, MEANT)  # tab one answers first
    two.run()  # tab two reruns: the session has moved on
    assert any("another tab" in e.value for e in two.error), [e.value for e in two.error]
    assert any(c.value == other for c in two.code), "the waiting transcript is on the page to copy"


@needs_speech
def test_a_transcript_waiting_when_time_runs_out_is_graded_as_the_answer_so_far(
    audio_server: tuple[FakeOpenAIServer, FakeAudio], app_env: Path
) -> None:
    """Red team: a timed question expired while its transcript waited to be sent, and it was marked unanswered."""
    _, fake = audio_server
    fake.script(Heard(SAID, timed_words(SAID)))
    clock = FakeClock()
    app = start_mock(new_app(clock), count=1, minutes=1)
    app = record(app, speech_wav(SAID))
    clock.advance(61)
    app.run()
    assert any("Grading your answer so far" in i.value for i in app.info), [i.value for i in app.info]
    store = TranscriptStore(f"sqlite:///{app_env / 'interviews.db'}")
    [attempt] = store.load(app.query_params["session"]).attempts
    assert attempt.answers == [SAID] and attempt.grade is not None  # graded as an answer (the question is random)
    store.close()


@needs_speech
def test_a_correction_not_yet_sent_when_time_runs_out_is_what_is_graded(
    audio_server: tuple[FakeOpenAIServer, FakeAudio], app_env: Path
) -> None:
    """Red team: the box was a form, so a correction reached the app only with Send: at expiry the uncorrected
    transcript was graded, and the page said another tab had moved on although there was one tab."""
    _, fake = audio_server
    fake.script(Heard("Lists are muteable and topples are immutable", timed_words("Lists are muteable")))
    clock = FakeClock()
    app = start_mock(new_app(clock), count=1, minutes=1)
    app = record(app, speech_wav(SAID))
    [box] = [t for t in app.text_area if t.label.startswith("What was heard")]
    box.set_value(MEANT)
    app = app.run()  # the box loses focus: the correction reaches the app
    clock.advance(61)
    app.run()
    store = TranscriptStore(f"sqlite:///{app_env / 'interviews.db'}")
    [attempt] = store.load(app.query_params["session"]).attempts
    assert attempt.answers == [MEANT]
    store.close()
    assert not [e.value for e in app.error if "another tab" in e.value]


@needs_speech
def test_a_later_take_that_fails_leaves_the_earlier_transcript_and_its_corrections(
    audio_server: tuple[FakeOpenAIServer, FakeAudio],
) -> None:
    """Red team: a second take the server could not transcribe wiped out the first take's corrected transcript."""
    _, fake = audio_server
    fake.script(Heard(SAID, timed_words(SAID)), Refused(500, "the server fell over"))
    app = start_mock(new_app(), count=1)
    app = record(app, speech_wav(SAID))
    [box] = [t for t in app.text_area if t.label.startswith("What was heard")]
    box.set_value(MEANT)
    app = app.run()
    app = record(app, speech_wav("Something else entirely."))
    assert any("fell over" in e.value and "earlier take" in e.value for e in app.error), [e.value for e in app.error]
    [box] = [t for t in app.text_area if t.label.startswith("What was heard")]
    assert box.value == MEANT
    app = send(app, box.value)
    assert any(text == MEANT for _, text in chat(app)), "the earlier take's corrected transcript was sent"
