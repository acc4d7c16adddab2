from __future__ import annotations

from interviewer.grading.readability import review

PLAIN = """
def merge_intervals(intervals: list[list[int]]) -> list[list[int]]:
    merged: list[list[int]] = []
    for start, end in sorted(intervals):
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    return merged
"""

CLEVER = """
from functools import reduce
def f(q, w, e): return reduce(lambda a, b: a + [b] if not a or b[0] > a[-1][1] else a[:-1] + [[a[-1][0], max(a[-1][1], b[1])]], sorted(q), [])
def g(z): return [y for x in z for y in x if y]
"""

NESTED = """
def walk(rows):
    for row in rows:
        if row:
            for cell in row:
                if cell:
                    while cell > 0:
                        cell -= 1
    return rows
"""


def test_plain_code_reads_well() -> None:
    result = review(PLAIN)
    assert result.score == 1.0 and not result.findings and not result.clever
    assert result.summary.startswith("Readable")


def test_clever_code_is_named_line_by_line() -> None:
    result = review(CLEVER)
    assert result.score < 0.5
    assert any("reduce over a lambda" in c and c.startswith("line 3") for c in result.clever)
    assert any("nested comprehension" in c for c in result.clever)
    assert any("over 100 characters" in f for f in result.findings)
    assert any("single-letter names" in f for f in result.findings)


def test_deep_nesting_and_syntax_errors() -> None:
    assert any("walk() nests 5 blocks deep" in f for f in review(NESTED).findings)
    broken = review("def f(:\n    pass")
    assert broken.score == 0.0 and "does not parse" in broken.findings[0]
