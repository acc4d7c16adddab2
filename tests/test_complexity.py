"""Complexity from the code: the fit, the claims read from a discussion, and timing real submissions."""

from __future__ import annotations

import math
import random

import pytest

from interviewer.bank import DEFAULT_BANK_DIR, read_bank
from interviewer.complexity import SIZES, claimed_growth, fit, measure_growth
from interviewer.models import GrowthPoint
from tests.conftest import needs_sandbox

BANK, _ = read_bank(DEFAULT_BANK_DIR)  # the bank tests report problems; these need only the questions
CODING = sorted((q for q in BANK.questions.values() if q.coding is not None), key=lambda q: q.id)


def timings(model, noise: float = 0.08, seed: int = 1) -> list[GrowthPoint]:  # type: ignore[no-untyped-def]
    rng = random.Random(seed)
    return [GrowthPoint(n=n, seconds=model(n) * (1 + rng.uniform(-noise, noise))) for n in SIZES[1:7]]


@pytest.mark.parametrize(
    ("model", "expected"),
    [
        (lambda n: 2e-7 * n + 0.0001, {"linear"}),
        (lambda n: 3e-8 * n * math.log2(n), {"linearithmic"}),
        (lambda n: 1e-9 * n * n + 0.0002, {"quadratic"}),
        (lambda n: 5e-13 * n**3 + 0.0002, {"cubic"}),
        (lambda n: 0.003 + 1e-9 * n, {"constant", "logarithmic"}),  # four noisy points cannot tell these apart
    ],
    ids=["linear", "n-log-n", "quadratic", "cubic", "constant"],
)
def test_the_fit_finds_the_class(model, expected: set[str]) -> None:  # type: ignore[no-untyped-def]
    for seed in range(5):
        found = set(fit(timings(model, seed=seed)))
        assert expected & found, (seed, found)
        assert "quadratic" not in found or expected == {"quadratic"}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("It is O(n) time and O(n) space.", "linear"),
        ("O(n) extra space, but O(n^2) time because of the nested loop.", "quadratic"),
        ("It runs in linear time.", "linear"),
        ("Sorting makes it O(n log n).", "linearithmic"),
        ("O(n * d) time for n keys at depth d.", "linear"),
        ("O(n²) in the worst case", "quadratic"),
        ("Each lookup is O(1).", "constant"),
        ("I did not think about it.", None),
    ],
)
def test_the_claimed_complexity_is_read_from_the_discussion(text: str, expected: str | None) -> None:
    assert claimed_growth(text) == expected


def test_every_coding_question_can_be_timed() -> None:
    for question in CODING:
        assert question.coding.growth is not None and question.coding.growth_input, question.id


@needs_sandbox
@pytest.mark.parametrize("question", CODING, ids=lambda q: q.id)
def test_each_reference_solution_measures_as_its_expected_class(question) -> None:  # type: ignore[no-untyped-def]
    growth = measure_growth(question, question.coding.reference_solution)
    assert growth is not None
    assert growth.agrees, (growth.summary(), [(p.n, round(p.seconds, 4)) for p in growth.points])


QUADRATIC = {
    "code-count-pairs": (
        "def count_pairs_with_sum(amounts, target):\n"
        "    pairs = 0\n"
        "    for i in range(len(amounts)):\n"
        "        for j in range(i + 1, len(amounts)):\n"
        "            if amounts[i] + amounts[j] == target:\n"
        "                pairs += 1\n"
        "    return pairs\n"
    ),
    "code-first-unique-char": (
        "def first_unique_char(text):\n"
        "    for index, char in enumerate(text):\n"
        "        if text.count(char) == 1:\n"
        "            return index\n"
        "    return -1\n"
    ),
    "code-dedupe-latest": (
        "def dedupe_latest(records, key, timestamp):\n"
        "    kept = []\n"
        "    for record in records:\n"
        "        for position, other in enumerate(kept):\n"
        "            if other[key] == record[key]:\n"
        "                if record[timestamp] >= other[timestamp]:\n"
        "                    kept[position] = record\n"
        "                break\n"
        "        else:\n"
        "            kept.append(record)\n"
        "    return kept\n"
    ),
    "code-chunked": (
        "def chunked(items, size):\n"
        "    if size < 1:\n"
        "        raise ValueError('size must be at least 1')\n"
        "    rest = list(items)\n"
        "    chunks = []\n"
        "    while rest:\n"
        "        chunks.append(rest[:size])\n"
        "        rest = rest[size:]\n"
        "    return chunks\n"
    ),
    "code-group-anagrams": (
        "def group_anagrams(words):\n"
        "    groups = []\n"
        "    for word in words:\n"
        "        signature = ''.join(sorted(word.lower()))\n"
        "        for group_signature, group in groups:\n"
        "            if group_signature == signature:\n"
        "                group.append(word)\n"
        "                break\n"
        "        else:\n"
        "            groups.append((signature, [word]))\n"
        "    return [group for _, group in groups]\n"
    ),
    "code-merge-intervals": (
        "def merge_intervals(intervals):\n"
        "    merged = []\n"
        "    for start, end in sorted(intervals):\n"
        "        for position, (low, high) in enumerate(merged):\n"
        "            if start <= high and end >= low:\n"
        "                merged[position] = (min(low, start), max(high, end))\n"
        "                break\n"
        "        else:\n"
        "            merged.append((start, end))\n"
        "    return merged\n"
    ),
}


@needs_sandbox
@pytest.mark.parametrize("question_id", sorted(QUADRATIC))
def test_a_quadratic_variant_measures_as_quadratic(question_id: str) -> None:
    question = BANK.questions[question_id]
    growth = measure_growth(question, QUADRATIC[question_id])
    assert growth is not None
    detail = (growth.summary(), [(p.n, round(p.seconds, 4)) for p in growth.points])
    assert growth.measured == ["quadratic"] or growth.too_slow, detail
    assert growth.slower or growth.too_slow, detail


@needs_sandbox
def test_the_grade_sets_the_claim_against_the_measurement(bank, clock) -> None:  # type: ignore[no-untyped-def]
    from interviewer.engine import Interviewer
    from interviewer.export import to_markdown
    from interviewer.grading.offline import OfflineGrader
    from interviewer.models import SessionConfig

    question_id = "code-count-pairs"
    config = SessionConfig(question_ids=[question_id], question_count=1, kinds=["coding"])
    interviewer = Interviewer.start(config, bank, OfflineGrader(bank.mistakes), clock=clock)
    interviewer.ask_clarification("Can the same amount appear twice, and can it pair with itself?")
    interviewer.submit_code(QUADRATIC[question_id])
    attempt = interviewer.state.attempts[0]
    assert attempt.growth is not None and attempt.growth.measured == ["quadratic"], attempt.growth
    interviewer.answer(
        "I keep a dict of how many times each amount has been seen and add the count of the complement, so it "
        "is O(n) time and O(n) extra space in a single pass over the amounts."
    )
    grade = attempt.grade
    points = {p.point_id: p for p in grade.points}
    assert points["complexity"].credit <= 0.5 and "you said O(n)" in points["complexity"].evidence
    assert points["approach"].credit <= 0.5 and "O(n²)" in points["approach"].evidence
    assert any(line.startswith("You said O(n); it measured O(n²) between n = ") for line in grade.feedback)
    assert "Timing: Measured O(n²)" in to_markdown(interviewer.state, bank)


@needs_sandbox
def test_an_honest_claim_about_efficient_code_is_not_held(bank, clock) -> None:  # type: ignore[no-untyped-def]
    from interviewer.engine import Interviewer
    from interviewer.grading.offline import OfflineGrader
    from interviewer.models import SessionConfig

    question = bank.get("code-count-pairs")
    config = SessionConfig(question_ids=[question.id], question_count=1, kinds=["coding"])
    interviewer = Interviewer.start(config, bank, OfflineGrader(bank.mistakes), clock=clock)
    interviewer.submit_code(question.coding.reference_solution)
    interviewer.answer("One pass with a dict of counts: O(n) time and O(n) extra space.")
    points = {p.point_id: p for p in interviewer.state.attempts[0].grade.points}
    assert "held to partial" not in (points["complexity"].evidence or "")
    assert "held to partial" not in (points["approach"].evidence or "")
    assert interviewer.state.attempts[0].growth.agrees


def test_a_fit_bent_by_one_slow_call_is_timed_again_before_it_is_reported(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from interviewer import complexity

    question = BANK.questions["code-balanced-brackets"]
    clean = {n: 2e-6 * n for n in SIZES[:6]}
    bent = dict(clean)
    bent[SIZES[5]] *= 6  # the machine was busy during the largest size's calls
    runs = [complexity._Timing(bent, 0, 0.0, None), complexity._Timing(clean, 0, 0.0, None)]
    monkeypatch.setattr(complexity, "_timed", lambda q, code: runs.pop(0))
    monkeypatch.setattr(complexity, "_reference_run", lambda *a: ((None,) * 24, (None,) * 24))
    growth = measure_growth(question, "unused")
    assert growth is not None and growth.agrees, growth.summary()
    assert not runs, "the disagreeing fit was timed a second time"


def test_a_fit_that_agrees_is_not_timed_again(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from interviewer import complexity

    question = BANK.questions["code-balanced-brackets"]
    clean = {n: 2e-6 * n for n in SIZES[:6]}
    runs = [complexity._Timing(clean, 0, 0.0, None), complexity._Timing(clean, 0, 0.0, None)]
    monkeypatch.setattr(complexity, "_timed", lambda q, code: runs.pop(0))
    monkeypatch.setattr(complexity, "_reference_run", lambda *a: ((None,) * 24, (None,) * 24))
    growth = measure_growth(question, "unused")
    assert growth is not None and growth.agrees
    assert len(runs) == 1
