"""The answer recorder: a small component of our own (``ui/microphone/``) in place of ``st.audio_input``.

The browser encodes the answer while it is spoken and hands it over the moment the candidate stops, as a one-off
value that reruns only the voice panel; ``st.audio_input`` encoded the whole recording after stop, uploaded it
and then asked for a rerun, which was most of the wait for the transcript (benchmarks/RESULTS.md, "Answering
out loud"). What arrives from the browser is checked like any input: a recording that is not what the recorder
sends is refused with a message, never passed on."""

from __future__ import annotations

import base64
import binascii
from datetime import datetime
from pathlib import Path
from typing import Any

import streamlit as st
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from interviewer.voice.transcription import MAX_RECORDING_BYTES

_ASSETS = Path(__file__).parent / "microphone"
_component = st.components.v2.component(
    "answer_recorder",
    js=(_ASSETS / "recorder.js").read_text(encoding="utf-8"),
    css=(_ASSETS / "recorder.css").read_text(encoding="utf-8"),
)

FORMATS = {"audio/webm": "webm", "audio/ogg": "ogg", "audio/mp4": "m4a", "audio/wav": "wav"}
"""What browsers' recorders produce (Chromium and Firefox: Opus in WebM or Ogg; Safari: AAC in MP4), each with
the file extension transcription servers go by."""
UNREADABLE = "That recording could not be read. Record your answer again, or type it."
MAX_TAKE_BYTES = 15 * 1024 * 1024
"""The largest take the recorder sends: Streamlit refuses a message from the browser over 25 MB
(``server.maxWidgetStateSize``), and the take travels in base64, a third larger. Ten minutes of speech at the
recorder's 32 kbit/s is about 2.4 MB."""
MAX_TAKE_SECONDS = 600


class Recording(BaseModel):
    """One take, as the browser sent it."""

    model_config = ConfigDict(frozen=True)

    id: str = Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9-]+$")
    mime: str
    seconds: float = Field(ge=0.1, le=86_400, strict=True, allow_inf_nan=False)
    audio: bytes = Field(min_length=1, max_length=min(MAX_TAKE_BYTES, MAX_RECORDING_BYTES))

    @field_validator("mime")
    @classmethod
    def _known_format(cls, value: str) -> str:
        base = value.split(";", 1)[0].strip().lower()
        if base not in FORMATS:
            raise ValueError(f"not a recording format the recorder makes: {value[:40]!r}")
        return base

    @property
    def filename(self) -> str:
        return f"answer.{FORMATS[self.mime]}"


def parse(payload: Any) -> Recording | None:
    """The recording in what the browser sent, or None if it is not one."""
    if not isinstance(payload, dict) or not isinstance(payload.get("audio"), str):
        return None
    encoded = payload["audio"]
    if len(encoded) > 4 * (MAX_TAKE_BYTES // 3 + 1):
        return None  # longer than any take the recorder sends: not decoded at all
    try:
        audio = base64.b64decode(encoded, validate=True)
        return Recording.model_validate({**payload, "audio": audio})
    except (binascii.Error, ValueError, ValidationError):
        return None


def recorder(key: str, stop_at: datetime | None) -> Recording | str | None:
    """The recorder, and the last take it gave for ``key`` (kept across reruns), a message if that take could not
    be read, or None before the first take. A take stops itself after ``MAX_TAKE_SECONDS`` and a little before
    ``stop_at`` (when the question's time is up), so that it reaches the app while it can still count."""
    slot = f"{key}-recording"
    result = _component(
        key=component_key(key),
        data={
            "max_seconds": MAX_TAKE_SECONDS,
            "max_bytes": MAX_TAKE_BYTES,
            "stop_at": round(stop_at.timestamp() * 1000) if stop_at else None,
        },
        on_recording_change=_ignore,
        height="content",
    )
    payload = getattr(result, "recording", None)
    if payload is not None:
        st.session_state[slot] = parse(payload) or UNREADABLE
    return st.session_state.get(slot)


def component_key(key: str) -> str:
    """The key as Streamlit accepts it for a component: never holding "__", which a session id (URL-safe base64)
    may. Every "_" is written "_x", so no two run together and no two keys become one."""
    return key.replace("_", "_x")


def _ignore() -> None:
    """The take is read from the component's result on the rerun it causes; the callback only declares it."""
