"""The offline grader on the project's hand-graded interview answers.

Three sets, all answers to bank questions, graded by hand before any grader saw them:

- ``tests/data/calibration.jsonl``: the first calibration set (99 answers, 16 questions);
- ``tests/data/calibration_bank/``: the second (360 answers, 5 per concept and scenario
  question: strong in other words, two partials, wrong in the right words, keywords in filler);
- ``benchmarks/data/holdout/``: the first held-out set (288 answers, 4 per question, other
  authors); read answer by answer in stop 21, so no longer held out;
- ``benchmarks/data/holdout2/``: the second held-out set (4 answers per question, written and
  graded by two helper sessions that never saw the grader); only measured, never read;
- ``tests/data/calibration_third/``: the third set (5 per question: strong in other words, partial,
  two wrong in the right words, degenerate; two helper sessions that read only the questions,
  references and rubric statements); measured once unseen (stop 24), then read;
- ``benchmarks/data/holdout3/``: the fourth set (5 per question: strong, partial, wrong, mixed (right, then
  wrong), degenerate; two helper sessions that read only the questions, references and rubric statements);
  measured once unseen (stop 25), then read.

For each set: n, Pearson, Spearman, RMSE, MAE; per band the mean human and grader score, the
highest grader score and how many abstained; the partial mean against the human one; every
wrong or filler answer above 1.5; and every order violation (a strong answer not above a
partial one, or a partial one not above a wrong one, for the same question).

Run: .venv/bin/python benchmarks/calibration.py [--set first|second|holdout|holdout2|third|fourth] [--all-rows]
"""

from __future__ import annotations

import argparse
import json
import math
import statistics
import sys
from collections import defaultdict
from itertools import pairwise
from pathlib import Path

from interviewer.bank import Bank, load_bank
from interviewer.evaluation import pearson, spearman
from interviewer.grading.offline import OfflineGrader

ROOT = Path(__file__).resolve().parent.parent
SETS = {
    "first": [ROOT / "tests" / "data" / "calibration.jsonl"],
    "second": sorted((ROOT / "tests" / "data" / "calibration_bank").glob("*.jsonl")),
    "holdout": sorted((ROOT / "benchmarks" / "data" / "holdout").glob("*.jsonl")),
    "holdout2": sorted((ROOT / "benchmarks" / "data" / "holdout2").glob("*.jsonl")),
    "third": sorted((ROOT / "tests" / "data" / "calibration_third").glob("*.jsonl")),
    "fourth": sorted((ROOT / "benchmarks" / "data" / "holdout3").glob("*.jsonl")),
}
ORDERED_BANDS = ("strong", "partial", "wrong")
CAPPED_BANDS = {"wrong", "filler"}  # the second set's wrong-in-the-right-words and filler answers
CAP = 1.5


def rows(paths: list[Path]) -> list[dict]:
    return [json.loads(line) for path in paths for line in path.read_text(encoding="utf-8").splitlines() if line]


def report(name: str, records: list[dict], grader: OfflineGrader, bank: Bank, all_rows: bool) -> None:
    graded = []
    for record in records:
        grade = grader.grade(bank.questions[record["question_id"]], record["answer"])
        graded.append((record, grade.score / grade.max_score * record["max_score"], grade.abstained))
    human = [float(r["score"]) for r, _, _ in graded]
    predicted = [p for _, p, _ in graded]
    n = len(graded)
    print(f"== {name}: {n} answers, {len({r['question_id'] for r in records})} questions")
    print(f"Pearson {pearson(predicted, human):.3f}   Spearman {spearman(predicted, human):.3f}   ", end="")
    print(f"RMSE {math.sqrt(sum((p - h) ** 2 for p, h in zip(predicted, human, strict=True)) / n):.3f}   ", end="")
    print(f"MAE {sum(abs(p - h) for p, h in zip(predicted, human, strict=True)) / n:.3f}")

    by_band: dict[str, list[tuple[dict, float, str | None]]] = defaultdict(list)
    for row in graded:
        by_band[row[0]["band"]].append(row)
    print(f"{'band':<22}{'n':>4}{'human':>8}{'grader':>8}{'max':>7}{'abstained':>11}")
    for band, members in sorted(by_band.items(), key=lambda item: -statistics.mean(r["score"] for r, _, _ in item[1])):
        scores = [p for _, p, _ in members]
        print(
            f"{band:<22}{len(members):>4}{statistics.mean(r['score'] for r, _, _ in members):>8.2f}"
            f"{statistics.mean(scores):>8.2f}{max(scores):>7.2f}{sum(a is not None for _, _, a in members):>11}"
        )
    if "partial" in by_band:
        partial = by_band["partial"]
        gap = statistics.mean(p for _, p, _ in partial) - statistics.mean(r["score"] for r, _, _ in partial)
        print(f"partial answers: grader mean minus human mean {gap:+.2f}")
    over = [(r["id"], p) for r, p, _ in graded if r["band"] in CAPPED_BANDS and p > CAP]
    print(f"wrong or filler answers above {CAP}: {len(over)}")
    for answer_id, score in over:
        print(f"  {answer_id} {score:.2f}")

    by_question: dict[str, dict[str, list[tuple[str, float]]]] = defaultdict(lambda: defaultdict(list))
    for record, score, _ in graded:
        by_question[record["question_id"]][record["band"]].append((record["id"], score))
    violations = []
    for question_id, bands in sorted(by_question.items()):
        for higher, lower in pairwise(ORDERED_BANDS):
            for better_id, better in bands[higher]:
                for worse_id, worse in bands[lower]:
                    if better <= worse:
                        violations.append(f"  {question_id}: {better_id} {better:.2f} <= {worse_id} {worse:.2f}")
    print(f"order violations (strong > partial > wrong within a question): {len(violations)}")
    print("\n".join(violations))
    if all_rows:
        for record, score, abstained in graded:
            print(f"  {record['id']:<60} human {record['score']:.1f}  grader {score:.2f}  {abstained or ''}")
    print()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--set", choices=sorted(SETS), action="append", help="which set(s); all by default")
    parser.add_argument("--all-rows", action="store_true", help="print every answer's grade")
    args = parser.parse_args()
    bank = load_bank()
    grader = OfflineGrader(bank.mistakes)
    for name in args.set or [name for name, files in SETS.items() if files]:
        report(name, rows(SETS[name]), grader, bank, args.all_rows)
    return 0


if __name__ == "__main__":
    sys.exit(main())
