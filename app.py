"""Streamlit entry point: navigation between the pages in ``app_pages/``.

Pages only draw engine state and forward input; the interview logic lives in
``interviewer/`` and the shared page helpers in ``ui/``.
"""

from __future__ import annotations

import streamlit as st

from interviewer.store import StorageError
from ui import context

st.set_page_config(page_title="Python mock interviewer", page_icon=":material/record_voice_over:", layout="centered")
st.markdown(
    "<style>mark{background:#fde68a;padding:0 2px;border-radius:3px}"
    ".answer{border-left:3px solid #ddd;padding:4px 10px;margin:6px 0 10px}</style>",
    unsafe_allow_html=True,
)

if context.sign_in_required() and not st.user.is_logged_in:
    st.title("Python mock interviewer")
    st.write("Sign in to practise; your sessions are kept private to your account.")
    if st.button("Sign in", type="primary", icon=":material/login:"):
        st.login()
    st.stop()

try:
    context.store()
except StorageError as exc:  # the app cannot keep anything: say what is wrong and what to do, no traceback
    st.title("Python mock interviewer")
    st.error(str(exc))
    st.stop()

pages = [
    st.Page("app_pages/mock_interview.py", title="Mock interview", icon=":material/timer:", default=True),
    st.Page("app_pages/drill.py", title="Explanation drill", icon=":material/school:"),
    st.Page("app_pages/review.py", title="Review", icon=":material/history:"),
    st.Page("app_pages/settings.py", title="Settings", icon=":material/settings:"),
]
st.navigation(pages).run()
