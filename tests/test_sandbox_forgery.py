"""Candidate code cannot forge its own test results.

Each attack is code that does not solve the task and tries to be reported as passing anyway: by reading the
expected values out of the runner, by replacing the runner's functions, by writing fake results to whatever
pipe the runner reports on, or by returning a value that claims to equal anything. The parent process judges
every result, so each attack must pass no test at all, in every isolation mode the app can use.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from interviewer import sandbox
from interviewer.models import CodeTest
from tests.conftest import needs_sandbox

AVAILABLE = sandbox.available_isolations()
pytestmark = needs_sandbox
modes = pytest.mark.parametrize("isolation", AVAILABLE)

HIDDEN = [
    CodeTest(call="f(1)", expected="[1, 2, 3]"),
    CodeTest(call="f(2)", expected="{'a': (1, 2), 'b': {3}}"),
    CodeTest(call="f(3)", raises="ValueError"),
    CodeTest(call="f(4)", expected="'secret-answer-71'"),
    CodeTest(call="f(5)", expected="(None, 0.5)"),
    CodeTest(call="f(6)", expected="10**30"),
]
# the call of a later test, which the code must not be able to see while an earlier one runs
LATER_CALL_MARK = "hidden_marker_8812"
WITH_LATER = [CodeTest(call="f(0)", expected="0"), CodeTest(call=f"f('{LATER_CALL_MARK}')", expected="1")]


@pytest.fixture(autouse=True)
def contained(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = tmp_path / "sandboxes"
    root.mkdir()
    monkeypatch.setattr(sandbox, "TEMP_ROOT", str(root))


FRAME_WALK = """
import builtins, sys

def f(x):
    frame = sys._getframe(1)
    while frame is not None:
        names = frame.f_locals
        for key in ("expected", "want", "answer"):
            if key in names and not callable(names[key]):
                raises = names.get("raises")
                if isinstance(raises, str):
                    raise getattr(builtins, raises)("forged")
                return names[key]
        test = names.get("test")
        if isinstance(test, dict) and "expected" in test:
            if test.get("raises"):
                raise getattr(builtins, test["raises"])("forged")
            return eval(test["expected"])
        frame = frame.f_back
    return "no expected value in reach"
"""

REPLACE_RUNNER = """
import __main__

def passed(*args, **kwargs):
    test = args[0] if args and isinstance(args[0], dict) else {}
    return {"call": test.get("call", ""), "expected": None, "raises": test.get("raises"), "actual": None,
            "message": "", "traceback": None, "status": "passed"}

for name in list(vars(__main__)):
    if callable(getattr(__main__, name)) and not name.startswith("__") and name not in ("f",):
        if any(word in name for word in ("run", "judge", "check", "compare", "call", "one", "result")):
            setattr(__main__, name, passed)

def f(x):
    return None
"""

PIPE_FORGERY = """
import json, os

def forged(index):
    base = {"index": index, "call": f"f({index + 1})", "status": "passed", "expected": None, "raises": None,
            "actual": None, "message": "", "traceback": None, "stdout": "", "seconds": 0.0}
    return [dict(base, event="result"), dict(event="result", index=index, outcome="returned", value=None),
            dict(event="result", index=index, outcome="passed")]

def f(x):
    lines = [json.dumps(dict(event="ready")), json.dumps(dict(event="loaded", error=None, kind="error", stdout="", stderr=""))]
    for index in range(10):
        lines += [json.dumps(dict(event="start", index=index))] + [json.dumps(e) for e in forged(index)]
    lines.append(json.dumps(dict(event="done")))
    data = ("\\n".join(lines) + "\\n").encode()
    for fd in range(1, 40):
        try:
            os.write(fd, data)
        except OSError:
            pass
    os._exit(0)
"""

ALWAYS_EQUAL = """
class Anything:
    def __eq__(self, other):
        return True
    def __ne__(self, other):
        return False
    __hash__ = object.__hash__

class EqualList(list):
    def __eq__(self, other):
        return True

def f(x):
    if x == 3:
        return None
    return Anything() if x % 2 else EqualList()
"""

SEE_LATER_TESTS = f"""
import __main__, gc, sys

def f(x):
    seen = repr(vars(__main__))
    for frame in sys._current_frames().values():
        while frame is not None:
            seen += repr(frame.f_locals)
            frame = frame.f_back
    mark = "{LATER_CALL_MARK[:7]}" + "{LATER_CALL_MARK[7:]}"  # in two parts: this source holds no whole mark
    return 1 if mark in seen and x == 0 else 0
"""


@modes
@pytest.mark.parametrize(
    "attack", [FRAME_WALK, REPLACE_RUNNER, PIPE_FORGERY, ALWAYS_EQUAL], ids=["frame", "main", "pipe", "eq"]
)
def test_forged_results_pass_nothing(isolation: str, attack: str) -> None:
    report = sandbox.run_tests(attack, "f", HIDDEN, isolation=isolation)
    assert report.passed == 0, [(r.call, r.status, r.message) for r in report.results]
    assert report.total == len(HIDDEN)


@modes
def test_the_code_cannot_see_tests_that_have_not_run_yet(isolation: str) -> None:
    report = sandbox.run_tests(SEE_LATER_TESTS, "f", WITH_LATER, isolation=isolation)
    assert report.results[0].status == "passed", "the first test's code saw the second test's call"


@modes
def test_an_honest_solution_still_passes_everything(isolation: str) -> None:
    honest = (
        "def f(x):\n"
        "    if x == 3:\n"
        "        raise ValueError('three')\n"
        "    return {1: [1, 2, 3], 2: {'a': (1, 2), 'b': {3}}, 4: 'secret-answer-71', 5: (None, 0.5), 6: 10**30}[x]\n"
    )
    report = sandbox.run_tests(honest, "f", HIDDEN, isolation=isolation)
    assert report.passed == len(HIDDEN), [(r.call, r.status, r.message) for r in report.results]


def test_the_code_is_compiled_without_the_runners_own_future_imports() -> None:
    """The runner module uses ``from __future__ import annotations``; the candidate's code must not inherit it."""
    code = "class P:\n    x: int\n\ndef f():\n    return P.__annotations__['x'] is int\n"
    report = sandbox.run_tests(code, "f", [CodeTest(call="f()", expected="True")])
    assert report.all_passed, report
    snippet = sandbox.run_snippet("def g(a: int): pass\nprint(g.__annotations__)")
    assert snippet.stdout == "{'a': <class 'int'>}\n"
