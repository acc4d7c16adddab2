"""The offline grader on the project's calibration set (tests/data/calibration.jsonl).

Prints n, Pearson, Spearman, RMSE and MAE against the human grades, the mean human and
mean predicted score per band, and every order violation: a pair of answers to the same
question where a strong answer does not score above a partial one, or a partial one
above a wrong one.

Run: .venv/bin/python benchmarks/calibration.py
"""

from __future__ import annotations

import json
import math
import sys
from collections import defaultdict
from itertools import pairwise
from pathlib import Path

from interviewer.bank import load_bank
from interviewer.evaluation import pearson, spearman
from interviewer.grading.offline import OfflineGrader

DATA = Path(__file__).resolve().parent.parent / "tests" / "data" / "calibration.jsonl"
ORDERED_BANDS = ("strong", "partial", "wrong")
BAND_ORDER = (
    "strong",
    "partial",
    "wrong",
    "confused_concurrency",
    "injection",
    "verbose_empty",
    "keyword_list",
    "off_topic",
    "empty",
)


def main() -> int:
    bank = load_bank()
    grader = OfflineGrader(bank.mistakes)
    rows = []
    for line in DATA.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        record = json.loads(line)
        grade = grader.grade(bank.questions[record["question_id"]], record["answer"])
        predicted = grade.score / grade.max_score * record["max_score"]
        rows.append((record, predicted, grade.abstained))

    human = [float(r["score"]) for r, _, _ in rows]
    predicted = [p for _, p, _ in rows]
    n = len(rows)
    print(f"calibration set: {DATA}")
    print(f"n         {n}  ({len({r['question_id'] for r, _, _ in rows})} questions)")
    print(f"Pearson   {pearson(predicted, human):.3f}")
    print(f"Spearman  {spearman(predicted, human):.3f}")
    print(f"RMSE      {math.sqrt(sum((p - h) ** 2 for p, h in zip(predicted, human, strict=True)) / n):.3f}")
    print(f"MAE       {sum(abs(p - h) for p, h in zip(predicted, human, strict=True)) / n:.3f}")

    by_band: dict[str, list[tuple[dict, float, str | None]]] = defaultdict(list)
    for row in rows:
        by_band[row[0]["band"]].append(row)
    print()
    print(f"{'band':<22}{'n':>4}{'human':>8}{'grader':>8}{'min':>7}{'max':>7}{'abstained':>11}")
    for band in sorted(by_band, key=lambda b: BAND_ORDER.index(b) if b in BAND_ORDER else len(BAND_ORDER)):
        members = by_band[band]
        scores = [p for _, p, _ in members]
        print(
            f"{band:<22}{len(members):>4}{sum(float(r['score']) for r, _, _ in members) / len(members):>8.2f}"
            f"{sum(scores) / len(scores):>8.2f}{min(scores):>7.2f}{max(scores):>7.2f}"
            f"{sum(a is not None for _, _, a in members):>11}"
        )

    by_question: dict[str, dict[str, list[tuple[str, float]]]] = defaultdict(lambda: defaultdict(list))
    for record, score, _ in rows:
        by_question[record["question_id"]][record["band"]].append((record["id"], score))
    violations = []
    for question_id, bands in sorted(by_question.items()):
        for higher, lower in pairwise(ORDERED_BANDS):
            for better_id, better in bands[higher]:
                for worse_id, worse in bands[lower]:
                    if better <= worse:
                        violations.append(f"  {question_id}: {better_id} {better:.2f} <= {worse_id} {worse:.2f}")
    print()
    print(f"order violations (strong > partial > wrong within a question): {len(violations)}")
    print("\n".join(violations) if violations else "  none")
    return 0


if __name__ == "__main__":
    sys.exit(main())
