"""Quotas: the disk a submission may fill, and its wall-clock time when it sleeps rather than computes.

Memory, processes, CPU and output have their tests in ``test_sandbox.py``. A size-limited working directory
and /tmp exist only under bubblewrap (each is a tmpfs with a size); the weaker modes, which an operator must
opt into, say they have no disk quota, and these tests skip them with that reason.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from interviewer import sandbox
from interviewer.models import CodeTest
from tests.conftest import needs_sandbox

AVAILABLE = sandbox.available_isolations()
pytestmark = needs_sandbox

FILL = """
import os

def fill(where):
    written = 0
    chunk = b"x" * (256 * 1024)
    try:
        for number in range(100_000):
            with open(os.path.join(where, f"f{number}.bin"), "wb") as handle:
                for _ in range(4):
                    handle.write(chunk)
                    written += len(chunk)
    except OSError as exc:
        return [written, exc.strerror]
    return [written, None]
"""


@pytest.fixture(autouse=True)
def contained(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = tmp_path / "sandboxes"
    root.mkdir()
    monkeypatch.setattr(sandbox, "TEMP_ROOT", str(root))
    return root


def _disk_quota(isolation: str) -> None:
    if isolation != "bubblewrap":
        pytest.skip(f"{isolation}: no size-limited file system (said in the isolation note)")


@pytest.mark.parametrize("isolation", AVAILABLE)
@pytest.mark.parametrize(("where", "quota"), [(".", sandbox.WORKDIR_QUOTA), ("/tmp", sandbox.TMP_QUOTA)])
def test_filling_the_disk_stops_at_the_quota(isolation: str, where: str, quota: int) -> None:
    _disk_quota(isolation)
    report = sandbox.run_tests(
        FILL,
        "fill",
        [CodeTest(call=f"fill({where!r})", expected="0")],
        isolation=isolation,
        time_limit=20,
        _guard=False,
    )  # without the audit hook (which refuses /tmp outright): the file system's own limit is what holds
    [result] = report.results
    assert result.actual is not None, result
    written, error = eval(result.actual)  # the sandbox's answer, rebuilt from plain data
    assert written <= quota, f"{written:,} bytes written past a quota of {quota:,}"
    assert error == "No space left on device"


@pytest.mark.parametrize("isolation", AVAILABLE)
def test_the_rest_of_the_file_system_is_read_only(isolation: str) -> None:
    _disk_quota(isolation)
    code = (
        "def f(path):\n"
        "    try:\n"
        "        open(path, 'w').write('x')\n"
        "    except OSError as exc:\n"
        "        return type(exc).__name__\n"
        "    return 'written'\n"
    )
    tests = [
        CodeTest(call=f"f({path!r})", expected="'written'") for path in ("/x", "/sandbox/x", "/usr/x", "/dev/shm/x")
    ]
    report = sandbox.run_tests(code, "f", tests, isolation=isolation, _guard=False)
    assert report.passed == 0, [(r.call, r.actual) for r in report.results]


@pytest.mark.parametrize("isolation", AVAILABLE)
def test_sleeping_past_the_time_limit_is_stopped(isolation: str) -> None:
    code = "import time\ndef f():\n    time.sleep(60)\n    return 1\n"
    report = sandbox.run_tests(code, "f", [CodeTest(call="f()", expected="1")], isolation=isolation, time_limit=1)
    assert report.results[0].status == "timeout"
    assert report.elapsed < 10
