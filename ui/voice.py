"""Answering out loud: record in the browser, transcribe on the configured server, correct the text, send.

The recording stays in the recorder until a new one replaces it, so a failed transcription loses nothing:
"Transcribe again" retries the same audio. Only the transcript (as corrected) and the delivery figures are kept
with the answer; the audio itself is not stored."""

from __future__ import annotations

import hashlib

import streamlit as st

from interviewer.engine import Interviewer
from interviewer.voice.delivery import measure
from interviewer.voice.models import Delivery
from interviewer.voice.transcription import Transcriber, TranscriptionError, wav_seconds
from ui import context

NEEDS_SERVER = (
    "Answering out loud needs a transcription server: set INTERVIEWER_TRANSCRIPTION_BASE_URL to OpenAI's API or "
    "a local Whisper server (speaches, faster-whisper-server, LocalAI, vLLM). Typed answers work as always."
)


def spoken_answer(interviewer: Interviewer) -> tuple[str, Delivery] | None:
    """Draw the voice panel; the corrected transcript and its delivery once the candidate sends it."""
    state = interviewer.state
    attempt = state.current
    if attempt is None:
        return None
    key = f"voice-{state.id}-{len(state.attempts)}-{len(attempt.answers)}"  # a fresh recorder for each answer
    transcriber = Transcriber.from_settings(context.settings())
    if transcriber is None:
        st.caption(f":material/mic_off: {NEEDS_SERVER}")
        return None
    recording = st.audio_input(
        "Answer out loud",
        key=f"{key}-audio",
        help="Speak your answer, stop the recording, then check the transcript before sending it.",
    )
    if recording is None:
        return None
    audio = recording.getvalue()
    heard = _transcribed(key, audio, transcriber, state.config.per_question_seconds)
    if heard is None:
        return None
    with st.form(f"{key}-form"):
        text = st.text_area("What was heard: correct it if needed, then send", key=f"{key}-text", height=150)
        if st.form_submit_button("Send this answer", type="primary", icon=":material/send:"):
            return text, heard
    return None


def _transcribed(key: str, audio: bytes, transcriber: Transcriber, allowed: float | None) -> Delivery | None:
    """The delivery of this recording, transcribing it once (the text goes into the correction box)."""
    digest = hashlib.sha256(audio).hexdigest()
    done = st.session_state.get(f"{key}-heard")
    if done is not None and done[0] == digest:
        return done[1]
    try:
        with st.spinner("Transcribing…"):
            transcript = transcriber.transcribe(audio)
    except TranscriptionError as exc:
        st.error(f"{exc} Your recording is kept: transcribe it again, or type your answer.")
        st.button("Transcribe again", key=f"{key}-retry", icon=":material/refresh:")
        return None
    if not transcript.text.strip():
        st.warning("Nothing was heard in that recording. Check the microphone and record again.")
        return None
    delivery = measure(transcript, wav_seconds(audio), allowed)
    st.session_state[f"{key}-heard"] = (digest, delivery)
    st.session_state[f"{key}-text"] = transcript.text
    return delivery
