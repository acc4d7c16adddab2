"""A mock interview in the terminal (``interviewer practice``): the engine with a text UI.

An answer may span several lines and ends with an empty line. Lines starting with
``/`` are moves: /hint, /skip, /repeat, /ask <question>, /end, /help.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TextIO

from interviewer.bank import Bank
from interviewer.engine import Interviewer, InterviewError
from interviewer.formatting import format_grade
from interviewer.models import Turn

HELP = (
    "Type your answer; finish it with an empty line.\n"
    "Moves: /hint  /skip  /repeat  /ask <clarifying question>  /end (finish now)  /help"
)
SPEAKERS = {"interviewer": "Interviewer", "candidate": "You", "system": "--"}


def show(turns: list[Turn], out: TextIO) -> None:
    for turn in turns:
        if turn.role == "candidate":
            continue
        out.write(f"\n{SPEAKERS[turn.role]}: {turn.text}\n")
    out.flush()


def read_message(read_line: Callable[[], str], out: TextIO) -> str | None:
    """One answer or move; None at end of input."""
    out.write("\n> ")
    out.flush()
    lines: list[str] = []
    while True:
        line = read_line()
        if line == "":  # end of input
            return "\n".join(lines) if lines else None
        line = line.rstrip("\n")
        if not lines and line.startswith("/"):
            return line
        if not line.strip():
            if lines:
                return "\n".join(lines)
            continue
        lines.append(line)


def run(interviewer: Interviewer, read_line: Callable[[], str], out: TextIO) -> bool:
    """Drive the interview until it finishes or input ends (the session stays resumable). Ctrl-C stops it the
    same way, with the resume command; returns whether it was interrupted."""
    try:
        _drive(interviewer, read_line, out)
    except KeyboardInterrupt:
        # every move is saved as it is made, and an answer before it is graded (a grade cut short completes
        # when the session is resumed): only a message not yet sent is lost
        out.write(f"\n\nInterrupted. {_saved(interviewer)}\n")
        out.flush()
        return True
    return False


def _saved(interviewer: Interviewer) -> str:
    return f"Everything you sent is saved. Resume with: interviewer practice --resume {interviewer.state.id}"


def _drive(interviewer: Interviewer, read_line: Callable[[], str], out: TextIO) -> None:
    out.write(HELP + "\n")
    show(interviewer.resume() or interviewer.state.transcript[-1:], out)
    while interviewer.state.status != "finished":
        message = read_message(read_line, out)
        if message is None:
            out.write(f"\n{_saved(interviewer)}\n")
            return
        command, _, argument = message.partition(" ")
        try:
            if command == "/hint":
                turns = interviewer.hint()
            elif command == "/skip":
                turns = interviewer.skip()
            elif command == "/repeat":
                turns = interviewer.repeat()
            elif command == "/ask":
                turns = interviewer.ask_clarification(argument)
            elif command == "/end":
                turns = interviewer.finish()
            elif command == "/help" or message.startswith("/"):
                out.write(HELP + "\n")
                continue
            else:
                turns = interviewer.answer(message)
        except InterviewError as exc:
            out.write(f"\n-- {exc}\n")
            continue
        show(turns, out)
    report(interviewer, out)


def report(interviewer: Interviewer, out: TextIO) -> None:
    bank: Bank = interviewer.bank
    out.write("\n=== Report ===\n")
    for attempt in interviewer.state.attempts:
        if attempt.grade is None:
            out.write(f"\n{attempt.question_id}: not reached\n")
            continue
        timing = f"{attempt.seconds_taken:.0f} s, {attempt.hints_used} hint(s)"
        out.write(f"\n[{attempt.status}; {timing}]\n")
        out.write(format_grade(attempt.grade, bank.get(attempt.question_id)) + "\n")
    score = interviewer.state.score
    if score is not None:
        out.write(f"\nOverall: {score:.2f} / 5 over {len(interviewer.state.attempts)} question(s).\n")
    usage = interviewer.state.usage
    if usage.calls:
        cost = "unknown cost (no price for this model)" if usage.cost_usd is None else f"about ${usage.cost_usd:.4f}"
        out.write(
            f"Model use: {usage.calls} call(s), {usage.prompt_tokens:,} prompt + "
            f"{usage.completion_tokens:,} completion tokens, {cost}.\n"
        )
