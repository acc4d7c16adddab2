"""How much of an answer the graders read: the start of it, up to a fixed size.

The engine accepts answers up to 50,000 characters so that nothing a candidate writes is
refused or lost, but grading reads every sentence clause by clause against hundreds of cues
and facts, so its cost grows with the answer. An interview answer is a few hundred words (the
longest of the hand-graded answers the grader is measured on has 220); the graders read the
first ``GRADED_CHARS`` characters and at most ``GRADED_SENTENCES`` sentences or lines, cut at
a sentence end where there is one, and the grade says how much was left unread. That keeps
the worst case of any answer within a fixed budget (``benchmarks/grading_worst_case.py``),
and it is what an interviewer does too: they stop listening long before eight thousand words.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

GRADED_CHARS = 3_000
GRADED_SENTENCES = 40
# where a sentence or a line ends: the graders' own sentence splitter cuts at these and at a few more places
_BREAK = re.compile(r"[.!?\u3002\uff01\uff1f][\"')\]]*\s+|\n")
_SPACE = re.compile(r"\s")


@dataclass(frozen=True)
class GradedPart:
    text: str  # what the graders read
    note: str | None  # for the grade, when part of the answer was left unread


def graded_part(answer: str) -> GradedPart:
    """The start of the answer that grading reads, cut at a sentence end where possible."""
    head = answer[:GRADED_CHARS]
    end = len(head)
    for count, found in enumerate(_BREAK.finditer(head), start=1):
        if count == GRADED_SENTENCES:
            end = found.end()
            break
    if end == len(head) and len(answer) > GRADED_CHARS:
        end = _last_break(head)
    text = answer[:end]
    if not answer[end:].strip():
        return GradedPart(answer, None)
    read, total = len(text.split()), len(answer.split())
    note = (
        f"This answer is {total:,} words long; the grade reads its first {read:,} "
        f"(about {GRADED_CHARS:,} characters or {GRADED_SENTENCES} sentences at most). "
        "An interview answer rarely needs more: put what matters first."
    )
    return GradedPart(text, note)


def _last_break(head: str) -> int:
    """Where to cut a head that runs to the size limit: the last sentence end, else the last space."""
    ends = [m.end() for m in _BREAK.finditer(head)]
    if ends and ends[-1] > len(head) // 2:
        return ends[-1]
    spaces = [m.start() for m in _SPACE.finditer(head, len(head) // 2)]
    return spaces[-1] if spaces else len(head)
