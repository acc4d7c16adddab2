"""A sentence that opens with "it" or "they", read with the subject it stands for.

"Generators compute every value up front. They use as much memory as a list." The second
sentence states a misconception about generators, but a misconception cue written about
generators cannot see it. ``with_subjects`` pairs each such sentence with a copy in which
the pronoun is replaced by the last subject an earlier sentence named in so many words (the
words before its first verb), so that misconception patterns can be run on that copy too.
Only misconception cues are run on it: credit is never earned through a guessed subject.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from interviewer.grading.claims import fold_keeping_offsets, token_list, verb_like
from interviewer.grading.related_words import is_verb

_LEADING_PRONOUN = re.compile(r"^(?:it|they)(?P<verb>'s|'re)?\b", re.I)
_NOT_SUBJECTS = frozenset(
    "it they this that these those there here i we you so and but if when then also which what".split()
)
MAX_SUBJECT_WORDS = 4


def subject_of(text: str) -> str | None:
    """The words before the sentence's first verb, when they name something ("Generators", "A python list")."""
    tokens = token_list(fold_keeping_offsets(text))
    for k, token in enumerate(tokens[: MAX_SUBJECT_WORDS + 1]):
        plural_subject = k == 1 and tokens[0].endswith("s") and is_verb(token)  # "generators compute"
        if k > 0 and (verb_like(token) or plural_subject):
            words = tokens[:k]
            return None if words[0] in _NOT_SUBJECTS else " ".join(words)
    return None


def with_subjects(texts: Sequence[str]) -> list[str | None]:
    """For each sentence, the sentence with its leading "it"/"they" replaced by the last subject named before
    (None when it opens otherwise, or no subject was named)."""
    resolved: list[str | None] = []
    last: str | None = None
    for text in texts:
        found = _LEADING_PRONOUN.match(text)
        if found and last:
            verb = {"'s": " is", "'re": " are"}.get((found.group("verb") or "").lower(), "")
            resolved.append(last + verb + text[found.end() :])
            continue
        resolved.append(None)
        last = subject_of(text) or last
    return resolved
