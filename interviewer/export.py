"""Exporting a session: Markdown for reading, JSON for keeping (the full state and its report)."""

from __future__ import annotations

import json

from interviewer.bank import Bank
from interviewer.formatting import credit_note, literal_markdown
from interviewer.models import SessionState
from interviewer.report import SessionReport, build_report

MARKS = {"covered": "covered", "partial": "partly covered", "missing": "missed"}


def to_json(state: SessionState, bank: Bank) -> str:
    report = build_report(state, bank)
    return json.dumps(
        {"session": state.model_dump(mode="json"), "report": report.model_dump(mode="json")},
        indent=2,
        ensure_ascii=False,
    )


def to_markdown(state: SessionState, bank: Bank) -> str:
    report = build_report(state, bank)
    lines = [
        f"# Mock interview, {report.started_at:%Y-%m-%d %H:%M} UTC",
        "",
        f"- Mode: {report.mode}; status: {report.status}",
        f"- Score: {_score(report.score)}",
    ]
    if report.dimensions:
        dims = ", ".join(f"{name.replace('_', ' ')} {value:.0%}" for name, value in report.dimensions.items())
        lines.append(f"- Communication: {dims}")
    if report.usage.calls:
        lines.append(f"- Model use: {report.usage.calls} calls, {report.usage.prompt_tokens:,} prompt tokens")
    lines.append("")
    lines += _transcript(state)
    lines += _questions(report)
    if report.next_steps:
        lines += ["## Next steps", ""]
        lines += [f"- Day {step.day} ({step.day_name}): {step.reason}" for step in report.next_steps]
    return "\n".join(lines).rstrip() + "\n"


def _score(score: float | None) -> str:
    return "not graded" if score is None else f"{score:.2f} / 5"


def _transcript(state: SessionState) -> list[str]:
    speakers = {"interviewer": "Interviewer", "candidate": "Candidate", "system": "Note"}
    lines = ["## Transcript", ""]
    for turn in state.transcript:
        said = turn.text if turn.role == "interviewer" else literal_markdown(turn.text)
        text = said.replace("\n", "\n> ")
        lines += [f"**{speakers[turn.role]}** ({turn.kind.replace('_', ' ')}):", f"> {text}", ""]
    return lines


def _questions(report: SessionReport) -> list[str]:
    lines = ["## Questions", ""]
    for number, item in enumerate(report.questions, start=1):
        lines += [
            f"### {number}. {item.prompt}",
            "",
            f"Score {_score(item.score)}; {item.status}; {item.seconds:.0f} s; "
            f"{item.hints_used} hint(s); {item.follow_ups} follow-up(s)",
            "",
        ]
        if item.code_report is not None:
            tests = item.code_report
            outcome = tests.load_error or f"{tests.passed} of {tests.total} tests passed"
            lines += [f"Code: {outcome} (sandbox: {tests.isolation})", ""]
        if item.growth is not None:
            lines += [f"Timing: {item.growth.summary()}", ""]
        grade = item.grade
        if grade is None:
            continue
        if grade.length_note:
            lines += [grade.length_note, ""]
        if grade.abstained:
            lines += [f"Not graded on content: {grade.abstention_reason}", ""]
        for point in grade.points:
            lines.append(f"- **{MARKS[point.verdict]}** ({credit_note(point)}): {point.statement}")
            if point.evidence:
                lines.append(f'  - "{literal_markdown(point.evidence)}"')
            if point.contradiction:
                lines.append(f'  - gets it backwards: "{literal_markdown(point.contradiction)}"')
        for mistake in grade.mistakes:
            quoted = f': "{literal_markdown(mistake.evidence)}"' if mistake.evidence else ""
            lines.append(f"- **mistake**: {mistake.name}{quoted}")
        if grade.feedback:
            lines += ["", "Feedback:"] + [f"- {literal_markdown(line)}" for line in grade.feedback]
        lines += ["", "<details><summary>Model answer</summary>", "", grade.model_answer, "", "</details>", ""]
    return lines
