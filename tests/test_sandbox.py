"""The sandbox contains hostile code and still reports clear per-test results.

Each attack runs twice where it matters: with the runner's audit hook (what the app does) and without it
(``_guard=False``), which proves the operating-system layer alone holds. An attack the OS layer of some
isolation mode cannot stop here is skipped with the reason, never passed silently.
"""

from __future__ import annotations

import os
import resource
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from interviewer import sandbox
from interviewer.models import CodeTest
from tests.conftest import needs_sandbox

AVAILABLE = sandbox.available_isolations()
pytestmark = needs_sandbox
BEST = AVAILABLE[0] if AVAILABLE else None
CANARY = "sk-canary-4f1d2c9e"
ENV = [("LANG", "C.UTF-8"), ("PATH", "/usr/bin:/bin"), ("PYTHONHASHSEED", "0")]


def T(call: str, expected: str | None = None, raises: str | None = None) -> CodeTest:
    return CodeTest(call=call, expected=expected, raises=raises)


@pytest.fixture(autouse=True)
def contained(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """Every test: secrets in our environment, working directories under a known root, and afterwards no
    directory and no process of the sandbox left behind."""
    root = tmp_path / "sandboxes"
    root.mkdir()
    monkeypatch.setattr(sandbox, "TEMP_ROOT", str(root))
    monkeypatch.setenv("OPENAI_API_KEY", CANARY)
    monkeypatch.setenv("INTERVIEWER_SECRET", CANARY)
    yield root
    assert list(root.iterdir()) == [], "a working directory was left behind"
    assert _processes_mentioning(str(root)) == [], "a sandboxed process was left behind"


def _processes_mentioning(text: str) -> list[int]:
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/cmdline", "rb") as handle:
                    cmdline = handle.read()
                with open(f"/proc/{entry}/stat", "rb") as handle:
                    state = handle.read().rsplit(b")", 1)[1].split()[0]
            except OSError:
                continue
            if text.encode() in cmdline and state not in (b"Z", b"X"):
                found.append(int(entry))
    return found


def run(code: str, *tests: CodeTest, function: str = "f", **options) -> sandbox.SandboxReport:
    return sandbox.run_tests(code, function, list(tests), **options)


def os_layer(isolation: str, reason_if_weak: str | None) -> dict:
    """Options for a run without the audit hook; skip (with the reason) if this mode cannot contain it."""
    if reason_if_weak is not None:
        pytest.skip(f"{isolation}: {reason_if_weak}")
    return {"isolation": isolation, "_guard": False}


def no_file_isolation(isolation: str) -> str | None:
    if isolation == "bubblewrap":
        return None
    return "this mode has no filesystem isolation (only /usr, Python and the work dir are mounted under bubblewrap)"


def no_nproc(isolation: str) -> str | None:
    if isolation == "bubblewrap" or os.getuid() != 0:
        return None
    return "runs as root, where Linux does not enforce RLIMIT_NPROC: a fork bomb is stopped only by the audit hook"


modes = pytest.mark.parametrize("isolation", AVAILABLE)


def test_isolation_is_detected_and_reported() -> None:
    assert AVAILABLE[0] == BEST
    report = run("def f():\n    return 1\n", T("f()", "1"))
    assert report.isolation == BEST
    assert sandbox.run_snippet("print(1)").isolation == BEST
    if "bubblewrap" not in AVAILABLE:
        pytest.skip("bwrap is not installed or does not work here: weaker isolation in use (reported)")


# ---------------------------------------------------------------------------------------------------------- normal


def test_pass_fail_error_with_messages_and_trimmed_traceback() -> None:
    code = (
        "def f(xs, k):\n"
        "    if k == 0:\n"
        "        return helper(xs)\n"
        "    return sorted(xs)[:k]\n"
        "\n"
        "def helper(xs):\n"
        "    return xs[10]\n"
    )
    report = run(code, T("f([3, 1, 2], 2)", "[1, 2]"), T("f([3, 1, 2], 1)", "[3]"), T("f([1], 0)", "1"))
    passed, failed, error = report.results
    assert (passed.status, failed.status, error.status) == ("passed", "failed", "error")
    assert failed.expected == "[3]" and failed.actual == "[1]"
    assert failed.message == "expected [3], got [1]"
    assert error.message == "IndexError: list index out of range"
    assert error.traceback is not None
    lines = error.traceback.splitlines()
    assert len(lines) <= 10
    assert 'File "solution.py", line 7, in helper' in error.traceback
    assert 'File "solution.py", line 3, in f' in error.traceback
    assert only_candidate_frames(error.traceback)
    assert (report.total, report.passed, report.failed, report.errors) == (3, 1, 1, 1)
    assert not report.all_passed and report.elapsed > 0


def only_candidate_frames(text: str) -> bool:
    return sandbox.RUNNER_NAME not in text and "<test>" not in text


def test_deep_recursion_traceback_is_short() -> None:
    report = run("def f(n):\n    return f(n + 1)\n", T("f(0)", "0"))
    (result,) = report.results
    assert result.status == "error" and result.message.startswith("RecursionError")
    assert len(result.traceback.splitlines()) <= 10


def test_syntax_error_names_the_line() -> None:
    report = run("def f(x):\n    return x\n\ndef g(:\n    pass\n", T("f(1)", "1"))
    assert report.load_error is not None
    assert report.load_error.startswith("SyntaxError on line 4")
    assert report.results[0].status == "error" and "did not load" in report.results[0].message


def test_runtime_error_while_loading_and_missing_function() -> None:
    report = run("x = 1\ny = undefined_name\ndef f():\n    return 1\n", T("f()", "1"))
    assert "NameError" in report.load_error and "line 2" in report.load_error
    report = run("def g():\n    return 1\n", T("f()", "1"))
    assert report.load_error == "the code does not define a function named 'f'"


def test_raises_tests() -> None:
    code = "def f(x):\n    if x < 0:\n        raise ValueError('negative')\n    if x == 0:\n        raise KeyError(x)\n    return x\n"
    report = run(code, T("f(-1)", raises="ValueError"), T("f(1)", raises="ValueError"), T("f(0)", raises="ValueError"))
    ok, returned, wrong = report.results
    assert ok.status == "passed" and ok.actual == "ValueError: negative"
    assert returned.status == "failed" and returned.message == "expected ValueError to be raised, but it returned 1"
    assert wrong.status == "failed" and "got KeyError: 0" in wrong.message
    report = run("def f():\n    raise FileNotFoundError('x')\n", T("f()", raises="OSError"))
    assert report.results[0].status == "passed", "a subclass of the expected exception counts"


def test_stdout_is_captured_per_test_and_overall() -> None:
    code = "print('loading')\ndef f(x):\n    print('called with', x)\n    return x\n"
    report = run(code, T("f(1)", "1"), T("f(2)", "2"))
    assert report.stdout == "loading\ncalled with 1\ncalled with 2\n"
    assert [r.stdout for r in report.results] == ["called with 1\n", "called with 2\n"]
    assert report.all_passed


def test_stdlib_imports_work() -> None:
    code = (
        "import collections, heapq, itertools, functools, re, dataclasses, typing, time, math, bisect\n"
        "@dataclasses.dataclass(order=True)\n"
        "class P:\n"
        "    x: int\n"
        "Pair = collections.namedtuple('Pair', 'a b')\n"
        "@functools.lru_cache\n"
        "def f(n: int) -> typing.List[int]:\n"
        "    time.sleep(0)\n"
        "    return heapq.nsmallest(2, [P(3), P(1), P(2)]) and [Pair(1, 2).a, len(re.findall('a', 'banana'))]\n"
    )
    report = run(code, T("f(1)", "[1, 3]"))
    assert report.all_passed, report


# ---------------------------------------------------------------------------------------------------------- snippets

SNIPPETS = {
    "mutable default": (
        "def append(x, acc=[]):\n    acc.append(x)\n    return acc\nprint(append(1))\nprint(append(2))\n",
        "[1]\n[1, 2]\n",
    ),
    "mro": (
        "class A: pass\nclass B(A): pass\nclass C(A): pass\nclass D(B, C): pass\n"
        "print([k.__name__ for k in D.__mro__])\n",
        "['D', 'B', 'C', 'A', 'object']\n",
    ),
    "late binding": (
        "fs = [lambda: i for i in range(3)]\nprint([f() for f in fs])\n"
        "gs = [lambda i=i: i for i in range(3)]\nprint([g() for g in gs])\n",
        "[2, 2, 2]\n[0, 1, 2]\n",
    ),
    "generator exhaustion": (
        "g = (x * x for x in range(3))\nprint(list(g))\nprint(list(g))\nprint(sum(g))\n",
        "[0, 1, 4]\n[]\n0\n",
    ),
}


@pytest.mark.parametrize("name", SNIPPETS)
def test_snippet_output_matches_cpython(name: str) -> None:
    code, expected = SNIPPETS[name]
    result = sandbox.run_snippet(code)
    assert (result.status, result.stdout, result.exception) == ("ok", expected, None)
    plain = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout == plain.stdout


def test_snippet_is_deterministic_and_reports_exceptions() -> None:
    code = "print(hash('interview'))\nprint({'a', 'b', 'c', 'd'})\nprint('before')\n1 / 0\n"
    first, second = sandbox.run_snippet(code), sandbox.run_snippet(code)
    assert first.stdout == second.stdout
    seeded = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env={"PYTHONHASHSEED": "0"}, check=False
    )
    assert first.stdout == seeded.stdout
    assert first.status == "error" and first.exception == "ZeroDivisionError: division by zero"
    assert 'File "<snippet>", line 4' in first.stderr and first.stderr.endswith("ZeroDivisionError: division by zero\n")
    syntax = sandbox.run_snippet("print(1\n")
    assert syntax.status == "error" and syntax.exception.startswith("SyntaxError on line 1")


# ---------------------------------------------------------------------------------------------------------- attacks


@modes
def test_infinite_loop_times_out_and_later_tests_still_run(isolation: str) -> None:
    code = (
        "def f(kind):\n"
        "    if kind == 'loop':\n"
        "        while True:\n"
        "            pass\n"
        "    if kind == 'stubborn':\n"
        "        while True:\n"
        "            try:\n"
        "                while True:\n"
        "                    pass\n"
        "            except BaseException:\n"
        "                pass\n"
        "    return kind\n"
    )
    tests = [T("f('loop')", "0"), T("f('stubborn')", "0"), T("f('ok')", "'ok'")]
    report = run(code, *tests, time_limit=0.3, isolation=isolation)
    assert [r.status for r in report.results] == ["timeout", "timeout", "passed"]
    assert "did not finish within 0.3 s" in report.results[0].message
    assert "killed" in report.results[1].message, "the one that swallowed the alarm was killed from outside"
    assert report.elapsed < 5


@modes
def test_memory_bomb_is_reported_as_memory(isolation: str) -> None:
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    code = (
        "def f(kind):\n"
        "    if kind == 'big':\n"
        "        return len([0] * 10**9)\n"
        "    hoard = []\n"
        "    while True:\n"
        "        hoard.append(' ' * 10**6)\n"
    )
    report = run(code, T("f('big')", "0"), T("f('slow')", "0"), T("len('ok')", "2"), isolation=isolation)
    assert [r.status for r in report.results] == ["memory", "memory", "passed"]
    assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before < 50_000, "the test process grew"


@modes
def test_fork_bomb_is_refused_by_the_guard(isolation: str) -> None:
    code = "import os\ndef f():\n    while True:\n        os.fork()\n"
    report = run(code, T("f()", "0"), T("len('ok')", "2"), isolation=isolation, time_limit=0.5)
    assert report.results[0].status == "error" and "os.fork is not allowed" in report.results[0].message
    assert report.results[1].status == "passed"


@modes
def test_fork_bomb_is_contained_by_the_os(isolation: str) -> None:
    options = os_layer(isolation, no_nproc(isolation))
    code = "import os\ndef f():\n    while True:\n        os.fork()\n"
    report = run(code, T("f()", "0"), T("len('ok')", "2"), time_limit=0.5, **options)
    assert report.results[0].status in ("error", "timeout")
    assert report.results[1].status == "passed"
    assert report.elapsed < 10


@modes
def test_huge_print_is_trimmed(isolation: str) -> None:
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    code = "import os\ndef f(kind):\n    if kind == 'print':\n        print('x' * 100_000_000)\n    else:\n        os.write(1, b'y' * 100_000_000)\n    return 1\n"
    report = run(code, T("f('print')", "1"), T("f('fd')", "1"), T("len('ok')", "2"), isolation=isolation)
    printed, written, after = report.results
    assert printed.status == "passed" and len(printed.stdout) < 70_000 and "more characters not shown" in printed.stdout
    assert written.status == "error" and "more than 4 MB of output" in written.message
    assert after.status == "passed"
    assert report.output_truncated and len(report.stdout) < 3 * 70_000
    snippet = sandbox.run_snippet("print('z' * 100_000_000)", isolation=isolation)
    assert snippet.output_truncated and len(snippet.stdout) < 70_000
    assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before < 50_000, "the test process grew"


WRITE = "def f(path):\n    with open(path, 'w') as handle:\n        handle.write('pwned')\n    return 'written'\n"


def test_writing_outside_is_refused_by_the_guard(tmp_path: Path) -> None:
    outside, repo = tmp_path / "outside.txt", Path(__file__).parent.parent / "sandbox-canary-write.txt"
    report = run(WRITE, T(f"f({str(outside)!r})", "0"), T(f"f({str(repo)!r})", "0"), T("f('inside.txt')", "'written'"))
    assert [r.status for r in report.results] == ["error", "error", "passed"]
    assert "PermissionError: sandbox: writing" in report.results[0].message
    assert not outside.exists() and not repo.exists()


@modes
def test_writing_outside_is_contained_by_the_os(isolation: str, tmp_path: Path) -> None:
    options = os_layer(isolation, no_file_isolation(isolation))
    outside, repo = tmp_path / "outside.txt", Path(__file__).parent.parent / "sandbox-canary-write.txt"
    report = run(WRITE, T(f"f({str(outside)!r})", "0"), T(f"f({str(repo)!r})", "0"), T("f('/tmp/x')", "0"), **options)
    statuses = [r.status for r in report.results]
    assert statuses[:2] == ["error", "error"], report.results
    assert not outside.exists() and not repo.exists()
    # /tmp inside is a private tmpfs: writing there works but never reaches the host's /tmp
    assert not (Path("/tmp/x").exists() and Path("/tmp/x").read_text() == "pwned")


def test_environment_is_empty() -> None:
    code = "import os\ndef f():\n    return sorted(os.environ.items())\n"
    report = run(code, T("f()", repr(ENV)))
    assert report.all_passed, report.results
    assert CANARY not in report.model_dump_json()


SCAN = (
    "import os\n"
    "def f(canary):\n"
    "    for pid in os.listdir('/proc'):\n"
    "        try:\n"
    "            with open(f'/proc/{pid}/environ', 'rb') as handle:\n"
    "                if canary.encode() in handle.read():\n"
    "                    return pid\n"
    "        except OSError:\n"
    "            pass\n"
    "    return None\n"
)


def test_other_processes_environment_is_refused_by_the_guard() -> None:
    report = run(SCAN, T(f"f({CANARY!r})", "None"))
    assert report.results[0].status == "error" and "sandbox: listing /proc" in report.results[0].message


@modes
def test_other_processes_environment_is_invisible_to_the_os(isolation: str) -> None:
    weak = None if isolation != "rlimits" else "no PID namespace: the parent's /proc/<pid>/environ is readable by root"
    report = run(SCAN, T(f"f({CANARY!r})", "None"), **os_layer(isolation, weak))
    assert report.results[0].status == "passed", report.results[0]


READ = "def f(path):\n    with open(path) as handle:\n        return handle.read()\n"


def test_reading_app_files_is_refused_by_the_guard(tmp_path: Path) -> None:
    canary = tmp_path / ".env"
    canary.write_text(f"OPENAI_API_KEY={CANARY}\n")
    readme = Path(__file__).parent.parent / "README.md"
    report = run(READ, T(f"f({str(canary)!r})", "''"), T(f"f({str(readme)!r})", "''"))
    assert [r.status for r in report.results] == ["error", "error"]
    assert CANARY not in report.model_dump_json()


@modes
def test_reading_app_files_is_contained_by_the_os(isolation: str, tmp_path: Path) -> None:
    options = os_layer(isolation, no_file_isolation(isolation))
    canary = tmp_path / ".env"
    canary.write_text(f"OPENAI_API_KEY={CANARY}\n")
    readme = Path(__file__).parent.parent / "README.md"
    report = run(READ, T(f"f({str(canary)!r})", "''"), T(f"f({str(readme)!r})", "''"), **options)
    assert [r.status for r in report.results] == ["error", "error"]
    assert all("FileNotFoundError" in r.message for r in report.results)
    venv = T(f"__import__('os').path.exists({sys.prefix!r})", "False")
    assert run(READ, venv, **options).all_passed, "the app's venv is not mounted either"
    assert CANARY not in report.model_dump_json()


CONNECT = (
    "import socket\n"
    "def f(port):\n"
    "    with socket.create_connection(('127.0.0.1', port), timeout=1):\n"
    "        return 'connected'\n"
)


@pytest.fixture
def listener():
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen()
    server.setblocking(False)
    yield server
    try:
        connection, _ = server.accept()
    except BlockingIOError:
        connection = None
    server.close()
    assert connection is None, "the sandbox reached our socket"


def test_network_is_refused_by_the_guard(listener: socket.socket) -> None:
    report = run(CONNECT, T(f"f({listener.getsockname()[1]})", "0"))
    assert report.results[0].status == "error"
    assert report.results[0].message.startswith("PermissionError: sandbox: socket.")


@modes
def test_network_is_contained_by_the_os(isolation: str, listener: socket.socket) -> None:
    weak = None if isolation != "rlimits" else "no network namespace: only the audit hook stops a connection"
    report = run(CONNECT, T(f"f({listener.getsockname()[1]})", "0"), **os_layer(isolation, weak))
    assert report.results[0].status == "error"
    assert report.results[0].message.startswith(("OSError", "ConnectionRefusedError")), report.results[0]


CRASH = "import ctypes\ndef f():\n    return ctypes.string_at(0)\n"


def test_ctypes_is_refused_by_the_guard() -> None:
    report = run(CRASH, T("f()", "0"))
    assert report.load_error is not None and "importing ctypes is not allowed" in report.load_error


@modes
def test_interpreter_crash_is_reported_and_later_tests_run(isolation: str) -> None:
    code = "def f(crash):\n    if crash:\n        import ctypes\n        ctypes.string_at(0)\n    return 1\n"
    report = run(code, T("f(True)", "1"), T("f(False)", "1"), isolation=isolation, _guard=False)
    crashed, after = report.results
    assert crashed.status == "error" and "the interpreter crashed (SIGSEGV)" in crashed.message
    assert after.status == "passed"


DELETE = "import os, shutil\ndef f(path):\n    if os.path.isdir(path):\n        shutil.rmtree(path)\n    else:\n        os.remove(path)\n    return 'deleted'\n"


def test_deleting_outside_is_refused_by_the_guard(tmp_path: Path) -> None:
    victim = tmp_path / "victim.txt"
    victim.write_text("keep me")
    report = run(DELETE, T(f"f({str(victim)!r})", "0"), T(f"f({str(tmp_path)!r})", "0"))
    assert [r.status for r in report.results] == ["error", "error"]
    assert "PermissionError: sandbox: os.remove" in report.results[0].message
    assert victim.read_text() == "keep me"


@modes
def test_deleting_outside_is_contained_by_the_os(isolation: str, tmp_path: Path) -> None:
    options = os_layer(isolation, no_file_isolation(isolation))
    victim = tmp_path / "victim.txt"
    victim.write_text("keep me")
    report = run(DELETE, T(f"f({str(victim)!r})", "0"), **options)
    assert report.results[0].status == "error"
    assert victim.read_text() == "keep me"


def test_a_report_round_trips_through_json() -> None:
    from interviewer.models import CaseResult, SandboxReport

    report = SandboxReport(
        isolation="rlimits",
        results=[CaseResult(index=0, call="f(1)", status="passed"), CaseResult(index=1, call="f(2)", status="failed")],
    )
    again = SandboxReport.model_validate_json(report.model_dump_json())
    assert again == report and (again.passed, again.total, again.all_passed) == (1, 2, False)
