"""Checks made before any rubric point is judged.

An answer that is empty, too short, gibberish, off-topic or a bare list of terms is
not graded on its content (the grader abstains and says why), and sentences that try
to instruct the grader are set aside so they can never count as evidence.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from interviewer.grading.text import Sentence, content_stems, stopword_ratio, words
from interviewer.models import Abstention

_INJECTION = re.compile(
    r"""
    \b(ignore|disregard|forget|override|bypass)\b[^.\n]{0,40}\b(instruction|instructions|rules?|rubric|prompt|guidelines|grading|above|previous|prior)\b
    | \b(you\s+are|you're|act\s+as|pretend\s+(to\s+be|you\s+are)|roleplay\s+as)\s+(now\s+)?(a|an|the|my)?\s*
      (grader|evaluator|examiner|assistant|system|ai|language\s+model|teacher)\b
    | \b(give|award|assign|grant|mark|score|rate|grade)\b[^.\n]{0,30}
      \b(full|maximum|max|perfect|top|highest|5\s*/\s*5|five|10\s*/\s*10|100\s*%?)\b
    | \b(score|grade|mark|rating)\s*[:=]\s*(5|five|10|100|a\+?)\b
    | \b\d+\s*/\s*\d+\b[^.\n]{0,20}\b(please|now|required|mandatory)\b
    | \bsystem\s*(prompt|message|override|instruction)\b
    | \bnew\s+instructions?\b
    | <\s*/?\s*(system|assistant|instructions?)\s*>
    | \[/?inst\]
    | \bthis\s+answer\s+(is|should\s+be)\s+(graded|marked|scored|considered)\b
    | \b(as\s+an?\s+ai|as\s+the\s+grader)\b
    """,
    re.I | re.X,
)
_PLAUSIBLE_WORD = re.compile(r"^(?=.*[aeiouy])(?!.*[bcdfghjklmnpqrstvwxz]{5})(?!.*(.)\1\1)[a-z']+$")


@dataclass(frozen=True)
class Screening:
    abstention: Abstention | None
    reason: str | None
    injections: list[str]
    sentences: list[Sentence]


def is_injection(sentence: Sentence) -> bool:
    return bool(_INJECTION.search(sentence.text))


def screen(
    sentences: list[Sentence],
    question_vocabulary: frozenset[str],
    reference: str,
    *,
    min_content_words: int,
    require_prose: bool,
) -> Screening:
    """Set injections aside, then decide whether the rest can be graded at all."""
    injections = [s.text for s in sentences if is_injection(s)]
    kept = [s for s in sentences if not is_injection(s)]
    text = " ".join(s.text for s in kept)
    tokens = words(text)
    stems = content_stems(text)

    def abstain(kind: Abstention, reason: str) -> Screening:
        return Screening(kind, reason, injections, kept)

    if not stems:
        reason = "The answer only tried to instruct the grader." if injections else "There is no answer to grade."
        return abstain("empty", reason)
    if len(stems) < min_content_words:
        return abstain("too_short", f"The answer is too short to show understanding ({len(stems)} meaningful words).")
    alphabetic = [t for t in tokens if t.isalpha() and t not in question_vocabulary]
    implausible = [t for t in alphabetic if len(t) > 2 and not _PLAUSIBLE_WORD.match(t)]
    repeated = len(tokens) >= 6 and len(set(tokens)) < 10 and len(set(tokens)) / len(tokens) < 0.3
    if repeated or (len(alphabetic) >= 4 and len(implausible) / len(alphabetic) > 0.4):
        return abstain("gibberish", "The answer does not read as language.")
    on_topic = [s for s in stems if s in question_vocabulary]
    if len(on_topic) < max(1, min(3, len(stems) // 20)):
        return abstain("off_topic", "The answer does not address the question.")
    if require_prose and len(tokens) >= 4 and stopword_ratio(text) < 0.12 and stopword_ratio(reference) >= 0.2:
        return abstain(
            "keyword_list",
            "The answer is a list of terms, not an explanation: say how the ideas connect and why they matter.",
        )
    return Screening(None, None, injections, kept)
