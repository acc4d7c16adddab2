"""A whole mock interview answered out loud, in a real browser: Chromium's fake microphone plays speech made by
espeak-ng, the app sends the recording to the fake transcription server, the transcript appears to correct, and
the answer is graded with its delivery in the report."""

from __future__ import annotations

import base64
import time
from datetime import timedelta
from pathlib import Path

import pytest

from interviewer.llm.fake_server import FakeOpenAIServer
from interviewer.store import TranscriptStore
from interviewer.voice.fake_audio import FakeAudio, Heard, timed_words
from tests.spoken_audio import needs_speech, seconds_of, speech_wav
from tests.test_browser import ARTIFACTS, CHROMIUM, CHROMIUM_ARGS, playwright_api, running_app, start_interview

pytestmark = [
    needs_speech,
    pytest.mark.skipif(not CHROMIUM.exists(), reason=f"no chromium at {CHROMIUM}"),
]

SAID = "Lists are mutable so um you can append to them while tuples are immutable and so they are hashable"
MEANT = "Lists are mutable, so you can append to them, while tuples are immutable, and so they are hashable."


# the browser decodes the file the server was sent: its length in seconds and its loudness (root mean square)
DECODE = """async (encoded) => {
  const bytes = Uint8Array.from(atob(encoded), (c) => c.charCodeAt(0));
  const audio = await new AudioContext().decodeAudioData(bytes.buffer);
  const samples = audio.getChannelData(0);
  let sum = 0;
  for (const sample of samples) sum += sample * sample;
  return [audio.duration, Math.sqrt(sum / samples.length)];
}"""


# every microphone stream the page is given, to see that none is left running
COUNT_MICROPHONES = """(() => {
  const open = navigator.mediaDevices.getUserMedia.bind(navigator.mediaDevices);
  window.__microphones = [];
  navigator.mediaDevices.getUserMedia = async (constraints) => {
    const stream = await open(constraints);
    window.__microphones.push(stream);
    return stream;
  };
})()"""


def uploaded_file(raw: bytes) -> bytes:
    """The bytes of the file part of a multipart request."""
    part = raw[raw.index(b'name="file"') :]
    body = part[part.index(b"\r\n\r\n") + 4 :]
    return body[: body.index(b"\r\n--")]


def microphone_args(wav: Path) -> list[str]:
    """Chromium's fake microphone, playing ``wav`` on a loop, with the permission prompt answered yes."""
    return [
        "--use-fake-device-for-media-stream",
        "--use-fake-ui-for-media-stream",
        f"--use-file-for-fake-audio-capture={wav}",
    ]


def record_and_stop(page, seconds: float) -> tuple[float, float]:  # type: ignore[no-untyped-def]
    """Press record, speak for ``seconds`` once the recorder says it is recording (the fake microphone speaks),
    press stop. The shortest and longest the take can be by the test's clock: from the moment the page showed the
    recorder running to the moment before and after the stop click (a loaded machine is slow at both ends)."""
    page.get_by_role("button", name="Record", exact=True).click()
    stop = page.get_by_role("button", name="Stop recording")
    stop.wait_for()
    running = time.monotonic()
    time.sleep(seconds)
    pressed = time.monotonic()
    stop.click()
    return pressed - running, time.monotonic() - running


def test_a_mock_interview_answered_out_loud(tmp_path: Path) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    audio = speech_wav(SAID)
    wav = tmp_path / "answer.wav"
    wav.write_bytes(audio)
    fake = FakeAudio()
    fake.script(Heard(SAID, timed_words(SAID, words_per_second=2.4), duration=seconds_of(audio)))
    with (
        FakeOpenAIServer(routes=fake.routes) as server,
        running_app(
            tmp_path,
            {"INTERVIEWER_TRANSCRIPTION_BASE_URL": server.base_url, "INTERVIEWER_MAX_FOLLOW_UPS": "0"},
        ) as url,
        playwright_api.sync_playwright() as pw,
    ):
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=[*CHROMIUM_ARGS, *microphone_args(wav)])
        context = browser.new_context(viewport={"width": 1280, "height": 1100}, permissions=["microphone"])
        page = context.new_page()
        page.set_default_timeout(30_000)
        page.goto(url)
        start_interview(page, "Data structures", questions=1)
        shortest, longest = record_and_stop(page, seconds_of(audio) + 0.5)
        heard = page.get_by_label("What was heard: correct it if needed, then send")
        heard.wait_for()
        assert heard.input_value() == SAID
        [request] = server.requests
        assert b'filename="answer.webm"' in request.raw, "Chromium's recorder makes Opus in WebM"
        assert b"\x1a\x45\xdf\xa3" in request.raw, "the browser's recording (a WebM file) reached the server"
        heard_seconds, loudness = page.evaluate(DECODE, base64.b64encode(uploaded_file(request.raw)).decode())
        assert shortest - 0.5 < heard_seconds < longest + 0.6, "the whole take, no more"
        assert loudness > 0.01, "the file holds the speech the microphone played, not silence"
        player = page.locator("audio").first.evaluate(
            "a => new Promise(r => a.readyState ? r(a.duration) : a.addEventListener('loadedmetadata', () => r(a.duration)))"
        )
        # the length written into the file is the recorder's clock; on a loaded machine the encoder starts a few
        # hundred ms after it (0.33 s seen with the whole suite running on 2 cores)
        assert abs(player - heard_seconds) < 0.5, "the take can be played back, and its player knows its length"
        page.screenshot(path=ARTIFACTS / "9-voice-transcript.png", full_page=True)
        heard.fill(MEANT)
        page.get_by_role("button", name="Send this answer").click()
        page.get_by_text("Interview complete").wait_for()
        page.get_by_text("Spoken:").first.wait_for()
        assert "words a minute" in page.get_by_text("Spoken:").first.inner_text()
        page.screenshot(path=ARTIFACTS / "10-voice-report.png", full_page=True)
        browser.close()


def test_the_interviewer_is_read_aloud_by_the_browser(tmp_path: Path) -> None:
    with (
        running_app(tmp_path, {"INTERVIEWER_MAX_FOLLOW_UPS": "0"}) as url,
        playwright_api.sync_playwright() as pw,
    ):
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        context = browser.new_context(viewport={"width": 1280, "height": 1100})
        context.add_init_script(path=str(Path(__file__).parent / "speech_stub.js"))
        page = context.new_page()
        page.set_default_timeout(30_000)
        page.goto(url)
        start_interview(page, "Data structures")
        message = page.locator('[data-testid="stChatMessage"]').first
        question = message.locator('[data-testid="stMarkdownContainer"]').first.inner_text()
        frame = page.frame_locator("iframe[title*='read_aloud']")
        frame.get_by_role("button", name="Read the interviewer's words aloud").wait_for()

        def spoken() -> list[str]:
            return frame.locator("body").evaluate("() => window.__spoken")

        assert spoken() == [], "nothing is said until the candidate turns it on"
        page.get_by_text("Read the interviewer aloud").click()
        frame.locator("body").evaluate("() => new Promise(r => setTimeout(r, 1500))")
        [said] = spoken()
        assert said.split()[:6] == question.split()[:6]
        frame.get_by_role("button", name="Read the interviewer's words aloud").click()  # Listen: say it again
        assert spoken() == [said, said]
        send = page.get_by_placeholder("Your answer")
        send.fill("Lists are mutable; tuples are not.")
        send.press("Enter")
        page.get_by_text("Question 2 of").wait_for()
        frame.locator("body").evaluate("() => new Promise(r => setTimeout(r, 1500))")
        assert len(spoken()) == 3 and spoken()[-1] != said, "the next question is read when it is asked"
        browser.close()


def test_the_recorder_works_from_the_keyboard_and_says_when_the_microphone_is_refused(tmp_path: Path) -> None:
    """The recorder is a component of our own: it must be reachable and usable without a mouse, show that it is
    recording and for how long, and say what to do when the browser refuses the microphone."""
    wav = tmp_path / "answer.wav"
    wav.write_bytes(speech_wav(SAID))
    fake = FakeAudio()
    fake.script(Heard("a first take", timed_words("a first take")), Heard(SAID, timed_words(SAID)))
    with (
        FakeOpenAIServer(routes=fake.routes) as server,
        running_app(tmp_path, {"INTERVIEWER_TRANSCRIPTION_BASE_URL": server.base_url}) as url,
        playwright_api.sync_playwright() as pw,
    ):
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=[*CHROMIUM_ARGS, *microphone_args(wav)])
        context = browser.new_context(viewport={"width": 1280, "height": 1100}, permissions=["microphone"])
        context.add_init_script(script=COUNT_MICROPHONES)
        page = context.new_page()
        page.set_default_timeout(30_000)
        page.goto(url)
        start_interview(page, "Data structures", questions=1)
        record = page.get_by_role("button", name="Record", exact=True)
        record.wait_for()
        assert page.get_by_role("group", name="Answer out loud").count() == 1

        # red team: a double click started two recorders, and Stop left one of them listening
        record.dblclick()
        page.get_by_role("button", name="Stop recording").wait_for()
        time.sleep(1)
        page.get_by_role("button", name="Stop recording").click()
        record.wait_for()
        page.wait_for_function(
            "() => window.__microphones.every(s => s.getTracks().every(t => t.readyState === 'ended'))"
        )
        assert page.evaluate("() => window.__microphones.length") == 1, "one press, one microphone"
        page.get_by_label("What was heard: correct it if needed, then send").wait_for()
        # and a press straight after another is not an answer: no blaming the microphone, nothing sent
        requests = len(server.requests)
        record.click()
        page.get_by_role("button", name="Stop recording").click()
        page.get_by_role("status").filter(has_text="too short").wait_for()
        assert len(server.requests) == requests
        for _ in range(60):  # Tab from the answer box until the recorder has the focus
            if record.evaluate("b => b.getRootNode().activeElement === b"):
                break
            page.keyboard.press("Tab")
        else:
            pytest.fail("Tab never reached the Record button")
        page.keyboard.press("Enter")
        stop = page.get_by_role("button", name="Stop recording")
        stop.wait_for()
        status = page.get_by_role("status").filter(has_text="Recording")
        status.wait_for()
        time.sleep(1.5)
        assert page.get_by_text("0:01").count() == 1, "the time recorded so far is shown"
        page.keyboard.press("Space")  # the focus stayed on the button, now Stop
        page.wait_for_function(
            "text => [...document.querySelectorAll('textarea')].some(t => t.value === text)", arg=SAID
        )  # the new take's transcript replaces the first one's

        browser.close()
        # the fake microphone, but nobody to answer the browser's question: the page is refused the microphone
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=[*CHROMIUM_ARGS, microphone_args(wav)[0]])
        refused = browser.new_context(viewport={"width": 1280, "height": 1100}).new_page()
        refused.set_default_timeout(30_000)
        refused.goto(url)
        start_interview(refused, "Data structures", questions=1)
        refused.get_by_role("button", name="Record", exact=True).click()
        refused.get_by_role("status").filter(has_text="may not use the microphone").wait_for()
        assert refused.get_by_role("button", name="Record", exact=True).is_visible(), "it can be tried again"
        browser.close()


def test_a_take_still_running_when_time_is_nearly_up_is_sent_and_graded(tmp_path: Path) -> None:
    """Red team: time ran out during a recording; the recorder vanished with the take, unsent and unmentioned.
    Now a take stops itself a little before the question's time is up, so it arrives, is transcribed, and at
    expiry the waiting transcript is graded as the answer so far (the default rule)."""
    wav = tmp_path / "answer.wav"
    wav.write_bytes(speech_wav(SAID))
    fake = FakeAudio()
    fake.script(Heard(SAID, timed_words(SAID)))
    with (
        FakeOpenAIServer(routes=fake.routes) as server,
        running_app(tmp_path, {"INTERVIEWER_TRANSCRIPTION_BASE_URL": server.base_url}) as url,
        playwright_api.sync_playwright() as pw,
    ):
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=[*CHROMIUM_ARGS, *microphone_args(wav)])
        page = browser.new_context(viewport={"width": 1280, "height": 1100}, permissions=["microphone"]).new_page()
        page.set_default_timeout(30_000)
        page.goto(url)
        start_interview(page, "Data structures", questions=1)
        page.wait_for_url("**session=**")
        session = page.url.split("session=")[1].split("&")[0]
        store = TranscriptStore(f"sqlite:///{tmp_path / 'interviews.db'}")
        state = store.load(session)
        limit = state.config.per_question_seconds
        assert limit is not None, "the setup page's default is a timed question"
        state.attempts[-1].asked_at -= timedelta(seconds=limit - 12)  # as if asked long ago: 12 s are left
        store.save(state)
        page.reload()
        page.get_by_role("button", name="Record", exact=True).click()
        page.get_by_role("status").filter(has_text="Time is nearly up").wait_for(timeout=20_000)
        page.get_by_text("Interview complete").wait_for(timeout=20_000)
        [attempt] = store.load(session).attempts
        store.close()
        assert attempt.answers == [SAID] and attempt.grade is not None
        browser.close()
