"""Explanation drills: which concept comes next, on a simple spaced-repetition schedule.

A concept explained well comes back after a growing interval; one explained poorly
comes back within minutes. Due concepts come first, weakest first, then concepts never
drilled, then the rest by due date.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

from interviewer.bank import Bank
from interviewer.models import DrillCard, Question, SessionConfig
from interviewer.selection import eligible

STRONG = 4.0
FAIR = 2.5
GROWTH = 2.5
RETRY_SOON = timedelta(minutes=10)


def reschedule(card: DrillCard | None, question_id: str, user: str, score: float, now: datetime) -> DrillCard:
    """The card after a graded explanation."""
    interval = card.interval_days if card else 0.0
    if score >= STRONG:
        interval = max(1.0, interval * GROWTH)
        due = now + timedelta(days=interval)
    elif score >= FAIR:
        interval = 1.0
        due = now + timedelta(days=interval)
    else:
        interval = 0.0
        due = now + RETRY_SOON
    return DrillCard(
        user=user,
        question_id=question_id,
        reviews=(card.reviews if card else 0) + 1,
        last_score=score,
        interval_days=interval,
        due_at=due,
    )


def drill_queue(bank: Bank, config: SessionConfig, cards: Iterable[DrillCard], now: datetime) -> list[Question]:
    """Every eligible concept in the order to drill it."""
    by_id = {card.question_id: card for card in cards}
    questions = eligible(bank, config)
    due = sorted(
        (q for q in questions if q.id in by_id and by_id[q.id].due_at <= now),
        key=lambda q: (by_id[q.id].last_score, by_id[q.id].due_at),
    )
    fresh = [q for q in questions if q.id not in by_id]
    later = sorted(
        (q for q in questions if q.id in by_id and by_id[q.id].due_at > now), key=lambda q: by_id[q.id].due_at
    )
    return due + fresh + later
