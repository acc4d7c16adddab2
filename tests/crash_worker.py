"""Run by tests/test_crash_safety.py in a subprocess: start an interview and answer while grading hangs."""

from __future__ import annotations

import sys

from interviewer.bank import load_bank
from interviewer.engine import Interviewer
from interviewer.grading.llm import LLMGrader
from interviewer.grading.offline import OfflineGrader
from interviewer.llm.openai_compat import OpenAICompatibleClient
from interviewer.models import SessionConfig
from interviewer.settings import Settings
from interviewer.store import TranscriptStore

ANSWERS = [
    "Lists are mutable, so you can append to them; tuples are immutable and therefore hashable dictionary keys.",
]


def main(base_url: str) -> None:
    store = TranscriptStore(Settings().resolved_database_url)
    bank = load_bank()
    client = OpenAICompatibleClient(model="fake-model", base_url=base_url, api_key="k", timeout=120, max_retries=0)
    config = SessionConfig(question_ids=["lists-vs-tuples", "gil"], question_count=2, max_follow_ups=0)
    interviewer = Interviewer.start(config, bank, LLMGrader(client, OfflineGrader(bank.mistakes)), sink=store)
    print(interviewer.state.id, flush=True)
    for answer in ANSWERS:
        interviewer.answer(answer)  # the server hangs: the process is killed in here
    print("finished", flush=True)


if __name__ == "__main__":
    main(sys.argv[1])
