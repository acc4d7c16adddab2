"""Answering out loud: record in the browser, transcribe on the configured server, correct the text, send.

The recording stays in the recorder until a new one replaces it, so a failed transcription loses nothing:
"Transcribe again" retries the same audio. The transcript (as corrected) and the delivery figures are kept with
the answer; the audio only for users who opt in ("Keep my recordings", beside the recorder and on Settings), and
only once the answer it belongs to is saved (``ui.recordings.keep_recording``)."""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st

from interviewer.engine import MOVED_ON, Interviewer, SessionMovedOn
from interviewer.recordings import next_answer
from interviewer.voice.delivery import measure
from interviewer.voice.models import Delivery
from interviewer.voice.transcription import Transcriber, TranscriptionError
from ui import context
from ui.recorder import Recording, recorder
from ui.recordings import keep_recording, recorder_note

NEEDS_SERVER = (
    "Answering out loud needs a transcription server: set INTERVIEWER_TRANSCRIPTION_BASE_URL to OpenAI's API or "
    "a local Whisper server (speaches, faster-whisper-server, LocalAI, vLLM). Typed answers work as always."
)


Send = Callable[[Interviewer, str, Delivery], None]
VOICE_SHOWN = "voice_panels"  # session id -> the key of the voice panel this page last drew


def panel_key(interviewer: Interviewer) -> str:
    """A fresh recorder for each answer."""
    state = interviewer.state
    answers = len(state.current.answers) if state.current else 0
    return f"voice-{state.id}-{len(state.attempts)}-{answers}"


def waiting_transcript(interviewer: Interviewer) -> str | None:
    """The transcript this page holds for the current answer, not yet sent: at expiry it is the draft."""
    text = st.session_state.get(f"{panel_key(interviewer)}-text")
    return text if isinstance(text, str) and text.strip() else None


def check_time(interviewer: Interviewer) -> bool:
    """The engine's expiry rules, with the transcript waiting here as the answer so far (and its take kept, for a
    user who keeps recordings). Once the question has moved on, that transcript has been used and leaves the
    page, and the move is this page's own: no other tab made it, so nothing is reported as moved on elsewhere."""
    key = panel_key(interviewer)
    draft, answer = waiting_transcript(interviewer), next_answer(interviewer.state)
    good: tuple[Recording, Delivery] | None = st.session_state.get(f"{key}-good")
    if not interviewer.check_time(draft):
        return False
    if draft is not None and good is not None:  # graded as the answer so far: its take is kept like a sent one's
        keep_recording(interviewer, answer, good[0].audio, good[0].mime)
    for part in ("text", "good", "heard"):
        st.session_state.pop(f"{key}-{part}", None)
    context.mark_shown(interviewer)
    return True


def keep_stale_transcript(interviewer: Interviewer) -> None:
    """Another tab moved the session on while a transcript waited here to be sent: it is shown to copy, with the
    reason, instead of vanishing with its panel. Call it before the page marks the session as shown."""
    shown = st.session_state.get(VOICE_SHOWN, {}).get(interviewer.state.id)
    if shown is None or shown == panel_key(interviewer) or not context.moved_on_elsewhere(interviewer):
        return
    if text := st.session_state.pop(f"{shown}-text", None):
        st.session_state["flash"] = str(SessionMovedOn(MOVED_ON))
        st.session_state["unsent"] = text


def voice_panel(interviewer: Interviewer, send: Send) -> None:
    """The recorder and the correction box under the question; ``send`` takes the corrected answer."""
    if interviewer.state.current is None:
        return
    if context.transcriber() is None:
        st.caption(f":material/mic_off: {NEEDS_SERVER}")
        return
    _panel(interviewer.state.id, send)


@st.fragment
def _panel(session_id: str, send: Send) -> None:
    """A fragment: a new recording reruns only this part of the page, so its transcript shows sooner."""
    interviewer = context.open_interviewer(session_id, resume=False)
    transcriber = context.transcriber()
    if interviewer is None or interviewer.state.current is None or transcriber is None:
        return
    key = context.shown_key(VOICE_SHOWN, interviewer, panel_key(interviewer))
    state = interviewer.state
    recording = recorder(f"{key}-audio", interviewer.deadline())  # the deadline covers the question's own limit
    recorder_note(key, len(recording.audio) if isinstance(recording, Recording) else None)
    player = st.empty()  # filled last: the transcript is what the candidate waits for
    if isinstance(recording, str):
        st.error(recording)
    elif recording is not None:
        _transcribed(key, recording, transcriber, state.config.per_question_seconds)
    # the last take that was transcribed; a later take that fails leaves it, and any corrections, in place
    good: tuple[Recording, Delivery] | None = st.session_state.get(f"{key}-good")
    if good is not None:
        _correction_box(interviewer, key, good, send)
    if isinstance(recording, Recording):
        player.audio(recording.audio, format=recording.mime)  # to hear how it came across


def _correction_box(interviewer: Interviewer, key: str, good: tuple[Recording, Delivery], send: Send) -> None:
    """The transcript of the last take that was heard, to correct and send."""
    state = interviewer.state
    # not a form: a correction reaches the app when the box loses focus, so it counts if time runs out unsent
    text = st.text_area("What was heard: correct it if needed, then send", key=f"{key}-text", height=150)
    if st.button("Send this answer", key=f"{key}-send", type="primary", icon=":material/send:"):
        answer = next_answer(state)
        try:
            send(interviewer, text, good[1])
        finally:  # the page's send ends in a rerun: the recording is kept on the way out, if its answer stands
            keep_recording(interviewer, answer, good[0].audio, good[0].mime)


def _transcribed(key: str, recording: Recording, transcriber: Transcriber, allowed: float | None) -> None:
    """Transcribe this take once: a take is known by the id the recorder gave it (a new one is new even if it
    sounds the same), and a failure is remembered too, so only "Transcribe again" sends the same audio again (a
    rerun of the page for any other reason does not). A take that is heard becomes the one in the box."""
    done = st.session_state.get(f"{key}-heard")
    if done is None or done[0] != recording.id:
        done = (recording.id, _transcribe(key, recording, transcriber, allowed))
        st.session_state[f"{key}-heard"] = done
        if isinstance(done[1], Delivery):
            st.session_state[f"{key}-good"] = (recording, done[1])
    outcome = done[1]
    if isinstance(outcome, Delivery):
        return
    kept = " The transcript of your earlier take is still below." if f"{key}-good" in st.session_state else ""
    st.error(outcome + kept)
    if st.button("Transcribe again", key=f"{key}-retry", icon=":material/refresh:"):
        st.session_state.pop(f"{key}-heard", None)
        st.rerun()


def _transcribe(key: str, recording: Recording, transcriber: Transcriber, allowed: float | None) -> Delivery | str:
    """The delivery, with the transcript put in the correction box; or what went wrong."""
    try:
        with st.spinner("Transcribing…"):
            transcript = transcriber.transcribe(recording.audio, recording.filename, recording.mime)
    except TranscriptionError as exc:
        return f"{str(exc).rstrip('.')}. Your recording is kept: transcribe it again, or type your answer."
    if not transcript.text.strip():
        return "Nothing was heard in that recording. Check the microphone and record again."
    st.session_state[f"{key}-text"] = transcript.text
    return measure(transcript, recording.seconds, allowed)
