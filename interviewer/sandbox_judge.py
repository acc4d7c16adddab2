"""Judging a test in the parent process, from what the sandbox reports.

The sandboxed runner (``sandbox_runner``) says only what a call did: the value it returned, in a type-tagged
JSON form, or the exception it raised. The expected value is worked out here from the bank's expression and
never enters the sandbox; the returned value is rebuilt here from plain data into built-in types only (an
object of any other type becomes an :class:`Opaque` that equals nothing but itself), and the two are compared
here. A report that is not a well-formed answer to the call asked is a failure, never a pass.
"""

from __future__ import annotations

import builtins
import collections
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, ValidationError

from interviewer.models import CaseResult, CodeTest
from interviewer.sandbox_runner import safe_repr

MAX_DEPTH = 80
SHOWN_CHARACTERS = 1000


class Unreadable(ValueError):
    """The sandbox sent something that is not a value in the agreed form."""


class Opaque:
    """A returned object of a type the sandbox does not rebuild: shown by its name and repr, equal only to itself."""

    __slots__ = ("name", "text")

    def __init__(self, name: str, text: str) -> None:
        self.name, self.text = name, text

    def __eq__(self, other: object) -> bool:
        return other is self

    def __hash__(self) -> int:
        return id(self)

    def __repr__(self) -> str:
        return f"<{self.name} object: {self.text}>" if self.text else f"<{self.name} object>"


class CallAnswer(BaseModel):
    """What the runner says one call did."""

    model_config = ConfigDict(extra="forbid", strict=True)

    event: Literal["result"]
    index: int
    outcome: Literal["returned", "raised", "timeout", "memory", "broken", "unreadable"]
    value: Any = None
    digest: str | None = None  # timing runs: a hash of the encoded value instead of the value
    exception: list[str] = []  # the exception's classes as module.qualname, most derived first
    message: str = ""
    traceback: str | None = None
    stdout: str = ""
    seconds: float = 0.0


def read_answer(event: dict[str, Any]) -> CallAnswer | None:
    """The event as an answer, or None when it is not one."""
    try:
        return CallAnswer.model_validate(event)
    except ValidationError:
        return None


def decode(data: Any, depth: int = 0) -> Any:
    """Rebuild a value from the runner's form (see ``sandbox_runner.encode``) out of built-in types only."""
    if depth > MAX_DEPTH:
        raise Unreadable("nested too deeply")
    if data is None or isinstance(data, bool | str):
        return data
    if isinstance(data, int):
        return data
    if isinstance(data, list):
        return [decode(item, depth + 1) for item in data]
    if not isinstance(data, dict) or len(data) not in (1, 2):
        raise Unreadable(f"not a value: {type(data).__name__}")
    if set(data) == {"object", "repr"}:
        return Opaque(_text(data["object"]), _text(data["repr"]))
    if len(data) != 1:
        raise Unreadable("a tagged value has one key")
    [(tag, body)] = data.items()
    try:
        return _rebuild(tag, body, depth)
    except (TypeError, ValueError, OverflowError, KeyError, IndexError) as exc:
        raise Unreadable(f"a malformed {tag}: {exc}") from exc


def _rebuild(tag: str, body: Any, depth: int) -> Any:
    if tag == "int":
        return int(_text(body))
    if tag == "float":
        return float(_text(body))
    if tag == "complex":
        real, imag = body
        return complex(float(_text(real)), float(_text(imag)))
    if tag in ("bytes", "bytearray"):
        raw = bytes.fromhex(_text(body))
        return raw if tag == "bytes" else bytearray(raw)
    if tag == "range":
        start, stop, step = (_integer(part) for part in body)
        return range(start, stop, step)
    items = [decode(item, depth + 1) for item in _items(body)]
    if tag == "tuple":
        return tuple(items)
    if tag == "set":
        return set(items)
    if tag == "frozenset":
        return frozenset(items)
    if tag == "deque":
        return collections.deque(items)
    if tag == "dict":
        return {_pair(item)[0]: _pair(item)[1] for item in items}
    raise Unreadable(f"unknown tag {tag!r}")


def _text(value: Any) -> str:
    if not isinstance(value, str):
        raise Unreadable("expected text")
    return value


def _integer(value: Any) -> int:
    if not isinstance(value, int) or isinstance(value, bool):
        raise Unreadable("expected an integer")
    return value


def _items(body: Any) -> list[Any]:
    if not isinstance(body, list):
        raise Unreadable("expected a list of items")
    return body


def _pair(item: Any) -> tuple[Any, Any]:
    if not isinstance(item, list) or len(item) != 2:
        raise Unreadable("a dict item is not a pair")
    return item[0], item[1]


def show(value: Any) -> str:
    """A short repr of a value (expected or rebuilt) for the report, shortened as the runner shortens its own."""
    return safe_repr(value, SHOWN_CHARACTERS)


class Expectation(BaseModel):
    """What a test expects, worked out in the parent: a value, an exception, or why the test is broken."""

    model_config = ConfigDict(arbitrary_types_allowed=True)

    value: Any = None
    raises: str | None = None
    broken: str | None = None


def expectation(test: CodeTest) -> Expectation:
    """Evaluate the test's expected expression (bank data, built-ins only) here, outside the sandbox."""
    if test.raises is not None:
        return Expectation(raises=test.raises)
    try:
        code = compile(test.expected or "None", "<expected>", "eval", dont_inherit=True)
        return Expectation(value=eval(code, {"__builtins__": builtins}))
    except Exception as exc:
        return Expectation(broken=f"the test itself is broken: {type(exc).__name__}: {exc}")


def _qualified(name: str) -> str:
    """An exception name as the runner reports classes: a bare name is a built-in one."""
    return name if "." in name else f"builtins.{name}"


def judge(index: int, test: CodeTest, expected: Expectation, answer: CallAnswer, seconds: float) -> CaseResult:
    """The verdict on one test from the runner's answer."""
    result = CaseResult(
        index=index,
        call=test.call,
        status="failed",
        expected=None if expected.raises else show(expected.value),
        raises=test.raises,
        stdout=answer.stdout,
        seconds=round(seconds, 4),
    )
    if expected.broken is not None:
        return result.model_copy(update={"status": "error", "expected": None, "message": expected.broken})
    if answer.outcome in ("timeout", "memory"):
        return result.model_copy(update={"status": answer.outcome, "message": answer.message})
    if answer.outcome in ("broken", "unreadable"):
        return result.model_copy(update={"status": "error", "message": answer.message or answer.outcome})
    if answer.outcome == "raised":
        described = answer.message or (answer.exception[0] if answer.exception else "an exception")
        if expected.raises is not None and _qualified(expected.raises) in answer.exception:
            return result.model_copy(update={"status": "passed", "actual": described})
        if expected.raises is not None:
            message = f"expected {expected.raises} to be raised, got {described}"
            return result.model_copy(update={"actual": described, "message": message, "traceback": answer.traceback})
        return result.model_copy(update={"status": "error", "message": described, "traceback": answer.traceback})
    try:
        actual = decode(answer.value)
    except (Unreadable, RecursionError) as exc:
        return result.model_copy(update={"status": "error", "message": f"the sandbox's answer was unreadable: {exc}"})
    shown = show(actual)
    if expected.raises is not None:
        message = f"expected {expected.raises} to be raised, but it returned {shown}"
        return result.model_copy(update={"actual": shown, "message": message})
    try:
        same = bool(expected.value == actual)
    except RecursionError:
        same = False
    if same:
        return result.model_copy(update={"status": "passed", "actual": shown})
    return result.model_copy(update={"actual": shown, "message": f"expected {result.expected}, got {shown}"})
