"""Hidden-test run time for each coding question, running its reference solution in the sandbox.

Run: .venv/bin/python benchmarks/hidden_tests.py
"""

from __future__ import annotations

import statistics

from interviewer.bank import load_bank
from interviewer.sandbox import run_tests


def main() -> None:
    bank = load_bank()
    coding = sorted((q for q in bank.questions.values() if q.coding is not None), key=lambda q: q.id)
    times = []
    print("| question | hidden tests | passed | seconds | isolation |")
    print("| --- | --- | --- | --- | --- |")
    for question in coding:
        task = question.coding
        report = run_tests(
            task.reference_solution, task.function, task.hidden_tests, time_limit=task.time_limit_seconds
        )
        times.append(report.elapsed)
        print(f"| {question.id} | {report.total} | {report.passed} | {report.elapsed:.3f} | {report.isolation} |")
    print(
        f"\n{len(coding)} questions: median {statistics.median(times):.3f} s, max {max(times):.3f} s, "
        f"total {sum(times):.2f} s"
    )


if __name__ == "__main__":
    main()
