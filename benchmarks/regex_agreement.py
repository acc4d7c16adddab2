"""Every regular expression of the bank on RE2 (``interviewer.linear_regex``) against Python's ``re``.

Patterns: every ``re:`` string in the bank's files (rubric and misconception cues, clarification
triggers, mistake signals). Sentences: every sentence of the bank's texts, both calibration sets, the
held-out set and the sentences of right answers that share misconception words. For each pattern and
sentence the two engines must agree on whether there is a match and where it starts.

Run: .venv/bin/python benchmarks/regex_agreement.py   (a few minutes)
"""

from __future__ import annotations

import json
import re
import time
import tomllib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from interviewer.bank import DEFAULT_BANK_DIR
from interviewer.grading.text import split_sentences
from interviewer.linear_regex import CLAIM_GROUP, compile_linear, unsupported
from interviewer.models import REGEX_CUE_PREFIX

ROOT = Path(__file__).resolve().parent.parent
ANSWER_FILES = [
    ROOT / "tests" / "data" / "calibration.jsonl",
    *sorted((ROOT / "tests" / "data" / "calibration_bank").glob("*.jsonl")),
    *sorted((ROOT / "benchmarks" / "data" / "holdout").glob("*.jsonl")),
]


def strings(value: Any) -> Iterator[str]:
    if isinstance(value, dict):
        for item in value.values():
            yield from strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from strings(item)
    elif isinstance(value, str):
        yield value


def _start(match: re.Match[str]) -> int:
    """Where a Python match's claim starts: its group named "claim" if the pattern has one, else the match."""
    return match.start(CLAIM_GROUP) if CLAIM_GROUP in match.re.groupindex else match.start()


def main() -> None:
    patterns: set[str] = set()
    texts: list[str] = []
    for path in sorted(DEFAULT_BANK_DIR.glob("*.toml")):
        for text in strings(tomllib.loads(path.read_text(encoding="utf-8"))):
            if text.startswith(REGEX_CUE_PREFIX):
                patterns.add(text[len(REGEX_CUE_PREFIX) :])
            else:
                texts.append(text)
    for path in ANSWER_FILES:
        texts += [json.loads(line)["answer"] for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    right = (ROOT / "tests" / "data" / "right_sentences.tsv").read_text(encoding="utf-8")
    texts += [line.split("\t")[-1] for line in right.splitlines()]
    sentences = sorted({s.text for text in texts for s in split_sentences(text)})

    refused = [p for p in sorted(patterns) if unsupported(p)]
    with_looks = sum(1 for p in patterns if re.search(r"\(\?<?[=!]|\\[1-9]", p))
    started = time.perf_counter()
    disagreements = []
    for pattern in sorted(set(patterns) - set(refused)):
        python, linear = re.compile(pattern, re.I | re.M), compile_linear(pattern)
        for sentence in sentences:
            expected, got = python.search(sentence), linear.search(sentence)
            if (expected is None) != (got is None) or (expected and got and _start(expected) != got.start()):
                disagreements.append((pattern, sentence))
    elapsed = time.perf_counter() - started

    print(
        f"{len(patterns):,} distinct patterns ({with_looks:,} with look-arounds or back-references), "
        f"{len(sentences):,} distinct sentences"
    )
    print(f"  refused by the linear engine: {len(refused)}")
    print(
        f"  disagreements with Python's re (match or start): {len(disagreements)} "
        f"in {len({p for p, _ in disagreements})} patterns ({elapsed:.0f} s)"
    )
    for pattern, sentence in disagreements[:10]:
        print(f"    {pattern[:80]!r} on {sentence[:80]!r}")


if __name__ == "__main__":
    main()
