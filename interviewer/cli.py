"""The ``interviewer`` command: the bank, grading one answer, and evaluating a grader."""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from pydantic import ValidationError

from interviewer.backend import make_backend, make_client
from interviewer.bank import DEFAULT_BANK_DIR, BankError, load_bank, read_bank
from interviewer.drills import learn
from interviewer.engine import MAX_ANSWER_CHARS, Interviewer
from interviewer.evaluation import EvalDataError, evaluate, read_records
from interviewer.formatting import format_grade, format_question
from interviewer.llm.base import LLMError
from interviewer.models import DIFFICULTIES, PLAN_DAYS, SessionConfig
from interviewer.practice import run as run_practice
from interviewer.sandbox import availability
from interviewer.settings import Settings
from interviewer.store import SessionNotFound, StorageError, TranscriptStore

EXIT_PROBLEMS = 1
EXIT_USAGE = 2
EXIT_INTERRUPTED = 130  # 128 + SIGINT, as shells report a Ctrl-C
EXIT_BROKEN_PIPE = 141  # 128 + SIGPIPE: the reader (``| head``) went away
GRADERS = ("offline", "openai")


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    if not hasattr(args, "run"):
        parser.print_help()
        return EXIT_USAGE
    try:
        code = args.run(args)
        sys.stdout.flush()  # a closed pipe shows here, where it is handled, not in Python's flush at exit
        return code
    except KeyboardInterrupt:
        print("\ninterrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        # whoever read the output stopped (``interviewer bank show gil | head``): nothing is wrong, so say nothing;
        # stdout is pointed at /dev/null so that Python's own flush at exit does not complain either
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_BROKEN_PIPE
    except (BankError, StorageError) as exc:
        print(exc, file=sys.stderr)
        return EXIT_PROBLEMS
    except (EvalDataError, OSError, KeyError, LLMError) as exc:
        message = exc.args[0] if isinstance(exc, KeyError) and exc.args else exc
        print(f"error: {message}", file=sys.stderr)
        return EXIT_USAGE


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="interviewer", description="Mock interviews for Python developers.")
    parser.add_argument("--bank-dir", type=Path, default=DEFAULT_BANK_DIR, help="question bank directory")
    commands = parser.add_subparsers(title="commands")

    bank = commands.add_parser("bank", help="list, show or validate the question bank")
    bank_commands = bank.add_subparsers(title="bank commands", required=True)
    listing = bank_commands.add_parser("list", help="list questions")
    listing.add_argument("--topic")
    listing.add_argument("--day", type=int, choices=sorted(PLAN_DAYS))
    listing.add_argument("--json", action="store_true")
    listing.set_defaults(run=_bank_list)
    show = bank_commands.add_parser("show", help="show one question in full")
    show.add_argument("question_id")
    show.add_argument("--json", action="store_true")
    show.set_defaults(run=_bank_show)
    validate = bank_commands.add_parser("validate", help="check every bank file; exit 1 on any problem")
    validate.set_defaults(run=_bank_validate)

    check = commands.add_parser("check", help="test the connection to the configured model server")
    check.set_defaults(run=_check)

    sandboxing = commands.add_parser("sandbox", help="how candidate code is isolated here; exit 1 if it cannot run")
    sandboxing.set_defaults(run=_sandbox)

    grade = commands.add_parser("grade", help="grade one answer to a bank question")
    grade.add_argument("--question", required=True, help="question id")
    source = grade.add_mutually_exclusive_group(required=True)
    source.add_argument("--answer", help="the answer text")
    source.add_argument("--answer-file", type=Path, help="a file holding the answer ('-' for standard input)")
    grade.add_argument("--hints", type=int, default=0, help="hints taken (each costs points)")
    grade.add_argument("--grader", choices=GRADERS, default="offline")
    grade.add_argument("--json", action="store_true")
    grade.set_defaults(run=_grade)

    practice = commands.add_parser("practice", help="a mock interview in the terminal (saved as you go)")
    practice.add_argument("--day", type=int, choices=sorted(PLAN_DAYS))
    practice.add_argument("--topic", action="append", default=[], help="repeat for several topics")
    practice.add_argument("--difficulty", action="append", default=[], choices=DIFFICULTIES)
    practice.add_argument("--questions", type=int, default=3, help="number of questions")
    practice.add_argument("--question-id", action="append", default=[], help="ask exactly these questions")
    practice.add_argument("--follow-ups", type=int, help="follow-ups per question (default from settings)")
    practice.add_argument(
        "--instant-feedback",
        action="store_true",
        help="say the score after each answer (practice); by default, as in a real interview, only at the end",
    )
    practice.add_argument("--per-question-seconds", type=float)
    practice.add_argument("--total-seconds", type=float)
    practice.add_argument("--drill", action="store_true", help="explanation drill: instant feedback, no follow-ups")
    practice.add_argument("--user", help="whose history to use and record")
    practice.add_argument("--resume", metavar="SESSION_ID", help="continue a saved session")
    practice.add_argument("--backend", choices=GRADERS, help="override INTERVIEWER_BACKEND for this session")
    practice.set_defaults(run=_practice)

    evaluation = commands.add_parser("eval", help="measure a grader against human scores in a JSONL file")
    evaluation.add_argument("file", type=Path)
    evaluation.add_argument("--grader", choices=GRADERS, default="offline")
    evaluation.add_argument("--json", action="store_true")
    evaluation.set_defaults(run=_eval)
    return parser


def _bank_list(args: argparse.Namespace) -> int:
    bank = load_bank(args.bank_dir)
    questions = [
        q
        for q in sorted(bank.questions.values(), key=lambda q: (q.day, q.topic, q.id))
        if (args.topic is None or q.topic == args.topic) and (args.day is None or q.day == args.day)
    ]
    if args.json:
        rows = [
            q.model_dump(include={"id", "topic", "day", "difficulty", "kind", "guide_ref", "prompt"}) for q in questions
        ]
        print(json.dumps(rows, indent=2))
        return 0
    for q in questions:
        guide = f" [{q.guide_ref}]" if q.guide_ref else ""
        print(f"{q.id:40} day {q.day}  {q.topic:16} {q.difficulty:6}{guide}  {_shorten(q.prompt, 70)}")
    print(f"\n{len(questions)} question(s)")
    return 0


def _bank_show(args: argparse.Namespace) -> int:
    question = load_bank(args.bank_dir).get(args.question_id)
    if args.json:
        print(question.model_dump_json(indent=2))
        return 0
    print(format_question(question))
    return 0


def _bank_validate(args: argparse.Namespace) -> int:
    bank, problems = read_bank(args.bank_dir, thorough=True)
    for problem in problems:
        print(problem)
    if problems:
        print(f"\n{len(problems)} problem(s) found.", file=sys.stderr)
        return EXIT_PROBLEMS
    topics = len(bank.topics)
    print(f"OK: {len(bank.questions)} questions in {topics} topics, {len(bank.mistakes)} common mistakes.")
    return 0


def _grade(args: argparse.Namespace) -> int:
    bank = load_bank(args.bank_dir)
    question = bank.get(args.question)
    if args.answer is not None:
        answer = args.answer
    elif str(args.answer_file) == "-":
        answer = sys.stdin.read()
    else:
        answer = args.answer_file.read_text(encoding="utf-8")
    if len(answer) > MAX_ANSWER_CHARS:
        print(f"error: the answer is {len(answer):,} characters; the limit is {MAX_ANSWER_CHARS:,}.", file=sys.stderr)
        return EXIT_USAGE
    grade = make_backend(Settings(), bank, args.grader).grader.grade(question, answer, hints_used=args.hints)
    print(grade.model_dump_json(indent=2) if args.json else format_grade(grade, question))
    return 0


def _eval(args: argparse.Namespace) -> int:
    bank, _ = read_bank(args.bank_dir)
    records = read_records(args.file)
    result = evaluate(records, make_backend(Settings(), bank, args.grader).grader, bank)
    if args.json:
        print(result.model_dump_json())
        return 0
    print(f"{args.file} graded by {args.grader}")
    for name, value in result.summary().items():
        print(f"  {name:9} {value}")
    return 0


def _practice(args: argparse.Namespace) -> int:
    settings = Settings()
    bank = load_bank(args.bank_dir)
    backend = make_backend(settings, bank, args.backend)
    grader, turns = backend.grader, backend.turns
    print(f"Backend: {backend.description}")
    store = TranscriptStore(settings.resolved_database_url)
    try:
        history = store.point_history(user=args.user)
        if args.resume:
            state = store.load(args.resume, user=args.user)
            interviewer = Interviewer(state, bank, grader, sink=store, history=history, turns=turns)
        else:
            config = SessionConfig(
                mode="drill" if args.drill else "mock",
                day=args.day,
                topics=args.topic,
                difficulties=args.difficulty,
                question_count=len(args.question_id) or args.questions,
                question_ids=args.question_id,
                max_follow_ups=0
                if args.drill
                else (settings.max_follow_ups if args.follow_ups is None else args.follow_ups),
                per_question_seconds=args.per_question_seconds or settings.per_question_seconds,
                total_seconds=args.total_seconds or settings.total_seconds,
                expiry_policy=settings.expiry_policy,
                instant_feedback=args.instant_feedback,
            )
            interviewer = Interviewer.start(
                config, bank, grader, sink=store, history=history, turns=turns, user=args.user
            )
        interrupted = run_practice(interviewer, sys.stdin.readline, sys.stdout)
        learn(store, interviewer.state, args.user)  # the drill schedule learns from terminal interviews too
        if interrupted:
            return EXIT_INTERRUPTED
    except SessionNotFound:
        print(f"error: no saved session {args.resume!r}", file=sys.stderr)
        return EXIT_USAGE
    except ValidationError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    finally:
        store.close()
    return 0


def _check(args: argparse.Namespace) -> int:
    settings = Settings()
    if settings.active_backend == "offline":
        print("Backend: offline. There is no server to connect to; grading works without one.")
        return 0
    result = make_client(settings).check_connection()
    print(("OK: " if result.ok else "FAILED: ") + result.message)
    return 0 if result.ok else EXIT_PROBLEMS


def _sandbox(args: argparse.Namespace) -> int:
    status = availability()
    print(f"Isolation: {status.isolation or 'none'}" + (" (weaker, opted into)" if status.weak else ""))
    print(status.message)
    return 0 if status.available else EXIT_PROBLEMS


def _shorten(text: str, width: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"


if __name__ == "__main__":
    sys.exit(main())
