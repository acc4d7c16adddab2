"""How often the injection screen flags an ordinary sentence.

Every sentence of the bank's texts (prompts, reference answers, rubric statements), of the
project's calibration answers (the injection and keyword bands aside) and, where
``../shared/data/asag`` is present, of the Mohler and SAF answers is run through
``grading.injection.is_injection``. None of them addresses a grader, so every flag is a
false alarm; each one is printed.

Run: .venv/bin/python benchmarks/injection_false_alarms.py
"""

from __future__ import annotations

import json
from pathlib import Path

from interviewer.bank import load_bank
from interviewer.grading.injection import is_injection
from interviewer.grading.text import split_sentences

ROOT = Path(__file__).resolve().parent.parent
ASAG = ROOT.parent / "shared" / "data" / "asag"
SKIPPED_BANDS = {"injection", "degenerate"}


def texts() -> dict[str, list[str]]:
    bank = load_bank()
    found: dict[str, list[str]] = {"bank": [], "calibration answers": [], "Mohler and SAF answers": []}
    for question in bank.questions.values():
        found["bank"] += [question.prompt, question.reference_answer, *(p.statement for p in question.rubric)]
    for path in [
        ROOT / "tests" / "data" / "calibration.jsonl",
        *sorted((ROOT / "tests" / "data" / "calibration_bank").glob("*.jsonl")),
    ]:
        for line in path.read_text(encoding="utf-8").splitlines():
            record = json.loads(line)
            if record["band"] not in SKIPPED_BANDS:
                found["calibration answers"].append(record["answer"])
    for path in (ASAG / "mohler_unt_v2" / "mohler_open_ended.jsonl", ASAG / "saf_en" / "saf_en.jsonl"):
        if path.exists():
            found["Mohler and SAF answers"] += [json.loads(line)["answer"] for line in path.open(encoding="utf-8")]
    return found


def main() -> None:
    total = flagged = 0
    for source, items in texts().items():
        sentences = [s for text in items for s in split_sentences(text)]
        hits = [s.text for s in sentences if is_injection(s)]
        total += len(sentences)
        flagged += len(hits)
        print(f"{source}: {len(hits)} of {len(sentences)} sentences flagged")
        for hit in hits:
            print(f"    {hit[:140]!r}")
    print(f"\nall: {flagged} of {total} ordinary sentences flagged ({flagged / total:.3%})")


if __name__ == "__main__":
    main()
