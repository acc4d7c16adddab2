"""Measuring a grader against human scores (``interviewer eval``).

Records follow the ``../shared/data/asag`` JSONL format: ``question``,
``reference_answer``, ``answer``, ``score``, ``max_score`` and optionally ``id`` and
``question_id``. Each answer is graded on its own; human scores are read only to
compare against.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Sequence
from pathlib import Path

from pydantic import BaseModel, Field, ValidationError

from interviewer.bank import Bank
from interviewer.grading import Grader
from interviewer.models import Question

QWK_CATEGORIES = 6  # scores are compared on 0-5 rounded to whole points


class EvalRecord(BaseModel):
    id: str | None = None
    question_id: str | None = None
    question: str
    reference_answer: str
    answer: str
    score: float
    max_score: float = Field(gt=0)
    split: str | None = None


class EvalItem(BaseModel):
    id: str
    predicted: float
    human: float


class EvalReport(BaseModel):
    n: int
    pearson: float
    spearman: float
    qwk: float
    rmse: float
    mae: float
    items: list[EvalItem]

    def summary(self) -> dict[str, float | int]:
        return self.model_dump(exclude={"items"})


class EvalDataError(ValueError):
    """The evaluation file cannot be read; the message names the line."""


def read_records(path: Path) -> list[EvalRecord]:
    records = []
    with path.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                records.append(EvalRecord.model_validate(json.loads(line)))
            except (json.JSONDecodeError, ValidationError) as exc:
                raise EvalDataError(f"{path}:{number}: {exc}") from exc
    if not records:
        raise EvalDataError(f"{path}: no records")
    return records


def question_for(record: EvalRecord, bank: Bank | None) -> Question:
    """The bank question the record names, or an ad-hoc one built from its reference answer."""
    if record.question_id and bank is not None and record.question_id in bank.questions:
        return bank.questions[record.question_id]
    digest = hashlib.sha1(f"{record.question}\n{record.reference_answer}".encode()).hexdigest()[:12]
    return Question(
        id=f"adhoc-{digest}",
        topic="custom",
        day=1,
        difficulty="medium",
        prompt=record.question,
        reference_answer=record.reference_answer,
    )


def evaluate(records: Sequence[EvalRecord], grader: Grader, bank: Bank | None = None) -> EvalReport:
    items = []
    for index, record in enumerate(records):
        question = question_for(record, bank)
        grade = grader.grade(question, record.answer)
        predicted = grade.score / grade.max_score * record.max_score
        items.append(EvalItem(id=record.id or str(index), predicted=round(predicted, 4), human=record.score))
    return report(items, [r.max_score for r in records])


def report(items: list[EvalItem], maxima: Sequence[float]) -> EvalReport:
    """Agreement figures; ``maxima`` gives each item's top score, for the kappa's categories."""
    predicted = [i.predicted for i in items]
    human = [i.human for i in items]
    return EvalReport(
        n=len(items),
        pearson=round(pearson(predicted, human), 4),
        spearman=round(spearman(predicted, human), 4),
        qwk=round(
            quadratic_weighted_kappa(
                [_category(p, m) for p, m in zip(predicted, maxima, strict=True)],
                [_category(h, m) for h, m in zip(human, maxima, strict=True)],
            ),
            4,
        ),
        rmse=round(math.sqrt(sum((p - h) ** 2 for p, h in zip(predicted, human, strict=True)) / len(items)), 4),
        mae=round(sum(abs(p - h) for p, h in zip(predicted, human, strict=True)) / len(items), 4),
        items=items,
    )


def _category(value: float, max_score: float) -> int:
    return min(QWK_CATEGORIES - 1, max(0, round(value / max_score * (QWK_CATEGORIES - 1))))


def pearson(xs: Sequence[float], ys: Sequence[float]) -> float:
    n = len(xs)
    if n < 2:
        return 0.0
    mean_x, mean_y = sum(xs) / n, sum(ys) / n
    cov = sum((x - mean_x) * (y - mean_y) for x, y in zip(xs, ys, strict=True))
    var_x = sum((x - mean_x) ** 2 for x in xs)
    var_y = sum((y - mean_y) ** 2 for y in ys)
    if var_x == 0 or var_y == 0:
        return 0.0
    return cov / math.sqrt(var_x * var_y)


def _ranks(values: Sequence[float]) -> list[float]:
    order = sorted(range(len(values)), key=values.__getitem__)
    ranks = [0.0] * len(values)
    start = 0
    while start < len(order):
        end = start
        while end + 1 < len(order) and values[order[end + 1]] == values[order[start]]:
            end += 1
        for position in range(start, end + 1):
            ranks[order[position]] = (start + end) / 2 + 1
        start = end + 1
    return ranks


def spearman(xs: Sequence[float], ys: Sequence[float]) -> float:
    return pearson(_ranks(xs), _ranks(ys))


def quadratic_weighted_kappa(rater_a: Sequence[int], rater_b: Sequence[int], categories: int = QWK_CATEGORIES) -> float:
    n = len(rater_a)
    if n == 0:
        return 0.0
    observed = [[0.0] * categories for _ in range(categories)]
    for a, b in zip(rater_a, rater_b, strict=True):
        observed[a][b] += 1
    hist_a = [sum(row) for row in observed]
    hist_b = [sum(observed[i][j] for i in range(categories)) for j in range(categories)]
    numerator = denominator = 0.0
    for i in range(categories):
        for j in range(categories):
            weight = (i - j) ** 2 / (categories - 1) ** 2
            numerator += weight * observed[i][j] / n
            denominator += weight * hist_a[i] * hist_b[j] / (n * n)
    return 1.0 - numerator / denominator if denominator else 0.0
