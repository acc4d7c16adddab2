"""The escapes reported against the sandbox, each tried with the audit hook and without it (the OS layer alone).

Reported: rebinding ``posixpath.realpath`` so the hook accepts any path, then reading ``.env``, ``/etc/shadow``
and the database; writing a ``.pth`` file into the app's virtualenv; leaving a process behind; signalling a
process of the host. Only bubblewrap contains these without the hook; the weaker modes, which an operator
must opt into, are skipped with the reason.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import sysconfig
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from interviewer import sandbox
from interviewer.models import CodeTest
from tests.conftest import needs_sandbox

AVAILABLE = sandbox.available_isolations()
pytestmark = needs_sandbox
modes = pytest.mark.parametrize("isolation", AVAILABLE)
guards = pytest.mark.parametrize("guard", [True, False], ids=["hook", "os-only"])


@pytest.fixture(autouse=True)
def contained(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = tmp_path / "sandboxes"
    root.mkdir()
    monkeypatch.setattr(sandbox, "TEMP_ROOT", str(root))


def strong_only(isolation: str, guard: bool) -> None:
    if isolation != "bubblewrap" and not guard:
        pytest.skip(f"{isolation}: the host's files and processes are visible; only the hook stands in the way")


READ_ANYTHING = """
import os, posixpath

posixpath.realpath = lambda path, *args, **kwargs: os.getcwd()  # the reported hook bypass
os.path.realpath = posixpath.realpath

def read(path):
    try:
        with open(path, "rb") as handle:
            return handle.read().decode("latin-1")
    except OSError as exc:
        return type(exc).__name__
"""


@modes
@guards
def test_files_of_the_host_stay_out_of_reach(isolation: str, guard: bool, tmp_path: Path) -> None:
    strong_only(isolation, guard)
    secret = tmp_path / ".env"
    secret.write_text("OPENAI_API_KEY=sk-escape-canary\n")
    secret.chmod(0o644)  # readable by anyone who can reach it: only the sandbox keeps it away
    database = tmp_path / "interviews.db"
    database.write_bytes(b"SQLite format 3\x00 sk-escape-canary")
    database.chmod(0o644)
    paths = [str(secret), str(database), "/etc/shadow", "/etc/passwd", str(Path(sys.prefix) / "pyvenv.cfg")]
    tests = [CodeTest(call=f"read({path!r})", expected="''") for path in paths]
    report = sandbox.run_tests(READ_ANYTHING, "read", tests, isolation=isolation, _guard=guard)  # type: ignore[arg-type]
    for result in report.results:
        assert result.actual is not None and "sk-escape-canary" not in result.actual, result
        assert "root:" not in result.actual, result
        assert result.actual.strip("'") in ("FileNotFoundError", "PermissionError"), result


WRITE_PTH = """
def plant(directory):
    try:
        with open(directory + "/zz_escape.pth", "w") as handle:
            handle.write("import os; os.system('true')\\n")
    except OSError as exc:
        return type(exc).__name__
    return "planted"
"""


@modes
@guards
def test_no_pth_file_lands_in_the_apps_virtualenv(isolation: str, guard: bool) -> None:
    strong_only(isolation, guard)
    site = sysconfig.get_paths()["purelib"]
    target = Path(site) / "zz_escape.pth"
    report = sandbox.run_tests(
        WRITE_PTH,
        "plant",
        [CodeTest(call=f"plant({site!r})", expected="'planted'")],
        isolation=isolation,
        _guard=guard,  # type: ignore[arg-type]
    )
    assert not target.exists(), "the sandbox wrote into the virtualenv"
    assert report.results[0].status == "failed"


LEAVE_BEHIND = """
import os

def leave(marker):
    try:
        if os.fork() == 0:
            os.setsid()
            if os.fork() == 0:
                os.execv("/usr/bin/sleep", ["sleep", marker])
            os._exit(0)
    except OSError as exc:
        return type(exc).__name__
    return "left"
"""


def _sleepers(marker: str) -> list[int]:
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                cmdline = Path(f"/proc/{entry}/cmdline").read_bytes()
            except OSError:
                continue
            if cmdline == b"sleep\x00" + marker.encode() + b"\x00":
                found.append(int(entry))
    return found


@modes
@guards
def test_no_process_outlives_the_run(isolation: str, guard: bool) -> None:
    if isolation != "bubblewrap" and not guard:
        pytest.skip(f"{isolation}: no PID namespace to end with the run; a setsid() child can outlive it")
    marker = f"{time.time_ns() % 10_000_000 + 7_000_000}.5"
    try:
        sandbox.run_tests(LEAVE_BEHIND, "leave", [CodeTest(call=f"leave({marker!r})", expected="'left'")],
                          isolation=isolation, _guard=guard)  # type: ignore[arg-type]  # fmt: skip
        time.sleep(0.3)
        assert _sleepers(marker) == [], "a process of the sandbox outlived it"
    finally:
        for pid in _sleepers(marker):
            os.kill(pid, signal.SIGKILL)


SIGNAL_HOST = """
import os, signal

def hit(pid):
    outcomes = []
    for attempt in (lambda: os.kill(pid, signal.SIGKILL), lambda: signal.pidfd_send_signal(os.pidfd_open(pid), signal.SIGKILL)):
        try:
            attempt()
            outcomes.append("sent")
        except OSError as exc:
            outcomes.append(type(exc).__name__)
    return outcomes
"""


@pytest.fixture
def host_process() -> Iterator[subprocess.Popen[bytes]]:
    process = subprocess.Popen(["sleep", "300"])
    yield process
    process.kill()
    process.wait()


@modes
@guards
def test_no_process_of_the_host_can_be_signalled(
    isolation: str, guard: bool, host_process: subprocess.Popen[bytes]
) -> None:
    if isolation != "bubblewrap" and not guard:
        pytest.skip(f"{isolation}: processes of the same user are visible and can be signalled")
    sandbox.run_tests(SIGNAL_HOST, "hit", [CodeTest(call=f"hit({host_process.pid})", expected="[]")],
                      isolation=isolation, _guard=guard)  # type: ignore[arg-type]  # fmt: skip
    time.sleep(0.1)
    assert host_process.poll() is None, "the sandbox killed a process of the host"
