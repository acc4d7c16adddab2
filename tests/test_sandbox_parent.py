"""The process that judges stays whole whatever the sandbox sends it, and exceptions are judged by real type.

Found by a red team: a result line nested 100,000 deep made the parent raise RecursionError; one long line with
no newline cost the parent quadratic CPU; a home-made exception class named after every built-in exception
passed any ``raises`` test; a quadratic solution padded with a busy-wait measured as linear.
"""

from __future__ import annotations

import resource
import time
from pathlib import Path

import pytest

from interviewer import sandbox
from interviewer.bank import load_bank
from interviewer.complexity import measure_growth
from interviewer.models import CodeTest
from tests.conftest import needs_sandbox

pytestmark = needs_sandbox
TEST = [CodeTest(call="f(1)", expected="2")]


@pytest.fixture(autouse=True)
def contained(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = tmp_path / "sandboxes"
    root.mkdir()
    monkeypatch.setattr(sandbox, "TEMP_ROOT", str(root))


def _result_fd_writer(payload: str) -> str:
    """Code that writes ``payload`` (bytes expression) to every descriptor that might be the result pipe."""
    return (
        "import os\n"
        "def f(x):\n"
        f"    data = {payload}\n"
        "    for fd in range(3, 12):\n"
        "        try:\n"
        "            os.write(fd, data)\n"
        "        except OSError:\n"
        "            pass\n"
        "    return 0\n"
    )


def test_a_deeply_nested_answer_is_a_failure_not_a_crash() -> None:
    deep = (
        'b\'{"event":"result","outcome":"returned","index":0,"value":\' + b\'[\' * 100000 + b\']\' * 100000 + b\'}\\n\''
    )
    report = sandbox.run_tests(_result_fd_writer(deep), "f", TEST)
    assert report.passed == 0


def test_one_endless_line_costs_the_parent_little() -> None:
    code = (
        "import os, time\n"
        "def f(x):\n"
        "    chunk = b'A' * (1 << 20)\n"
        "    for fd in range(3, 12):\n"
        "        try:\n"
        "            for _ in range(30):\n"
        "                os.write(fd, chunk)\n"
        "        except OSError:\n"
        "            pass\n"
        "    time.sleep(60)\n"
    )
    before = resource.getrusage(resource.RUSAGE_SELF)
    report = sandbox.run_tests(code, "f", TEST, time_limit=2.0)
    after = resource.getrusage(resource.RUSAGE_SELF)
    spent = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
    assert report.passed == 0
    assert spent < 1.0, f"the parent spent {spent:.1f} s of CPU on one line"


def test_an_answer_of_millions_of_containers_is_refused_before_it_is_built() -> None:
    flood = 'b\'{"event":"result","outcome":"returned","index":0,"value":[\' + b\'[],\' * 1_000_000 + b\'[]]}\\n\''
    report = sandbox.run_tests(_result_fd_writer(flood), "f", TEST)
    assert report.passed == 0


OMNI = """
import builtins
names = [name for name, value in vars(builtins).items() if isinstance(value, type) and issubclass(value, BaseException)]
Omni = type("Omni", tuple(type(name, (Exception,), {}) for name in names), {})
class ValueError(Exception):
    pass

def f(x):
    if x == 0:
        raise ValueError("a look-alike")
    raise Omni("every name, no real type")
"""


def test_an_exception_counts_only_if_it_really_is_the_expected_type() -> None:
    tests = [
        CodeTest(call="f(0)", raises="ValueError"),
        CodeTest(call="f(1)", raises="ValueError"),
        CodeTest(call="f(2)", raises="KeyError"),
    ]
    report = sandbox.run_tests(OMNI, "f", tests)
    assert report.passed == 0, [(r.call, r.status, r.actual) for r in report.results]


def test_a_real_subclass_of_the_expected_exception_passes() -> None:
    code = "class BadInput(ValueError):\n    pass\n\ndef f(x):\n    raise BadInput('no')\n"
    report = sandbox.run_tests(code, "f", [CodeTest(call="f(1)", raises="ValueError")])
    assert report.all_passed, report


PADDED = """
import time

def count_pairs_with_sum(amounts, target):
    started = time.perf_counter()
    pairs = 0
    for i in range(len(amounts)):
        for j in range(i + 1, len(amounts)):
            if amounts[i] + amounts[j] == target:
                pairs += 1
    while time.perf_counter() - started < 1e-4 * len(amounts):
        pass
    return pairs
"""


def test_a_padded_quadratic_is_not_passed_off_as_efficient() -> None:
    question = load_bank().get("code-count-pairs")
    growth = measure_growth(question, PADDED)
    assert growth is not None
    assert growth.slower or growth.too_slow, growth.summary()


def test_the_time_limit_per_test_bounds_a_whole_run() -> None:
    code = "import time\ntime.sleep(1.5)\ndef f(x):\n    time.sleep(5)\n"
    started = time.monotonic()
    sandbox.run_tests(code, "f", [CodeTest(call=f"f({i})", expected="0") for i in range(4)], time_limit=1.0)
    assert time.monotonic() - started < 30


VERY_SLOW = """
import re

def top_k_words(text, k):
    if k < 0:
        raise ValueError("k must not be negative")
    words = re.findall(r"[a-z0-9]+", text.lower())
    counts = {}
    for word in words:
        for _ in range(12):
            counts[word] = sum(1 for other in words if other == word)
    return sorted(counts, key=lambda word: (-counts[word], word))[:k]
"""


def test_code_too_slow_to_reach_three_sizes_is_still_called_slow() -> None:
    """Found in the browser check: a quadratic that took 0.1 s at n = 500 stopped after two sizes and was
    reported as "not measured", so the O(n) it claimed went unchallenged."""
    growth = measure_growth(load_bank().get("code-top-k-words"), VERY_SLOW)
    assert growth is not None
    assert growth.too_slow or growth.slower, growth.summary()
    assert "times as long as the reference" in growth.summary() or growth.measured == ["quadratic"]


def test_a_missed_point_gets_no_made_up_quote_and_a_slow_claim_is_challenged(bank, clock) -> None:  # type: ignore[no-untyped-def]
    from interviewer.engine import Interviewer
    from interviewer.grading.offline import OfflineGrader
    from interviewer.models import SessionConfig

    config = SessionConfig(question_ids=["code-top-k-words"], question_count=1, kinds=["coding"])
    interviewer = Interviewer.start(config, bank, OfflineGrader(bank.mistakes), clock=clock)
    interviewer.submit_code(VERY_SLOW)
    interviewer.answer("It is O(n) time and O(n) space.")
    grade = interviewer.state.attempts[0].grade
    for point in grade.points:
        if point.verdict == "missing":
            assert not (point.evidence or "").startswith("said in the discussion"), point
    assert any(line.startswith("You said O(n)") for line in grade.feedback), grade.feedback
