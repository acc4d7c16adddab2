"""Every data shape that crosses a boundary: bank files, grades, sessions.

The bank models describe what lives in ``question_bank/*.toml``; the grade models
are what every grader returns; the session models are the engine's whole state,
which the store persists and the UI draws.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator

from interviewer.linear_regex import unsupported
from interviewer.voice.models import Delivery

Slug = Annotated[str, StringConstraints(pattern=r"^[a-z0-9]+(?:[-_][a-z0-9]+)*$", max_length=80)]
NonEmptyText = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
Difficulty = Literal["easy", "medium", "hard"]
PlanDay = Annotated[int, Field(ge=1, le=5)]

QuestionKind = Literal["concept", "scenario", "coding", "output"]
DIFFICULTIES: tuple[Difficulty, ...] = ("easy", "medium", "hard")
PLAN_DAYS: dict[int, str] = {
    1: "Language fundamentals and data structures",
    2: "OOP, class design and decorators",
    3: "Functional and advanced features",
    4: "Concurrency, async and performance",
    5: "Practical production scenarios",
}
REGEX_CUE_PREFIX = "re:"


def utc_now() -> datetime:
    return datetime.now(UTC)


def usable_cues(cues: list[str]) -> list[str]:
    """The cues, unless one is empty or a pattern the linear-time engine cannot run (``linear_regex``)."""
    for cue in cues:
        if not cue.strip() or cue.strip() == REGEX_CUE_PREFIX:
            raise ValueError("a cue is empty")
        if cue.startswith(REGEX_CUE_PREFIX):
            problem = unsupported(cue[len(REGEX_CUE_PREFIX) :])
            if problem:
                raise ValueError(f"the pattern {cue!r} cannot be used: {problem}")
    return cues


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


# --- Question bank -----------------------------------------------------------------


class RubricPoint(_Strict):
    """One thing a strong answer says, and the cues that show it was said.

    A cue is a phrase (every content word must appear in one sentence of the answer,
    in any order and inflection) or, with the ``re:`` prefix, a regular expression
    matched case-insensitively against a sentence. ``contradicted_by`` holds cues, in the
    same form, for statements that get the point backwards ("tuples can be changed"): a
    sentence that matches one never counts for the point, and the point is then missed.
    """

    id: Slug
    statement: NonEmptyText
    weight: float = Field(gt=0, le=10, allow_inf_nan=False)
    cues: list[str] = Field(default_factory=list)
    contradicted_by: list[str] = Field(default_factory=list)

    @field_validator("cues", "contradicted_by")
    @classmethod
    def _cues_are_usable(cls, cues: list[str]) -> list[str]:
        return usable_cues(cues)


class FollowUp(_Strict):
    """A probing question asked when the rubric point it targets is missing."""

    point: Slug
    ask: NonEmptyText


class Clarification(_Strict):
    """What the interviewer says when the candidate asks about one of the triggers.

    In scenario questions these carry the facts (metrics, traces, logs) that the
    interviewer reveals only when asked.
    """

    triggers: list[NonEmptyText] = Field(min_length=1)
    answer: NonEmptyText

    @field_validator("triggers")
    @classmethod
    def _triggers_are_usable(cls, triggers: list[str]) -> list[str]:
        return usable_cues(triggers)


class CodeTest(_Strict):
    """One call of the candidate's function and what it must give back (or raise)."""

    call: NonEmptyText = Field(description="A Python expression calling the function, e.g. 'top_k([3, 1, 2], 2)'.")
    expected: str | None = Field(default=None, description="A Python expression for the expected result.")
    raises: str | None = Field(default=None, description="The name of the exception the call must raise.")
    requirement: str | None = Field(
        default=None,
        description="The rule this test checks beyond the task's main behaviour, in one sentence (e.g. 'Keys "
        "that flatten to the same path raise ValueError.'). It must be said in the prompt or revealed by a "
        "clarification; a failing test with a requirement counts against the edge-cases point, one without "
        "against the approach.",
    )

    @field_validator("raises")
    @classmethod
    def _one_outcome(cls, raises: str | None, info) -> str | None:  # type: ignore[no-untyped-def]
        expected = info.data.get("expected")
        if (expected is None) == (raises is None):
            raise ValueError("give exactly one of expected or raises")
        return raises


GrowthClass = Literal["constant", "logarithmic", "linear", "linearithmic", "quadratic", "cubic", "exponential"]


BIG_O: dict[GrowthClass, str] = {
    "constant": "O(1)",
    "logarithmic": "O(log n)",
    "linear": "O(n)",
    "linearithmic": "O(n log n)",
    "quadratic": "O(n²)",
    "cubic": "O(n³)",
    "exponential": "O(2ⁿ)",
}
ORDER: tuple[GrowthClass, ...] = (
    "constant",
    "logarithmic",
    "linear",
    "linearithmic",
    "quadratic",
    "cubic",
    "exponential",
)


SLOWDOWN_LIMIT = 20.0  # more than this many times the reference solution's time counts as slower


class GrowthPoint(BaseModel):
    n: int
    seconds: float = Field(description="the fastest of the repeats")


class Growth(BaseModel):
    """How the submitted function's running time grew (at the sizes the fit used), and what that says."""

    expected: GrowthClass
    measured: list[GrowthClass] = Field(default_factory=list, description="best-fitting classes; empty: unmeasured")
    points: list[GrowthPoint] = Field(default_factory=list)
    note: str = Field(default="", description="why the measurement is missing or partial")
    too_slow: bool = Field(default=False, description="calls at the first sizes already ran out of time")
    slowdown: float | None = Field(
        default=None, description="its time over the reference solution's, at the largest size both were timed"
    )
    slowdown_at: int | None = None

    @property
    def label(self) -> str:
        return " or ".join(BIG_O[c] for c in self.measured) if self.measured else "not measured"

    @property
    def span(self) -> str:
        return f"n = {self.points[0].n:,} and {self.points[-1].n:,}" if self.points else ""

    @property
    def agrees(self) -> bool | None:
        """Whether it grows as the reference solution does (None: not measured)."""
        return None if not self.measured else self.expected in self.measured

    @property
    def slower(self) -> bool:
        """Whether it grows faster than expected (a worse class than the reference's), or takes many times the
        reference solution's time at the same size (which a padded or wasteful solution does whatever its curve).
        """
        worse_class = bool(self.measured) and min(ORDER.index(c) for c in self.measured) > ORDER.index(self.expected)
        return worse_class or (self.slowdown is not None and self.slowdown > SLOWDOWN_LIMIT)

    def summary(self) -> str:
        if self.too_slow:
            return f"Far slower than the reference solution ({BIG_O[self.expected]}): {self.note}."
        if not self.measured:
            return f"Complexity not measured: {self.note}."
        text = f"Measured {self.label} between {self.span}; the reference solution is {BIG_O[self.expected]}."
        if self.slowdown is not None and self.slowdown > SLOWDOWN_LIMIT and self.slowdown_at is not None:
            text += f" At n = {self.slowdown_at:,} it took {self.slowdown:,.0f} times as long as the reference."
        return text + (f" ({self.note})" if self.note else "")


class CodingTask(_Strict):
    """What a coding question adds: the function to write and how it is checked."""

    function: Slug = Field(description="The function's name, as the tests call it.")
    signature: NonEmptyText = Field(description="The def line the candidate starts from.")
    examples: list[CodeTest] = Field(min_length=1, description="Shown to the candidate; 'run examples' runs these.")
    hidden_tests: list[CodeTest] = Field(min_length=3, description="Run on submit; never shown.")
    reference_solution: NonEmptyText
    expected_complexity: NonEmptyText = Field(description="e.g. 'O(n log n) time, O(n) extra space'.")
    time_limit_seconds: float = Field(default=2.0, gt=0, le=30)
    growth: GrowthClass | None = Field(
        default=None, description="How the reference solution's time grows with n (checked by timing it)."
    )
    growth_input: str | None = Field(
        default=None,
        description="A Python lambda of (n, rng) returning the function's arguments as a tuple, for an input of "
        "size n; rng is a seeded random.Random. Used to time the submitted code at growing sizes.",
    )

    def starter(self) -> str:
        """What the editor opens with: the signature and an empty body (it counts as no code at all)."""
        return f"{self.signature}\n    ...\n"


SandboxStatus = Literal["passed", "failed", "error", "timeout", "memory"]
Isolation = Literal["bubblewrap", "unshare", "rlimits"]


class SandboxAvailability(BaseModel):
    """What candidate code would run under on this machine, said in one sentence (or why it cannot run)."""

    model_config = ConfigDict(extra="forbid")

    isolation: Isolation | None = Field(description="None: coding rounds are off")
    weak: bool = Field(description="a weaker isolation than bubblewrap, which the operator opted into")
    message: str

    @property
    def available(self) -> bool:
        return self.isolation is not None


class CaseResult(BaseModel):
    """What one test did."""

    model_config = ConfigDict(extra="forbid")

    index: int
    call: str
    status: SandboxStatus
    expected: str | None = Field(default=None, description="repr of the expected value")
    raises: str | None = Field(default=None, description="the exception the test expected")
    actual: str | None = Field(default=None, description="repr of what the call returned (trimmed)")
    message: str = Field(default="", description="why it did not pass, one or two lines")
    traceback: str | None = Field(default=None, description="the candidate's frames only, last lines")
    stdout: str = ""
    seconds: float = 0.0


class SandboxReport(BaseModel):
    """The outcome of ``run_tests``."""

    model_config = ConfigDict(extra="forbid")

    isolation: Isolation
    load_error: str | None = Field(default=None, description="the code did not compile or load; with line number")
    results: list[CaseResult] = Field(default_factory=list)
    stdout: str = ""
    stderr: str = ""
    output_truncated: bool = False
    elapsed: float = 0.0

    @property
    def total(self) -> int:
        return len(self.results)

    @property
    def passed(self) -> int:
        return self._count("passed")

    @property
    def failed(self) -> int:
        return self._count("failed")

    @property
    def errors(self) -> int:
        return self._count("error")

    @property
    def timeouts(self) -> int:
        return self._count("timeout")

    @property
    def memory_errors(self) -> int:
        return self._count("memory")

    @property
    def all_passed(self) -> bool:
        return self.load_error is None and bool(self.results) and self.passed == self.total

    def _count(self, status: SandboxStatus) -> int:
        return sum(result.status == status for result in self.results)


class TimedCall(BaseModel):
    """One call of a timing run: what it did, a hash of what it returned, and how long it took."""

    model_config = ConfigDict(extra="forbid")

    call: str
    outcome: str = Field(description="returned, raised, timeout, memory, broken or unreadable")
    digest: str | None = Field(default=None, description="SHA-256 of the returned value's encoded form")
    seconds: float = Field(description="from sending the call to its answer, measured outside the sandbox")
    message: str = ""


class TimedRun(BaseModel):
    """The outcome of ``time_calls``."""

    model_config = ConfigDict(extra="forbid")

    isolation: Isolation
    load_error: str | None = None
    calls: list[TimedCall] = Field(default_factory=list)


class SnippetResult(BaseModel):
    """The outcome of ``run_snippet``: exactly what it printed."""

    model_config = ConfigDict(extra="forbid")

    isolation: Isolation
    status: Literal["ok", "error", "timeout", "memory"]
    stdout: str = ""
    stderr: str = ""
    exception: str | None = Field(default=None, description="e.g. 'ZeroDivisionError: division by zero'")
    output_truncated: bool = False
    elapsed: float = 0.0


class Question(_Strict):
    id: Slug
    topic: Slug
    day: PlanDay
    difficulty: Difficulty
    kind: QuestionKind = "concept"
    guide_ref: str | None = Field(default=None, description="Which guide question this is, e.g. 'Q4' or 'Scenario 1'.")
    prompt: NonEmptyText
    reference_answer: NonEmptyText
    rubric: list[RubricPoint] = Field(default_factory=list)
    follow_ups: list[FollowUp] = Field(default_factory=list)
    clarifications: list[Clarification] = Field(default_factory=list)
    hints: list[NonEmptyText] = Field(default_factory=list)
    mistakes: list[Slug] = Field(default_factory=list)
    compares: list[list[NonEmptyText]] = Field(
        default_factory=list,
        description="The things the question compares, each by its names (e.g. [['list', 'lists'], ['tuple']]); "
        "the grader uses them to catch an answer that says of one what is true of another.",
    )
    coding: CodingTask | None = Field(default=None, description="For kind = 'coding'.")
    snippet: str | None = Field(
        default=None,
        description="For kind = 'output': code whose printed output the candidate predicts and explains; "
        "the expected output comes from running it, never from a hand-written key.",
    )

    def point(self, point_id: str) -> RubricPoint:
        for point in self.rubric:
            if point.id == point_id:
                return point
        raise KeyError(f"question {self.id!r} has no rubric point {point_id!r}")


class MistakeSignal(_Strict):
    """Sentence-level evidence of a mistake: one term from every group, no blocker."""

    all_of: list[list[NonEmptyText]] = Field(min_length=1)
    unless: list[NonEmptyText] = Field(default_factory=list)

    @field_validator("all_of")
    @classmethod
    def _groups_are_usable(cls, groups: list[list[str]]) -> list[list[str]]:
        return [usable_cues(group) for group in groups]

    @field_validator("unless")
    @classmethod
    def _blockers_are_usable(cls, terms: list[str]) -> list[str]:
        return usable_cues(terms)


class CommonMistake(_Strict):
    """An entry of the guide's common-mistake catalogue (``question_bank/mistakes.toml``).

    ``detector`` names how the mistake shows: ``signals`` looks for sentences that
    match one of ``signals``; ``absence`` fires when none of ``markers`` appears
    anywhere in an answer long enough to have made room for one; ``code_style``
    inspects code in the answer for hard-to-read constructs (and also uses
    ``signals`` for prose that recommends them).
    """

    id: Slug
    name: NonEmptyText
    description: NonEmptyText
    advice: NonEmptyText
    penalty: float = Field(ge=0, le=2)
    detector: Literal["signals", "absence", "code_style"]
    signals: list[MistakeSignal] = Field(default_factory=list)
    markers: list[NonEmptyText] = Field(default_factory=list)
    min_words: int = Field(default=25, ge=0)


# --- Model calls ---------------------------------------------------------------------


class ChatMessage(BaseModel):
    role: Literal["system", "user", "assistant"]
    content: str


class TokenUsage(BaseModel):
    """Tokens spent by one call or summed over a session; cost is an estimate in US dollars."""

    calls: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0
    cost_usd: float | None = Field(default=0.0, description="None when a model's price is unknown.")

    def __add__(self, other: TokenUsage) -> TokenUsage:
        cost = None if self.cost_usd is None or other.cost_usd is None else self.cost_usd + other.cost_usd
        return TokenUsage(
            calls=self.calls + other.calls,
            prompt_tokens=self.prompt_tokens + other.prompt_tokens,
            completion_tokens=self.completion_tokens + other.completion_tokens,
            cost_usd=cost,
        )


# --- Grades --------------------------------------------------------------------------

Verdict = Literal["covered", "partial", "missing"]
Abstention = Literal["empty", "too_short", "gibberish", "off_topic", "keyword_list", "disowned"]


class PointVerdict(BaseModel):
    point_id: str
    statement: str
    weight: float
    verdict: Verdict
    credit: float = Field(ge=0, le=1, description="Share of the point's weight earned.")
    evidence: str | None = Field(default=None, description="The answer's own words that made the point.")
    contradiction: str | None = Field(default=None, description="The answer's sentence that got the point backwards.")
    overruled: str | None = Field(
        default=None, description="Why the model's verdict on this point was not trusted (model grades only)."
    )


class MistakeFinding(BaseModel):
    mistake_id: str
    name: str
    penalty: float
    evidence: str | None = Field(default=None, description="Quoted sentence, when the mistake is a statement.")
    explanation: str
    advice: str = ""


class Communication(BaseModel):
    """Each dimension on 0 (absent) to 1 (strong)."""

    structure: float = Field(ge=0, le=1)
    concrete_example: float = Field(ge=0, le=1)
    trade_offs: float = Field(ge=0, le=1)
    concision: float = Field(ge=0, le=1)


class Grade(BaseModel):
    question_id: str
    grader: str = Field(description="Which backend reached the verdicts, e.g. 'offline'.")
    score: float = Field(ge=0, le=5, description="Computed by grading.scoring.compute_score.")
    max_score: float = 5.0
    abstained: Abstention | None = None
    abstention_reason: str | None = None
    points: list[PointVerdict] = Field(default_factory=list)
    mistakes: list[MistakeFinding] = Field(default_factory=list)
    communication: Communication | None = None
    hints_used: int = 0
    hint_penalty: float = 0.0
    ignored_instructions: list[str] = Field(
        default_factory=list, description="Sentences that tried to instruct the grader; never evidence."
    )
    feedback: list[str] = Field(default_factory=list)
    model_answer: str = ""
    model: str | None = Field(default=None, description="The model that judged, for LLM grades.")
    prompt_version: str | None = None
    fallback_reason: str | None = Field(
        default=None, description="Why the model could not grade and the offline grader did instead."
    )
    warnings: list[str] = Field(default_factory=list, description="Model verdicts that were not trusted, and why.")
    length_note: str | None = Field(
        default=None, description="Set when the answer was longer than the graders read: how much was left unread."
    )
    usage: TokenUsage | None = None

    @property
    def covered(self) -> list[PointVerdict]:
        return [p for p in self.points if p.verdict == "covered"]

    @property
    def missed(self) -> list[PointVerdict]:
        return [p for p in self.points if p.verdict != "covered"]


class PointHistory(BaseModel):
    """How a candidate has done on one rubric point across past sessions."""

    question_id: str
    point_id: str
    attempts: int = Field(ge=1)
    mean_credit: float = Field(ge=0, le=1)


class SavedSettings(BaseModel):
    """The model settings a user chose on the Settings page, kept across visits. There is no key field: a key is
    never stored."""

    model_config = ConfigDict(extra="forbid")

    backend: Literal["offline", "openai"] | None = None
    model: str | None = Field(default=None, max_length=200)
    base_url: str | None = Field(default=None, max_length=2000)


class DrillCard(BaseModel):
    """One concept in a candidate's explanation-drill schedule."""

    user: str = ""
    question_id: str
    reviews: int = Field(default=0, ge=0)
    last_score: float = Field(default=0.0, ge=0, le=5)
    interval_days: float = Field(default=0.0, ge=0)
    due_at: datetime
    memory: str | None = Field(default=None, description="The FSRS card (stability, difficulty, state) as JSON.")
    reviewed_at: datetime | None = Field(default=None, description="When the answer last counted was graded.")


# --- Sessions ---------------------------------------------------------------------

ExpiryPolicy = Literal["grade_answer_so_far", "mark_unanswered"]
SessionMode = Literal["mock", "drill"]


class SessionConfig(BaseModel):
    model_config = ConfigDict(extra="forbid")

    mode: SessionMode = "mock"
    topics: list[str] = Field(default_factory=list, description="Empty means every topic.")
    day: PlanDay | None = None
    difficulties: list[Difficulty] = Field(default_factory=list, description="Empty means any.")
    kinds: list[QuestionKind] = Field(
        default_factory=lambda: ["concept", "scenario"],
        description="Which kinds of question to choose from; coding and output questions need their own flow.",
    )
    question_count: int = Field(default=5, ge=1, le=50)
    question_ids: list[str] = Field(
        default_factory=list, description="Ask exactly these, in order, instead of choosing."
    )
    max_follow_ups: int = Field(default=1, ge=0, le=5)
    per_question_seconds: float | None = Field(default=None, gt=0)
    total_seconds: float | None = Field(default=None, gt=0)
    expiry_policy: ExpiryPolicy = "grade_answer_so_far"
    instant_feedback: bool = Field(
        default=False,
        description="Say the score after each answer (practice). Off, as in a real interview, the scores come in "
        "the report at the end; drills always say it.",
    )
    seed: int | None = None


TurnRole = Literal["interviewer", "candidate", "system"]
TurnKind = Literal[
    "question",
    "follow_up",
    "answer",
    "clarification_request",
    "clarification",
    "hint_request",
    "hint",
    "repeat_request",
    "skip",
    "feedback",
    "expiry",
    "summary",
    "code_run",
    "code_error",
    "code_submission",
]


class Turn(BaseModel):
    seq: int = Field(ge=0)
    role: TurnRole
    kind: TurnKind
    text: str
    question_id: str | None = None
    point_id: str | None = None
    at: datetime


AttemptStatus = Literal["asking", "grading", "graded", "skipped", "expired", "not_reached"]
FINAL_STATUSES: tuple[AttemptStatus, ...] = ("graded", "expired", "skipped")  # the question is over


class Attempt(BaseModel):
    """One question's thread in a session: every answer, move and the final grade."""

    question_id: str
    topic: str = ""
    asked_at: datetime
    status: AttemptStatus = "asking"
    answers: list[str] = Field(default_factory=list)
    follow_up_points: list[str] = Field(default_factory=list)
    hints_used: int = 0
    clarifications_asked: int = 0
    clarifications_revealed: list[int] = Field(
        default_factory=list, description="Indexes of the question's clarifications the candidate's questions got."
    )
    answer_seconds: list[float] = Field(default_factory=list, description="Time taken for each answer.")
    last_prompt_at: datetime
    ended_at: datetime | None = None
    expired: bool = False
    grade: Grade | None = None
    code: str | None = Field(default=None, description="Coding rounds: the code in the editor as last saved.")
    example_runs: int = 0
    code_report: SandboxReport | None = Field(default=None, description="Coding rounds: the hidden tests' results.")
    growth: Growth | None = Field(default=None, description="Coding rounds: how the code's time grew with n.")
    expected_output: str | None = Field(
        default=None, description="Output questions: what the snippet printed when run in the sandbox."
    )
    deliveries: list[Delivery | None] = Field(
        default_factory=list, description="How each answer was spoken, by position in answers (None: typed)."
    )

    @property
    def spoken(self) -> list[Delivery]:
        return [d for d in self.deliveries if d is not None]

    @property
    def combined_answer(self) -> str:
        return "\n\n".join(self.answers)

    @property
    def seconds_taken(self) -> float:
        return sum(self.answer_seconds)


SessionStatus = Literal["in_progress", "finished"]


class StorageError(RuntimeError):
    """The database cannot be opened or written; the message names it, says why and what to do."""


class StaleSession(Exception):
    """A save of a session state that is no longer the newest: another tab (or process) saved since it was loaded."""


class SessionState(BaseModel):
    """The engine's whole state: enough to resume the interview after a restart."""

    id: str
    version: int = Field(default=0, description="How many times this session has been saved: a save must build on it")
    user: str | None = None
    config: SessionConfig
    created_at: datetime
    started_at: datetime
    ended_at: datetime | None = None
    status: SessionStatus = "in_progress"
    attempts: list[Attempt] = Field(default_factory=list)
    transcript: list[Turn] = Field(default_factory=list)
    grader: str = "offline"
    usage: TokenUsage = Field(default_factory=TokenUsage)

    @property
    def current(self) -> Attempt | None:
        if self.status == "finished" or not self.attempts:
            return None
        attempt = self.attempts[-1]
        return attempt if attempt.status in ("asking", "grading") else None

    @property
    def asked_ids(self) -> list[str]:
        return [a.question_id for a in self.attempts]

    @property
    def score(self) -> float | None:
        """Mean score over the questions reached, on 0-5."""
        graded = [a.grade.score for a in self.attempts if a.grade is not None]
        reached = [a for a in self.attempts if a.status != "not_reached"]
        if not reached:
            return None
        return round(sum(graded) / len(reached), 2)
