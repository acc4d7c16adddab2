"""Storage faults are messages, not tracebacks (issue 13, item 4).

Reported: disk full showed a raw "database or disk is full" traceback and the answer was gone; corrupt,
truncated, non-database or read-only SQLite files and a dead PostgreSQL port gave raw tracebacks in the app and
the CLI; a database failing integrity_check was used without a word.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from interviewer.cli import main
from interviewer.store import StorageError, TranscriptStore

APP = str(Path(__file__).parent.parent / "app.py")


def not_a_database(path: Path) -> str:
    path.write_bytes(b"this is not a database at all\n" * 100)
    return f"sqlite:///{path}"


def truncated_database(path: Path) -> str:
    store = TranscriptStore(f"sqlite:///{path}")
    store.close()
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 3])
    return f"sqlite:///{path}"


def corrupt_database(path: Path) -> str:
    store = TranscriptStore(f"sqlite:///{path}")
    store.close()
    data = bytearray(path.read_bytes())
    for offset in range(4096 + 100, min(len(data), 4096 * 3), 7):  # scribble over the tables' pages
        data[offset] = 0xAB
    path.write_bytes(bytes(data))
    return f"sqlite:///{path}"


FAULTS = {
    "not-a-database": not_a_database,
    "truncated": truncated_database,
    "corrupt": corrupt_database,
}


@pytest.mark.parametrize("fault", sorted(FAULTS))
def test_an_unusable_sqlite_file_is_refused_with_a_message(tmp_path: Path, fault: str) -> None:
    url = FAULTS[fault](tmp_path / "interviews.db")
    with pytest.raises(StorageError) as caught:
        TranscriptStore(url)
    message = str(caught.value)
    assert "interviews.db" in message and "Traceback" not in message


def test_a_dead_postgresql_port_is_a_message() -> None:
    with pytest.raises(StorageError, match="cannot"):
        TranscriptStore("postgresql+psycopg://nobody:nothing@127.0.0.1:1/none?connect_timeout=2")


@pytest.mark.parametrize("fault", sorted(FAULTS))
def test_the_app_says_what_is_wrong_instead_of_a_traceback(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fault: str
) -> None:
    FAULTS[fault](tmp_path / "interviews.db")
    monkeypatch.setenv("INTERVIEWER_DATA_DIR", str(tmp_path))
    for name in ("DATABASE_URL", "INTERVIEWER_DATABASE_URL", "OPENAI_API_KEY", "INTERVIEWER_BACKEND"):
        monkeypatch.delenv(name, raising=False)
    app = AppTest.from_file(APP, default_timeout=60).run()
    assert not app.exception, [e.value for e in app.exception]
    assert any("interviews.db" in e.value for e in app.error), [e.value for e in app.error]


@pytest.mark.parametrize("fault", sorted(FAULTS))
def test_the_cli_exits_with_a_message(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], fault: str
) -> None:
    FAULTS[fault](tmp_path / "interviews.db")
    monkeypatch.setenv("INTERVIEWER_DATA_DIR", str(tmp_path))
    for name in ("DATABASE_URL", "INTERVIEWER_DATABASE_URL"):
        monkeypatch.delenv(name, raising=False)
    code = main(["practice", "--question-id", "lists-vs-tuples"])
    captured = capsys.readouterr()
    assert code != 0
    assert "interviews.db" in captured.err and "Traceback" not in captured.err


def test_a_full_disk_mid_interview_is_a_message_and_the_answer_is_kept(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from sqlalchemy.exc import OperationalError

    from tests.test_app import chat, new_app, start_mock

    monkeypatch.setenv("INTERVIEWER_DATA_DIR", str(tmp_path))
    for name in ("DATABASE_URL", "INTERVIEWER_DATABASE_URL", "OPENAI_API_KEY", "INTERVIEWER_BACKEND"):
        monkeypatch.delenv(name, raising=False)
    app = start_mock(new_app(), count=1)
    asked = len(chat(app))

    def full(self, state, expected):  # type: ignore[no-untyped-def]
        raise OperationalError("INSERT INTO answers", {}, Exception("database or disk is full"))

    monkeypatch.setattr(TranscriptStore, "_save", full)
    answer = "Lists are mutable and tuples are immutable, so tuples can be dictionary keys."
    app.chat_input[0].set_value(answer).run()
    assert not app.exception, [e.value for e in app.exception]
    assert any("full" in e.value and "Free some disk space" in e.value for e in app.error), [e.value for e in app.error]
    assert any(c.value == answer for c in app.code), "the unsent answer is on the page to send again"
    assert len(chat(app)) == asked, "nothing of the failed move shows as if it had happened"


def test_a_read_only_database_file_is_a_message(tmp_path: Path) -> None:
    import os

    if os.getuid() == 0:
        pytest.skip("root writes read-only files anyway")
    path = tmp_path / "interviews.db"
    TranscriptStore(f"sqlite:///{path}").close()
    path.chmod(0o444)
    with pytest.raises(StorageError, match="writable"):
        store = TranscriptStore(f"sqlite:///{path}")
        store.close()


def test_a_database_sqlite_opens_read_only_refuses_the_move_with_a_message(tmp_path: Path, bank) -> None:  # type: ignore[no-untyped-def]
    """The read-only case as root too: SQLite itself opens the file read-only (root would write a 0o444 file), so
    the save meets SQLite's real "attempt to write a readonly database" and the move is refused with advice."""
    from interviewer.engine import Interviewer, NotSaved
    from interviewer.grading.offline import OfflineGrader
    from interviewer.models import SessionConfig

    path = tmp_path / "interviews.db"
    TranscriptStore(f"sqlite:///{path}").close()
    read_only = TranscriptStore(f"sqlite:///file:{path}?mode=ro&uri=true")
    assert not Path("file:").exists(), "a SQLite URI filename made a folder named 'file:' in the working directory"
    config = SessionConfig(question_ids=["lists-vs-tuples"], question_count=1)
    with pytest.raises(NotSaved, match=r"cannot be written.*readonly.*writable by the app"):
        Interviewer.start(config, bank, OfflineGrader(bank.mistakes), sink=read_only)
    read_only.close()
    assert TranscriptStore(f"sqlite:///{path}").list_sessions() == [], "nothing of the refused move was written"
