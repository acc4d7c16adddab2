"""Sandbox overhead: median/p95 wall time of ``run_tests`` for a trivial program with one passing test.

Run: .venv/bin/python benchmarks/sandbox_overhead.py [--runs N]
Target: median under 150 ms in every isolation mode available here.
"""

from __future__ import annotations

import argparse
import statistics
import time

from interviewer import sandbox
from interviewer.models import CodeTest

TARGET_MS = 150.0
SOLUTION = "def add(a, b):\n    return a + b\n"
TESTS = [CodeTest(call="add(1, 2)", expected="3")]


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def measure(isolation: sandbox.Isolation, runs: int) -> list[float]:
    sandbox.run_tests(SOLUTION, "add", TESTS, isolation=isolation)  # warm-up (and the one-off detection)
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        report = sandbox.run_tests(SOLUTION, "add", TESTS, isolation=isolation)
        times.append((time.perf_counter() - started) * 1000)
        assert report.all_passed, report
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args()
    print(f"{'isolation':<12} {'runs':>4} {'median ms':>10} {'p95 ms':>8} {'max ms':>8}  target")
    for isolation in sandbox.ISOLATION_ORDER:
        if not sandbox.isolation_works(isolation):
            print(f"{isolation:<12} not available here")
            continue
        times = measure(isolation, args.runs)
        median, p95 = statistics.median(times), percentile(times, 0.95)
        verdict = "ok" if median < TARGET_MS else "SLOW"
        print(f"{isolation:<12} {args.runs:>4} {median:>10.1f} {p95:>8.1f} {max(times):>8.1f}  {verdict}")


if __name__ == "__main__":
    main()
