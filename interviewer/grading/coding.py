"""Grading a coding round: hidden tests, readability, clarified assumptions and the discussion.

Each part becomes a weighted rubric verdict beside the question's own points (judged on
the candidate's complexity-and-improvement discussion by the active grader), so the
score comes from the same :func:`compute_score` as every other grade. The hidden tests
carry 45% of the round, readability and clarified assumptions 10% each, the discussion 35%.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from interviewer.grading import Grader
from interviewer.grading.mistakes import applicable_mistakes, finding
from interviewer.grading.readability import review
from interviewer.grading.round_checks import (
    ASSUMPTIONS_POINT,
    held_to_the_code,
    held_to_the_timing,
    judge_clarifying,
    point_verdict,
    timing_feedback,
)
from interviewer.grading.scoring import compute_score
from interviewer.grading.window import graded_part
from interviewer.models import CommonMistake, Grade, Growth, Question, SandboxReport

# Shares of a coding round's score; the discussion's own rubric points carry the rest.
TESTS_SHARE = 0.45
READABILITY_SHARE = 0.10
CLARIFIED_SHARE = 0.10
DISCUSSION_SHARE = 1.0 - TESTS_SHARE - READABILITY_SHARE - CLARIFIED_SHARE


def _per_hint(talk: Grade) -> float:
    """What one hint cost in the discussion grade, so the round charges hints the same way."""
    return talk.hint_penalty / talk.hints_used if talk.hints_used else 0.0


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
    clarifications_revealed: Sequence[int] = (),
    growth: Growth | None = None,
) -> Grade:
    """The round's grade. What was clarified is judged once, from the questions asked and the assumptions
    stated, and the round's "clarified" point, the question's own assumptions point and the "not clarifying"
    mistake all follow that one judgement; a point the discussion earns is held to partial credit when the
    code fails the hidden tests it is about (see ``round_checks``)."""
    if question.coding is None:
        raise ValueError(f"{question.id} is not a coding question")
    talk = discussion_grader.grade(question, discussion, hints_used=hints_used)
    discussion = graded_part(discussion).text  # the round's own checks read what the discussion grader read
    readability = review(code)
    round_weight = sum(p.weight for p in talk.points) / DISCUSSION_SHARE if talk.points else 1.0
    tests_weight, readability_weight, clarified_weight = (
        round(share * round_weight, 1) for share in (TESTS_SHARE, READABILITY_SHARE, CLARIFIED_SHARE)
    )
    if report.load_error:
        tests = point_verdict(
            "code-tests", "The code runs and passes the hidden tests.", tests_weight, 0.0, report.load_error
        )
    else:
        tests = point_verdict(
            "code-tests",
            "The code passes the hidden tests, edge cases included.",
            tests_weight,
            report.passed / report.total if report.total else 0.0,
            f"{report.passed} of {report.total} hidden tests passed",
        )
    clarity = judge_clarifying(question, clarifications_asked, clarifications_revealed, discussion, report)
    talk_points = [held_to_the_code(point, question, report) for point in talk.points]
    talk_points = [held_to_the_timing(point, growth, discussion) for point in talk_points]
    talk_points = [clarity.apply(point) if point.point_id == ASSUMPTIONS_POINT else point for point in talk_points]
    points = [
        tests,
        point_verdict(
            "code-readability",
            "The code is easy to read: short functions, shallow nesting, clear names, nothing needlessly clever.",
            readability_weight,
            readability.score,
            readability.summary,
        ),
        point_verdict(
            "code-clarified",
            "The candidate clarified inputs and constraints (asked, or stated assumptions) instead of guessing.",
            clarified_weight,
            clarity.credit,
            clarity.evidence,
        ),
        *talk_points,
    ]
    judged_on_the_round = ("clever-unmaintainable-code", "no-clarifying-assumptions")
    found = [m for m in talk.mistakes if m.mistake_id not in judged_on_the_round]
    applicable = {m.id: m for m in applicable_mistakes(question, mistakes)}
    if readability.clever and (clever := applicable.get("clever-unmaintainable-code")):
        found.append(finding(clever, readability.clever[0], "; ".join(readability.clever)))
    if clarity.credit == 0 and (unclarified := applicable.get("no-clarifying-assumptions")):
        explanation = "No clarifying question was asked and no assumption was stated before or after coding."
        found.append(finding(unclarified, None, explanation))
    failures = [f"{r.call}: {r.message or r.status}" for r in report.results if r.status != "passed"][:3]
    feedback = [f"Failing hidden test {line}" for line in failures]
    feedback += clarity.feedback
    feedback += timing_feedback(growth, discussion)
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
        score=compute_score(points, found, hints_used, _per_hint(talk)),
        points=points,
        mistakes=found,
        communication=talk.communication,
        hints_used=hints_used,
        hint_penalty=talk.hint_penalty,
        ignored_instructions=talk.ignored_instructions,
        warnings=talk.warnings,
        length_note=talk.length_note,
        usage=talk.usage,
        feedback=feedback,
        model_answer=f"{question.reference_answer.strip()}\n\n{solution}",
    )


OUTPUT_WEIGHT = 3.0


def _normalised_lines(text: str) -> list[str]:
    return [" ".join(line.split()) for line in text.strip().splitlines() if line.strip()]


def grade_output_round(
    question: Question, answer: str, expected_output: str, *, hints_used: int, discussion_grader: Grader
) -> Grade:
    """A "what does this print?" answer: the predicted lines against the real output, plus the explanation.

    The output point's credit is the share of the real output's lines that the answer states,
    in order; the question's rubric points judge the explanation as any answer is judged.
    """
    talk = discussion_grader.grade(question, answer, hints_used=hints_used)
    expected = _normalised_lines(expected_output)
    said = " ".join(graded_part(answer).text.split())  # what the discussion grader read, no more
    found, position = [], 0
    for line in expected:
        index = said.find(line, position)
        if index >= 0:
            found.append(line)
            position = index + len(line)
    credit = len(found) / len(expected) if expected else 0.0
    output_point = point_verdict(
        "output",
        "States exactly what the snippet prints, line by line.",
        OUTPUT_WEIGHT,
        credit,
        " / ".join(found) if found else None,
    )
    points = [output_point, *talk.points]
    printed = "\n".join(expected)
    grade = talk.model_copy(
        update={
            "points": points,
            "score": compute_score(
                points, talk.mistakes, hints_used, talk.hint_penalty / hints_used if hints_used else 0.0
            ),
            "model_answer": f"It prints:\n\n```\n{printed}\n```\n\n{question.reference_answer.strip()}",
            "abstained": None if credit else talk.abstained,
        }
    )
    if credit < 1.0:
        grade.feedback = [f"The snippet prints:\n{printed}", *talk.feedback]
    return grade
