"""Hearing the interviewer: its latest words read aloud, on a toggle.

With a speech server configured (``INTERVIEWER_SPEECH_BASE_URL``) the words are spoken by it and played here;
otherwise the browser's own speech synthesis reads them (``ui/speech/``: a small component with its own HTML and
script, no server, no key). Browsers may refuse to start speaking before the page has been clicked; a Listen
button is always there."""

from __future__ import annotations

import re
from pathlib import Path

import streamlit as st
import streamlit.components.v1 as components

from interviewer.voice.speech import Speaker, SpeechError
from ui import context

_browser_voice = components.declare_component("read_aloud", path=str(Path(__file__).parent / "speech"))
_MARKUP = re.compile(r"[`*_#>]+")


def spoken_text(markdown: str) -> str:
    """What to say for a turn written in Markdown: the words without the markup."""
    return " ".join(_MARKUP.sub("", markdown).split())


def read_aloud(words: str, turn_id: str) -> None:
    """A toggle, and when it is on, ``words`` spoken once per ``turn_id`` (the Listen button repeats them)."""
    on = st.toggle("Read the interviewer aloud", key="read_aloud")
    if not words:
        return
    speaker = context.speaker()
    if speaker is not None and on:
        _server_voice(speaker, spoken_text(words), turn_id)
        return
    _browser_voice(text=spoken_text(words), id=turn_id, autoplay=on, key="browser-voice", default=None)


def _server_voice(speaker: Speaker, text: str, turn_id: str) -> None:
    heard = st.session_state.get("_spoken")
    if heard is None or heard[0] != turn_id:
        try:
            with st.spinner("Preparing the interviewer's voice…"):
                heard = (turn_id, speaker.speak(text))
        except SpeechError as exc:
            st.caption(f"The speech server could not read this aloud: {exc}")
            return
        st.session_state["_spoken"] = heard
    st.audio(heard[1], format="audio/wav", autoplay=True)
