"""Contrasts: what a text says one way rather than another, and answers that turn one around.

A rubric statement or reference sentence often draws a line in one breath: "a closure
captures the variable, not its value", "a classmethod receives the class instead of an
instance". The clause asserts one side (``kept``) and denies the other (``rejected``). An
answer that asserts a rejected word, in a clause that asserts two more of the contrast's
words, while denying a kept word in the same breath ("closures capture the value, not the
variable") says the opposite, in the question's own words, even when its clauses are
too long or too different for the two to count as the same claim.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from interviewer.grading.claims import Claim, Reading
from interviewer.grading.text import content_stems

_MARKERS = (" instead of ", " rather than ")


@dataclass(frozen=True)
class Contrast:
    """One side asserted, the other denied in the same breath."""

    kept: frozenset[str]  # every stem the clause asserts: the kept side and what it is said of
    rejected: frozenset[str]  # the stems it denies ("not its value", "instead of an instance")


def contrasts_in(reading: Reading) -> list[Contrast]:
    """The contrasts a sentence of the question's texts draws."""
    found = []
    for kept, rejected in _sides(reading):
        if len(kept) >= 2 and rejected:
            found.append(Contrast(kept, rejected))
    return found


def swaps(contrast: Contrast, reading: Reading) -> bool:
    """Whether the sentence says the rejected side where the contrast says the kept one.

    One of its clauses (with a "not ..." after it) asserts a rejected word and denies a kept word,
    and asserts two more kept words: what the contrast is said of ("the default argument captures
    the value, not the variable" shares only "captures" with "a closure captures the variable, not
    its value", and is about something else).
    """
    return swapped((contrast,), reading)


def swapped(contrasts: Iterable[Contrast], reading: Reading) -> bool:
    """Whether the sentence turns any of the contrasts around (see ``swaps``); its clauses are read once."""
    if any(reading.reported):
        return False  # "a common misconception is that ...", "people say ...": not the speaker's own line
    sides = _sides(reading)
    return any(
        asserted & contrast.rejected and denied & contrast.kept and len((asserted & contrast.kept) - denied) >= 2
        for contrast in contrasts
        for asserted, denied in sides
    )


def _sides(reading: Reading) -> list[tuple[frozenset[str], frozenset[str]]]:
    """For each plain clause, what it asserts and what it denies in the same breath: the words before and
    after "instead of" or "rather than", or its own words and those of a "not ..." right after it."""
    found = []
    claims = reading.claims
    for index, claim in enumerate(claims):
        if not _plain(claim):
            continue
        marker = next((m for m in _MARKERS if m in claim.text), None)
        if marker is not None:
            before, _, after = claim.text.partition(marker)
            said = frozenset(claim.said)
            found.append((frozenset(content_stems(before)) & said, frozenset(content_stems(after)) & said))
            continue
        if claim.negated:
            continue  # "X is not Y": a denial, not a line between two things
        asserted = frozenset(word for word, value in claim.said.items() if value)
        after_claim = claims[index + 1] if index + 1 < len(claims) else None
        if after_claim is not None and after_claim.verbless and after_claim.said and not any(after_claim.said.values()):
            found.append((asserted, frozenset(after_claim.said) - asserted))  # "..., not its value"
    return found


def _plain(claim: Claim) -> bool:
    """A clause stating something outright: not a question, supposition, example or piece of advice."""
    return claim.asserted and not claim.conditional and not claim.example and not claim.advice
