"""Offline grading of hostile answers at the size limit: the worst case, not the median.

Every answer here is as long as the engine accepts (``MAX_ANSWER_CHARS``), built from the
question's own vocabulary so that as many cues, facts and misconception patterns as possible
have something to look at. Shapes:

- ``repeated``: the reference answer and rubric statements, over and over;
- ``unique``: distinct sentences of the question's words mixed with negations and frames
  ("it is false that", "not", "never"), seeded, so no two sentences are alike;
- ``one sentence``: the question's words with no punctuation at all;
- ``tiny sentences``: one capitalised word per sentence, the most sentences that fit;
- ``code``: a code fence full of lines that use the question's words;
- ``letters``: runs of one letter with a stray mark (what trips backtracking patterns);
- ``pattern bait``: one long sentence of the strings the question's regex cues need, over and
  over (on Python's ``re`` this took one cue 7.8 s per sentence);
- ``CJK stops``: one letter per sentence ended by the Chinese full stop, which needs no space
  after it (the most sentences per character);
- ``line separators``: a code block of one-character lines ended by U+2028;
- ``NFKC growth``: the reference answer, then U+FDFA, one character that becomes eighteen.

Run: .venv/bin/python benchmarks/grading_worst_case.py [--questions N] [--limit CHARS]
Target: every grade under 50 ms (issue 13).
"""

from __future__ import annotations

import argparse
import random
import statistics
import time
from collections.abc import Callable

from interviewer.bank import load_bank
from interviewer.engine import MAX_ANSWER_CHARS
from interviewer.grading.offline import OfflineGrader
from interviewer.grading.text import required_literals, words
from interviewer.models import Question

FRAMES = ["it is false that", "not", "never", "a common myth is that", "people say", "without", "instead of"]


def vocabulary(question: Question) -> list[str]:
    text = " ".join([question.prompt, question.reference_answer] + [p.statement for p in question.rubric])
    for point in question.rubric:
        text += " " + " ".join(cue for cue in point.cues + point.contradicted_by if not cue.startswith("re:"))
    return sorted(set(words(text))) or ["python"]


def bait(question: Question) -> str:
    """The strings each regex cue of the question needs before it can match, one of each set."""
    needed = []
    for point in question.rubric:
        for cue in point.cues + point.contradicted_by:
            if cue.startswith("re:"):
                needed += [min(strings) for strings in required_literals(cue[3:])]
    return " ".join(needed) or "a"


def fill(parts: Callable[[], str], limit: int) -> str:
    text = ""
    while len(text) < limit:
        text += parts()
    return text[:limit]


def shapes(question: Question, limit: int) -> dict[str, str]:
    vocab = vocabulary(question)
    rng = random.Random(question.id)
    real = " ".join([question.reference_answer] + [p.statement for p in question.rubric]) + " "

    def unique_sentence() -> str:
        chosen = rng.sample(vocab, min(len(vocab), rng.randint(8, 20)))
        chosen.insert(rng.randrange(len(chosen)), rng.choice(FRAMES))
        return " ".join(chosen).capitalize() + ". "

    def code_line() -> str:
        a, b = rng.sample(vocab, 2) if len(vocab) > 1 else (vocab[0], vocab[0])
        return f"    {a}_{b} = {a}({b!r}) if {b} else not {a}\n"

    return {
        "repeated": fill(lambda: real, limit),
        "unique": fill(unique_sentence, limit),
        "one sentence": fill(lambda: rng.choice(vocab) + " ", limit),
        "tiny sentences": fill(lambda: rng.choice(vocab).capitalize() + ". ", limit),
        "code": "```python\n" + fill(code_line, limit - 20) + "\n```",
        "letters": fill(lambda: "a" * rng.randint(20, 60) + rng.choice("!?;:") + "\n", limit),
        "pattern bait": fill(lambda: bait(question) + " ", limit),
        "CJK stops": fill(lambda: rng.choice("abcdefghijklmnopqrstuvwxyz") + "\u3002", limit),
        "line separators": "```\n" + fill(lambda: "x\u2028", limit - 10) + "\n```",
        "NFKC growth": question.reference_answer.strip() + " " + "\ufdfa" * limit,
    }


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--questions", type=int, default=0, help="grade only the first N questions (0: all)")
    parser.add_argument("--limit", type=int, default=MAX_ANSWER_CHARS, help="answer length in characters")
    args = parser.parse_args()
    bank = load_bank()
    questions = [q for q in bank.questions.values() if q.kind != "coding"]
    if args.questions:
        questions = questions[: args.questions]
    grader = OfflineGrader(bank.mistakes)
    for question in questions:
        grader.grade(question, question.reference_answer)  # prepared once, as in a running app

    by_shape: dict[str, list[tuple[float, str]]] = {}
    for question in questions:
        for shape, answer in shapes(question, args.limit).items():
            # the best of three: a shared machine stalls now and then, and the stall is not the grader's cost
            best = float("inf")
            for _ in range(3):
                start = time.perf_counter()
                grader.grade(question, answer[: args.limit])
                best = min(best, (time.perf_counter() - start) * 1000)
            by_shape.setdefault(shape, []).append((best, question.id))

    print(f"offline grading of {args.limit:,}-character hostile answers, {len(questions)} questions (best of 3)")
    worst_overall = max(max(times) for times in by_shape.values())
    for shape, times in by_shape.items():
        values = [t for t, _ in times]
        slowest = max(times)
        print(
            f"  {shape:15} p50 {statistics.median(values):7.1f} ms  p95 {percentile(values, 0.95):7.1f} ms  "
            f"max {slowest[0]:7.1f} ms ({slowest[1]})"
        )
    print(f"  worst of all: {worst_overall[0]:.1f} ms ({worst_overall[1]}); target: under 50 ms")


if __name__ == "__main__":
    main()
