"""The sidebar: who is signed in, which backend is active, and what this session has cost."""

from __future__ import annotations

import streamlit as st

from interviewer.engine import Interviewer
from ui import context


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
