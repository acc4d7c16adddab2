"""Grader agreement with human graders on ../shared/data/asag, next to a word-overlap
baseline and the human graders' agreement with each other.

Run: .venv/bin/python benchmarks/grader_agreement.py
"""

from __future__ import annotations

import json
import math
import sys
import time
from collections import Counter
from pathlib import Path

from interviewer.bank import load_bank
from interviewer.evaluation import EvalItem, EvalRecord, evaluate, pearson, read_records, report, spearman
from interviewer.grading.offline import OfflineGrader
from interviewer.grading.text import content_stems

DATA = Path(__file__).resolve().parent.parent.parent / "shared" / "data" / "asag"
MOHLER = DATA / "mohler_unt_v2" / "mohler_open_ended.jsonl"
SAF = DATA / "saf_en" / "saf_en.jsonl"


def word_overlap_baseline(records: list[EvalRecord]) -> list[EvalItem]:
    """IDF-weighted recall of reference words in the answer (IDF over the data set's answers)."""
    documents = [set(content_stems(r.answer)) for r in records]
    frequency = Counter(stem for doc in documents for stem in doc)
    idf = {stem: math.log(len(documents) / count) for stem, count in frequency.items()}
    items = []
    for index, (record, answer) in enumerate(zip(records, documents, strict=True)):
        reference = set(content_stems(record.reference_answer))
        weights = {s: idf.get(s, math.log(len(documents))) for s in reference}
        total = sum(weights.values()) or 1.0
        recall = sum(weights[s] for s in reference & answer) / total
        items.append(EvalItem(id=record.id or str(index), predicted=recall * record.max_score, human=record.score))
    return items


def row(name: str, figures: dict) -> str:
    return (
        f"| {name} | {figures['n']} | {figures['pearson']:.3f} | {figures['spearman']:.3f} | "
        f"{figures['qwk']:.3f} | {figures['rmse']:.3f} | {figures['mae']:.3f} |"
    )


def main() -> int:
    if not MOHLER.exists() or not SAF.exists():
        print(f"skipped: the ASAG data is not at {DATA}", file=sys.stderr)
        return 0
    bank = load_bank()
    grader = OfflineGrader(bank.mistakes)
    print("| data | n | Pearson | Spearman | QWK | RMSE | MAE |")
    print("| --- | --- | --- | --- | --- | --- | --- |")

    mohler = read_records(MOHLER)
    start = time.perf_counter()
    ours = evaluate(mohler, grader, bank)
    seconds = time.perf_counter() - start
    print(row("Mohler: offline grader", ours.summary()))
    print(
        row(
            "Mohler: word-overlap baseline",
            report(word_overlap_baseline(mohler), [r.max_score for r in mohler]).summary(),
        )
    )
    raw = [json.loads(line) for line in MOHLER.read_text(encoding="utf-8").splitlines() if line.strip()]
    human_a = [EvalItem(id=r["id"], predicted=r["score_a"], human=r["score_b"]) for r in raw]
    print(row("Mohler: grader A vs grader B", report(human_a, [5.0] * len(human_a)).summary()))
    for key in ("score_a", "score_b"):
        predicted = [i.predicted for i in ours.items]
        single = [r[key] for r in raw]
        print(
            f"| Mohler: offline vs {key} only | {len(single)} | {pearson(predicted, single):.3f} | "
            f"{spearman(predicted, single):.3f} | | | |"
        )

    saf = read_records(SAF)
    print(row("SAF: offline grader, all", evaluate(saf, grader, bank).summary()))
    print(
        row("SAF: word-overlap baseline, all", report(word_overlap_baseline(saf), [r.max_score for r in saf]).summary())
    )
    for split in ("training", "unseen_answers", "unseen_questions"):
        subset = [r for r in saf if r.split == split]
        print(row(f"SAF: offline grader, {split}", evaluate(subset, grader, bank).summary()))
    print(f"\nMohler: {len(mohler)} answers graded in {seconds:.2f} s ({seconds / len(mohler) * 1000:.2f} ms each)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
