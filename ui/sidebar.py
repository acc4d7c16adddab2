"""The sidebar: which backend is active, what this session has cost, and the clock."""

from __future__ import annotations

from datetime import timedelta

import streamlit as st

from interviewer.engine import Interviewer
from ui import context


def _clock_text(seconds: float) -> str:
    return str(timedelta(seconds=round(seconds)))[-5:] if seconds < 3600 else str(timedelta(seconds=round(seconds)))


def draw_sidebar(interviewer: Interviewer | None) -> None:
    with st.sidebar:
        if (who := context.user()) is not None:
            st.caption(f"Signed in as {who}")
            if st.button("Sign out", icon=":material/logout:"):
                st.logout()
        st.caption(f"Backend: {context.backend().description}")
        if error := context.backend_error():
            st.warning(error)
        if interviewer is None:
            return
        usage = interviewer.state.usage
        if usage.calls:
            cost = "unknown" if usage.cost_usd is None else f"${usage.cost_usd:.4f}"
            st.caption(f"This session: {usage.prompt_tokens + usage.completion_tokens:,} tokens, cost {cost}")
        else:
            st.caption("This session: no model calls, no cost")
        config = interviewer.state.config
        if interviewer.state.status == "in_progress" and (config.per_question_seconds or config.total_seconds):
            _countdown(interviewer.state.id)


@st.fragment(run_every=1)
def _countdown(session_id: str) -> None:
    """Ticks every second without rerunning the page; at zero it applies the engine's expiry rules."""
    interviewer = context.open_interviewer(session_id, resume=False)  # never start a second grade from a tick
    if interviewer is None or interviewer.state.status != "in_progress":
        return
    left = interviewer.time_left()
    if left.question_seconds is not None:
        st.metric("This question", _clock_text(left.question_seconds))
    if left.total_seconds is not None:
        st.metric("Interview", _clock_text(left.total_seconds))
    grading = interviewer.state.current is not None and interviewer.state.current.status == "grading"
    if 0 in (left.question_seconds, left.total_seconds) and not grading and interviewer.check_time():
        st.rerun(scope="app")
