"""Complexity from the code: what the timing check measures and how long it takes per submission.

For every coding question: its reference solution, and for the questions with a deliberately quadratic
variant (``tests/test_complexity.py``), that variant. The first measurement of a question also runs the
reference solution once to hash its answers (cached afterwards); both figures are printed.

Run: .venv/bin/python benchmarks/complexity_timing.py
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from interviewer.bank import load_bank
from interviewer.complexity import measure_growth
from tests.test_complexity import QUADRATIC


def main() -> None:
    bank = load_bank()
    coding = sorted((q for q in bank.questions.values() if q.coding is not None), key=lambda q: q.id)
    first, again = [], []
    print("| question | submission | expected | measured | sizes | first check s | again s |")
    print("| --- | --- | --- | --- | --- | --- | --- |")
    for question in coding:
        assert question.coding is not None
        variants = [("reference", question.coding.reference_solution)]
        if question.id in QUADRATIC:
            variants.append(("quadratic variant", QUADRATIC[question.id]))
        for name, code in variants:
            started = time.perf_counter()
            growth = measure_growth(question, code)
            cold = time.perf_counter() - started
            started = time.perf_counter()
            measure_growth(question, code)
            warm = time.perf_counter() - started
            assert growth is not None
            if name == "reference":
                first.append(cold)
            again.append(warm)
            measured = growth.label if growth.measured else ("too slow" if growth.too_slow else "not measured")
            print(
                f"| {question.id} | {name} | {growth.expected} | {measured} | {growth.span or '-'} "
                f"| {cold:.1f} | {warm:.1f} |"
            )
    print(
        f"\nper submission (reference answers already hashed): median {statistics.median(again):.1f} s, "
        f"max {max(again):.1f} s; first check of a question: median {statistics.median(first):.1f} s, "
        f"max {max(first):.1f} s"
    )


if __name__ == "__main__":
    main()
