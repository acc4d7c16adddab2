"""Prompt tokens the model backend spends: per grading call, and per call across sessions.

Run: .venv/bin/python benchmarks/prompt_tokens.py [--model gpt-4o-mini]
Targets: a grading call with a 300-word answer under 1,500 prompt tokens, for every bank
question; the tokens per call do not grow with the length of the session.
No model is called: a scripted client records the exact messages that would be sent,
and tiktoken counts them (chat overhead included).
"""

from __future__ import annotations

import argparse
import statistics
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from grading_latency import answer_of_length

from interviewer.bank import load_bank
from interviewer.engine import Interviewer
from interviewer.grading.llm import GradeReply, LLMGrader
from interviewer.grading.offline import OfflineGrader
from interviewer.llm.fake import ScriptedClient
from interviewer.models import SessionConfig
from interviewer.tokens import count_messages
from interviewer.turns import LLMTurns

UNLIMITED = 1_000_000


def respond(messages, schema) -> str:  # type: ignore[no-untyped-def]
    if schema is GradeReply:
        return GradeReply(points=[], mistakes=[]).model_dump_json()
    return "Could you go a little deeper on that?"


def grading_call_sizes(model: str) -> list[tuple[str, int]]:
    bank = load_bank()
    offline = OfflineGrader(bank.mistakes)
    client = ScriptedClient(model=model, responder=respond)
    grader = LLMGrader(client, offline, budget_tokens=UNLIMITED)  # natural size, nothing shortened
    sizes = []
    for question in sorted(bank.questions.values(), key=lambda q: q.id):
        grader.grade(question, answer_of_length(question))
        sizes.append((question.id, count_messages(model, client.requests[-1])))
    return sizes


def session_calls(model: str, questions: int) -> list[int]:
    bank = load_bank()
    offline = OfflineGrader(bank.mistakes)
    client = ScriptedClient(model=model, responder=respond)
    config = SessionConfig(question_count=questions, max_follow_ups=1, seed=7)
    interviewer = Interviewer.start(config, bank, LLMGrader(client, offline), turns=LLMTurns(client))
    while interviewer.state.status != "finished":
        question = interviewer.current_question
        interviewer.answer(answer_of_length(question))
    return [count_messages(model, messages) for messages in client.requests]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--model", default="gpt-4o-mini")
    args = parser.parse_args()

    sizes = grading_call_sizes(args.model)
    values = [size for _, size in sizes]
    largest = max(sizes, key=lambda item: item[1])
    print(f"grading call, 300-word answer, {len(sizes)} bank questions ({args.model} tokens, nothing shortened):")
    print(f"  min {min(values)}, median {statistics.median(values):.0f}, max {largest[1]} ({largest[0]})")
    print(f"  over 1,500: {sum(v > 1500 for v in values)} (target: none)")

    print("\nsessions (300-word answers, one follow-up per question, grading + follow-up + summary calls):")
    print("  questions | calls | total prompt tokens | mean per call | mean per call, first 5 | last 5")
    for count in (5, 10, 20):
        calls = session_calls(args.model, count)
        print(
            f"  {count:9} | {len(calls):5} | {sum(calls):19,} | {statistics.mean(calls):13.0f} | "
            f"{statistics.mean(calls[:5]):22.0f} | {statistics.mean(calls[-5:]):6.0f}"
        )


if __name__ == "__main__":
    main()
