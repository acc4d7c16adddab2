"""Timed mock interview: setup, the conversation under a clock, and the report."""

from __future__ import annotations

import streamlit as st

from interviewer.engine import MOVED_ON, Interviewer, InterviewError, SessionMovedOn
from interviewer.formatting import label
from interviewer.models import DIFFICULTIES, PLAN_DAYS, SessionConfig
from interviewer.report import build_report
from interviewer.sandbox import availability
from ui import context
from ui.clock import draw_clock
from ui.editor import code_box, mark_saved, unsaved
from ui.read_aloud import read_aloud
from ui.recordings import say_if_not_kept
from ui.sidebar import draw_sidebar
from ui.views import confirmed, draw_report, draw_test_results, draw_transcript, streaming_voice
from ui.voice import check_time, keep_stale_transcript, voice_panel

st.title("Mock interview")


CODE_KINDS = ("coding", "output")


def session_kinds(opted_in: bool, coding_day: bool, topics: list[str], can_run_code: bool = True) -> list:  # type: ignore[type-arg]
    """Concept and scenario questions, plus code when asked for, on plan day 4, or by topic (and runnable here)."""
    kinds = list(SessionConfig().kinds)
    if can_run_code and (opted_in or coding_day or set(topics) & {"coding", "output"}):
        kinds += ["coding"] if coding_day and not opted_in else list(CODE_KINDS)
    return kinds


def setup() -> None:
    bank = context.bank()
    settings = context.settings()
    sandbox = availability()
    # outside the form, so that the choice enables the box it applies to (a form's widgets change nothing until sent)
    by = st.radio("Choose questions by", ["Plan day", "Topics"], horizontal=True)
    with st.form("setup"):
        day = st.selectbox(
            "Plan day",
            sorted(PLAN_DAYS),
            format_func=lambda d: f"Day {d}: {PLAN_DAYS[d]}",
            disabled=by != "Plan day",
        )
        askable = [*SessionConfig().kinds, *CODE_KINDS]
        topics = st.multiselect(
            "Topics",
            sorted({q.topic for q in bank.questions.values() if q.kind in askable}),
            format_func=label,
            disabled=by != "Topics",
        )
        difficulties = st.multiselect("Difficulty", DIFFICULTIES, placeholder="Any")
        count = st.slider("Questions", 1, 10, 3)
        per_question = st.number_input("Minutes per question (0: untimed)", 0, 60, 5)
        total = st.number_input("Minutes in total (0: untimed)", 0, 180, 0)
        follow_ups = st.toggle("Follow-up questions", value=settings.max_follow_ups > 0)
        instant = st.toggle(
            "Tell me my score after each answer",
            value=False,
            help="Practice mode. In a real interview, as by default, scores come in the report at the end.",
        )
        coding = st.toggle(
            'Include coding rounds and "what does this print?" questions',
            value=False,
            help="Write and run code in a sandbox. Plan day 4 always includes coding rounds.",
            disabled=not sandbox.available,
        )
        if not sandbox.available or sandbox.weak:
            st.warning(sandbox.message)
        policy = st.radio(
            "When time runs out",
            ["grade_answer_so_far", "mark_unanswered"],
            format_func=lambda p: "grade what I have sent" if p == "grade_answer_so_far" else "mark it unanswered",
            horizontal=True,
        )
        submitted = st.form_submit_button("Start the interview", type="primary")
    if not submitted:
        return
    if by == "Topics" and not topics:
        st.error("Pick at least one topic, or choose by plan day.")
        return
    if by == "Topics" and not sandbox.available and set(topics) <= set(CODE_KINDS):
        st.error(sandbox.message)
        return
    config = SessionConfig(
        mode="mock",
        day=day if by == "Plan day" else None,
        topics=topics if by == "Topics" else [],
        difficulties=difficulties,
        question_count=count,
        max_follow_ups=max(1, settings.max_follow_ups) if follow_ups else 0,
        per_question_seconds=per_question * 60 or None,
        total_seconds=total * 60 or None,
        expiry_policy=policy,
        instant_feedback=instant,
        kinds=session_kinds(coding, by == "Plan day" and day == 4, topics, sandbox.available),
    )
    context.start_interviewer(config)
    st.rerun()


def act(interviewer: Interviewer, move, *args) -> None:  # type: ignore[no-untyped-def]
    """Forward a move to the engine; any problem is shown as a message, never a traceback. A move made on a
    state another tab has since changed is not applied: the page says so and shows where the session stands."""
    if context.moved_on_elsewhere(interviewer):
        st.session_state["flash"] = str(SessionMovedOn(MOVED_ON))
        keep_unsent(args)
        st.rerun()
    streaming_voice(interviewer)
    try:
        with st.spinner("The interviewer is thinking…"):
            move(*args)
        context.mark_shown(interviewer)  # this page's own move: not "moved on in another tab" next run
        context.learn(interviewer)  # every graded answer moves that concept in the drill schedule
    except InterviewError as exc:  # refused (too long, moved on, not saved): what was typed is shown to send again
        st.session_state["flash"] = str(exc)
        keep_unsent(args)
    st.rerun()


def keep_unsent(args: tuple) -> None:  # type: ignore[type-arg]
    """A move that was not kept: its text is shown again below the message, to copy and send."""
    if args and isinstance(args[0], str) and args[0].strip():
        st.session_state["unsent"] = args[0]


def answer_box(interviewer: Interviewer) -> str:
    """A box of its own per question, so that what was typed for one question and never sent is not left under the
    next (on a page another tab has overtaken, the box this page showed)."""
    state = interviewer.state
    return context.shown_key("answer_boxes", interviewer, f"answer-{state.id}-{len(state.attempts)}")


def interview(interviewer: Interviewer) -> None:
    # keyed containers: the clock's fragment reruns every second on its own, and must never be taken for (or
    # take the place of) what the setup form or the transcript drew at the same position in another run
    with st.container(key="clock"):
        draw_clock(interviewer)
    with st.container(key="transcript"):
        draw_transcript(interviewer.state.transcript)
    with st.container(key="read-aloud"):
        said = [(n, t) for n, t in enumerate(interviewer.state.transcript) if t.role == "interviewer"]
        if said:
            read_aloud(said[-1][1].text, f"{interviewer.state.id}-{said[-1][0]}")
    keep_code_from_a_stale_editor(interviewer)
    keep_stale_transcript(interviewer)
    context.mark_shown(interviewer)
    # what comes and goes above the editor lives in keyed containers: an element more or less before it would
    # make the browser load the editor afresh (it then shows the newest text the app has, but loses its undo)
    with st.container(key="messages"):
        if message := st.session_state.pop("flash", None):
            st.error(message)
        say_if_not_kept()
        if unsent := st.session_state.pop("unsent", None):
            st.caption("Not sent yet: here is what you wrote, to copy and send again.")
            st.code(unsent, language=None)
    hint, repeat, skip, end = st.columns(4)
    if hint.button("Hint (-0.5)", icon=":material/lightbulb:", width="stretch"):
        act(interviewer, interviewer.hint)
    if repeat.button("Repeat", icon=":material/replay:", width="stretch"):
        act(interviewer, interviewer.repeat)
    if skip.button("Skip", icon=":material/skip_next:", width="stretch"):
        act(interviewer, interviewer.skip)
    if end.button("End interview", icon=":material/stop:", width="stretch"):
        st.session_state["confirm_end"] = interviewer.state.id
    with st.container(key="confirm-end"):
        if st.session_state.get("confirm_end") == interviewer.state.id:
            confirm_end(interviewer)
    with st.expander("Ask the interviewer a clarifying question"), st.form("clarify", clear_on_submit=True):
        request = st.text_input("Your question", placeholder="e.g. What do the latency metrics show?")
        if st.form_submit_button("Ask"):
            act(interviewer, interviewer.ask_clarification, request)
    question = interviewer.current_question
    attempt = interviewer.state.current
    if question is not None and question.kind == "coding" and attempt is not None and attempt.code_report is None:
        coding_round(interviewer.state.id, len(interviewer.state.attempts))
        return
    voice_panel(interviewer, lambda current, text, delivery: act(current, current.answer, text, delivery))
    if answer := st.chat_input("Your answer", key=answer_box(interviewer)):
        act(interviewer, interviewer.answer, answer)


def confirm_end(interviewer: Interviewer) -> None:
    left = sum(1 for a in interviewer.state.attempts if a.status in ("asking", "not_reached"))
    question = f"End the interview now? The questions not yet answered ({left}) are marked as not reached."
    if confirmed("confirm_end", question, "Yes, end it", "Keep going"):
        act(interviewer, interviewer.finish)


EDITORS_SHOWN = "editors_shown"
EXAMPLE_RUNS = "example_runs"  # editor key -> the results of its last "Run examples"


def keep_code_from_a_stale_editor(interviewer: Interviewer) -> None:
    """Another tab saved the session after this page last showed it: code typed meanwhile in this page's editor is
    not saved (it could belong to a question that is over, or overwrite the other tab's work unseen). It is shown
    to copy, with the reason, and stays in the editor; what is typed after that is saved as usual."""
    shown = st.session_state.get(EDITORS_SHOWN, {}).get(interviewer.state.id)
    if shown is None or not context.moved_on_elsewhere(interviewer):
        return
    if (text := unsaved(shown)) is not None:
        st.session_state["flash"] = str(SessionMovedOn(MOVED_ON))
        keep_unsent((text,))
        mark_saved(shown, text)  # shown once


@st.fragment
def coding_round(session_id: str, number: int) -> None:
    """The editor: run the examples as often as wanted, then submit; the discussion follows in the chat.

    A fragment, so that the editor's saves (a pause in typing, a click elsewhere) rerun only this part of the page.
    The session is read afresh each time: the clock's own fragment may have moved it on meanwhile."""
    interviewer = context.open_interviewer(session_id, resume=False)
    attempt = interviewer.state.current if interviewer is not None else None
    if interviewer is None or attempt is None or len(interviewer.state.attempts) != number or attempt.code_report:
        st.rerun(scope="app")  # the question this editor belongs to is over: show where the session stands
    assert interviewer is not None and attempt is not None
    task = context.bank().get(attempt.question_id).coding
    assert task is not None
    st.markdown("**Examples**")
    examples = "\n".join(f"{t.call}  # -> {t.expected or 'raises ' + str(t.raises)}" for t in task.examples)
    st.code(examples, "python", wrap_lines=True)  # long calls wrap instead of running off the right edge
    key = f"code-{session_id}-{number}"
    st.session_state.setdefault(EDITORS_SHOWN, {})[session_id] = key
    code = code_box(key, attempt.code or task.starter())
    run, submit = st.columns(2)
    if run.button("Run examples", icon=":material/play_arrow:", width="stretch"):
        try:
            with st.spinner("Running in the sandbox…"):
                report = interviewer.run_examples(code)
            st.session_state.setdefault(EXAMPLE_RUNS, {})[key] = report
        except InterviewError as exc:
            st.session_state["flash"] = str(exc)
        st.rerun(scope="app")
    if submit.button("Submit code", type="primary", icon=":material/send:", width="stretch"):
        act(interviewer, interviewer.submit_code, code)
    # the last run's results stay until the next run: a late save from the editor reruns this part of the page
    if report := st.session_state.get(EXAMPLE_RUNS, {}).get(key):
        draw_test_results(report)
    if (typed := unsaved(key)) is not None:  # typed since this page last saved (or was told it could not)
        save_draft(interviewer, typed, key)


def save_draft(interviewer: Interviewer, code: str, key: str) -> None:
    """Keep the editor's code, so a reload shows it and the clock grades it. A page another tab has moved on
    saves nothing (the code could land on another question); what was typed is shown to copy."""
    if context.moved_on_elsewhere(interviewer):
        problem = str(SessionMovedOn(MOVED_ON))
    else:
        try:
            expired = interviewer.save_code(code)
        except InterviewError as exc:
            problem = str(exc)
        else:
            context.mark_shown(interviewer)  # this page's own save: not "moved on in another tab" next run
            mark_saved(key, code)
            if expired:  # time had run out: the expiry is in the transcript
                st.rerun(scope="app")
            return
    st.session_state["flash"] = problem
    keep_unsent((code,))
    mark_saved(key, code)  # told once; the next edit tries again
    st.rerun(scope="app")


session_id = context.current_session_id()
interviewer = context.open_interviewer(session_id) if session_id else None
if session_id and interviewer is None:
    st.warning("That interview was not found. Start a new one.")
    context.leave_session()
if interviewer is not None and interviewer.state.config.mode != "mock":
    st.info("That link is an explanation drill; open it from the Explanation drill page.")
    interviewer = None
if interviewer is not None and interviewer.state.status == "in_progress":
    check_time(interviewer)  # the clock ran out while the page was away
draw_sidebar(interviewer)

if interviewer is None:
    setup()
elif interviewer.state.status == "in_progress":
    interview(interviewer)
else:
    st.success("Interview complete. Here is your report.")
    say_if_not_kept()
    draw_report(build_report(interviewer.state, context.bank()))
    with st.expander("Transcript"):
        draw_transcript(interviewer.state.transcript)
    if st.button("Start a new interview", type="primary"):
        context.leave_session()
        st.rerun()
