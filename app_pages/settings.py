"""Settings: backend, model, server, API key and a connection test; whether recordings are kept, and deleting them."""

from __future__ import annotations

import streamlit as st

from interviewer.backend import make_client
from interviewer.llm.base import LLMError
from interviewer.settings import Settings
from ui import context
from ui.recordings import settings_section
from ui.sidebar import draw_sidebar


def backend_form(current: Settings) -> None:
    """Choose the backend, model, server and key for this browser session."""
    with st.form("backend"):
        choice = st.radio(
            "Backend",
            ["offline", "openai"],
            index=0 if current.active_backend == "offline" else 1,
            format_func=lambda b: "Offline (no model, no key)" if b == "offline" else "OpenAI-compatible model",
            horizontal=True,
        )
        model = st.text_input("Model", value=current.model)
        base_url = st.text_input(
            "Base URL",
            value=current.base_url or "",
            placeholder="blank for OpenAI; http://localhost:11434/v1 for Ollama",
        )
        key = st.text_input(
            "API key",
            type="password",
            placeholder="set" if current.api_key else "not set",
            help="Kept only in this browser session: never stored, logged or shown. The key configured on the "
            "server is only ever sent to its own server: pointing the app elsewhere needs a key of your own.",
        )
        if st.form_submit_button("Save", type="primary"):
            context.set_overrides(backend=choice, model=model, base_url=base_url.strip(), api_key=key.strip() or None)
            st.rerun()


st.title("Settings")
draw_sidebar(None)
current = context.settings()
st.markdown(f"**Active backend:** {context.backend().description}")
if error := context.backend_error():
    st.warning(error)

if context.settings_locked():
    st.info(
        "Model settings are locked by the operator (INTERVIEWER_LOCK_SETTINGS, on by default when sign-in is on): "
        f"model {current.model!r}" + (f" at {current.base_url}" if current.base_url else "") + "."
    )
else:
    backend_form(current)

if st.button("Test connection", icon=":material/network_check:"):
    settings = context.settings()
    if settings.active_backend == "offline":
        st.success("The offline backend needs no connection: it is ready.")
    else:
        try:
            with st.spinner("Connecting…"):
                result = make_client(settings).check_connection()
        except LLMError as exc:
            st.error(str(exc))
        else:
            (st.success if result.ok else st.error)(result.message)

st.caption(
    "Defaults come from the environment or `.env` (see `.env.example`). What you set here (backend, model and "
    "server; never the key, which lasts for this browser session only) is kept across visits when you are signed "
    "in, or when the operator has set INTERVIEWER_KEEP_SETTINGS=1 for an app that is theirs alone; otherwise it "
    "lasts for this browser session."
)

settings_section()
