"""Throughput with many interviews at once: 20 sessions x 10 answers, one thread per session.

The workload of ``tests/test_concurrency.py`` (the real engine, offline grader and bank, one
shared store) on a fresh SQLite file and, when ``INTERVIEWER_TEST_POSTGRES_URL`` is set and
reachable, on a fresh schema of that PostgreSQL database (dropped afterwards). Each answer is
saved before grading and again after, so one answer is two store transactions. For
comparison, the same workload with no store at all shows what grading alone costs.

Run: .venv/bin/python benchmarks/concurrency.py [--runs 3] [--sessions 20] [--answers 10]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import uuid
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import URL, create_engine, make_url, text  # noqa: E402

from interviewer.bank import Bank, load_bank  # noqa: E402
from interviewer.store import TranscriptStore  # noqa: E402
from tests.conftest import POSTGRES_URL_VARIABLE  # noqa: E402
from tests.test_concurrency import Workload, check_workload, run_workload  # noqa: E402


class NoStore:
    """A sink that keeps nothing: the workload's cost without a database."""

    def save(self, state: object) -> None:
        pass

    def point_history(self, user: str | None = None) -> list:
        return []


@contextmanager
def sqlite_url() -> Iterator[str]:
    with tempfile.TemporaryDirectory() as directory:
        yield f"sqlite:///{Path(directory) / 'interviews.db'}"


def psycopg_url(url: str) -> URL:
    parsed = make_url(url)
    return parsed.set(drivername="postgresql+psycopg") if parsed.drivername in ("postgres", "postgresql") else parsed


@contextmanager
def postgres_url(base: str) -> Iterator[str]:
    """A fresh schema on the given database, as the tests make one."""
    admin = create_engine(psycopg_url(base), isolation_level="AUTOCOMMIT", connect_args={"connect_timeout": 5})
    schema = f"bench_{uuid.uuid4().hex[:12]}"
    with admin.connect() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        options = f"{admin.url.query.get('options', '')} -csearch_path={schema}".strip()
        yield admin.url.update_query_dict({"options": options}).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def postgres_reachable(url: str) -> str | None:
    """None when the server answers, else why not."""
    try:
        engine = create_engine(psycopg_url(url), connect_args={"connect_timeout": 5})
        with engine.connect():
            pass
        engine.dispose()
    except Exception as exc:
        return f"{type(exc).__name__}: {str(exc).strip().splitlines()[0]}"
    return None


def timed_runs(runs: int, one_run: Callable[[], Workload]) -> list[Workload]:
    return [one_run() for _ in range(runs)]


def on_database(
    make_url_context: Callable[[], AbstractContextManager[str]], bank: Bank, sessions: int, answers: int
) -> Workload:
    with make_url_context() as url:
        store = TranscriptStore(url)
        try:
            workload = run_workload(store, bank, sessions, answers)
            check_workload(store, workload, answers)
            return workload
        finally:
            store.close()


def report(label: str, results: list[Workload]) -> None:
    seconds = [r.seconds for r in results]
    rates = [r.answers / r.seconds for r in results]
    print(
        f"| {label} | {results[0].answers} | {statistics.median(seconds):.2f} s "
        f"(min {min(seconds):.2f}, max {max(seconds):.2f}) | {statistics.median(rates):.0f} |"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--sessions", type=int, default=20)
    parser.add_argument("--answers", type=int, default=10)
    args = parser.parse_args()

    bank = load_bank()
    run_workload(NoStore(), bank, 2, 2)  # warm the grader's caches before timing anything
    print(f"{args.sessions} sessions x {args.answers} answers, one thread each, {args.runs} runs (median)\n")
    print("| store | answers | total time | answers stored and graded per second |")
    print("| --- | --- | --- | --- |")
    report(
        "none (grading only)",
        timed_runs(args.runs, lambda: run_workload(NoStore(), bank, args.sessions, args.answers)),
    )
    report(
        "SQLite file (WAL)",
        timed_runs(args.runs, lambda: on_database(sqlite_url, bank, args.sessions, args.answers)),
    )
    postgres = os.environ.get(POSTGRES_URL_VARIABLE)
    problem = "not set" if not postgres else postgres_reachable(postgres)
    if problem is None:
        report(
            "PostgreSQL (psycopg 3)",
            timed_runs(
                args.runs, lambda: on_database(lambda: postgres_url(postgres), bank, args.sessions, args.answers)
            ),
        )
    else:
        print(f"\nPostgreSQL skipped: {POSTGRES_URL_VARIABLE} {problem}")


if __name__ == "__main__":
    main()
