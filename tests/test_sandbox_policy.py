"""Which isolation candidate code runs under, and that the weaker ones are refused unless the operator opts in."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from interviewer import sandbox
from interviewer.models import CodeTest
from interviewer.settings import Settings

TEST = [CodeTest(call="f()", expected="1")]
CODE = "def f():\n    return 1\n"


@pytest.fixture
def no_bubblewrap(monkeypatch: pytest.MonkeyPatch) -> None:
    """This machine as if bwrap were missing."""
    real = sandbox.isolation_works

    def works(isolation: str) -> bool:
        return isolation != "bubblewrap" and real(isolation)

    monkeypatch.setattr(sandbox, "isolation_works", works)


def test_without_bubblewrap_and_without_opting_in_code_does_not_run(
    no_bubblewrap: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sandbox, "ALLOW_WEAK", False)
    status = sandbox.availability()
    assert status.isolation is None and not status.available
    assert "apt-get install bubblewrap" in status.message and sandbox.WEAK_SETTING in status.message
    with pytest.raises(sandbox.SandboxUnavailable, match="bubblewrap"):
        sandbox.run_tests(CODE, "f", TEST)
    with pytest.raises(sandbox.SandboxUnavailable):
        sandbox.run_snippet("print(1)")


def test_opting_in_runs_the_weaker_isolation_and_says_so(no_bubblewrap: None, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sandbox, "ALLOW_WEAK", True)
    status = sandbox.availability()
    if status.isolation is None:
        assert "neither does the weaker isolation" in status.message
        pytest.skip("no weaker isolation works here either (the unprivileged user cannot read this Python)")
    assert status.isolation in ("unshare", "rlimits") and status.available and status.weak
    assert "weaker" in status.message
    report = sandbox.run_tests(CODE, "f", TEST)
    assert report.isolation == status.isolation and report.all_passed


@pytest.mark.skipif("bubblewrap" not in sandbox.available_isolations(), reason="bwrap does not work here")
def test_with_bubblewrap_it_is_used_whatever_the_setting(monkeypatch: pytest.MonkeyPatch) -> None:
    for allowed in (False, True):
        monkeypatch.setattr(sandbox, "ALLOW_WEAK", allowed)
        status = sandbox.availability()
        assert status.isolation == "bubblewrap" and not status.weak
        assert sandbox.run_tests(CODE, "f", TEST).isolation == "bubblewrap"


def test_the_setting_is_read_from_the_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.chdir(tmp_path)  # no .env here
    monkeypatch.delenv(sandbox.WEAK_SETTING, raising=False)
    assert Settings().allow_weak_sandbox is False
    monkeypatch.setenv(sandbox.WEAK_SETTING, "1")
    assert Settings().allow_weak_sandbox is True


WHO = "import os\ndef f():\n    return os.getuid()\n"


@pytest.mark.skipif(os.getuid() != 0, reason="only a root app has privileges to give up")
@pytest.mark.parametrize("isolation", sandbox.available_isolations())
def test_code_never_runs_as_root(isolation: str) -> None:
    report = sandbox.run_tests(WHO, "f", [CodeTest(call="f()", expected="0")], isolation=isolation)  # type: ignore[arg-type]
    assert report.results[0].status == "failed", "the code ran as root"
    assert report.results[0].actual not in (None, "0")


def test_the_engine_turns_a_missing_sandbox_into_a_clear_message(bank, clock, no_bubblewrap, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from interviewer.engine import Interviewer, InterviewError, InvalidMove
    from interviewer.grading.offline import OfflineGrader
    from interviewer.models import SessionConfig

    monkeypatch.setattr(sandbox, "ALLOW_WEAK", False)
    grader = OfflineGrader(bank.mistakes)
    coding = SessionConfig(question_ids=["code-merge-intervals"], question_count=1, kinds=["coding"])
    interviewer = Interviewer.start(coding, bank, grader, clock=clock)
    code = bank.get("code-merge-intervals").coding.reference_solution
    with pytest.raises(InvalidMove, match="apt-get install bubblewrap"):
        interviewer.run_examples(code)
    assert interviewer.state.attempts[0].example_runs == 0
    with pytest.raises(InvalidMove, match="apt-get install bubblewrap"):
        interviewer.submit_code(code)
    assert "could not be run" in interviewer.state.transcript[-1].text
    assert interviewer.state.attempts[0].code_report is None

    output = SessionConfig(question_ids=["output-mutable-default"], question_count=1, kinds=["output"])
    with pytest.raises(InterviewError, match="Coding rounds are off"):
        Interviewer.start(output, bank, grader, clock=clock)


def test_the_cli_says_which_isolation_code_would_run_under(no_bubblewrap, monkeypatch, capsys) -> None:  # type: ignore[no-untyped-def]
    from interviewer.cli import main

    monkeypatch.setattr(sandbox, "ALLOW_WEAK", False)
    assert main(["sandbox"]) == 1
    out = capsys.readouterr().out
    assert "Isolation: none" in out and "apt-get install bubblewrap" in out


@pytest.mark.skipif("bubblewrap" not in sandbox.available_isolations(), reason="bwrap does not work here")
def test_the_cli_and_the_exported_report_name_bubblewrap(bank, clock, capsys) -> None:  # type: ignore[no-untyped-def]
    from interviewer.cli import main
    from interviewer.engine import Interviewer
    from interviewer.export import to_markdown
    from interviewer.grading.offline import OfflineGrader
    from interviewer.models import SessionConfig

    assert main(["sandbox"]) == 0
    assert "Isolation: bubblewrap" in capsys.readouterr().out
    config = SessionConfig(question_ids=["code-merge-intervals"], question_count=1, kinds=["coding"])
    interviewer = Interviewer.start(config, bank, OfflineGrader(bank.mistakes), clock=clock)
    interviewer.submit_code(bank.get("code-merge-intervals").coding.reference_solution)
    interviewer.answer("Sorting first makes it O(n log n) time and O(n) space.")
    assert "tests passed (sandbox: bubblewrap)" in to_markdown(interviewer.state, bank)
