"""Loading and validating the question bank (``question_bank/*.toml``).

Each topic file holds ``topic = "..."`` and a ``[[questions]]`` array; the common
mistakes live in ``mistakes.toml``. Loading collects every problem it finds, each
naming the file, the question and the field, instead of stopping at the first.
"""

from __future__ import annotations

import tomllib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ValidationError

from interviewer.clarifications import revealing_text
from interviewer.cue_checks import (
    contradictions_of_own_texts,
    generic_cues,
)
from interviewer.models import CommonMistake, Question

DEFAULT_BANK_DIR = Path(__file__).resolve().parent.parent / "question_bank"
MISTAKES_FILE = "mistakes.toml"
MIN_RUBRIC_POINTS = 2
MAX_WEIGHT_RATIO = 10.0
MAX_RUBRIC_POINTS = 20  # more is not a question but a list; each point costs grading time
MAX_CUES = 100  # per cue list of a point (the shipped bank uses at most 21)
MAX_FILE_BYTES = 2 * 1024 * 1024  # a bank file (the largest shipped one is about 160 kB)


GRADED_KINDS = ("concept", "scenario")  # questions graded on their rubric alone


class BankError(Exception):
    """The bank cannot be used; ``problems`` lists every reason."""

    def __init__(self, problems: list[BankProblem]) -> None:
        self.problems = problems
        lines = "\n".join(f"  {p}" for p in problems)
        super().__init__(f"the question bank has {len(problems)} problem(s):\n{lines}")


class BankProblem(BaseModel):
    """Something wrong in a bank file. Errors stop the bank from loading; warnings are reported by validate."""

    file: str
    question_id: str | None = None
    field: str | None = None
    message: str
    severity: Literal["error", "warning"] = "error"

    def __str__(self) -> str:
        where = self.file
        if self.question_id:
            where += f" [{self.question_id}]"
        if self.field:
            where += f" {self.field}"
        label = "warning: " if self.severity == "warning" else ""
        return f"{where}: {label}{self.message}"


@dataclass
class Bank:
    questions: dict[str, Question] = field(default_factory=dict)
    mistakes: dict[str, CommonMistake] = field(default_factory=dict)
    files: dict[str, str] = field(default_factory=dict, repr=False)

    def get(self, question_id: str) -> Question:
        try:
            return self.questions[question_id]
        except KeyError:
            raise KeyError(f"no question with id {question_id!r} in the bank") from None

    @property
    def topics(self) -> list[str]:
        return sorted({q.topic for q in self.questions.values()})

    def by_topic(self, topic: str) -> list[Question]:
        return [q for q in self.questions.values() if q.topic == topic]


def load_bank(directory: Path | str = DEFAULT_BANK_DIR) -> Bank:
    """Load and check the bank; raise :class:`BankError` listing every error."""
    bank, problems = read_bank(directory)
    errors = [p for p in problems if p.severity == "error"]
    if errors:
        raise BankError(errors)
    return bank


def read_bank(directory: Path | str = DEFAULT_BANK_DIR, *, thorough: bool = False) -> tuple[Bank, list[BankProblem]]:
    """Load whatever is valid and return it with every problem found.

    ``thorough`` adds the slower checks of what the cues say (``interviewer bank validate``
    runs them): misconception cues that match the question's own texts, cues made of common
    words, and points with no misconception cue.
    """
    directory = Path(directory)
    bank = Bank()
    problems: list[BankProblem] = []
    if not directory.is_dir():
        return bank, [BankProblem(file=str(directory), message="the bank directory does not exist")]

    mistakes_path = directory / MISTAKES_FILE
    if mistakes_path.exists():
        bank.mistakes = _load_mistakes(mistakes_path, problems)
    else:
        problems.append(BankProblem(file=MISTAKES_FILE, message="the common-mistake catalogue is missing"))

    topic_files = sorted(p for p in directory.glob("*.toml") if p.name != MISTAKES_FILE)
    if not topic_files:
        problems.append(BankProblem(file=str(directory), message="no topic files (*.toml) found"))
    for path in topic_files:
        for question in _load_topic_file(path, problems):
            if question.id in bank.questions:
                problems.append(
                    BankProblem(
                        file=path.name,
                        question_id=question.id,
                        field="id",
                        message=f"duplicate id: already defined in {bank.files[question.id]}",
                    )
                )
                continue
            bank.questions[question.id] = question
            bank.files[question.id] = path.name
            problems.extend(check_question(question, path.name, bank.mistakes))
    if thorough:
        problems.extend(check_cues(bank))
    return bank, problems


def check_cues(bank: Bank) -> list[BankProblem]:
    """What the cues say, checked against the bank's own texts (see ``interviewer.cue_checks``)."""
    found: list[BankProblem] = []
    for question in bank.questions.values():
        if question.kind not in GRADED_KINDS:
            continue
        file = bank.files[question.id]
        for field_name, cue, sentence in contradictions_of_own_texts(question):
            message = f"{cue!r} matches the question's own text, so a right answer would be marked wrong: {sentence!r}"
            found.append(BankProblem(file=file, question_id=question.id, field=field_name, message=message))
        for field_name, cue in generic_cues(question):
            message = f"{cue!r} is made only of common words and would match unrelated sentences"
            found.append(
                BankProblem(file=file, question_id=question.id, field=field_name, message=message, severity="warning")
            )
        for point in question.rubric:
            if not point.contradicted_by:
                found.append(
                    BankProblem(
                        file=file,
                        question_id=question.id,
                        field=f"rubric.{point.id}.contradicted_by",
                        message="no misconception cue: an answer that gets this point backwards cannot be caught",
                        severity="warning",
                    )
                )
    return found


def _read_toml(path: Path, problems: list[BankProblem]) -> dict[str, Any] | None:
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            limit = MAX_FILE_BYTES // (1024 * 1024)
            problems.append(
                BankProblem(file=path.name, message=f"{size / 1048576:.1f} MB: bank files are at most {limit} MB")
            )
            return None
        text = path.read_text(encoding="utf-8-sig")  # tolerate the byte-order mark some editors write
    except UnicodeDecodeError as exc:
        problems.append(BankProblem(file=path.name, message=f"not UTF-8 text: {exc.reason} at byte {exc.start}"))
        return None
    except OSError as exc:
        problems.append(BankProblem(file=path.name, message=f"cannot be read: {exc.strerror or exc}"))
        return None
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        problems.append(BankProblem(file=path.name, message=f"not valid TOML: {exc}"))
        return None
    except RecursionError:
        problems.append(BankProblem(file=path.name, message="not usable TOML: arrays or tables nested too deeply"))
        return None


def _pydantic_problems(exc: ValidationError, file: str, question_id: str | None, prefix: str = "") -> list[BankProblem]:
    return [
        BankProblem(
            file=file,
            question_id=question_id,
            field=prefix + ".".join(str(part) for part in error["loc"]),
            message=error["msg"],
        )
        for error in exc.errors()
    ]


def _load_mistakes(path: Path, problems: list[BankProblem]) -> dict[str, CommonMistake]:
    data = _read_toml(path, problems)
    if data is None:
        return {}
    entries = data.get("mistakes")
    if not isinstance(entries, list):
        problems.append(BankProblem(file=path.name, field="mistakes", message="expected a [[mistakes]] array"))
        return {}
    catalogue: dict[str, CommonMistake] = {}
    for index, raw in enumerate(entries):
        mistake_id = raw.get("id") if isinstance(raw, dict) and isinstance(raw.get("id"), str) else None
        try:
            mistake = CommonMistake.model_validate(raw)
        except ValidationError as exc:
            problems.extend(_pydantic_problems(exc, path.name, mistake_id or f"#{index + 1}"))
            continue
        if mistake.id in catalogue:
            problems.append(BankProblem(file=path.name, question_id=mistake.id, field="id", message="duplicate id"))
        if mistake.detector in ("signals",) and not mistake.signals:
            problems.append(
                BankProblem(file=path.name, question_id=mistake.id, field="signals", message="no signals to detect it")
            )
        if mistake.detector == "absence" and not mistake.markers:
            problems.append(
                BankProblem(file=path.name, question_id=mistake.id, field="markers", message="no markers to look for")
            )
        catalogue[mistake.id] = mistake
    return catalogue


def _load_topic_file(path: Path, problems: list[BankProblem]) -> Iterable[Question]:
    data = _read_toml(path, problems)
    if data is None:
        return
    topic = data.get("topic")
    if not isinstance(topic, str) or not topic:
        problems.append(BankProblem(file=path.name, field="topic", message='the file must set topic = "..."'))
        return
    entries = data.get("questions")
    if not isinstance(entries, list) or not entries:
        problems.append(BankProblem(file=path.name, field="questions", message="expected a [[questions]] array"))
        return
    for index, raw in enumerate(entries):
        if not isinstance(raw, dict):
            problems.append(BankProblem(file=path.name, field=f"questions[{index}]", message="not a table"))
            continue
        question_id = raw.get("id") if isinstance(raw.get("id"), str) else f"#{index + 1}"
        if "topic" in raw and raw["topic"] != topic:
            problems.append(
                BankProblem(
                    file=path.name,
                    question_id=question_id,
                    field="topic",
                    message=f"differs from the file's topic {topic!r}",
                )
            )
            continue
        try:
            yield Question.model_validate({**raw, "topic": topic})
        except ValidationError as exc:
            problems.extend(_pydantic_problems(exc, path.name, question_id))


def check_question(question: Question, file: str, mistakes: dict[str, CommonMistake]) -> list[BankProblem]:
    """Checks that span fields, which the pydantic model alone cannot express."""

    def problem(field_name: str, message: str) -> BankProblem:
        return BankProblem(file=file, question_id=question.id, field=field_name, message=message)

    found: list[BankProblem] = []
    point_ids = [p.id for p in question.rubric]
    if len(question.rubric) < MIN_RUBRIC_POINTS:
        found.append(problem("rubric", f"needs at least {MIN_RUBRIC_POINTS} rubric points"))
    if len(question.rubric) > MAX_RUBRIC_POINTS:
        found.append(problem("rubric", f"{len(question.rubric)} rubric points: at most {MAX_RUBRIC_POINTS}"))
    for point in question.rubric:
        for kind in ("cues", "contradicted_by"):
            count = len(getattr(point, kind))
            if count > MAX_CUES:
                found.append(problem(f"rubric.{point.id}.{kind}", f"{count} cues: at most {MAX_CUES} per list"))
    for duplicate in sorted({i for i in point_ids if point_ids.count(i) > 1}):
        found.append(problem(f"rubric.{duplicate}", "duplicate rubric point id"))
    for point in question.rubric:
        if not point.cues:
            found.append(problem(f"rubric.{point.id}.cues", "no cues: the offline grader could never see this point"))
    if question.rubric:
        weights = [p.weight for p in question.rubric]
        if max(weights) / min(weights) > MAX_WEIGHT_RATIO:
            found.append(
                problem(
                    "rubric.weight",
                    f"weights range from {min(weights)} to {max(weights)}: "
                    f"a ratio above {MAX_WEIGHT_RATIO:g} makes the light points meaningless",
                )
            )
    for index, follow_up in enumerate(question.follow_ups):
        if follow_up.point not in point_ids:
            found.append(
                problem(f"follow_ups[{index}].point", f"names rubric point {follow_up.point!r}, which does not exist")
            )
    for index, mistake_id in enumerate(question.mistakes):
        if mistake_id not in mistakes:
            found.append(problem(f"mistakes[{index}]", f"unknown common mistake {mistake_id!r}"))
    if question.kind == "scenario" and not question.clarifications:
        found.append(problem("clarifications", "a scenario needs facts to reveal when the candidate asks"))
    if (question.kind == "coding") != (question.coding is not None):
        found.append(problem("coding", "a coding question needs a [questions.coding] table, and only coding questions"))
    if question.coding is not None:
        found += _unfair_tests(question, problem)
    if (question.kind == "output") != bool(question.snippet and question.snippet.strip()):
        found.append(problem("snippet", "an output question needs a snippet, and only output questions"))
    return found


def _unfair_tests(question: Question, problem: Callable[[str, str], BankProblem]) -> list[BankProblem]:
    """Hidden tests must check only what the candidate can learn: a test that expects an exception names its
    requirement, and every requirement is said in the prompt or revealed by the clarification that a question
    in its own words gets."""
    assert question.coding is not None
    found = []
    for index, test in enumerate(question.coding.hidden_tests):
        where = f"coding.hidden_tests[{index}]"
        if test.raises is not None and not test.requirement:
            found.append(problem(f"{where}.requirement", f"expects {test.raises} but names no requirement"))
        elif test.requirement and revealing_text(question, test.requirement) is None:
            message = (
                f"the requirement {test.requirement!r} is neither in the prompt nor revealed by a clarification "
                "(add one whose triggers a question about it would use)"
            )
            found.append(problem(f"{where}.requirement", message))
    return found
