"""Streamlit entry point. The full interview UI arrives with the app issue; until then
this page shows the bank and grades one answer with the active backend."""

from __future__ import annotations

import streamlit as st

from interviewer.bank import DEFAULT_BANK_DIR, load_bank
from interviewer.formatting import format_grade
from interviewer.grading.offline import OfflineGrader
from interviewer.models import PLAN_DAYS
from interviewer.settings import Settings


@st.cache_resource
def _bank(directory: str):  # type: ignore[no-untyped-def]
    return load_bank(directory)


st.set_page_config(page_title="Python mock interviewer", page_icon=":material/record_voice_over:")
st.title("Python mock interviewer")
settings = Settings()
bank = _bank(str(settings.bank_dir or DEFAULT_BANK_DIR))
st.caption(f"Backend: {settings.active_backend} · {len(bank.questions)} questions in the bank")

day = st.selectbox("Plan day", sorted(PLAN_DAYS), format_func=lambda d: f"Day {d}: {PLAN_DAYS[d]}")
questions = sorted((q for q in bank.questions.values() if q.day == day), key=lambda q: q.id)
question = st.selectbox("Question", questions, format_func=lambda q: q.prompt)
answer = st.text_area("Your answer", height=200)
if st.button("Grade my answer", type="primary", disabled=question is None):
    grade = OfflineGrader(bank.mistakes, settings.hint_penalty).grade(question, answer)
    st.metric("Score", f"{grade.score:.1f} / 5")
    st.code(format_grade(grade, question), language=None, wrap_lines=True)
