"""What the interviewer says: follow-up questions, answers to clarifying questions, the closing summary.

:class:`OfflineTurns` speaks from the bank (its follow-ups and clarifications);
:class:`LLMTurns` has a model write them from the same material and falls back to the
offline wording whenever the model fails. Both return a :class:`TextStream`, so a UI can
show the words as they arrive.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Protocol

from interviewer.bank import Bank
from interviewer.clarifications import reply
from interviewer.llm.base import ChatClient, LLMError, TextStream
from interviewer.models import PLAN_DAYS, Attempt, Question, SessionState
from interviewer.prompts import fence, fit, load_prompt

DEFAULT_BUDGET = 1500
GENERIC_FOLLOW_UP = "What would you add to that? Think about a concrete example and the trade-offs."


class TurnWriter(Protocol):
    name: str
    writes_any_follow_up: bool  # False: only rubric points with a follow-up in the bank are probed

    def follow_up(self, question: Question, point_id: str, attempt: Attempt, session: SessionState) -> TextStream: ...

    def clarify(self, question: Question, request: str) -> TextStream: ...

    def summary(self, session: SessionState, bank: Bank) -> TextStream: ...


def said(text: str) -> TextStream:
    return TextStream(iter([text]))


def bank_follow_up(question: Question, point_id: str) -> str:
    return next((f.ask for f in question.follow_ups if f.point == point_id), GENERIC_FOLLOW_UP)


def bank_clarification(question: Question, request: str) -> str:
    """The matching clarifications' answers, or a nudge to state an assumption (see ``clarifications``)."""
    return reply(question, request)


def results_lines(session: SessionState, bank: Bank) -> list[str]:
    lines = []
    for attempt in session.attempts:
        question = bank.questions.get(attempt.question_id)
        grade = attempt.grade
        if question is None or grade is None:
            continue
        missed = ", ".join(p.point_id for p in grade.points if p.verdict != "covered")[:160] or "nothing"
        lines.append(f"- day {question.day} {question.topic} / {question.id}: {grade.score:.1f}/5; missed: {missed}")
    return lines


class OfflineTurns:
    name = "offline"
    writes_any_follow_up = False

    def follow_up(self, question: Question, point_id: str, attempt: Attempt, session: SessionState) -> TextStream:
        return said(bank_follow_up(question, point_id))

    def clarify(self, question: Question, request: str) -> TextStream:
        return said(bank_clarification(question, request))

    def summary(self, session: SessionState, bank: Bank) -> TextStream:
        score = session.score
        if score is None:
            return said("That's the end of the session.")
        return said(f"That's the end of the session: {_questions_told(session)}, average {score:.1f} out of 5.")


def _questions_told(session: SessionState) -> str:
    """ "2 questions answered, 1 skipped": what the average is over, counted by what happened to each."""
    counts = {"graded": 0, "expired": 0, "skipped": 0}
    for attempt in session.attempts:
        if attempt.status in counts:
            counts[attempt.status] += 1
    answered = counts["graded"]
    parts = [f"{answered} question{'' if answered == 1 else 's'} answered"]
    parts += [f"{counts['skipped']} skipped"] if counts["skipped"] else []
    parts += [f"{counts['expired']} out of time"] if counts["expired"] else []
    return ", ".join(parts)


class LLMTurns:
    """Model-written turns, each falling back to the offline wording if the model fails."""

    writes_any_follow_up = True

    def __init__(self, client: ChatClient, *, budget_tokens: int = DEFAULT_BUDGET) -> None:
        self.client = client
        self.name = client.name
        self.budget_tokens = budget_tokens
        self.offline = OfflineTurns()

    def _stream(self, messages_for: Callable[[], list], fallback: str) -> TextStream:
        def chunks(out: TextStream) -> Iterator[str]:
            produced = False
            try:
                inner = self.client.stream(messages_for())
                for chunk in inner:
                    produced = produced or bool(chunk.strip())
                    yield chunk
                out.usage = inner.usage
                if not produced:
                    out.error = "the model sent an empty reply"
                    yield fallback
            except LLMError as exc:
                out.usage = exc.usage
                out.error = str(exc)
                yield ("\n\n" if produced else "") + fallback

        return TextStream.producing(chunks)

    def follow_up(self, question: Question, point_id: str, attempt: Attempt, session: SessionState) -> TextStream:
        def messages() -> list:
            prompt = load_prompt("follow_up")
            thread = [
                f"{'Candidate' if t.kind == 'answer' else 'Interviewer'}: "
                + (
                    f"<candidate_answer>{fence(t.text, 'candidate_answer')}</candidate_answer>"
                    if t.kind == "answer"
                    else t.text
                )
                for t in session.transcript
                if t.question_id == question.id and t.at >= attempt.asked_at and t.kind in ("answer", "follow_up")
            ]
            values = {
                "session_summary": f"question {len(session.attempts)} of {session.config.question_count}",
                "prompt": question.prompt,
                "thread": "\n".join(thread),
                "point": question.point(point_id).statement,
                "example": bank_follow_up(question, point_id),
            }
            return fit(prompt, self.client.model, self.budget_tokens, values, [("thread", 200)])

        return self._stream(messages, bank_follow_up(question, point_id))

    def clarify(self, question: Question, request: str) -> TextStream:
        def messages() -> list:
            facts = "\n".join(f"- about {', '.join(c.triggers)}: {c.answer}" for c in question.clarifications)
            values = {
                "prompt": question.prompt,
                "facts": facts or "- (none: the candidate should state their own assumptions)",
                "request": fence(request, "candidate_question"),
            }
            prompt = load_prompt("clarification")
            return fit(prompt, self.client.model, self.budget_tokens, values, [("request", 100), ("facts", 300)])

        return self._stream(messages, bank_clarification(question, request))

    def summary(self, session: SessionState, bank: Bank) -> TextStream:
        fallback = self.offline.summary(session, bank).read()
        lines = results_lines(session, bank)
        if not lines:
            return said(fallback)

        def messages() -> list:
            values = {
                "results": "\n".join(lines),
                "plan_days": "; ".join(f"{day}: {name}" for day, name in PLAN_DAYS.items()),
            }
            return fit(load_prompt("summary"), self.client.model, self.budget_tokens, values, [("results", 200)])

        return self._stream(messages, fallback)
