"""The one place a score is computed, for every grader.

Graders differ only in how they reach verdicts; the number always comes from here.
"""

from __future__ import annotations

from collections.abc import Sequence

from interviewer.models import MistakeFinding, PointVerdict, Verdict

MAX_SCORE = 5.0
HINT_PENALTY = 0.5
# A point the answer gets backwards is worse than a point it leaves out: a misconception stated with
# confidence costs this share of the point's weight on top of earning nothing.
CONTRADICTION_COST = 1.0
OMISSION_FULL_AT = 0.5  # share of the rubric at which a mistake of omission costs its whole penalty
VERDICT_CREDIT: dict[Verdict, float] = {"covered": 1.0, "partial": 0.5, "missing": 0.0}


def coverage(points: Sequence[PointVerdict]) -> float:
    """Weighted share of the rubric the answer earned, less what its misconceptions cost; at most 1."""
    total = sum(p.weight for p in points)
    if total <= 0:
        return 0.0
    earned = sum(p.weight * p.credit for p in points)
    owed = sum(p.weight * CONTRADICTION_COST for p in points if p.contradiction)
    return (earned - owed) / total


def mistake_cost(mistake: MistakeFinding, covered: float) -> float:
    """What a mistake takes off the score.

    A mistake of statement (quoted from the answer) costs its full penalty. A mistake of omission
    (no example, no cost, no assumption stated) costs it in full only once the answer has made half
    its points: an answer that says little has already lost the marks, and the advice still stands.
    """
    if mistake.evidence is not None:
        return mistake.penalty
    return mistake.penalty * min(1.0, covered / OMISSION_FULL_AT)


def compute_score(
    points: Sequence[PointVerdict],
    mistakes: Sequence[MistakeFinding] = (),
    hints_used: int = 0,
    hint_penalty: float = HINT_PENALTY,
) -> float:
    """0-5: weighted rubric coverage (less the cost of points got backwards), less mistakes and hints taken."""
    covered = coverage(points)
    raw = MAX_SCORE * covered - sum(mistake_cost(m, covered) for m in mistakes) - hints_used * hint_penalty
    return round(min(MAX_SCORE, max(0.0, raw)), 2)
