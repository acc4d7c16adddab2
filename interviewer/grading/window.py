"""How much of an answer the graders read: the start of it, up to a fixed size.

The engine accepts answers up to 50,000 characters so that nothing a candidate writes is
refused or lost, but grading reads every sentence clause by clause against hundreds of cues
and facts, so its cost grows with the answer. An interview answer is a few hundred words (the
longest of the hand-graded answers the grader is measured on has 220); the graders read the
first ``GRADED_CHARS`` characters of the normalised answer and at most ``GRADED_SENTENCES`` of
its sentences or lines, as the graders' own splitter counts them, cut at a sentence end where
there is one, and the grade says how much was left unread. That keeps the worst case of any
answer within a fixed budget (``benchmarks/grading_worst_case.py``), and it is what an
interviewer does too: they stop listening long before eight thousand words.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from interviewer.grading.text import normalize, sentence_pieces

GRADED_CHARS = 3_000
GRADED_SENTENCES = 40
_SENTENCE_END = re.compile(r"[.!?\u3002\uff01\uff1f][\"')\]]*\s")
_READABLE = re.compile(r"[^\W_]")  # a letter or a digit, in any script
_WORD = re.compile(r"[^\W_]+(?:['\u2019][^\W_]+)*")


@dataclass(frozen=True)
class GradedPart:
    text: str  # what the graders read: normalised (``text.normalize``)
    note: str | None  # for the grade, when part of the answer was left unread


def graded_part(answer: str) -> GradedPart:
    """The normalised start of the answer that grading reads, cut at a sentence end where possible."""
    head = answer[:GRADED_CHARS]
    more = bool(_READABLE.search(answer, GRADED_CHARS))  # something readable lies beyond the cut
    if not head.isascii():  # NFKC can make a character many (U+FDFA is 18): cut again once it has done so
        grown = unicodedata.normalize("NFKC", head)
        more = more or bool(_READABLE.search(grown, GRADED_CHARS))
        head = grown[:GRADED_CHARS]
    head = normalize(head)
    pieces = sentence_pieces(head) if _most_pieces(head) > GRADED_SENTENCES else []
    if len(pieces) > GRADED_SENTENCES:
        end = _end_of(head, pieces[:GRADED_SENTENCES])
        more = more or bool(_READABLE.search(head, end))
    else:
        end = _last_break(head) if more and len(head) >= GRADED_CHARS else len(head)
    if not more:
        return GradedPart(head, None)
    text = head[:end].rstrip()
    note = (
        f"This answer is {len(answer):,} characters ({_words(answer)}) long; the grade reads its first "
        f"{len(text):,} characters ({_words(text)}; at most {GRADED_CHARS:,} characters or "
        f"{GRADED_SENTENCES} sentences). An interview answer rarely needs more: put what matters first."
    )
    return GradedPart(text, note)


def _most_pieces(head: str) -> int:
    """At least as many as ``sentence_pieces`` finds: each split needs a sentence mark or a newline, and each code
    fence or HTML comment adds the piece after it and a line or piece of its own."""
    marks = sum(head.count(mark) for mark in ".!?\n\u3002\uff01\uff1f")
    return marks + 2 * (head.count("```") + head.count("<!--")) + 1


def _words(text: str) -> str:
    count = sum(1 for _ in _WORD.finditer(text))
    return f"{count:,} word" + ("" if count == 1 else "s")


def _end_of(head: str, pieces: list[str]) -> int:
    """Where the last of these sentences ends in the text (each is a substring of it, in order)."""
    position = 0
    for piece in pieces:
        position = head.find(piece, position) + len(piece)
    return position


def _last_break(head: str) -> int:
    """Where to cut a head that runs to the size limit: after its last sentence end, else at its last space,
    so that no sentence or word is read half."""
    ends = [m.end() for m in _SENTENCE_END.finditer(head)]
    if ends and ends[-1] > len(head) // 2:
        return ends[-1]
    spaces = [i for i in range(len(head) // 2, len(head)) if head[i].isspace()]
    return spaces[-1] if spaces else len(head)
