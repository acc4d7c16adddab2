"""Where the interview stands, at the top of the page (so a phone, whose sidebar is folded away, shows it too):
the question count, and for a timed interview the clocks, which tick every second and warn near zero."""

from __future__ import annotations

from datetime import timedelta

import streamlit as st

from interviewer.engine import Interviewer, TimeLeft
from ui import context
from ui.voice import check_time


def clock_text(seconds: float) -> str:
    shown = str(timedelta(seconds=round(seconds)))
    return shown[-5:] if seconds < 3600 else shown


def position(interviewer: Interviewer) -> str:
    """ "Question 2 of 3": the question being asked now, of the interview's length."""
    state = interviewer.state
    asked = len(state.attempts)
    total = max(asked, len(state.config.question_ids) or state.config.question_count)
    return f"Question {asked} of {total}"


def status_line(interviewer: Interviewer, left: TimeLeft) -> str:
    parts = [position(interviewer)]
    if left.question_seconds is not None:
        parts.append(f"this question {clock_text(left.question_seconds)}")
    if left.total_seconds is not None:
        parts.append(f"interview {clock_text(left.total_seconds)}")
    return " · ".join(parts)


def draw_clock(interviewer: Interviewer) -> None:
    config = interviewer.state.config
    if interviewer.state.status != "in_progress":
        return
    if config.per_question_seconds or config.total_seconds:
        _ticking(interviewer.state.id)
    else:
        st.caption(position(interviewer))


@st.fragment(run_every=1)
def _ticking(session_id: str) -> None:
    """Ticks every second without rerunning the page; at zero it applies the engine's expiry rules."""
    interviewer = context.open_interviewer(session_id, resume=False)  # never start a second grade from a tick
    if interviewer is None or interviewer.state.status != "in_progress":
        return
    left = interviewer.time_left()
    st.markdown(f"**{status_line(interviewer, left)}**")
    if warning := left.warning():
        (st.error if left.urgent else st.warning)(warning, icon=":material/timer:")
    grading = interviewer.state.current is not None and interviewer.state.current.status == "grading"
    expired = 0 in (left.question_seconds, left.total_seconds) and not grading
    # a spoken answer transcribed but not yet sent is the draft, as text in the box would be if the box could say
    if expired and check_time(interviewer):
        st.rerun(scope="app")
