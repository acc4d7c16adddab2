"""Turning verdicts into advice: what a strong answer would have added."""

from __future__ import annotations

from interviewer.models import Communication, Grade, MistakeFinding, PointVerdict

ADVICE_LIMIT = 6


def write_feedback(grade: Grade, reference_points: list[PointVerdict]) -> list[str]:
    if grade.abstained:
        lines = [grade.abstention_reason or "The answer could not be graded."]
        lines += [f"A strong answer would say: {p.statement}" for p in _by_weight(reference_points)[:3]]
        return lines
    lines: list[str] = []
    missing = [p for p in _by_weight(grade.points) if p.verdict != "covered"]
    if not missing:
        lines.append("Every rubric point is covered.")
    for point in missing[:ADVICE_LIMIT]:
        if point.contradiction:
            lines.append(f"This gets it backwards: \u201c{point.contradiction}\u201d In fact: {point.statement}")
            continue
        prefix = "Go further on" if point.verdict == "partial" else "A strong answer would add"
        lines.append(f"{prefix}: {point.statement}")
    lines += [_mistake_advice(m) for m in grade.mistakes]
    if grade.communication is not None:
        lines += _communication_advice(grade.communication, grade.mistakes)
    if grade.hints_used:
        lines.append(f"You took {grade.hints_used} hint(s), which cost {grade.hint_penalty:g} point(s).")
    if grade.ignored_instructions:
        lines.append("Sentences addressed to the grader were ignored; they neither add nor take away credit.")
    return lines


def _by_weight(points: list[PointVerdict]) -> list[PointVerdict]:
    return sorted(points, key=lambda p: -p.weight)


def _mistake_advice(finding: MistakeFinding) -> str:
    return f"{finding.name}: {finding.advice}" if finding.advice else f"{finding.name}: {finding.explanation}"


def _communication_advice(communication: Communication, mistakes: list[MistakeFinding]) -> list[str]:
    flagged = {m.mistake_id for m in mistakes}
    lines = []
    if communication.concrete_example < 0.5 and "no-practical-example" not in flagged:
        lines.append("Show it with one concrete example: a short snippet or a case from real code.")
    if communication.trade_offs < 0.5:
        lines.append("Say when you would choose differently: name a trade-off or a limit.")
    if communication.concision < 0.6:
        lines.append("Tighten the answer: lead with the key point, then support it.")
    if communication.structure < 0.34:
        lines.append("Give the answer a shape: the main point first, then the reasons and an example.")
    return lines
