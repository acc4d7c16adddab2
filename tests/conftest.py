from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, make_url, text
from sqlalchemy.exc import OperationalError

from interviewer import sandbox
from interviewer.bank import Bank, load_bank
from interviewer.grading.offline import OfflineGrader
from interviewer.store import TranscriptStore

TESTS = Path(__file__).parent
SHARED_DATA = TESTS.parent.parent / "shared" / "data"
POSTGRES_URL_VARIABLE = "INTERVIEWER_TEST_POSTGRES_URL"
POSTGRES_URL_EXAMPLE = "postgresql+psycopg://interviewer:interviewer@127.0.0.1:5432/interviewer_test"
BACKENDS = ("sqlite", "postgresql")
SANDBOX = sandbox.availability()
# tests that run candidate code: skipped, with the app's own message, where no sandbox the app may use works
needs_sandbox = pytest.mark.skipif(not SANDBOX.available, reason=f"no sandbox: {SANDBOX.message}")


class FakeClock:
    """An injectable clock that only moves when told to."""

    def __init__(self) -> None:
        self.now = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


@pytest.fixture(scope="session")
def bank() -> Bank:
    return load_bank()


@pytest.fixture(scope="session")
def small_bank() -> Bank:
    return load_bank(TESTS / "data" / "bank")


@pytest.fixture(scope="session")
def grader(bank: Bank) -> OfflineGrader:
    return OfflineGrader(bank.mistakes)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def store(tmp_path: Path) -> TranscriptStore:
    transcript_store = TranscriptStore(f"sqlite:///{tmp_path / 'interviews.db'}")
    yield transcript_store
    transcript_store.close()


# --- the store on every backend ------------------------------------------------------------


@pytest.fixture(scope="session")
def postgres_admin() -> Iterator[Engine]:
    """An autocommit engine on the test PostgreSQL database; skips when there is none."""
    url = os.environ.get(POSTGRES_URL_VARIABLE)
    if not url:
        pytest.skip(f"PostgreSQL not available: set {POSTGRES_URL_VARIABLE} (e.g. {POSTGRES_URL_EXAMPLE})")
    parsed = make_url(url)
    if parsed.drivername in ("postgres", "postgresql"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    engine = create_engine(parsed, isolation_level="AUTOCOMMIT", connect_args={"connect_timeout": 5})
    try:
        with engine.connect():
            pass
    except OperationalError as exc:
        engine.dispose()
        reason = str(exc.orig or exc).strip().splitlines()[0]
        pytest.skip(
            f"PostgreSQL not available: set {POSTGRES_URL_VARIABLE} to a reachable server "
            f"({parsed.render_as_string(hide_password=True)}: {reason})"
        )
    yield engine
    engine.dispose()


@pytest.fixture(params=BACKENDS)
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """An empty database of each backend: a SQLite file, and a fresh PostgreSQL schema.

    The PostgreSQL URL sets the connection's ``search_path`` to a schema made for this
    test alone and dropped after it, so tests never see each other's tables.
    """
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'interviews.db'}"
        return
    admin: Engine = request.getfixturevalue("postgres_admin")
    schema = f"test_{uuid.uuid4().hex[:16]}"
    with admin.connect() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    options = f"{admin.url.query.get('options', '')} -csearch_path={schema}".strip()
    yield admin.url.update_query_dict({"options": options}).render_as_string(hide_password=False)
    with admin.connect() as connection:
        connection.execute(text("SET lock_timeout = '10s'"))
        connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))


@pytest.fixture
def backend_store(database_url: str) -> Iterator[TranscriptStore]:
    """A store on each backend (see ``database_url``)."""
    transcript_store = TranscriptStore(database_url)
    yield transcript_store
    transcript_store.close()
