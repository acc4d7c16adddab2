"""Reviewing past sessions: the list, an annotated transcript, exports, progress over time."""

from __future__ import annotations

from collections import Counter

import altair as alt
import pandas as pd
import streamlit as st

from interviewer.export import to_json, to_markdown
from interviewer.formatting import label
from interviewer.report import build_report
from interviewer.store import SessionNotFound, UnreadableSession
from ui import context
from ui.recordings import players
from ui.sidebar import draw_sidebar
from ui.views import confirmed, delivery_row, draw_report, draw_speaking_progress, draw_transcript

st.title("Review")
draw_sidebar(None)
store, bank, user = context.store(), context.bank(), context.user()
if message := st.session_state.pop("review_flash", None):
    st.success(message)
sessions = store.list_sessions(user=user)
if not sessions:
    st.info("No sessions yet. Your mock interviews and drills will appear here.")
    st.stop()

table = pd.DataFrame(
    [
        {
            "date": s.created_at.strftime("%Y-%m-%d %H:%M"),
            "mode": label(s.mode),
            "topics": ", ".join(label(t) for t in s.topics),
            "score": s.score,
            "questions": s.question_count,
            "status": s.status.replace("_", " "),
        }
        for s in sessions
    ]
)
st.dataframe(table, hide_index=True, width="stretch")

labels: dict[str, str] = {}
seen: Counter[str] = Counter()
for s in sessions:  # two sessions started in the same minute on the same topics are told apart by a number
    text = f"{s.created_at:%Y-%m-%d %H:%M} · {label(s.mode)} · {', '.join(label(t) for t in s.topics) or 'mixed'}"
    seen[text] += 1
    labels[s.id] = f"{text} #{seen[text]}" if seen[text] > 1 else text
chosen = st.selectbox("Open a session", list(labels), format_func=labels.__getitem__)
try:
    state = store.load(chosen, user=user)
except UnreadableSession as exc:
    st.error(str(exc))
    st.stop()
except SessionNotFound:  # deleted in another tab since the list was read
    st.info("That session was just deleted. Choose another.")
    st.stop()
report = build_report(state, bank)
left, right, resume, remove = st.columns(4)
left.download_button("Export Markdown", to_markdown(state, bank), f"interview-{chosen}.md", "text/markdown")
right.download_button("Export JSON", to_json(state, bank), f"interview-{chosen}.json", "application/json")
if state.status == "in_progress":
    target = "app_pages/mock_interview.py" if state.config.mode == "mock" else "app_pages/drill.py"
    resume.page_link(target, label="Resume", icon=":material/play_arrow:", query_params={"session": chosen})
if remove.button("Delete", icon=":material/delete:"):
    st.session_state["confirm_delete"] = chosen
if st.session_state.get("confirm_delete") == chosen:
    question = f"Delete {labels[chosen]}? Its transcript, answers, grades and recordings are removed for good."
    if confirmed("confirm_delete", question, "Yes, delete it", "Keep it"):
        store.delete(chosen, user=user)
        st.session_state["review_flash"] = f"Deleted {labels[chosen]}."
        st.rerun()
recorded, under_answer = players(state, user, "review_flash")
if recorded:
    if recorded == 1:
        kept = "One answer has its recording kept: play or delete it"
    else:
        kept = f"{recorded} answers have their recordings kept: play or delete them"
    st.caption(f"{kept} in the Transcript tab. Exports hold the transcript, not the recordings.")
tab_report, tab_transcript = st.tabs(["Report", "Transcript"])
with tab_report:
    draw_report(report)
with tab_transcript:
    draw_transcript(state.transcript, under_answer)

st.header("Progress")
rows, spoken = [], []
for summary in sessions:
    try:
        past = store.load(summary.id, user=user)
    except SessionNotFound:  # deleted in another tab meanwhile
        continue
    for item in build_report(past, bank).questions:
        if item.score is not None:
            rows.append({"date": summary.created_at.date(), "topic": label(item.topic), "score": item.score})
        spoken += [{"date": summary.created_at.date(), **delivery_row(d)} for d in item.delivery]
if rows:
    # points as well as lines: a topic practised on one day only is still seen
    progress = pd.DataFrame(rows).groupby(["date", "topic"], as_index=False)["score"].mean()
    chart = (
        alt.Chart(progress)
        .mark_line(point=alt.OverlayMarkDef(size=80))
        .encode(
            x=alt.X("date:T", title="day", axis=alt.Axis(format="%Y-%m-%d", tickCount="day")),
            y=alt.Y("score:Q", title="average score (0-5)", scale=alt.Scale(domain=[0, 5])),
            color=alt.Color("topic:N", title="topic"),
            tooltip=["date:T", "topic:N", alt.Tooltip("score:Q", format=".1f")],
        )
    )
    st.altair_chart(chart, width="stretch")
if spoken:
    draw_speaking_progress(pd.DataFrame(spoken))


def point_statement(question_id: str, point_id: str) -> str:
    question = bank.questions.get(question_id)
    point = next((p for p in question.rubric if p.id == point_id), None) if question else None
    return point.statement if point else point_id


weakest = sorted(store.point_history(user=user), key=lambda h: (h.mean_credit, -h.attempts))[:10]
if weakest:
    st.subheader("Weakest rubric points")
    weak_rows = [
        {
            "point": point_statement(h.question_id, h.point_id),
            "question": h.question_id,
            "credit": f"{h.mean_credit:.0%}",
            "attempts": h.attempts,
        }
        for h in weakest
    ]
    st.dataframe(pd.DataFrame(weak_rows), hide_index=True, width="stretch")
