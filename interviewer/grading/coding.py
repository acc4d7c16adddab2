"""Grading a coding round: hidden tests, readability, clarified assumptions and the discussion.

Each part becomes a weighted rubric verdict beside the question's own points (judged on
the candidate's complexity-and-improvement discussion by the active grader), so the
score comes from the same :func:`compute_score` as every other grade.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from interviewer.grading import Grader
from interviewer.grading.readability import review
from interviewer.grading.scoring import compute_score
from interviewer.models import CommonMistake, Grade, MistakeFinding, PointVerdict, Question, SandboxReport, Verdict

TESTS_WEIGHT = 4.0
READABILITY_WEIGHT = 1.5
CLARIFIED_WEIGHT = 1.0
_ASSUMING = re.compile(r"\b(assum\w*|clarif\w*|what if|edge cases?|empty input|constraints?)\b", re.I)


def _verdict(credit: float) -> Verdict:
    return "covered" if credit >= 0.999 else "partial" if credit > 0 else "missing"


def _point(point_id: str, statement: str, weight: float, credit: float, evidence: str | None) -> PointVerdict:
    credit = round(min(1.0, max(0.0, credit)), 3)
    return PointVerdict(
        point_id=point_id,
        statement=statement,
        weight=weight,
        verdict=_verdict(credit),
        credit=credit,
        evidence=evidence,
    )


def _finding(mistake: CommonMistake | None, evidence: str | None, explanation: str) -> list[MistakeFinding]:
    if mistake is None:
        return []
    return [
        MistakeFinding(
            mistake_id=mistake.id,
            name=mistake.name,
            penalty=mistake.penalty,
            evidence=evidence,
            explanation=explanation,
            advice=mistake.advice,
        )
    ]


def grade_coding_round(
    question: Question,
    code: str,
    report: SandboxReport,
    discussion: str,
    *,
    clarifications_asked: int,
    hints_used: int,
    discussion_grader: Grader,
    mistakes: Mapping[str, CommonMistake],
) -> Grade:
    if question.coding is None:
        raise ValueError(f"{question.id} is not a coding question")
    talk = discussion_grader.grade(question, discussion, hints_used=hints_used)
    readability = review(code)
    if report.load_error:
        tests = _point("code-tests", "The code runs and passes the hidden tests.", TESTS_WEIGHT, 0.0, report.load_error)
    else:
        tests = _point(
            "code-tests",
            "The code passes the hidden tests, edge cases included.",
            TESTS_WEIGHT,
            report.passed / report.total if report.total else 0.0,
            f"{report.passed} of {report.total} hidden tests passed",
        )
    clarified = clarifications_asked > 0 or bool(_ASSUMING.search(discussion))
    points = [
        tests,
        _point(
            "code-readability",
            "The code is easy to read: short functions, shallow nesting, clear names, nothing needlessly clever.",
            READABILITY_WEIGHT,
            readability.score,
            readability.summary,
        ),
        _point(
            "code-clarified",
            "The candidate clarified inputs and constraints (asked, or stated assumptions) instead of guessing.",
            CLARIFIED_WEIGHT,
            1.0 if clarified else 0.0,
            f"{clarifications_asked} clarifying question(s) asked" if clarifications_asked else None,
        ),
        *talk.points,
    ]
    found = [
        m for m in talk.mistakes if m.mistake_id not in ("clever-unmaintainable-code", "no-clarifying-assumptions")
    ]
    if readability.clever and "clever-unmaintainable-code" in question.mistakes:
        found += _finding(
            mistakes.get("clever-unmaintainable-code"), readability.clever[0], "; ".join(readability.clever)
        )
    if not clarified and "no-clarifying-assumptions" in question.mistakes:
        found += _finding(
            mistakes.get("no-clarifying-assumptions"),
            None,
            "No clarifying question was asked and no assumption was stated before or after coding.",
        )
    failures = [f"{r.call}: {r.message or r.status}" for r in report.results if r.status != "passed"][:3]
    feedback = [f"Failing hidden test {line}" for line in failures]
    feedback += [f"Readability: {line}" for line in readability.findings + readability.clever]
    feedback += talk.feedback
    task = question.coding
    solution = f"Expected complexity: {task.expected_complexity}.\n\n```python\n{task.reference_solution.strip()}\n```"
    return Grade(
        question_id=question.id,
        grader=talk.grader,
        model=talk.model,
        prompt_version=talk.prompt_version,
        fallback_reason=talk.fallback_reason,
        score=compute_score(points, found, hints_used, talk.hint_penalty / hints_used if hints_used else 0.0),
        points=points,
        mistakes=found,
        communication=talk.communication,
        hints_used=hints_used,
        hint_penalty=talk.hint_penalty,
        ignored_instructions=talk.ignored_instructions,
        warnings=talk.warnings,
        usage=talk.usage,
        feedback=feedback,
        model_answer=f"{question.reference_answer.strip()}\n\n{solution}",
    )
