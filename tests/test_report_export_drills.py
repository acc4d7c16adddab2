from __future__ import annotations

import json
from datetime import timedelta

from interviewer.bank import Bank
from interviewer.drills import drill_queue, reschedule
from interviewer.engine import Interviewer
from interviewer.export import to_json, to_markdown
from interviewer.formatting import unescaped_markdown
from interviewer.grading.offline import OfflineGrader
from interviewer.models import SessionConfig, SessionState
from interviewer.report import build_report
from interviewer.store import TranscriptStore
from tests.conftest import FakeClock

STRONG = (
    "Lists are mutable while tuples are immutable, so you cannot append to a tuple. "
    "Because tuples are hashable they can be used as a dictionary key, for example d[(1, 2)] = 'a'."
)


def finished_session(small_bank: Bank, clock: FakeClock) -> SessionState:
    interviewer = Interviewer.start(
        SessionConfig(question_ids=["tuples", "generators"], question_count=2, max_follow_ups=0),
        small_bank,
        OfflineGrader(small_bank.mistakes),
        clock=clock,
    )
    clock.advance(42)
    interviewer.hint()
    interviewer.answer(STRONG)
    interviewer.answer("Generators are a kind of list.")
    return interviewer.state


def test_report_scores_dimensions_and_next_steps(small_bank: Bank, clock: FakeClock) -> None:
    report = build_report(finished_session(small_bank, clock), small_bank)
    first, second = report.questions
    assert first.seconds == 42 and first.hints_used == 1 and first.score > 3
    assert second.score < 1
    assert set(report.dimensions) == {"structure", "concrete_example", "trade_offs", "concision"}
    assert report.topic_scores == {"basics": report.score}
    [step] = report.next_steps
    assert step.topic == "basics" and step.day in (1, 3)


def test_markdown_export_has_transcript_evidence_and_next_steps(small_bank: Bank, clock: FakeClock) -> None:
    text = to_markdown(finished_session(small_bank, clock), small_bank)
    assert text.startswith("# Mock interview, 2026-01-05 09:00 UTC")
    assert "## Transcript" in text and "**Candidate** (answer):" in text
    assert '"Lists are mutable while tuples are immutable, so you cannot append to a tuple."' in unescaped_markdown(
        text
    )
    assert "**missed**" in text and "## Next steps" in text and "Model answer" in text


def test_json_export_round_trips_the_session(small_bank: Bank, clock: FakeClock) -> None:
    state = finished_session(small_bank, clock)
    data = json.loads(to_json(state, small_bank))
    assert SessionState.model_validate(data["session"]) == state
    assert data["report"]["questions"][0]["question_id"] == "tuples"


def test_reschedule_grows_intervals_and_brings_weak_concepts_back_soon(clock: FakeClock) -> None:
    now = clock()
    weak = reschedule(None, "tuples", "ana", 1.0, now)
    assert weak.due_at == now + timedelta(minutes=10) and weak.reviews == 1
    fair = reschedule(weak, "tuples", "ana", 3.0, now)
    assert fair.interval_days == 1.0
    strong = reschedule(fair, "tuples", "ana", 4.5, now)
    stronger = reschedule(strong, "tuples", "ana", 5.0, now)
    assert strong.interval_days == 2.5 and stronger.interval_days == 6.25 and stronger.reviews == 4


def test_drill_queue_puts_due_weakest_first_then_new_then_later(small_bank: Bank, clock: FakeClock) -> None:
    now = clock()
    cards = [
        reschedule(None, "tuples", "", 2.0, now - timedelta(hours=1)),  # due, score 2
        reschedule(None, "latency", "", 1.0, now - timedelta(hours=1)),  # due, score 1: weakest
    ]
    cards.append(reschedule(None, "generators", "", 5.0, now))  # not due for a day
    order = [q.id for q in drill_queue(small_bank, SessionConfig(), cards, now)]
    assert order == ["latency", "tuples", "generators"]
    fresh = [q.id for q in drill_queue(small_bank, SessionConfig(), cards[2:], now)]
    assert fresh[-1] == "generators"


def test_store_keeps_drill_cards_per_user(store: TranscriptStore, clock: FakeClock) -> None:
    card = reschedule(None, "tuples", "ana", 4.0, clock())
    store.save_drill_card(card)
    store.save_drill_card(reschedule(card, "tuples", "ana", 5.0, clock()))
    [stored] = store.drill_cards("ana")
    assert stored.reviews == 2 and stored.interval_days == 2.5
    assert store.drill_cards("ben") == [] and store.drill_cards(None) == []
