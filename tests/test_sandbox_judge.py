"""The runner's value form and the parent's judgement, without a sandbox: encode, decode, judge."""

from __future__ import annotations

import collections
import json
import math
from typing import Any

import pytest

from interviewer.models import CodeTest
from interviewer.sandbox_judge import CallAnswer, Opaque, Unreadable, decode, expectation, judge, read_answer
from interviewer.sandbox_runner import MAX_DEPTH, encode


def round_trip(value: object) -> Any:
    return decode(json.loads(json.dumps(encode(value))))


Point = collections.namedtuple("Point", "x y")


class Shouty(str):
    def __str__(self) -> str:
        return "SHOUT"


class EqualsAnything(list):  # type: ignore[type-arg]
    def __eq__(self, other: object) -> bool:
        return True

    def __iter__(self):  # type: ignore[no-untyped-def]
        return iter([1, 2, 3])


@pytest.mark.parametrize(
    "value",
    [
        None,
        True,
        0,
        -7,
        2**80,
        -(2**60),
        0.1,
        -0.0,
        math.inf,
        1 + 2j,
        "",
        "naïve ✓",
        b"\x00\xff",
        bytearray(b"ab"),
        [1, [2, [3]]],
        (1, (2,), ()),
        {"a": [1, 2], (1, 2): {3}, None: frozenset({4})},
        set(),
        collections.deque([1, 2]),
        range(0, 10, 3),
    ],
)
def test_built_in_values_survive_the_trip(value: object) -> None:
    back = round_trip(value)
    assert back == value
    assert type(back) is type(value)


def test_nan_comes_back_as_nan() -> None:
    assert math.isnan(round_trip(math.nan))


def test_subclasses_come_back_as_their_built_in_base_read_through_the_base() -> None:
    assert round_trip(Point(1, 2)) == (1, 2) and type(round_trip(Point(1, 2))) is tuple
    assert round_trip(collections.Counter("aab")) == {"a": 2, "b": 1}
    assert type(round_trip(collections.OrderedDict(a=1))) is dict
    assert round_trip(Shouty("quiet")) == "quiet"
    forged = round_trip(EqualsAnything([9]))
    assert forged == [9] and type(forged) is list  # the real items, not what the overridden __iter__ says
    assert forged != [1, 2, 3]


def test_other_objects_are_opaque_and_equal_nothing() -> None:
    class Anything:
        def __eq__(self, other: object) -> bool:
            return True

        __hash__ = object.__hash__

    back = round_trip(Anything())
    assert isinstance(back, Opaque)
    assert back != back.__class__("x", "y") and back != 1 and back != [] and back != None  # noqa: E711
    assert "Anything" in repr(back)
    assert [back] != [1]
    assert isinstance(round_trip(iter([1])), Opaque)  # a generator is not the list a test expects


def test_values_too_deep_or_too_large_are_opaque_not_a_crash() -> None:
    deep: list[Any] = []
    for _ in range(MAX_DEPTH + 10):
        deep = [deep]
    back = round_trip(deep)
    while isinstance(back, list) and back:
        back = back[0]
    assert isinstance(back, Opaque)


@pytest.mark.parametrize(
    "payload",
    [
        {"float": 1},
        {"tuple": 5},
        {"dict": [[1]]},
        {"set": [[1, 2]]},
        {"int": "9" * 5000},
        {"int": "twelve"},
        {"what": []},
        {"tuple": [], "extra": 1},
        {"range": [0, "x", 1]},
        {"complex": ["1"]},
        1.5,
        {"bytes": "zz"},
    ],
)
def test_a_malformed_value_is_unreadable(payload: Any) -> None:
    with pytest.raises(Unreadable):
        decode(payload)


def test_nesting_deeper_than_the_limit_is_unreadable() -> None:
    payload: Any = 1
    for _ in range(200):
        payload = {"tuple": [payload]}
    with pytest.raises(Unreadable):
        decode(payload)


def answer(**fields: Any) -> CallAnswer:
    answer = read_answer({"event": "result", "index": 0, **fields})
    assert answer is not None
    return answer


def test_judging_returned_values_and_exceptions() -> None:
    value_test = CodeTest(call="f()", expected="[(1, 2)]")
    want = expectation(value_test)
    assert judge(0, value_test, want, answer(outcome="returned", value=encode([(1, 2)])), 0.1).status == "passed"
    wrong = judge(0, value_test, want, answer(outcome="returned", value=encode([[1, 2]])), 0.1)
    assert wrong.status == "failed" and wrong.message == "expected [(1, 2)], got [[1, 2]]"
    raised = judge(
        0, value_test, want, answer(outcome="raised", exception=["builtins.KeyError"], message="KeyError: 1"), 0
    )
    assert raised.status == "error" and raised.message == "KeyError: 1"

    raise_test = CodeTest(call="f()", raises="ValueError")
    need = expectation(raise_test)
    names = ["builtins.ValueError", "builtins.Exception", "builtins.BaseException", "builtins.object"]
    assert (
        judge(0, raise_test, need, answer(outcome="raised", exception=names, message="ValueError"), 0).status
        == "passed"
    )
    returned = judge(0, raise_test, need, answer(outcome="returned", value=None), 0)
    assert returned.status == "failed" and "expected ValueError to be raised" in returned.message
    other = judge(
        0, raise_test, need, answer(outcome="raised", exception=["builtins.TypeError"], message="TypeError"), 0
    )
    assert other.status == "failed"


def test_a_broken_expected_expression_is_the_tests_fault() -> None:
    test = CodeTest(call="f()", expected="undefined_name + 1")
    result = judge(0, test, expectation(test), answer(outcome="returned", value=1), 0)
    assert result.status == "error" and "the test itself is broken" in result.message


@pytest.mark.parametrize(
    "event",
    [
        {"event": "result", "index": 0, "outcome": "passed"},
        {"event": "result", "index": 0, "outcome": "returned", "status": "passed"},
        {"event": "result", "index": "0", "outcome": "returned"},
        {"event": "start", "index": 0, "outcome": "returned"},
    ],
)
def test_a_report_in_any_other_shape_is_no_answer(event: dict[str, Any]) -> None:
    assert read_answer(event) is None


def test_unreadable_values_fail_the_test() -> None:
    test = CodeTest(call="f()", expected="1")
    result = judge(0, test, expectation(test), answer(outcome="returned", value={"int": "nope"}), 0)
    assert result.status == "error" and "unreadable" in result.message


def test_a_look_alike_exception_class_is_not_the_builtin_one() -> None:
    test = CodeTest(call="f()", raises="ValueError")
    fake = answer(outcome="raised", exception=["solution.ValueError", "builtins.Exception"], message="ValueError")
    assert judge(0, test, expectation(test), fake, 0).status == "failed"
