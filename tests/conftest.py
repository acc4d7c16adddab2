from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from interviewer.bank import Bank, load_bank
from interviewer.grading.offline import OfflineGrader
from interviewer.store import TranscriptStore

TESTS = Path(__file__).parent
SHARED_DATA = TESTS.parent.parent / "shared" / "data"


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
