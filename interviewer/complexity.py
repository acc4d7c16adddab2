"""Complexity from the code: time the submitted function at growing input sizes and fit how it grows.

Each coding question gives an input generator (``CodingTask.growth_input``: a function of ``n`` and a seeded
``random.Random``) and the class its reference solution belongs to (``CodingTask.growth``). The candidate's
function is called at n = 500, 1,000, 2,000, ... in the sandbox, three times per size with different seeds,
each call timed outside the sandbox from sending it to its answer; sizes stop growing once a call takes longer
than ``STOP_AFTER`` seconds. Every answer must hash to what the reference solution returns for the same input,
so code cannot answer early without computing the result; a size where it does not is left out, and the
measurement says so.

The fit: over the four largest sizes timed, how far log(time) strays from log(c * f(n)) for the best c, for
each class; the class that strays least wins. O(n) and O(n log n) differ by less than timing noise over these
sizes (and in Python the per-item work usually hides a C-level sort's log factor), so either fit is reported
as "O(n) or O(n log n)" and agrees with either.
"""

from __future__ import annotations

import functools
import math
import re
import statistics
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from interviewer.models import SLOWDOWN_LIMIT, Growth, GrowthClass, GrowthPoint, Question
from interviewer.sandbox import time_calls

SIZES = tuple(500 * 2**k for k in range(8))  # 500 .. 64,000
REPEATS = 3
STOP_AFTER = 0.4  # seconds: a call this slow ends the growth
MIN_POINTS = 3
FIT_POINTS = 4  # the largest sizes timed are the ones fitted
MIN_SECONDS = 0.002  # sizes faster than this are mostly overhead and are not fitted
NEAR_LINEAR = ("linear", "linearithmic")
REFERENCE_FLOOR = 1e-4  # seconds: a reference time lost in the round trip's noise counts as this much
BASELINE_CALL = "None"  # a call that does no work: its round trip is subtracted from the others

MODELS: dict[GrowthClass, Callable[[float], float]] = {
    "constant": lambda n: 1.0,
    "logarithmic": lambda n: math.log2(n),
    "linear": lambda n: n,
    "linearithmic": lambda n: n * math.log2(n),
    "quadratic": lambda n: n * n,
    "cubic": lambda n: n**3,
}


def fit(points: Sequence[GrowthPoint]) -> list[GrowthClass]:
    """The classes that fit the times best (see the module docstring), judged on the largest sizes: complexity
    is how time grows in the end, and at small sizes fixed costs (copying the input, a call) hide it."""
    errors = {}
    tail = points[-FIT_POINTS:]
    for name, model in MODELS.items():
        residuals = [math.log(p.seconds) - math.log(model(p.n)) for p in tail]
        centre = statistics.fmean(residuals)
        errors[name] = math.sqrt(statistics.fmean((r - centre) ** 2 for r in residuals))
    best = min(errors, key=lambda name: errors[name])
    return list(NEAR_LINEAR) if best in NEAR_LINEAR else [best]


def growth_calls(question: Question) -> list[tuple[int, str]]:
    """(n, call) for every size and repeat, smallest first."""
    task = question.coding
    assert task is not None and task.growth_input is not None
    return _calls(task.function, task.growth_input)


def _calls(function: str, growth_input: str) -> list[tuple[int, str]]:
    make = f"({growth_input})"
    return [
        (n, f"{function}(*{make}({n}, __import__('random').Random({seed})))") for n in SIZES for seed in range(REPEATS)
    ]


def measure_growth(question: Question, code: str) -> Growth | None:
    """Time the code at growing sizes and fit its growth (None: the question gives no input generator).

    A fit that disagrees with the reference solution's class is timed once more before it is reported, keeping
    the faster time at each size: a busy machine only ever slows a call, so a slow outlier can bend the curve,
    and telling a candidate their code is slower than it is costs their trust."""
    task = question.coding
    if task is None or task.growth_input is None or task.growth is None:
        return None
    first = _timed(question, code)
    if isinstance(first, Growth):
        return first
    growth = _growth(question, first)
    if first.timed_out_at is not None or (growth.agrees is not False and not growth.slower):
        return growth  # it agrees, or a call ran out of time (which a second run would only wait for again)
    second = _timed(question, code)
    if isinstance(second, Growth):
        return growth
    return _growth(question, first.merged(second))


@dataclass(frozen=True)
class _Timing:
    """One timed run of the calls: the fastest time at each size whose answers matched the reference solution."""

    fastest: dict[int, float]
    wrong: int
    overhead: float
    timed_out_at: int | None

    def merged(self, other: _Timing) -> _Timing:
        """Both runs: the faster time at each size either reached (a size only one run reached keeps its time)."""
        fastest = dict(self.fastest)
        for n, seconds in other.fastest.items():
            fastest[n] = min(fastest.get(n, math.inf), seconds)
        timed_out_at = None if self.timed_out_at is None or other.timed_out_at is None else self.timed_out_at
        return _Timing(fastest, max(self.wrong, other.wrong), min(self.overhead, other.overhead), timed_out_at)


def _timed(question: Question, code: str) -> _Timing | Growth:
    """Run every call once in the sandbox (a Growth only when the code does not load)."""
    task = question.coding
    assert task is not None and task.growth_input is not None and task.growth is not None
    calls = growth_calls(question)
    expected, _ = _reference_run(task.reference_solution, task.function, task.growth_input, task.time_limit_seconds)
    run = time_calls(
        code,
        task.function,
        [BASELINE_CALL] * REPEATS + [call for _, call in calls],
        time_limit=task.time_limit_seconds,
        stop_after=STOP_AFTER,
    )
    if run.load_error:
        return Growth(expected=task.growth, note="the code did not load")
    # the round trip of a call that does nothing: what every timing includes besides the work
    overhead = min((c.seconds for c in run.calls[:REPEATS]), default=0.0)
    fastest: dict[int, float] = {}
    wrong = 0
    for (n, _), timed, reference in zip(calls, run.calls[REPEATS:], expected, strict=False):
        if timed.outcome != "returned":
            break
        if reference is None or timed.digest != reference:
            wrong += 1
            continue
        fastest[n] = min(fastest.get(n, math.inf), max(timed.seconds - overhead, 1e-6))
    ended = run.calls[-1] if len(run.calls) > REPEATS else None
    timed_out_at = calls[len(run.calls) - REPEATS - 1][0] if ended is not None and ended.outcome == "timeout" else None
    return _Timing(fastest, wrong, overhead, timed_out_at)


def _growth(question: Question, timing: _Timing) -> Growth:
    """What the times say: the fitted class, or why there is none, and how far behind the reference it is."""
    task = question.coding
    assert task is not None and task.growth_input is not None and task.growth is not None
    calls = growth_calls(question)
    _, reference_times = _reference_run(
        task.reference_solution, task.function, task.growth_input, task.time_limit_seconds
    )
    points = [GrowthPoint(n=n, seconds=s) for n, s in sorted(timing.fastest.items()) if s >= MIN_SECONDS]
    notes = []
    if timing.wrong:
        notes.append(f"{timing.wrong} call(s) returned something other than the reference solution and were left out")
    if timing.timed_out_at is not None:
        notes.append(f"a call at n = {timing.timed_out_at:,} did not finish within the time limit")
    slowdown, at = _slowdown(calls, reference_times, timing.fastest, timing.overhead)
    if len(points) < MIN_POINTS:
        # too slow to reach three sizes: still far slower than the reference, if the sizes it reached say so
        lagging = slowdown is not None and slowdown > SLOWDOWN_LIMIT and at is not None
        if lagging:
            notes.insert(0, f"at n = {at:,} it took {slowdown:,.0f} times as long as the reference solution")
        else:
            notes.insert(0, "too few sizes gave a usable time")
        return Growth(
            expected=task.growth,
            points=points,
            note="; ".join(notes),
            too_slow=timing.timed_out_at is not None or lagging,
            slowdown=slowdown,
            slowdown_at=at,
        )
    return Growth(
        expected=task.growth,
        measured=fit(points),
        points=points[-FIT_POINTS:],
        note="; ".join(notes),
        slowdown=slowdown,
        slowdown_at=at,
    )


def _slowdown(
    calls: list[tuple[int, str]], reference: tuple[float | None, ...], fastest: dict[int, float], overhead: float
) -> tuple[float | None, int | None]:
    """The code's time over the reference solution's at the largest size both were timed at (fastest of the
    repeats, the round trip taken off both)."""
    best: dict[int, float] = {}
    for (n, _), seconds in zip(calls, reference, strict=True):
        if seconds is not None:
            best[n] = min(best.get(n, math.inf), seconds)
    shared = [n for n in fastest if n in best]
    if not shared:
        return None, None
    n = max(shared)
    return round(fastest[n] / max(best[n] - overhead, REFERENCE_FLOOR), 1), n


@functools.lru_cache(maxsize=64)
def _reference_run(
    solution: str, function: str, growth_input: str, time_limit: float
) -> tuple[tuple[str | None, ...], tuple[float | None, ...]]:
    """What the reference solution returns at each call, hashed, and how long each call took (None where it did
    not answer)."""
    calls = [call for _, call in _calls(function, growth_input)]
    run = time_calls(solution, function, calls, time_limit=time_limit * 5)
    missing = [None] * (len(calls) - len(run.calls))
    return tuple([c.digest for c in run.calls] + missing), tuple([c.seconds for c in run.calls] + missing)


_CLAIM = re.compile(
    r"\bO\(\s*(?P<body>[^()]{1,30}?)\s*\)|\b(?P<word>constant|logarithmic|linear|quadratic|cubic|exponential)\b"
    r"(?:\s+time)?|\bn\s*log\s*n\b",
    re.I,
)
_SPACE = re.compile(r"^\W*(?:\w+\W+){0,2}?(?:space|memory|extra)\b", re.I)


def claimed_growth(discussion: str) -> GrowthClass | None:
    """The time complexity the candidate states first ("O(n log n)", "O(n^2)", "linear time"), if any; a
    complexity followed by "space" or "memory" is about space and is skipped."""
    for match in _CLAIM.finditer(discussion):
        if _SPACE.match(discussion[match.end() : match.end() + 30]):
            continue
        found = _class_of(match)
        if found is not None:
            return found
    return None


# what a big-O body says, checked in order (the last catches O(n), O(n + m), O(n * d): linear in the input)
_BODIES: tuple[tuple[re.Pattern[str], GrowthClass], ...] = tuple(
    (re.compile(pattern), name)
    for pattern, name in (
        (r"nlog\w*n|n\*log\w*n|n\*lg\w*n|nlgn|nlogk|n\*logk", "linearithmic"),
        (r"log\w*n|lgn|logk", "logarithmic"),
        (r"n\^?2|n\*\*2|n²|n\*n", "quadratic"),
        (r"n\^?3|n\*\*3|n³|n\*n\*n", "cubic"),
        (r"2\^n|2\*\*n|2ⁿ", "exponential"),
        (r"[a-z](?:[+*][a-z])*|n\w*", "linear"),
    )
)


def _class_of(match: re.Match[str]) -> GrowthClass | None:
    word = (match.group("word") or "").lower()
    if word:
        return word  # type: ignore[return-value]  # the pattern's words are the class names
    body = re.sub(r"\s+", "", (match.group("body") or match.group(0)).lower())
    if body in ("1", "k") or body.isdigit():
        return "constant"
    return next((name for pattern, name in _BODIES if pattern.fullmatch(body)), None)
