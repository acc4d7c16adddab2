"""The parts of a coding round's grade that the code and the round decide, not the talk alone.

- What was clarified is judged once (``judge_clarifying``), from the clarifications the candidate's questions
  got and the assumptions the discussion states, and every part of the grade that speaks of clarifying uses it.
- A point the discussion earns is held to partial credit when the code contradicts it: the approach when the
  main hidden tests fail or the code grows faster than the reference solution, the edge cases when a test of a
  stated rule fails, the complexity when the timing contradicts the complexity the candidate claimed.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from pydantic import BaseModel

from interviewer.clarifications import revealing_text
from interviewer.complexity import claimed_growth
from interviewer.grading.scoring import VERDICT_CREDIT
from interviewer.models import BIG_O, ORDER, Growth, GrowthClass, PointVerdict, Question, SandboxReport, Verdict

ASSUMING = re.compile(r"\b(assum\w*|clarif\w*|what if|edge cases?|empty input|constraints?)\b", re.I)


def _verdict(credit: float) -> Verdict:
    return "covered" if credit >= 0.999 else "partial" if credit > 0 else "missing"


def point_verdict(point_id: str, statement: str, weight: float, credit: float, evidence: str | None) -> PointVerdict:
    credit = round(min(1.0, max(0.0, credit)), 3)
    return PointVerdict(
        point_id=point_id,
        statement=statement,
        weight=weight,
        verdict=_verdict(credit),
        credit=credit,
        evidence=evidence,
    )


ASSUMPTIONS_POINT = "assumptions"  # the coding questions' rubric point about clarifying before coding
APPROACH_POINT = "approach"
EDGE_CASES_POINT = "edge-cases"


class Clarity(BaseModel):
    """One judgement of how well the candidate clarified the task, shared by every part of the grade."""

    credit: float
    evidence: str | None
    feedback: list[str] = []

    def apply(self, point: PointVerdict) -> PointVerdict:
        """The question's assumptions point: what the discussion earned, or what was asked, whichever is more."""
        if self.credit <= point.credit:
            return point
        return point_verdict(point.point_id, point.statement, point.weight, self.credit, self.evidence)


def judge_clarifying(
    question: Question, asked: int, revealed: Sequence[int], discussion: str, report: SandboxReport
) -> Clarity:
    """How much of what the task leaves open the candidate asked about (or stated an assumption on).

    What matters is the facts the hidden tests check that only a clarification reveals: asking about all of
    them earns full credit, some of them partial; asking about anything, or stating assumptions, earns at
    least half. The feedback names the facts not asked about, and says when a hidden test failed on one.
    """
    assert question.coding is not None
    revealing = _revealing_clarifications(question)
    needed = {index for indexes in revealing.values() for index in indexes}
    learned = [index for index in revealed if 0 <= index < len(question.clarifications)]
    stated = bool(ASSUMING.search(discussion))
    share = len(set(learned) & needed) / len(needed) if needed else float(bool(learned or stated))
    credit = max(share, VERDICT_CREDIT["partial"]) if (asked or stated) else share
    parts = []
    if asked:
        parts.append(f"{asked} clarifying question(s) asked")
    if learned:
        topics = "; ".join(question.clarifications[index].answer for index in learned[:4])
        parts.append(f"learned: {topics}")
    if stated and not asked:
        parts.append("assumptions stated in the discussion")
    failed = {r.index for r in report.results if r.status != "passed"}
    feedback = []
    for index in sorted(needed - set(learned)):
        missed = any(index in indexes and position in failed for position, indexes in revealing.items())
        note = " (a hidden test checks it and your code failed it)" if missed else " (a hidden test checks it)"
        feedback.append(f"Worth asking before coding: {question.clarifications[index].answer}{note}")
    return Clarity(credit=round(credit, 3), evidence="; ".join(parts) or None, feedback=feedback)


def _revealing_clarifications(question: Question) -> dict[int, list[int]]:
    """Per hidden test with a requirement, the clarifications that reveal it (none when the prompt does)."""
    assert question.coding is not None
    found = {}
    for position, test in enumerate(question.coding.hidden_tests):
        if test.requirement:
            text = revealing_text(question, test.requirement)
            if text is not None and text != question.prompt:
                found[position] = [i for i, c in enumerate(question.clarifications) if c.answer == text]
    return found


def held_to_the_code(point: PointVerdict, question: Question, report: SandboxReport) -> PointVerdict:
    """The approach described cannot be fully credited when the code fails its main tests, nor the edge cases
    when it fails a test of a stated rule: such a point is held to partial credit, and says why."""
    assert question.coding is not None
    tests = question.coding.hidden_tests
    failing = [r for r in report.results if r.status != "passed" and r.index < len(tests)]
    if point.point_id == APPROACH_POINT:
        against = [r for r in failing if not tests[r.index].requirement] if not report.load_error else ["load"]
    elif point.point_id == EDGE_CASES_POINT:
        against = [r for r in failing if tests[r.index].requirement]
    else:
        return point
    cap = VERDICT_CREDIT["partial"]
    if not against or point.credit <= cap:
        return point
    reason = (
        "the code did not load"
        if report.load_error
        else f"the code fails {len(against)} hidden test(s) of what this point is about"
    )
    held = point_verdict(point.point_id, point.statement, point.weight, cap, point.evidence)
    return held.model_copy(
        update={"evidence": f"{point.evidence or 'said in the discussion'} (held to partial: {reason})"}
    )


COMPLEXITY_POINT = "complexity"


def timing_feedback(growth: Growth | None, discussion: str) -> list[str]:
    """What the timing of the code says, beside what the candidate claimed."""
    if growth is None:
        return []
    claimed = claimed_growth(discussion)
    lines = [f"Timing: {growth.summary()}"]
    if claimed is not None and _contradicts(claimed, growth):
        found = f"it measured {growth.label} between {growth.span}" if growth.measured else "it was far slower"
        lines.append(f"You said {BIG_O[claimed]}; {found}.")
    return lines


def _contradicts(claimed: GrowthClass, growth: Growth) -> bool:
    """Whether the timing says the claimed complexity is wrong: another class was measured, or the code was far
    slower than a reference it claims to match (or beat)."""
    if growth.measured:
        return claimed not in growth.measured
    return growth.too_slow and ORDER.index(claimed) <= ORDER.index(growth.expected)


def held_to_the_timing(point: PointVerdict, growth: Growth | None, discussion: str) -> PointVerdict:
    """A complexity claim the timing contradicts, or an approach that grows faster than the reference's, earns
    at most partial credit, and the point says what was measured."""
    if growth is None or not (growth.measured or growth.too_slow):
        return point
    claimed = claimed_growth(discussion)
    measured = f"it measured {growth.label} between {growth.span}" if growth.measured else growth.summary()
    if point.point_id == COMPLEXITY_POINT and claimed is not None and _contradicts(claimed, growth):
        reason = f"you said {BIG_O[claimed]}; {measured}"
    elif point.point_id == APPROACH_POINT and (growth.slower or growth.too_slow):
        reason = f"the reference solution is {BIG_O[growth.expected]}; {measured}"
    else:
        return point
    cap = VERDICT_CREDIT["partial"]
    if point.credit <= cap:
        return point  # nothing to hold back: the feedback says what the timing found
    evidence = f"{point.evidence or 'said in the discussion'} (held to partial: {reason})"
    return point_verdict(point.point_id, point.statement, point.weight, min(point.credit, cap), evidence)
