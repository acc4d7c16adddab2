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


def test_scores_map_to_fsrs_ratings() -> None:
    from fsrs import Rating

    from interviewer.drills import rating

    assert [rating(s) for s in (0.0, 1.9, 2.0, 2.9, 3.0, 4.4, 4.5, 5.0)] == [
        Rating.Again, Rating.Again, Rating.Hard, Rating.Hard, Rating.Good, Rating.Good, Rating.Easy, Rating.Easy
    ]  # fmt: skip


def test_fsrs_brings_weak_concepts_back_soon_and_spaces_strong_ones_further_each_time(clock: FakeClock) -> None:
    now = clock()
    weak = reschedule(None, "tuples", "ana", 1.0, now)
    assert weak.due_at - now <= timedelta(minutes=10) and weak.reviews == 1 and weak.memory
    easy = reschedule(None, "tuples", "ana", 5.0, now)
    assert easy.interval_days >= 1
    card, intervals = None, []
    moment = now
    for _ in range(4):  # answered well each time it comes due
        card = reschedule(card, "tuples", "ana", 4.0, moment)
        intervals.append(card.interval_days)
        moment = card.due_at
    assert intervals == sorted(intervals) and intervals[-1] > intervals[0] * 3, intervals
    forgotten = reschedule(card, "tuples", "ana", 0.5, moment)
    assert forgotten.due_at - moment < timedelta(days=1), "a lapse brings it back soon"


def test_every_graded_answer_of_a_mock_moves_its_concept_once(bank: Bank, clock: FakeClock) -> None:
    from interviewer.drills import learn_from
    from interviewer.engine import Interviewer
    from interviewer.grading.offline import OfflineGrader

    config = SessionConfig(question_ids=["lists-vs-tuples", "gil"], question_count=2, max_follow_ups=0)
    interviewer = Interviewer.start(config, bank, OfflineGrader(bank.mistakes), clock=clock)
    interviewer.answer("Lists are mutable and tuples are immutable, so tuples can be dictionary keys.")
    first = learn_from(interviewer.state, {}, "ana")
    assert [c.question_id for c in first] == ["lists-vs-tuples"]
    cards = {c.question_id: c for c in first}
    assert learn_from(interviewer.state, cards, "ana") == [], "a grade counts once"
    clock.advance(60)
    interviewer.skip()
    [skipped] = learn_from(interviewer.state, cards, "ana")
    assert skipped.question_id == "gil" and skipped.last_score == 0 and skipped.due_at - clock() < timedelta(hours=1)


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
    latest = reschedule(card, "tuples", "ana", 5.0, clock())
    assert stored.reviews == 2 and stored.memory == latest.memory and stored.due_at == latest.due_at
    assert store.drill_cards("ben") == [] and store.drill_cards(None) == []
