"""What the answer recorder hands the app is browser input: anything but a recording it could have made is refused
(``ui.recorder.parse``), and a take that is kept is sent to the transcription server in its own format."""

from __future__ import annotations

import base64
import math

import pytest

from interviewer.llm.fake_server import FakeOpenAIServer
from interviewer.voice.fake_audio import FakeAudio, Heard, timed_words
from interviewer.voice.transcription import MAX_RECORDING_BYTES, Transcriber
from ui.recorder import MAX_TAKE_BYTES, Recording, component_key, parse

WEBM = b"\x1a\x45\xdf\xa3" + bytes(range(256)) * 4  # the EBML magic a WebM file opens with, and some bytes


def payload(**changes: object) -> dict[str, object]:
    sent: dict[str, object] = {"id": "6f1c2a9e-3b7d-4c1e-9a55-0b1d2e3f4a5b", "mime": "audio/webm;codecs=opus"}
    sent |= {"seconds": 3.2, "audio": base64.b64encode(WEBM).decode()}
    return sent | changes


def test_a_take_from_the_recorder_is_read_with_its_format_and_length() -> None:
    take = parse(payload())
    assert isinstance(take, Recording)
    assert take.audio == WEBM and take.mime == "audio/webm" and take.seconds == 3.2
    assert take.filename == "answer.webm"
    assert parse(payload(mime="audio/mp4"))
    assert parse(payload(mime="audio/mp4")).filename == "answer.m4a"  # type: ignore[union-attr]


@pytest.mark.parametrize(
    "sent",
    [
        None,
        "a string",
        [payload()],
        {"id": "x"},
        payload(audio=""),  # nothing recorded
        payload(audio="not base64!"),
        payload(audio=base64.b64encode(WEBM).decode() + "\n<script>"),
        payload(audio=12),
        payload(mime="text/html"),
        payload(mime="application/x-sh"),
        payload(mime=""),
        payload(seconds=0),
        payload(seconds=1e-9),  # red team: talk time shown as 0 s
        payload(seconds=-1),
        payload(seconds=math.inf),
        payload(seconds=math.nan),
        payload(seconds="3"),
        payload(seconds=True),
        payload(id=""),
        payload(id="../../etc/passwd"),
        payload(id="x" * 65),
        payload(id="<img src=x onerror=alert(1)>"),
    ],
)
def test_anything_the_recorder_could_not_have_sent_is_refused(sent: object) -> None:
    assert parse(sent) is None


def test_a_take_over_the_recorders_limit_is_refused_before_it_is_decoded() -> None:
    """Red team: the limit the docs gave (the server's 25 MB) could not apply, since Streamlit closes the connection
    on a message from the browser over 25 MB and a take travels in base64; the recorder's own limit is below both."""
    assert MAX_TAKE_BYTES < MAX_RECORDING_BYTES and 4 * MAX_TAKE_BYTES / 3 < 0.95 * 25_000_000
    at_limit = base64.b64encode(b"\0" * MAX_TAKE_BYTES).decode()
    assert parse(payload(audio=at_limit)) is not None
    over = base64.b64encode(b"\0" * (MAX_TAKE_BYTES + 1)).decode()
    assert parse(payload(audio=over)) is None
    assert parse(payload(audio="A" * (10 * MAX_RECORDING_BYTES))) is None


def test_the_take_is_sent_to_the_server_named_and_typed_as_what_it_is() -> None:
    fake = FakeAudio()
    fake.script(Heard("a list is mutable", timed_words("a list is mutable")))
    take = parse(payload())
    assert take is not None
    with FakeOpenAIServer(routes=fake.routes) as server:
        transcriber = Transcriber(server.base_url, "whisper-1", None, timeout=5, max_retries=0)
        assert transcriber.transcribe(take.audio, take.filename, take.mime).text == "a list is mutable"
        [request] = server.requests
    assert b'filename="answer.webm"' in request.raw and b"Content-Type: audio/webm" in request.raw
    assert WEBM in request.raw


def test_a_session_id_with_two_underscores_still_makes_a_recorder_key_streamlit_accepts() -> None:
    """Session ids are URL-safe base64, so about one in two hundred holds "__", which Streamlit refuses in a
    component's key: the voice panel crashed for that session (seen as a flaky AppTest)."""
    from streamlit.components.v2.bidi_component.main import _make_trigger_id

    keys = ["voice-ab__cd-0-0-audio", "voice-_-0-0-audio", "voice-a_x-0-0-audio", "voice-a__-0-0-audio"]
    for key in keys:
        assert "__" not in component_key(key)
        _make_trigger_id(component_key(key), "events")  # raises for a key Streamlit refuses
    assert len({component_key(key) for key in keys}) == len(keys)
