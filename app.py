"""Streamlit entry point. The full interview UI arrives with the app issue; until then
this page shows the bank and grades one answer with the active backend."""

from __future__ import annotations

import streamlit as st

from interviewer.backend import Backend, make_backend
from interviewer.bank import DEFAULT_BANK_DIR, Bank, load_bank
from interviewer.formatting import format_grade
from interviewer.llm.base import LLMError
from interviewer.models import PLAN_DAYS
from interviewer.settings import Settings


@st.cache_resource
def _bank(directory: str) -> Bank:
    return load_bank(directory)


@st.cache_resource
def _backend(_settings: Settings, _bank: Bank, key: str) -> Backend:
    return make_backend(_settings, _bank)


st.set_page_config(page_title="Python mock interviewer", page_icon=":material/record_voice_over:")
st.title("Python mock interviewer")
settings = Settings()
bank = _bank(str(settings.bank_dir or DEFAULT_BANK_DIR))
try:
    backend = _backend(settings, bank, f"{settings.active_backend}:{settings.model}:{settings.base_url}")
except LLMError as exc:
    st.error(f"The model backend cannot start: {exc}")
    st.stop()
st.caption(f"Backend: {backend.description} · {len(bank.questions)} questions in the bank")

day = st.selectbox("Plan day", sorted(PLAN_DAYS), format_func=lambda d: f"Day {d}: {PLAN_DAYS[d]}")
questions = sorted((q for q in bank.questions.values() if q.day == day), key=lambda q: q.id)
question = st.selectbox("Question", questions, format_func=lambda q: q.prompt)
answer = st.text_area("Your answer", height=200)
if st.button("Grade my answer", type="primary", disabled=question is None):
    with st.spinner("Grading…"):
        grade = backend.grader.grade(question, answer)
    if grade.fallback_reason:
        st.warning(grade.fallback_reason)
    st.metric("Score", f"{grade.score:.1f} / 5")
    st.code(format_grade(grade, question), language=None, wrap_lines=True)
