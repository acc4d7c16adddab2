"""Which of a question's clarifications a candidate's question asks about, and what the interviewer says.

A clarification is revealed when the candidate's question mentions one of its triggers (matched like rubric
cues: word stems, or a regex). A question that asks about several things ("Can keys already contain the
separator, and what happens to an empty nested dict?") gets every matching answer, in the order it raised
them. The same matching decides what a coding round's report counts as clarified.
"""

from __future__ import annotations

from interviewer.grading.text import compile_cue, content_stems, split_sentences
from interviewer.models import Question

MAX_ANSWERS = 3
REQUIREMENT_COVERED = 0.5  # share of a requirement's words its revealing text must say
NO_FACTS_SCENARIO = "I don't have anything more specific on that. What would you look at, and what would it tell you?"
NO_FACTS = "That's up to you: state the assumption you're making and carry on."


def revealed(question: Question, request: str) -> list[int]:
    """Indexes of the clarifications the request asks about, in the order it raises them (at most a few)."""
    sentences = split_sentences(request)
    ranked: list[tuple[int, int, int]] = []  # first sentence, -triggers matched, index
    for index, clarification in enumerate(question.clarifications):
        cues = [compile_cue(trigger) for trigger in clarification.triggers]
        hits = [(position, cue) for position, sentence in enumerate(sentences) for cue in cues if cue.matches(sentence)]
        if hits:
            ranked.append((min(position for position, _ in hits), -len(hits), index))
    return [index for *_, index in sorted(ranked)[:MAX_ANSWERS]]


def reply(question: Question, request: str) -> str:
    """What the interviewer says: the matching clarifications' answers, or a nudge to assume."""
    found = revealed(question, request)
    if found:
        return " ".join(question.clarifications[index].answer for index in found)
    return NO_FACTS_SCENARIO if question.kind == "scenario" else NO_FACTS


def revealing_text(question: Question, requirement: str) -> str | None:
    """Where a candidate learns a hidden test's requirement: the prompt, or the clarification a question in the
    requirement's own words gets; None when neither says it."""
    needed = set(content_stems(requirement))
    if not needed:
        return None

    def says(text: str) -> bool:
        return len(needed & set(content_stems(text))) >= REQUIREMENT_COVERED * len(needed)

    if says(question.prompt):
        return question.prompt
    for index in revealed(question, f"What should happen here: {requirement}?"):
        answer = question.clarifications[index].answer
        if says(answer + " " + " ".join(question.clarifications[index].triggers)):
            return answer
    return None
