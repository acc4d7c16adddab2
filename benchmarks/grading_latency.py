"""Offline grading latency: p50/p95 per answer for a 300-word answer to every bank question.

Run: .venv/bin/python benchmarks/grading_latency.py [--repeats N]
Target: p95 under 10 ms (issue 11).
"""

from __future__ import annotations

import argparse
import statistics
import time

from interviewer.bank import load_bank
from interviewer.grading.offline import OfflineGrader
from interviewer.models import Question

TARGET_WORDS = 300


def answer_of_length(question: Question, words: int = TARGET_WORDS) -> str:
    """A realistic long answer: the reference, the rubric statements, then a little rambling."""
    parts = [question.reference_answer] + [p.statement for p in question.rubric]
    filler = "In my last project we ran into this in production and I would explain the trade-off to the team."
    text = " ".join(parts)
    while len(text.split()) < words:
        text += " " + filler
    return " ".join(text.split()[:words])


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeats", type=int, default=20)
    args = parser.parse_args()
    bank = load_bank()
    answers = {q.id: answer_of_length(q) for q in bank.questions.values()}

    cold_grader = OfflineGrader(bank.mistakes)
    cold = []
    for question in bank.questions.values():
        start = time.perf_counter()
        cold_grader.grade(question, answers[question.id])
        cold.append((time.perf_counter() - start) * 1000)

    grader = cold_grader  # every question prepared once already: what a running app's grader has done
    warm = []
    per_question: dict[str, list[float]] = {question_id: [] for question_id in answers}
    for _ in range(args.repeats):
        for question in bank.questions.values():
            start = time.perf_counter()
            grader.grade(question, answers[question.id])
            elapsed = (time.perf_counter() - start) * 1000
            warm.append(elapsed)
            per_question[question.id].append(elapsed)
    # a shared machine stalls now and then; the median of each question's repeats is its steady cost
    medians = [statistics.median(times) for times in per_question.values()]

    print(f"offline grading, {len(bank.questions)} questions, {TARGET_WORDS}-word answers")
    print(
        f"  first grade per question (cold caches): p50 {statistics.median(cold):.2f} ms, "
        f"p95 {percentile(cold, 0.95):.2f} ms, max {max(cold):.2f} ms"
    )
    print(
        f"  {len(warm)} grades (warm):                 p50 {statistics.median(warm):.2f} ms, "
        f"p95 {percentile(warm, 0.95):.2f} ms, max {max(warm):.2f} ms"
    )
    print(
        f"  median of each question's {args.repeats} repeats:  p50 {statistics.median(medians):.2f} ms, "
        f"p95 {percentile(medians, 0.95):.2f} ms, max {max(medians):.2f} ms"
    )
    print("  target: p95 under 10 ms")


if __name__ == "__main__":
    main()
