"""Plain-text renderings of questions and grades, for the terminal and simple pages."""

from __future__ import annotations

import re
from collections.abc import Callable

from interviewer.grading.scoring import VERDICT_CREDIT
from interviewer.models import PLAN_DAYS, Grade, PointVerdict, Question


def format_question(question: Question) -> str:
    lines = [
        f"{question.id}  (day {question.day}: {PLAN_DAYS[question.day]}; {question.topic}; {question.difficulty})",
        "",
        question.prompt,
        "",
        "Rubric:",
    ]
    for point in question.rubric:
        lines.append(f"  [{point.weight:g}] {point.id}: {point.statement}")
    if question.follow_ups:
        lines += ["", "Follow-ups:"] + [f"  ({f.point}) {f.ask}" for f in question.follow_ups]
    if question.hints:
        lines += ["", "Hints:"] + [f"  - {h}" for h in question.hints]
    if question.mistakes:
        lines += ["", "Common mistakes to avoid: " + ", ".join(question.mistakes)]
    lines += ["", "Model answer:", question.reference_answer.strip()]
    return "\n".join(lines)


_NAMES = {"oop": "OOP", "data_structures": "Data structures", "trade_offs": "Trade-offs"}


def label(name: str) -> str:
    """A topic, mode or dimension id as a reader should see it: "data_structures" is "Data structures"."""
    return _NAMES.get(name) or name.replace("_", " ").replace("-", " ").capitalize()


def credit_note(point: PointVerdict) -> str:
    """The point's weight, and its credit when that differs from what its verdict usually earns."""
    if point.credit == VERDICT_CREDIT[point.verdict]:
        return f"weight {point.weight:g}"
    return f"weight {point.weight:g}, credit {point.credit:.0%}"


def format_grade(grade: Grade, question: Question) -> str:
    by = grade.grader if grade.model is None or grade.fallback_reason else f"{grade.grader}, model {grade.model}"
    lines = [f"{question.id}: {grade.score:.2f} / {grade.max_score:g}  (graded {by})"]
    if grade.fallback_reason:
        lines.append(f"Note: {grade.fallback_reason}")
    if grade.length_note:
        lines.append(f"Note: {grade.length_note}")
    if grade.abstained:
        lines.append(f"Not graded on content ({grade.abstained}): {grade.abstention_reason}")
    marks = {"covered": "+", "partial": "~", "missing": "-"}
    for point in grade.points:
        lines.append(f"  {marks[point.verdict]} {point.verdict:8} [{credit_note(point)}] {point.statement}")
        if point.evidence:
            lines.append(f"      \u201c{point.evidence}\u201d")
        if point.contradiction:
            lines.append(f"      gets it backwards: \u201c{point.contradiction}\u201d")
    for mistake in grade.mistakes:
        lines.append(f"  ! {mistake.name} (-{mistake.penalty:g})")
        if mistake.evidence:
            lines.append(f"      \u201c{mistake.evidence}\u201d")
    if grade.communication:
        c = grade.communication
        lines.append(
            f"  communication: structure {c.structure:.1f}, example {c.concrete_example:.1f}, "
            f"trade-offs {c.trade_offs:.1f}, concision {c.concision:.1f}"
        )
    for warning in grade.warnings:
        lines.append(f"  ? {warning}")
    if grade.usage is not None and grade.usage.calls:
        cost = "unknown cost" if grade.usage.cost_usd is None else f"about ${grade.usage.cost_usd:.4f}"
        lines.append(
            f"  tokens: {grade.usage.prompt_tokens} prompt + {grade.usage.completion_tokens} completion, {cost}"
        )
    if grade.ignored_instructions:
        lines.append(f"  ignored {len(grade.ignored_instructions)} sentence(s) addressed to the grader")
    lines += ["", "Feedback:"] + [f"  - {line}" for line in grade.feedback]
    return "\n".join(lines)


CODE_SPAN = re.compile(r"(`+)(?!`)([^\n]*?[^`\n])\1(?!`)")  # inline code: group 2 is the code
_PUNCTUATION = re.compile(r"([!-/:-@\[-`{-~])")  # every ASCII punctuation mark, each of which Markdown escapes
_LEADING_SPACES = re.compile(r"^( +)", re.M)


def literal_markdown(text: str) -> str:
    """Candidate text as Markdown that shows exactly what was written: every punctuation mark escaped (no
    links, images, HTML, emphasis, lists, headings, directives or autolinks), line breaks kept, leading spaces
    kept without starting a code block. Code in backticks stays a code span, which Markdown shows literally."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return _outside(CODE_SPAN, text, _escaped)


def _outside(kept: re.Pattern[str], text: str, change: Callable[[str], str]) -> str:
    """The text with ``change`` applied to every stretch between matches of ``kept``, which stay as they are."""
    parts = []
    position = 0
    for found in kept.finditer(text):
        parts.append(change(text[position : found.start()]))
        parts.append(found.group(0))
        position = found.end()
    parts.append(change(text[position:]))
    return "".join(parts)


def _escaped(text: str) -> str:
    text = _PUNCTUATION.sub(r"\\\1", text)
    text = _LEADING_SPACES.sub(lambda m: "&#32;" * len(m.group(1)), text)
    return text.replace("\n", "  \n")


_FENCE = re.compile(r"^([ \t]*)(`{3,}|~{3,})[^\n]*\n.*?(?:^[ \t]*\2[ \t]*$|\Z)", re.M | re.S)
_LINKING = re.compile(r"[!\[\]<>]|(?<=[A-Za-z]):(?=//)|(?<=\bwww)\.", re.I)


def inert_markdown(text: str) -> str:
    """The interviewer's text (from the bank or a model, which may quote the candidate) as Markdown that keeps
    its formatting, code blocks and code spans, but can show no image, link, autolink or HTML: nothing it
    says makes a viewer's browser fetch or follow anything."""
    return _outside(_FENCE, text, lambda prose: _outside(CODE_SPAN, prose, _unlinked))


def _unlinked(text: str) -> str:
    return _LINKING.sub(lambda m: "\\" + m.group(0), text)


_ESCAPED = re.compile(r"\\([!-/:-@\[-`{-~])")


def unescaped_markdown(text: str) -> str:
    """What ``literal_markdown`` text reads as: the escapes, line breaks and kept spaces undone."""
    return _ESCAPED.sub(r"\1", text.replace("&#32;", " ").replace("  \n", "\n"))
