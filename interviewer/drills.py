"""Explanation drills: which concept comes next, on a spaced-repetition schedule (FSRS).

Every graded answer to a question, in a mock interview or a drill, is a review of that concept
for the FSRS scheduler (the ``fsrs`` package): its 0-5 score becomes a rating (``rating``), and
the scheduler's memory model (stability, difficulty) sets when the concept is due again. A
concept explained poorly comes back within minutes, one explained well after days, growing with
each good review. Due concepts come first, weakest first, then concepts never practised, then
the rest by due date.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime

from fsrs import Card, Rating, Scheduler

from interviewer.bank import Bank
from interviewer.models import FINAL_STATUSES, DrillCard, Question, SessionConfig, SessionState
from interviewer.selection import eligible
from interviewer.store import TranscriptStore

# a score of 0-5 as an FSRS rating: under 2 the concept was not recalled; 4.5 and over, recalled with ease
AGAIN_BELOW, HARD_BELOW, GOOD_BELOW = 2.0, 3.0, 4.5
_SCHEDULER = Scheduler(enable_fuzzing=False)  # fuzzing spreads due dates at random: the schedule stays testable


def rating(score: float) -> Rating:
    if score < AGAIN_BELOW:
        return Rating.Again
    if score < HARD_BELOW:
        return Rating.Hard
    if score < GOOD_BELOW:
        return Rating.Good
    return Rating.Easy


def reschedule(card: DrillCard | None, question_id: str, user: str, score: float, now: datetime) -> DrillCard:
    """The card after a graded answer at ``now``."""
    memory = Card.from_json(card.memory) if card and card.memory else Card(due=now)
    memory, _ = _SCHEDULER.review_card(memory, rating(score), now)
    return DrillCard(
        user=user,
        question_id=question_id,
        reviews=(card.reviews if card else 0) + 1,
        last_score=score,
        interval_days=max(0.0, (memory.due - now).total_seconds() / 86_400),
        due_at=memory.due,
        memory=memory.to_json(),
        reviewed_at=now,
    )


def learn_from(state: SessionState, cards: Mapping[str, DrillCard], user: str) -> list[DrillCard]:
    """The cards a session's graded answers move: each question whose final grade came after its card's last
    review (so a grade counts once however often this is called), in the order they were graded."""
    updated: dict[str, DrillCard] = {}
    for attempt in state.attempts:
        if attempt.grade is None or attempt.status not in FINAL_STATUSES or attempt.ended_at is None:
            continue
        card = updated.get(attempt.question_id) or cards.get(attempt.question_id)
        if card is not None and card.reviewed_at is not None and card.reviewed_at >= attempt.ended_at:
            continue
        updated[attempt.question_id] = reschedule(
            card, attempt.question_id, user, attempt.grade.score, attempt.ended_at
        )
    return list(updated.values())


def learn(store: TranscriptStore, state: SessionState, user: str | None) -> None:
    """Move the stored schedule by every grade the session has given since it last did (mocks and drills, the
    app and the terminal alike)."""
    cards = {c.question_id: c for c in store.drill_cards(user)}
    for card in learn_from(state, cards, user or ""):
        store.save_drill_card(card)


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
