"""The interviewer: a state machine over :class:`~interviewer.models.SessionState`.

It asks a question, takes an answer or a move (clarifying question, hint, repeat,
skip), follows up on the heaviest missing rubric point, grades and moves on. All of
its state is the pydantic ``SessionState``, so a session can be saved after every
step and resumed in another process. Every public method returns the turns it added,
for the UI to draw.

Time limits. The per-question clock runs from when the question is first asked,
through its follow-ups; the total clock from the session's start. When a limit has
passed, the next call expires the question before doing anything else:

* ``grade_answer_so_far``: the text the candidate had typed (the draft passed to
  :meth:`Interviewer.check_time`, or a late answer) is recorded and graded together
  with the answers already given;
* ``mark_unanswered``: a late draft is recorded (never lost) but earns nothing; the
  question keeps the grade of answers submitted in time, or scores 0 if there were none.

In a coding round the editor's code is saved as it is typed (:meth:`Interviewer.save_code`); under
``grade_answer_so_far`` that code, run or not, meets the hidden tests when time runs out.

When the total limit passes, the session ends after expiring the current question.
"""

from __future__ import annotations

import math
import random
import secrets
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol

from interviewer.bank import Bank
from interviewer.clarifications import revealed
from interviewer.complexity import measure_growth
from interviewer.grading import Grader
from interviewer.grading.coding import grade_coding_round, grade_output_round
from interviewer.grading.scoring import compute_score
from interviewer.llm.base import TextStream
from interviewer.models import (
    Attempt,
    AttemptStatus,
    Grade,
    Growth,
    PointHistory,
    PointVerdict,
    Question,
    SandboxReport,
    SessionConfig,
    SessionState,
    SnippetResult,
    StaleSession,
    StorageError,
    Turn,
    TurnKind,
    TurnRole,
    utc_now,
)
from interviewer.sandbox import SandboxUnavailable, run_snippet, run_tests
from interviewer.selection import WeakAreas, choose_question
from interviewer.turns import OfflineTurns, TurnWriter
from interviewer.voice.models import Delivery

MAX_ANSWER_CHARS = 50_000
MAX_QUESTION_CHARS = 2_000
LAST_MINUTE, LAST_SECONDS = 60, 10  # when the clock warns
NEXT = "Thank you."  # what a real interviewer says after an answer: the score waits for the report
Clock = Callable[[], datetime]
CodeRunner = Callable[..., SandboxReport]
GrowthMeter = Callable[[Question, str], Growth | None]
SnippetRunner = Callable[..., SnippetResult]
Voice = Callable[[TurnKind, TextStream], str]
"""Says a streamed interviewer turn as it arrives (a UI draws it) and returns the full text."""


class InterviewError(Exception):
    """Base class for engine errors; the message is meant for the candidate."""


class InvalidMove(InterviewError):
    """The move is not possible now (empty answer, finished session, ...)."""


MOVED_ON = "This interview moved on in another tab, so this move was not saved. Here is where it stands now."


class NotSaved(InterviewError):
    """The database refused the save (full, read-only, gone): nothing of the move was kept."""


class SessionMovedOn(InterviewError):
    """Another tab saved this session since this one loaded it: nothing of this move was kept."""


class GradingFailed(InterviewError):
    """The grader failed; the answer is saved and grading can be retried."""


class SessionSink(Protocol):
    """Where the engine saves state after each step (the transcript store)."""

    def save(self, state: SessionState) -> None: ...


@dataclass(frozen=True)
class TimeLeft:
    question_seconds: float | None
    total_seconds: float | None

    def _least(self) -> tuple[float, str] | None:
        named = {"for this question": self.question_seconds, "in the interview": self.total_seconds}
        clocks = [(seconds, what) for what, seconds in named.items() if seconds is not None]
        return min(clocks) if clocks else None

    @property
    def urgent(self) -> bool:
        least = self._least()
        return least is not None and least[0] <= LAST_SECONDS

    def warning(self) -> str | None:
        """What to tell the candidate as the clock nears zero: under a minute left, then the last ten seconds."""
        least = self._least()
        if least is None:
            return None
        seconds, what = least
        if seconds <= LAST_SECONDS:
            return f"{math.ceil(seconds)} seconds left {what}: send what you have now."
        if seconds <= LAST_MINUTE:
            return f"Under a minute left {what}."
        return None


def new_session_id() -> str:
    """128 random bits, URL-safe: unguessable, so it can sit in a link. Never starting with "-", which a
    command line would read as an option (``interviewer practice --resume -abc...``)."""
    while True:
        session_id = secrets.token_urlsafe(16)
        if not session_id.startswith("-"):
            return session_id


class Interviewer:
    def __init__(
        self,
        state: SessionState,
        bank: Bank,
        grader: Grader,
        *,
        sink: SessionSink | None = None,
        clock: Clock = utc_now,
        history: Sequence[PointHistory] = (),
        turns: TurnWriter | None = None,
        code_runner: CodeRunner = run_tests,
        snippet_runner: SnippetRunner = run_snippet,
        growth_meter: GrowthMeter = measure_growth,
    ) -> None:
        self.code_runner = code_runner
        self.snippet_runner = snippet_runner
        self.growth_meter = growth_meter
        self.state = state
        self.bank = bank
        self.grader = grader
        self.sink = sink
        self.clock = clock
        self.weak_areas = WeakAreas(bank, history)
        self.turns = turns or OfflineTurns()
        self.voice: Voice | None = None

    # --- starting and resuming -----------------------------------------------------

    @classmethod
    def start(
        cls,
        config: SessionConfig,
        bank: Bank,
        grader: Grader,
        *,
        sink: SessionSink | None = None,
        clock: Clock = utc_now,
        history: Sequence[PointHistory] = (),
        turns: TurnWriter | None = None,
        user: str | None = None,
        session_id: str | None = None,
    ) -> Interviewer:
        """Create a session and ask its first question."""
        for question_id in config.question_ids:
            bank.get(question_id)
        now = clock()
        state = SessionState(
            id=session_id or new_session_id(),
            user=user,
            config=config,
            created_at=now,
            started_at=now,
            grader=grader.name,
        )
        interviewer = cls(state, bank, grader, sink=sink, clock=clock, history=history, turns=turns)
        interviewer._ask_next()
        interviewer._save()
        return interviewer

    def resume(self) -> list[Turn]:
        """Finish whatever a crash interrupted: grade an answer saved but not yet graded."""
        attempt = self.state.current
        if attempt is None or attempt.status != "grading":
            return []
        mark = len(self.state.transcript)
        self._grade_and_continue(attempt)
        return self.state.transcript[mark:]

    # --- the candidate's moves -------------------------------------------------------

    def answer(self, text: str, delivery: Delivery | None = None) -> list[Turn]:
        """Take an answer to the current question or follow-up (``delivery``: how it was spoken, if it was)."""
        text = self._check_answer_text(text)
        mark = len(self.state.transcript)
        if self._enforce_time(draft=text):
            return self.state.transcript[mark:]
        attempt = self._require_current()
        if attempt.status == "grading":
            raise InvalidMove("The previous answer is still being graded.")
        if self.bank.get(attempt.question_id).kind == "coding" and attempt.code_report is None:
            raise InvalidMove(
                "Submit your code first. Before that you can ask clarifying questions or run the examples."
            )
        self._record_answer(attempt, text, delivery)
        self._save()  # the answer is durable before grading starts
        self._grade_and_continue(attempt)
        return self.state.transcript[mark:]

    def run_examples(self, code: str) -> SandboxReport:
        """Coding rounds: run the visible examples against the code, as often as the candidate likes."""
        question, attempt = self._coding_attempt(code)
        task = question.coding
        assert task is not None
        try:
            report = self.code_runner(code, task.function, task.examples, time_limit=task.time_limit_seconds)
        except SandboxUnavailable as exc:
            raise InvalidMove(str(exc)) from exc
        attempt.code = code
        attempt.example_runs += 1
        self._turn("candidate", "code_run", code, question.id)
        if report.load_error:
            self._turn("system", "code_error", report.load_error, question.id)
        else:
            self._turn("system", "code_run", f"Examples: {report.passed} of {report.total} passed.", question.id)
        self._save()
        return report

    def save_code(self, code: str) -> list[Turn]:
        """Coding rounds: keep what is in the editor (no run, no turn), so a reload shows it and expiry grades it.
        Time is checked first: code typed after the limit is not kept as the answer given in time."""
        mark = len(self.state.transcript)
        if self._enforce_time(draft=None):
            return self.state.transcript[mark:]
        question, attempt = self._coding_attempt(code or " ")  # an emptied editor is a draft too
        assert question.coding is not None
        kept = None if code.strip() in ("", question.coding.starter().strip()) else code  # nothing written
        if kept != attempt.code:
            attempt.code = kept
            self._save()
        return []

    def submit_code(self, code: str) -> list[Turn]:
        """Coding rounds: run the hidden tests, then ask about complexity and one improvement."""
        mark = len(self.state.transcript)
        question, attempt = self._coding_attempt(code)
        if self._enforce_time(draft=None):
            return self.state.transcript[mark:]
        task = question.coding
        assert task is not None
        attempt.code = code
        self._turn("candidate", "code_submission", code, question.id)
        self._save()  # the code is durable before it runs
        try:
            report = self.code_runner(code, task.function, task.hidden_tests, time_limit=task.time_limit_seconds)
        except SandboxUnavailable as exc:
            self._turn("system", "code_error", f"The code could not be run. {exc}", question.id)
            self._save()
            raise InvalidMove(str(exc)) from exc
        attempt.code_report = report
        attempt.growth = self._growth(question, code, report)
        outcome = report.load_error or f"{report.passed} of {report.total} hidden tests passed"
        self._turn(
            "interviewer",
            "follow_up",
            f"Thanks. {outcome}. Walk me through the time and space complexity of your solution, "
            "and tell me one thing you would improve.",
            question.id,
            "discussion",
        )
        attempt.last_prompt_at = self.clock()
        self._save()
        return self.state.transcript[mark:]

    def _growth(self, question: Question, code: str, report: SandboxReport) -> Growth | None:
        """Time the code at growing sizes, once it passes a hidden test (a timing of wrong code says nothing)."""
        if report.load_error or report.passed == 0:
            return None
        try:
            return self.growth_meter(question, code)
        except SandboxUnavailable:
            return None

    def _coding_attempt(self, code: str) -> tuple[Question, Attempt]:
        attempt = self._require_current()
        question = self.bank.get(attempt.question_id)
        if question.kind != "coding" or question.coding is None:
            raise InvalidMove("This question is not a coding round.")
        if attempt.code_report is not None:
            raise InvalidMove("The code is already submitted; answer the interviewer's question about it.")
        if not code.strip():
            raise InvalidMove("There is no code to run yet.")
        if len(code) > MAX_ANSWER_CHARS:
            raise InvalidMove(f"The code is {len(code):,} characters; the limit is {MAX_ANSWER_CHARS:,}.")
        return question, attempt

    def ask_clarification(self, text: str) -> list[Turn]:
        """Answer a clarifying question from the question's clarifications (scenario facts)."""
        text = text.strip()
        if not text:
            raise InvalidMove("Type the question you want to ask the interviewer.")
        if len(text) > MAX_QUESTION_CHARS:
            raise InvalidMove(
                f"That question is {len(text):,} characters; keep clarifying questions under {MAX_QUESTION_CHARS:,}."
            )
        mark = len(self.state.transcript)
        if self._enforce_time():
            return self.state.transcript[mark:]
        attempt = self._require_current()
        question = self.bank.get(attempt.question_id)
        attempt.clarifications_asked += 1
        known = attempt.clarifications_revealed
        attempt.clarifications_revealed = known + [i for i in revealed(question, text) if i not in known]
        self._turn("candidate", "clarification_request", text, question.id)
        self._speak("clarification", self.turns.clarify(question, text), question.id)
        self._save()
        return self.state.transcript[mark:]

    def hint(self) -> list[Turn]:
        """Give the next hint; each one used lowers the question's score."""
        mark = len(self.state.transcript)
        if self._enforce_time():
            return self.state.transcript[mark:]
        attempt = self._require_current()
        question = self.bank.get(attempt.question_id)
        self._turn("candidate", "hint_request", "Could I have a hint?", question.id)
        if attempt.hints_used < len(question.hints):
            text = question.hints[attempt.hints_used]
            attempt.hints_used += 1
        else:
            text = "That's all the hints I have for this one. Give it your best shot."
        self._turn("interviewer", "hint", text, question.id)
        self._save()
        return self.state.transcript[mark:]

    def repeat(self) -> list[Turn]:
        """Say the current question (or follow-up) again."""
        mark = len(self.state.transcript)
        if self._enforce_time():
            return self.state.transcript[mark:]
        attempt = self._require_current()
        prompt = next(
            t for t in reversed(self.state.transcript) if t.kind in ("question", "follow_up") and t.question_id
        )
        self._turn("candidate", "repeat_request", "Could you repeat the question?", attempt.question_id)
        self._turn("interviewer", prompt.kind, prompt.text, attempt.question_id, prompt.point_id)
        self._save()
        return self.state.transcript[mark:]

    def skip(self) -> list[Turn]:
        """Move on. A skipped follow-up keeps the grade earned so far; a skipped question scores 0."""
        mark = len(self.state.transcript)
        if self._enforce_time():
            return self.state.transcript[mark:]
        attempt = self._require_current()
        self._turn("candidate", "skip", "I'd like to skip this one.", attempt.question_id)
        if attempt.grade is not None:
            self._close(attempt, "graded")
        else:
            attempt.grade = self._unanswered_grade(attempt, "Skipped: no answer was given.")
            self._close(attempt, "skipped")
        self._ask_next()
        self._save()
        return self.state.transcript[mark:]

    def retry(self) -> list[Turn]:
        """Drills only: ask the last question again as a fresh attempt."""
        if self.state.config.mode != "drill":
            raise InvalidMove("Retrying a question is for explanation drills.")
        if self.state.current is not None or not self.state.attempts:
            raise InvalidMove("Finish the current question before retrying.")
        mark = len(self.state.transcript)
        self.state.status = "in_progress"
        self.state.ended_at = None
        self._ask(self.bank.get(self.state.attempts[-1].question_id))
        self._save()
        return self.state.transcript[mark:]

    def check_time(self, draft: str | None = None) -> list[Turn]:
        """Apply the time limits now (the UI calls this on its timer with the current draft)."""
        if draft is not None and len(draft) > MAX_ANSWER_CHARS:
            self._check_answer_text(draft)  # a draft is recorded as an answer: the same limit applies
        mark = len(self.state.transcript)
        self._enforce_time(draft=draft)
        return self.state.transcript[mark:]

    def finish(self) -> list[Turn]:
        """End the session now; an open question keeps what was answered, or is not reached."""
        mark = len(self.state.transcript)
        attempt = self.state.current
        if attempt is not None:
            if attempt.status == "grading":
                self._grade(attempt)
            self._close(attempt, "graded" if attempt.grade is not None else "not_reached")
        self._end_session()
        self._save()
        return self.state.transcript[mark:]

    def time_left(self) -> TimeLeft:
        now = self.clock()
        config = self.state.config
        attempt = self.state.current
        question_left = total_left = None
        if config.per_question_seconds is not None and attempt is not None:
            question_left = max(0.0, config.per_question_seconds - (now - attempt.asked_at).total_seconds())
        if config.total_seconds is not None and self.state.status != "finished":
            total_left = max(0.0, config.total_seconds - (now - self.state.started_at).total_seconds())
        return TimeLeft(question_left, total_left)

    def deadline(self) -> datetime | None:
        """When the open question's time, or the interview's, runs out (whichever is first); None when untimed."""
        config, attempt = self.state.config, self.state.current
        ends = []
        if config.per_question_seconds is not None and attempt is not None:
            ends.append(attempt.asked_at + timedelta(seconds=config.per_question_seconds))
        if config.total_seconds is not None and self.state.status != "finished":
            ends.append(self.state.started_at + timedelta(seconds=config.total_seconds))
        return min(ends, default=None)

    @property
    def current_question(self) -> Question | None:
        attempt = self.state.current
        return self.bank.get(attempt.question_id) if attempt is not None else None

    # --- internals ---------------------------------------------------------------------

    def _check_answer_text(self, text: str) -> str:
        if len(text) > MAX_ANSWER_CHARS:
            raise InvalidMove(
                f"That answer is {len(text):,} characters; the limit is {MAX_ANSWER_CHARS:,}. "
                "Shorten it and send it again (your text has not been discarded)."
            )
        if not text.strip():
            raise InvalidMove("The answer is empty. Type an answer, or ask for a hint, or skip the question.")
        return text.strip()

    def _require_current(self) -> Attempt:
        attempt = self.state.current
        if attempt is None:
            raise InvalidMove("This interview has finished; start a new session to keep practising.")
        return attempt

    def _turn(
        self, role: TurnRole, kind: TurnKind, text: str, question_id: str | None = None, point_id: str | None = None
    ) -> Turn:
        turn = Turn(
            seq=len(self.state.transcript),
            role=role,
            kind=kind,
            text=text,
            question_id=question_id,
            point_id=point_id,
            at=self.clock(),
        )
        self.state.transcript.append(turn)
        return turn

    def _speak(
        self, kind: TurnKind, words: TextStream, question_id: str | None = None, point_id: str | None = None
    ) -> Turn:
        """The interviewer says something: read the (possibly streamed) words and count their cost."""
        text = (self.voice(kind, words) if self.voice is not None else words.read()).strip()
        self.state.usage = self.state.usage + words.usage
        return self._turn("interviewer", kind, text, question_id, point_id)

    def _save(self) -> None:
        if self.sink is None:
            return
        try:
            self.sink.save(self.state)
        except StaleSession as exc:
            raise SessionMovedOn(MOVED_ON) from exc
        except StorageError as exc:
            raise NotSaved(f"{exc} Nothing of this move was saved.") from exc

    def _rng(self) -> random.Random:
        seed = self.state.config.seed if self.state.config.seed is not None else self.state.id
        return random.Random(f"{seed}:{len(self.state.attempts)}")

    def _ask_next(self) -> None:
        distinct = len(set(self.state.asked_ids))
        if distinct >= self.state.config.question_count or self._total_expired():
            self._end_session()
            return
        question = choose_question(self.bank, self.state.config, self.state.asked_ids, self.weak_areas, self._rng())
        if question is None:
            self._turn("system", "summary", "There are no more questions that match this session's settings.")
            self._end_session()
            return
        self._ask(question)

    def _ask(self, question: Question) -> None:
        now = self.clock()
        attempt = Attempt(question_id=question.id, topic=question.topic, asked_at=now, last_prompt_at=now)
        prompt = question.prompt
        if question.kind == "output" and question.snippet:
            try:  # the expected output is whatever the code prints
                result = self.snippet_runner(question.snippet)
            except SandboxUnavailable as exc:
                raise InterviewError(str(exc)) from exc
            attempt.expected_output = result.stdout + (f"\n{result.exception}" if result.exception else "")
            prompt = f"{question.prompt}\n\n```python\n{question.snippet.strip()}\n```"
        self.state.attempts.append(attempt)
        self._turn("interviewer", "question", prompt, question.id)

    def _record_answer(self, attempt: Attempt, text: str, delivery: Delivery | None = None) -> None:
        now = self.clock()
        attempt.answers.append(text)
        if delivery is not None:
            attempt.deliveries += [None] * (len(attempt.answers) - 1 - len(attempt.deliveries)) + [delivery]
        attempt.answer_seconds.append(round((now - attempt.last_prompt_at).total_seconds(), 3))
        attempt.status = "grading"
        self._turn("candidate", "answer", text, attempt.question_id)

    def _grade(self, attempt: Attempt, answers: list[str] | None = None) -> Grade:
        """Grade the attempt's answers (or just ``answers``) and keep the grade on the attempt."""
        question = self.bank.get(attempt.question_id)
        text = "\n\n".join(attempt.answers if answers is None else answers)
        try:
            if question.kind == "coding" and attempt.code is not None and attempt.code_report is not None:
                grade = grade_coding_round(
                    question,
                    attempt.code,
                    attempt.code_report,
                    text,
                    clarifications_asked=attempt.clarifications_asked,
                    clarifications_revealed=attempt.clarifications_revealed,
                    growth=attempt.growth,
                    hints_used=attempt.hints_used,
                    discussion_grader=self.grader,
                    mistakes=self.bank.mistakes,
                )
            elif question.kind == "output" and attempt.expected_output is not None:
                grade = grade_output_round(
                    question,
                    text,
                    attempt.expected_output,
                    hints_used=attempt.hints_used,
                    discussion_grader=self.grader,
                )
            else:
                grade = self.grader.grade(question, text, hints_used=attempt.hints_used)
        except Exception as exc:
            self._save()
            raise GradingFailed(
                f"Grading failed ({type(exc).__name__}); your answer is saved and will be graded when you retry."
            ) from exc
        attempt.grade = grade
        if grade.usage is not None:
            self.state.usage = self.state.usage + grade.usage
        return grade

    def _grade_and_continue(self, attempt: Attempt) -> None:
        grade = self._grade(attempt)
        question = self.bank.get(attempt.question_id)
        target = self._follow_up_target(question, attempt, grade)
        if target is not None:
            attempt.follow_up_points.append(target)
            attempt.status = "asking"
            self._speak("follow_up", self.turns.follow_up(question, target, attempt, self.state), question.id, target)
            attempt.last_prompt_at = self.clock()
        else:
            self._close(attempt, "graded")
            self._ask_next()
        self._save()

    def _follow_up_target(self, question: Question, attempt: Attempt, grade: Grade) -> str | None:
        """The heaviest rubric point still missing and not yet probed that the interviewer can ask about."""
        if question.kind in ("coding", "output"):
            return None  # a coding round has its own follow-up; an output question is one answer
        if attempt.expired or grade.abstained or len(attempt.follow_up_points) >= self.state.config.max_follow_ups:
            return None
        by_weight = sorted(
            (p for p in grade.points if p.verdict != "covered" and p.point_id not in attempt.follow_up_points),
            key=lambda p: (p.verdict == "partial", -p.weight),
        )
        askable = {f.point for f in question.follow_ups}
        for point in by_weight:
            if self.turns.writes_any_follow_up or point.point_id in askable:
                return point.point_id
        return None

    def _close(self, attempt: Attempt, status: AttemptStatus) -> None:
        attempt.status = status
        attempt.ended_at = self.clock()
        if attempt.grade is not None and status in ("graded", "expired"):
            config = self.state.config
            said = summarize_grade(attempt.grade) if config.instant_feedback or config.mode == "drill" else NEXT
            self._turn("interviewer", "feedback", said, attempt.question_id)

    def _unanswered_grade(self, attempt: Attempt, reason: str) -> Grade:
        question = self.bank.get(attempt.question_id)
        points = [
            PointVerdict(point_id=p.id, statement=p.statement, weight=p.weight, verdict="missing", credit=0.0)
            for p in question.rubric
        ]
        return Grade(
            question_id=question.id,
            grader=self.grader.name,
            score=compute_score(points),
            points=points,
            hints_used=attempt.hints_used,
            # the points, each shown missing, already say what a strong answer would: the feedback does not repeat them
            feedback=[reason, "The model answer below shows what a strong answer says."],
            model_answer=question.reference_answer.strip(),
        )

    def _question_expired(self, attempt: Attempt) -> bool:
        limit = self.state.config.per_question_seconds
        return limit is not None and (self.clock() - attempt.asked_at).total_seconds() >= limit

    def _total_expired(self) -> bool:
        limit = self.state.config.total_seconds
        return limit is not None and (self.clock() - self.state.started_at).total_seconds() >= limit

    def _enforce_time(self, draft: str | None = None) -> bool:
        """Expire the current question (and maybe the session) if a limit has passed."""
        if self.state.status == "finished":
            return False
        attempt = self.state.current
        total_expired = self._total_expired()
        if attempt is None or not (total_expired or self._question_expired(attempt)):
            return False
        self._expire(attempt, draft.strip() if draft else "", total_expired)
        if total_expired:
            self._end_session()
        else:
            self._ask_next()
        self._save()
        return True

    def _expire(self, attempt: Attempt, draft: str, total_expired: bool) -> None:
        policy = self.state.config.expiry_policy
        limit = "the interview's total time" if total_expired else "the time for this question"
        if draft:
            self._record_answer(attempt, draft)
        attempt.expired = True
        question = self.bank.get(attempt.question_id)
        unsubmitted_code = question.coding is not None and attempt.code and attempt.code_report is None
        report = self._last_code_report(attempt) if policy == "grade_answer_so_far" and unsubmitted_code else None
        if report is not None:
            self._turn("system", "expiry", f"Time is up: {limit} has run out. Grading the code in your editor.")
            attempt.code_report = report
            self._save()
            self._grade(attempt)
        elif policy == "grade_answer_so_far" and attempt.answers:
            self._turn("system", "expiry", f"Time is up: {limit} has run out. Grading your answer so far.")
            if attempt.status == "grading" or attempt.grade is None:
                self._save()
                self._grade(attempt)
        else:
            in_time = attempt.answers[:-1] if draft else attempt.answers
            if in_time:
                self._turn("system", "expiry", f"Time is up: {limit} has run out. Your late text is saved, not graded.")
                self._grade(attempt, in_time)
            else:
                self._turn("system", "expiry", f"Time is up: {limit} has run out. The question is marked unanswered.")
                attempt.grade = self._unanswered_grade(attempt, "Unanswered: time ran out before an answer was given.")
        self._close(attempt, "expired")

    def _last_code_report(self, attempt: Attempt) -> SandboxReport | None:
        """The hidden tests run on the code last run, when time ran out before it was submitted (None: no sandbox)."""
        task = self.bank.get(attempt.question_id).coding
        assert task is not None and attempt.code
        try:
            return self.code_runner(attempt.code, task.function, task.hidden_tests, time_limit=task.time_limit_seconds)
        except SandboxUnavailable as exc:
            self._turn("system", "code_error", f"The code could not be run. {exc}", attempt.question_id)
            return None

    def _end_session(self) -> None:
        if self.state.status == "finished":
            return
        self.state.status = "finished"
        self.state.ended_at = self.clock()
        self._speak("summary", self.turns.summary(self.state, self.bank))


def summarize_grade(grade: Grade) -> str:
    if grade.abstained:
        return f"Score {grade.score:.1f}/5. {grade.abstention_reason}"
    covered = len(grade.covered)
    return f"Score {grade.score:.1f}/5: {covered} of {len(grade.points)} rubric points covered."
