"""Explanation drills: one concept at a time, instant feedback, retry, weakest concepts first."""

from __future__ import annotations

import streamlit as st

from interviewer.drills import drill_queue
from interviewer.engine import MOVED_ON, Interviewer, InterviewError, SessionMovedOn
from interviewer.models import PLAN_DAYS, SessionConfig
from interviewer.voice.models import Delivery
from ui import context
from ui.read_aloud import read_aloud
from ui.recordings import say_if_not_kept
from ui.sidebar import draw_sidebar
from ui.views import draw_delivery, draw_grade
from ui.voice import keep_stale_transcript, voice_panel

st.title("Explanation drill")
st.caption(
    "Explain the concept as you would to an interviewer. Concepts you explain poorly, here or in a mock "
    "interview, come back soon."
)


def choose() -> None:
    bank = context.bank()
    day = st.selectbox(
        "Plan day",
        [None, *sorted(PLAN_DAYS)],
        format_func=lambda d: "All days" if d is None else f"Day {d}: {PLAN_DAYS[d]}",
    )
    config = SessionConfig(mode="drill", day=day)
    cards = context.store().drill_cards(context.user())
    queue = drill_queue(bank, config, cards, context.clock()())
    if not queue:
        st.info("No concepts match this filter.")
        return
    seen = {c.question_id: c for c in cards}
    upcoming = queue[:5]
    st.markdown("**Up next**")
    for question in upcoming:
        card = seen.get(question.id)
        note = "new" if card is None else f"last {card.last_score:.1f}/5"
        st.markdown(f"- {question.prompt[:100]} ({note})")
    if st.button("Start the next concept", type="primary"):
        first = queue[0]
        context.start_interviewer(
            SessionConfig(mode="drill", question_ids=[first.id], question_count=1, max_follow_ups=0)
        )
        st.rerun()


ANSWER_KEY = "drill_answer"


def send(interviewer: Interviewer, moved_on: bool, answer: str, delivery: Delivery | None = None) -> None:
    try:
        if moved_on:  # the page showed a state another tab has since changed
            raise SessionMovedOn(MOVED_ON)
        with st.spinner("Grading…"):
            interviewer.answer(answer, delivery)
        context.mark_shown(interviewer)  # this page's own move: not "moved on in another tab" next run
        context.learn(interviewer)
    except InterviewError as exc:  # refused (too long, moved on, not saved): shown to send again
        st.session_state["flash"] = str(exc)
        st.session_state["unsent"] = answer
    st.rerun()


def send_spoken(interviewer: Interviewer, answer: str, delivery: Delivery) -> None:
    send(interviewer, context.moved_on_elsewhere(interviewer), answer, delivery)


def drill(interviewer: Interviewer) -> None:
    attempt = interviewer.state.attempts[-1]
    question = context.bank().get(attempt.question_id)
    st.subheader(question.prompt)
    read_aloud(question.prompt, f"{interviewer.state.id}-{len(interviewer.state.attempts)}")
    keep_stale_transcript(interviewer)  # before the messages are drawn: it may add one
    if message := st.session_state.pop("flash", None):
        st.error(message)
    say_if_not_kept()
    unsent = st.session_state.pop("unsent", None)
    if interviewer.state.status != "in_progress" and not unsent:
        # sent from a page that still showed the question while another tab graded the drill: the input is not
        # drawn now, so its value is read from the session state, or it would be dropped without a word
        unsent = st.session_state.get(ANSWER_KEY)
    if unsent:
        st.caption("Not sent yet: here is what you wrote, to copy and send again.")
        st.code(unsent, language=None)
    moved_on = context.moved_on_elsewhere(interviewer)
    context.mark_shown(interviewer)
    if moved_on and interviewer.state.status != "in_progress":
        st.info("This drill moved on in another tab: here is where it stands.")
    if interviewer.state.status == "in_progress":
        if st.button("Hint (-0.5)", icon=":material/lightbulb:"):
            interviewer.hint()
            context.mark_shown(interviewer)
            st.rerun()
        hints = [t.text for t in interviewer.state.transcript if t.kind == "hint" and t.at >= attempt.asked_at]
        for hint in hints:
            st.info(hint, icon=":material/lightbulb:")
        voice_panel(interviewer, send_spoken)
        if answer := st.chat_input("Your explanation", key=ANSWER_KEY):
            send(interviewer, moved_on, answer)
        return
    grade = attempt.grade
    if grade is not None:
        st.metric("Score", f"{grade.score:.1f} / 5")
        draw_delivery(attempt.spoken)
        draw_grade(grade, attempt.combined_answer)
    retry, following = st.columns(2)
    if retry.button("Try again", icon=":material/replay:", width="stretch"):
        interviewer.retry()
        context.mark_shown(interviewer)
        st.rerun()
    if following.button("Next concept", type="primary", icon=":material/skip_next:", width="stretch"):
        context.leave_session()
        st.rerun()


session_id = context.current_session_id()
interviewer = context.open_interviewer(session_id) if session_id else None
if interviewer is not None and interviewer.state.config.mode != "drill":
    interviewer = None
draw_sidebar(interviewer)
if interviewer is None:
    choose()
else:
    drill(interviewer)
