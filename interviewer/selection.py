"""Choosing the next question: filters, no repeats, and the candidate's weak areas first."""

from __future__ import annotations

import random
from collections import defaultdict
from collections.abc import Iterable, Sequence

from interviewer.bank import Bank
from interviewer.models import PointHistory, Question, SessionConfig

WEAK_QUESTION_WEIGHT = 2.0
WEAK_TOPIC_WEIGHT = 1.0
UNSEEN_BONUS = 0.5
JITTER = 0.3


class WeakAreas:
    """Past results folded into a weakness per question and per topic (0 strong, 1 weak)."""

    def __init__(self, bank: Bank, history: Iterable[PointHistory] = ()) -> None:
        per_question: dict[str, list[tuple[float, float]]] = defaultdict(list)
        for record in history:
            question = bank.questions.get(record.question_id)
            if question is None:
                continue
            weight = next((p.weight for p in question.rubric if p.id == record.point_id), 1.0)
            per_question[record.question_id].append((weight, 1.0 - record.mean_credit))
        self.by_question = {
            qid: sum(w * miss for w, miss in rows) / sum(w for w, _ in rows) for qid, rows in per_question.items()
        }
        per_topic: dict[str, list[float]] = defaultdict(list)
        for qid, weakness in self.by_question.items():
            per_topic[bank.questions[qid].topic].append(weakness)
        self.by_topic = {topic: sum(values) / len(values) for topic, values in per_topic.items()}

    def priority(self, question: Question) -> float:
        seen = question.id in self.by_question
        return (
            WEAK_QUESTION_WEIGHT * self.by_question.get(question.id, 0.0)
            + WEAK_TOPIC_WEIGHT * self.by_topic.get(question.topic, 0.0)
            + (0.0 if seen else UNSEEN_BONUS)
        )


def eligible(bank: Bank, config: SessionConfig) -> list[Question]:
    """Questions that match the session's topics, plan day and difficulties, in a stable order."""
    return [
        q
        for q in sorted(bank.questions.values(), key=lambda q: (q.day, q.topic, q.id))
        if (not config.topics or q.topic in config.topics)
        and (config.day is None or q.day == config.day)
        and (not config.difficulties or q.difficulty in config.difficulties)
        and q.kind in config.kinds
    ]


def choose_question(
    bank: Bank,
    config: SessionConfig,
    asked: Sequence[str],
    weak_areas: WeakAreas,
    rng: random.Random,
) -> Question | None:
    """The next question to ask, or None when the session has run out of questions."""
    if config.question_ids:
        remaining = [qid for qid in config.question_ids if qid not in asked]
        return bank.get(remaining[0]) if remaining else None
    candidates = [q for q in eligible(bank, config) if q.id not in asked]
    if not candidates:
        return None
    return max(candidates, key=lambda q: weak_areas.priority(q) + rng.uniform(0, JITTER))
