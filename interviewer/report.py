"""The end-of-session report: scores overall, per dimension and per question, and next steps.

One report serves the app's report page and the Markdown and JSON exports, so they can
never disagree.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime

from pydantic import BaseModel, Field

from interviewer.bank import Bank
from interviewer.formatting import label
from interviewer.models import PLAN_DAYS, Grade, Growth, SandboxReport, SessionState, TokenUsage
from interviewer.voice.models import Delivery

WEAK_SCORE = 3.0
DIMENSIONS = ("structure", "concrete_example", "trade_offs", "concision")


class QuestionReport(BaseModel):
    question_id: str
    prompt: str
    topic: str
    day: int
    status: str
    score: float | None
    seconds: float
    hints_used: int
    follow_ups: int
    expired: bool
    answer: str
    grade: Grade | None
    code: str | None = None
    code_report: SandboxReport | None = None
    growth: Growth | None = None
    delivery: list[Delivery] = Field(default_factory=list, description="How the spoken answers were delivered.")


class NextStep(BaseModel):
    day: int
    day_name: str
    topic: str
    reason: str


class SessionReport(BaseModel):
    session_id: str
    mode: str
    started_at: datetime
    ended_at: datetime | None
    status: str
    score: float | None
    dimensions: dict[str, float]
    topic_scores: dict[str, float]
    questions: list[QuestionReport]
    next_steps: list[NextStep]
    usage: TokenUsage


def build_report(state: SessionState, bank: Bank) -> SessionReport:
    questions = []
    dimension_values: dict[str, list[float]] = defaultdict(list)
    topic_values: dict[str, list[float]] = defaultdict(list)
    for attempt in state.attempts:
        question = bank.questions.get(attempt.question_id)
        grade = attempt.grade
        topic = question.topic if question else attempt.topic
        questions.append(
            QuestionReport(
                question_id=attempt.question_id,
                prompt=question.prompt if question else attempt.question_id,
                topic=topic,
                day=question.day if question else 0,
                status=attempt.status,
                score=grade.score if grade else None,
                seconds=attempt.seconds_taken,
                hints_used=attempt.hints_used,
                follow_ups=len(attempt.follow_up_points),
                expired=attempt.expired,
                answer=attempt.combined_answer,
                grade=grade,
                code=attempt.code,
                code_report=attempt.code_report,
                growth=attempt.growth,
                delivery=attempt.spoken,
            )
        )
        if grade is None or attempt.status == "not_reached":
            continue
        topic_values[topic].append(grade.score)
        if grade.communication is not None:
            for name in DIMENSIONS:
                dimension_values[name].append(getattr(grade.communication, name))
    topic_scores = {topic: round(sum(v) / len(v), 2) for topic, v in topic_values.items()}
    return SessionReport(
        session_id=state.id,
        mode=state.config.mode,
        started_at=state.started_at,
        ended_at=state.ended_at,
        status=state.status,
        score=state.score,
        dimensions={name: round(sum(v) / len(v), 2) for name, v in dimension_values.items()},
        topic_scores=topic_scores,
        questions=questions,
        next_steps=next_steps(questions, topic_scores),
        usage=state.usage,
    )


def next_steps(questions: list[QuestionReport], topic_scores: dict[str, float]) -> list[NextStep]:
    """Weak topics first, each mapped to the plan day that practises it."""
    steps = []
    for topic, score in sorted(topic_scores.items(), key=lambda item: item[1]):
        if score >= WEAK_SCORE:
            continue
        day = next(q.day for q in questions if q.topic == topic)
        missed = [
            p.statement
            for q in questions
            if q.topic == topic and q.grade is not None
            for p in q.grade.points
            if p.verdict != "covered"
        ]
        focus = f" Start with: {missed[0]}" if missed else ""
        steps.append(
            NextStep(
                day=day,
                day_name=PLAN_DAYS.get(day, ""),
                topic=topic,
                reason=f"{label(topic)} averaged {score:.1f}/5.{focus}",
            )
        )
    if not steps and questions:
        steps.append(
            NextStep(
                day=5,
                day_name=PLAN_DAYS[5],
                topic="mixed",
                reason="Every topic here averaged 3/5 or better: keep sharp with timed mocks on new topics.",
            )
        )
    return steps
