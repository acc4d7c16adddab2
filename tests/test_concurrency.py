"""Many interviews at once through one shared store, as the app runs them (one store per process).

Twenty candidates answer ten questions each on their own threads, through the real engine,
the offline grader and the real question bank, on SQLite and on PostgreSQL. Afterwards every
session must hold exactly its own turns and answers, complete and in order. Each answer
carries a marker naming its session and position, so text that strays into another
session is caught. ``benchmarks/concurrency.py`` times the same workload.

Grading is concurrent too: one offline grader is shared by every thread, as in the app.
"""

from __future__ import annotations

import itertools
import re
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import snowballstemmer
from sqlalchemy import func, select

from interviewer.bank import Bank, load_bank
from interviewer.engine import Interviewer
from interviewer.grading.offline import OfflineGrader
from interviewer.grading.text import stem
from interviewer.models import SessionConfig
from interviewer.store import AnswerRow, GradeRow, TranscriptStore, TurnRow

SESSIONS = 20
ANSWERS = 10
MARKER = re.compile(r"«s(\d+)a(\d+)»")


def marker(session: int, answer: int) -> str:
    return f"«s{session:02d}a{answer:02d}»"


@dataclass(frozen=True)
class Workload:
    session_ids: list[str]
    """Indexed by session number: ``session_ids[3]`` is the session of the answers marked s03."""
    answers: int
    seconds: float


def run_workload(store: TranscriptStore, bank: Bank, sessions: int = SESSIONS, answers: int = ANSWERS) -> Workload:
    """Run ``sessions`` interviews of ``answers`` answers each, one thread per interview, all at once."""
    grader = OfflineGrader(bank.mistakes)
    config = SessionConfig(question_count=answers, max_follow_ups=0)
    start_line = threading.Barrier(sessions)

    def interview(number: int) -> str:
        user = f"candidate-{number:02d}"
        start_line.wait(timeout=30)
        interviewer = Interviewer.start(
            config, bank, grader, sink=store, user=user, history=store.point_history(user=user)
        )
        for index in range(answers):
            question = interviewer.current_question
            assert question is not None, f"session {number} ran out of questions at answer {index}"
            interviewer.answer(f"{marker(number, index)} {question.reference_answer}")
        assert interviewer.state.status == "finished"
        return interviewer.state.id

    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=sessions) as pool:
        futures = [pool.submit(interview, number) for number in range(sessions)]
        session_ids = [future.result() for future in futures]  # re-raises any thread's exception
    return Workload(session_ids=session_ids, answers=sessions * answers, seconds=time.perf_counter() - started)


def check_workload(store: TranscriptStore, workload: Workload, answers: int = ANSWERS) -> None:
    """Every session holds exactly its own turns, answers and grades, complete and in order."""
    assert len(set(workload.session_ids)) == len(workload.session_ids)
    listed = {summary.id: summary for summary in store.list_sessions(limit=len(workload.session_ids) + 10)}
    for number, session_id in enumerate(workload.session_ids):
        own = [marker(number, index) for index in range(answers)]
        state = store.load(session_id, user=f"candidate-{number:02d}")
        assert state.status == "finished"
        assert listed[session_id].question_count == answers
        assert len(state.attempts) == answers
        assert [attempt.answers[0].split(" ", 1)[0] for attempt in state.attempts] == own
        assert all(len(attempt.answers) == 1 and attempt.grade is not None for attempt in state.attempts)

        stored_answers = store.answers(session_id)
        assert stored_answers == [attempt.answers[0] for attempt in state.attempts]

        with store._sessions() as db:
            turns = db.execute(
                select(TurnRow.seq, TurnRow.text).where(TurnRow.session_id == session_id).order_by(TurnRow.seq)
            ).all()
            grades = db.scalar(select(func.count()).select_from(GradeRow).where(GradeRow.session_id == session_id))
            answer_rows = db.scalar(
                select(func.count()).select_from(AnswerRow).where(AnswerRow.session_id == session_id)
            )
        assert [seq for seq, _ in turns] == list(range(len(state.transcript)))
        assert [text for _, text in turns] == [turn.text for turn in state.transcript]
        assert grades == answers and answer_rows == answers

        seen = [found[0] for text in [*stored_answers, *(text for _, text in turns)] for found in MARKER.finditer(text)]
        strays = {m for m in seen if int(MARKER.fullmatch(m)[1]) != number}
        assert not strays, f"session {number} holds another session's text: {sorted(strays)}"
        assert sorted(set(seen)) == own


def test_twenty_concurrent_interviews_keep_their_own_transcripts(database_url: str) -> None:
    store = TranscriptStore(database_url)
    try:
        workload = run_workload(store, load_bank())
        check_workload(store, workload)
    finally:
        store.close()


def test_stemming_is_thread_safe() -> None:
    syllables = ["ra", "ti", "on", "al", "ize", "ful", "ness", "ment", "ous", "ive", "abl", "ic"]
    words = ["".join(parts) for parts in itertools.product(syllables, repeat=4)][:4000]
    reference = snowballstemmer.stemmer("english")
    expected = [reference.stemWord(word) for word in words]
    uncached = stem.__wrapped__  # type: ignore[attr-defined]  # the stemmer itself, behind the cache
    problems: list[str] = []

    def stem_all() -> None:
        for word, want in zip(words, expected, strict=True):
            try:
                got = uncached(word)
            except Exception as exc:
                problems.append(f"{word}: {type(exc).__name__}")
            else:
                if got != want:
                    problems.append(f"{word}: {got!r} instead of {want!r}")

    threads = [threading.Thread(target=stem_all) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert problems == []
