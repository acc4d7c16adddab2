"""Grading: every grader returns a :class:`~interviewer.models.Grade` whose score comes
from :func:`~interviewer.grading.scoring.compute_score`."""

from __future__ import annotations

from typing import Protocol

from interviewer.models import Grade, Question


class Grader(Protocol):
    name: str

    def grade(self, question: Question, answer: str, *, hints_used: int = 0) -> Grade: ...


__all__ = ["Grader"]
