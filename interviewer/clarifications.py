"""Which of a question's clarifications a candidate's question asks about, and what the interviewer says.

A clarification is revealed when the candidate's question mentions one of its triggers (matched like rubric
cues: word stems, or a regex). A question that asks about several things ("Can keys already contain the
separator, and what happens to an empty nested dict?") gets every matching answer, in the order it raised
them. The same matching decides what a coding round's report counts as clarified.
"""

from __future__ import annotations

from interviewer.cue_checks import COMMON_ENGLISH
from interviewer.grading.text import compile_cue, content_stems, split_sentences, stem
from interviewer.models import Question

MAX_ANSWERS = 3
REQUIREMENT_COVERED = 0.5  # share of a requirement's words its revealing text must say
MEANING_MIN_WORDS = 2  # a question matched on meaning shares at least this many content words
MEANING_SHARE = 0.5  # and this share of its own
# words that say nothing about what is asked ("is there anything else I should know?")
VAGUE = COMMON_ENGLISH | frozenset(stem(word) for word in "else know tell question ask sure okay happen".split())
NO_FACTS_SCENARIO = "I don't have anything more specific on that. What would you look at, and what would it tell you?"
NO_FACTS = "That's up to you: state the assumption you're making and carry on."


def revealed(question: Question, request: str) -> list[int]:
    """Indexes of the clarifications the request asks about, in the order it raises them (at most a few): by
    their triggers, or else by meaning (``by_meaning``)."""
    return _asked_about(question, request)[0]


def reply(question: Question, request: str) -> str:
    """What the interviewer says: the answers of the clarifications asked about; else the sentence of the task
    the question asks about in other words; else a nudge to state an assumption."""
    found, sentence = _asked_about(question, request)
    if found:
        return " ".join(question.clarifications[index].answer for index in found)
    if sentence is not None:
        return f"As the task says: {sentence}"
    return NO_FACTS_SCENARIO if question.kind == "scenario" else NO_FACTS


def _asked_about(question: Question, request: str) -> tuple[list[int], str | None]:
    """The clarifications the request asks about (by trigger, else by meaning), or else the task's sentence it
    asks about."""
    sentences = split_sentences(request)
    ranked: list[tuple[int, int, int]] = []  # first sentence, -triggers matched, index
    for index, clarification in enumerate(question.clarifications):
        cues = [compile_cue(trigger) for trigger in clarification.triggers]
        hits = [(position, cue) for position, sentence in enumerate(sentences) for cue in cues if cue.matches(sentence)]
        if hits:
            ranked.append((min(position for position, _ in hits), -len(hits), index))
    if ranked:
        return [index for *_, index in sorted(ranked)[:MAX_ANSWERS]], None
    meant = by_meaning(question, request)
    return ([meant], None) if isinstance(meant, int) else ([], meant)


def by_meaning(question: Question, request: str) -> int | str | None:
    """For a question no trigger catches: the clarification (its index) or the sentence of the task that shares
    the most of its content words, at least ``MEANING_MIN_WORDS`` and ``MEANING_SHARE`` of them; None if
    nothing does. A sentence of the task is returned so the interviewer never calls open what the task settles.
    """
    asked = set(content_stems(request)) - VAGUE
    if not asked:
        return None
    candidates: list[tuple[int | str, str]] = [
        (index, c.answer + " " + " ".join(c.triggers)) for index, c in enumerate(question.clarifications)
    ]
    candidates += [(sentence.text, sentence.text) for sentence in split_sentences(question.prompt)]
    best_score, best = 0, None
    for found, words in candidates:
        score = len(asked & set(content_stems(words)))
        if score > best_score:
            best_score, best = score, found
    if best_score >= MEANING_MIN_WORDS and best_score >= MEANING_SHARE * len(asked):
        return best
    return None


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
