"""Drawing engine state: the chat, a grade with its evidence highlighted, the session report."""

from __future__ import annotations

import html
import re
from collections.abc import Callable

import altair as alt
import pandas as pd
import streamlit as st

from interviewer.engine import Interviewer
from interviewer.formatting import CODE_SPAN, credit_note, inert_markdown, label, literal_markdown
from interviewer.llm.base import TextStream
from interviewer.models import Grade, SandboxReport, Turn, TurnKind
from interviewer.report import SessionReport
from interviewer.sandbox import ISOLATION_NOTES
from interviewer.voice.delivery import FAST_WPM, LONG_PAUSE_SECONDS, MANY_FILLERS_PER_100, SLOW_WPM
from interviewer.voice.delivery import notes as delivery_notes
from interviewer.voice.models import Delivery

AVATARS = {"interviewer": "assistant", "candidate": "user", "system": "assistant"}
VERDICT_ICONS = {"covered": ":green[covered]", "partial": ":orange[partial]", "missing": ":red[missed]"}


SYSTEM_ICONS = {
    "expiry": ":material/timer:",
    "code_run": ":material/terminal:",
    "code_error": ":material/error:",
    "summary": ":material/flag:",
}


def draw_turn(turn: Turn, under_answer: Callable[[Turn], None] | None = None) -> None:
    """One turn of the conversation; ``under_answer`` draws what goes in an answer's message below its text."""
    if turn.role == "system":
        icon = SYSTEM_ICONS.get(turn.kind, ":material/info:")
        (st.warning if turn.kind == "code_error" else st.info)(literal_markdown(turn.text), icon=icon)
        return
    with st.chat_message(AVATARS[turn.role]):
        if turn.kind in ("code_run", "code_submission"):
            st.caption("Ran the examples" if turn.kind == "code_run" else "Submitted")
            st.code(turn.text, "python")
        elif turn.kind == "feedback":
            st.caption(turn.text)
        else:
            st.markdown(md(inert_markdown(turn.text)) if turn.role == "interviewer" else literal_markdown(turn.text))
        if under_answer is not None and turn.kind == "answer":
            under_answer(turn)


def draw_transcript(turns: list[Turn], under_answer: Callable[[Turn], None] | None = None) -> None:
    for turn in turns:
        draw_turn(turn, under_answer)


def streaming_voice(interviewer: Interviewer) -> None:
    """Show model-written turns word by word as they arrive."""

    def voice(kind: TurnKind, words: TextStream) -> str:
        with st.chat_message("assistant"):
            shown = st.empty()
            for _ in words:  # the whole reply so far is redrawn, so a link split across chunks is still inert
                shown.markdown(md(inert_markdown(words.text)))
        return words.text

    interviewer.voice = voice


_DUNDER = re.compile(r"(`[^`]*`)|__(\w+?)__")


def md(text: str) -> str:
    """Bank text as Markdown, with dunder names (``__eq__``) kept literal instead of turning bold."""
    return _DUNDER.sub(lambda m: m.group(1) or f"\\_\\_{m.group(2)}\\_\\_", text)


def highlighted_answer(answer: str, grade: Grade) -> str:
    """The answer as one inert HTML block, exactly as written, with every quoted piece of evidence highlighted
    and code in backticks in monospace. No line is left blank: a blank line would end the block and let the rest
    be read as Markdown."""
    answer = answer.replace("\r\n", "\n").replace("\r", "\n")
    shown = html.escape(answer, quote=True)
    for point in sorted(grade.points, key=lambda p: -len(p.evidence or "")):
        if point.evidence:
            quoted = html.escape(point.evidence.rstrip("…").replace("\r", "\n"), quote=True)
            shown = shown.replace(quoted, f"<mark>{quoted}</mark>", 1)
    shown = CODE_SPAN.sub(lambda m: f"<code>{m.group(2)}</code>", shown)
    return shown.replace("\n", "<br>")


def draw_grade(grade: Grade, answer: str) -> None:
    if grade.fallback_reason:
        st.warning(grade.fallback_reason)
    if grade.length_note:
        st.info(grade.length_note)
    if grade.abstained:
        st.error(f"Not graded on content: {grade.abstention_reason}")
    if answer:
        st.markdown(f"<div class='answer'>{highlighted_answer(answer, grade)}</div>", unsafe_allow_html=True)
    for point in grade.points:
        st.markdown(f"{VERDICT_ICONS[point.verdict]} **{md(point.statement)}** ({credit_note(point)})")
        if point.evidence:
            st.caption(f"\u201c{literal_markdown(point.evidence)}\u201d")
        if point.contradiction:
            st.caption(f":red[gets it backwards:] \u201c{literal_markdown(point.contradiction)}\u201d")
    for mistake in grade.mistakes:
        quote = f": \u201c{literal_markdown(mistake.evidence)}\u201d" if mistake.evidence else ""
        st.markdown(f":red[mistake] **{mistake.name}**{quote}")
    for warning in grade.warnings:
        st.caption(f"Not trusted: {literal_markdown(warning)}")
    if grade.feedback:
        st.markdown("**What a strong answer adds**")
        st.markdown("\n".join(f"- {literal_markdown(line)}" for line in grade.feedback))
    with st.expander("Model answer"):
        st.markdown(md(grade.model_answer))


def draw_test_results(report: SandboxReport) -> None:
    note = ISOLATION_NOTES[report.isolation]
    if report.isolation == "bubblewrap":
        st.caption(note)
    else:
        st.warning(note)
    if report.load_error:
        st.error(report.load_error)
        return
    (st.success if report.all_passed else st.warning)(f"{report.passed} of {report.total} passed")
    for result in report.results:
        icon = ":green[passed]" if result.status == "passed" else f":red[{result.status}]"
        st.markdown(f"{icon} `{result.call}`" + (f": {literal_markdown(result.message)}" if result.message else ""))
        if result.traceback:
            st.code(result.traceback, language=None)


def short_title(text: str, limit: int = 90) -> str:
    """A prompt as an expander title: no code marks (a cut one would run on), cut at a word, on one line."""
    plain = " ".join(text.replace("`", "").split())
    if len(plain) <= limit:
        return plain
    return plain[:limit].rsplit(" ", 1)[0].rstrip(",;:") + "…"


def draw_report(report: SessionReport) -> None:
    columns = st.columns(5)
    columns[0].metric("Overall", "n/a" if report.score is None else f"{report.score:.1f} / 5")
    for column, (name, value) in zip(columns[1:], report.dimensions.items(), strict=False):
        column.metric(label(name), f"{value:.0%}")
    if report.next_steps:
        st.subheader("Next steps")
        for step in report.next_steps:
            st.markdown(f"- **Day {step.day}, {step.day_name}**: {md(step.reason)}")
    st.subheader("Question by question")
    for number, item in enumerate(report.questions, start=1):
        score = "not reached" if item.score is None else f"{item.score:.1f}/5"
        title = f"{number}. {short_title(item.prompt)} ({score})"
        with st.expander(title, expanded=number == 1):
            st.caption(
                f"{item.status}; {item.seconds:.0f} s; {item.hints_used} hint(s); {item.follow_ups} follow-up(s)"
                + ("; time ran out" if item.expired else "")
            )
            if item.code:
                st.code(item.code, "python")
            if item.code_report is not None:
                draw_test_results(item.code_report)
            if item.growth is not None:
                (st.warning if item.growth.slower or item.growth.too_slow else st.caption)(item.growth.summary())
            draw_delivery(item.delivery)
            if item.grade is not None:
                draw_grade(item.grade, item.answer)
    if report.usage.calls:
        cost = "unknown" if report.usage.cost_usd is None else f"${report.usage.cost_usd:.4f}"
        st.caption(f"Model use: {report.usage.calls} calls, {report.usage.prompt_tokens:,} prompt tokens, cost {cost}")


def draw_delivery(deliveries: list[Delivery]) -> None:
    """How each spoken answer was delivered: the figures, and a note where one is well outside the usual range."""
    for delivery in deliveries:
        parts = [f"{delivery.words} words in {delivery.talk_seconds:.0f} s"]
        if delivery.allowed_seconds:
            parts[0] += f" of the {delivery.allowed_seconds:.0f} s allowed"
        if delivery.words_per_minute is not None:
            parts.append(f"{delivery.words_per_minute:.0f} words a minute")
        parts.append(f"{sum(delivery.fillers.values())} filler word(s)")
        if delivery.timestamps:
            parts.append(f"{len(delivery.long_pauses)} long pause(s)")
        else:
            parts.append("pauses not measured (the server gave no word timings)")
        st.caption("Spoken: " + " · ".join(parts))
        for note in delivery_notes(delivery):
            st.info(note, icon=":material/record_voice_over:")


def delivery_row(delivery: Delivery) -> dict[str, float | None]:
    return {
        "words a minute": delivery.words_per_minute,
        "fillers per 100 words": delivery.fillers_per_100_words,
        "long pauses": float(len(delivery.long_pauses)) if delivery.timestamps else None,
    }


def draw_speaking_progress(spoken: pd.DataFrame) -> None:
    """Delivery of the spoken answers over time: one small chart per figure, each day's average as a point."""
    st.subheader("Speaking")
    st.caption(
        f"Spoken answers only. Usual ranges: about {SLOW_WPM:.0f}-{FAST_WPM:.0f} words a minute, under "
        f"{MANY_FILLERS_PER_100:.0f} fillers per 100 words, no silences of {LONG_PAUSE_SECONDS:.0f} s or more "
        "(docs/voice.md gives the sources)."
    )
    daily = spoken.groupby("date", as_index=False).mean(numeric_only=True)
    columns = st.columns(3)
    for column, figure in zip(columns, ("words a minute", "fillers per 100 words", "long pauses"), strict=True):
        chart = (
            alt.Chart(daily.dropna(subset=[figure]))
            .mark_line(point=alt.OverlayMarkDef(size=60))
            .encode(
                x=alt.X("date:T", title="day", axis=alt.Axis(format="%m-%d", tickCount="day")),
                y=alt.Y(f"{figure}:Q", title=figure),
                tooltip=["date:T", alt.Tooltip(f"{figure}:Q", format=".1f")],
            )
        )
        column.altair_chart(chart, width="stretch")


def confirmed(slot: str, question: str, yes: str, no: str) -> bool:
    """A yes/no question drawn while ``slot`` is set in the session state: True when the answer is yes; no clears
    the question and reruns the page."""
    st.warning(question)
    left, right = st.columns(2)
    if left.button(yes, type="primary"):
        st.session_state.pop(slot, None)
        return True
    if right.button(no):
        st.session_state.pop(slot, None)
        st.rerun()
    return False
