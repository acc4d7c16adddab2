"""The bank's regular expressions on a linear-time engine (RE2), look-arounds included.

Python's ``re`` backtracks: a bank pattern such as ``\\bdel\\w*\\b[^.;,]*?\\bslice\\b[^.;,]*?...``
takes seconds on one hostile sentence. RE2 matches in time linear in the text, but it has no
look-arounds, and about a quarter of the bank's patterns use them to say what must *not* be
near a match ("not", "never", "whether"). So a pattern is compiled in two parts:

- the *skeleton*: the pattern with every look-around taken out and an empty capturing group
  left where it stood, run on RE2. A match of the pattern is always a match of its skeleton.
- the *checks*: each look-around, run on RE2 at the position its group marks. A look-behind
  looks at the few characters before (Python only allows fixed-width ones), a look-ahead
  anchors at the position, and a *tempered* repetition ``(?:(?!X)[^.;])*`` (repeat something,
  as long as X does not start there) captures what it repeated and checks that no X starts
  inside it.

A skeleton match that fails a check is tried again further on, a bounded number of times, so
the work stays linear in the text. RE2 settles on one way to match where Python would
backtrack into another, so two rules keep the answers the same: a tempered repetition is run
lazily (from one start, the shortest repetition holds the fewest forbidden starts, so if it
fails the check every longer one fails too), and a failed leading "(?!.*X)" resumes after X
(no start before X can pass it). What can still differ: where an alternation's first branch
fails its check and a later branch would pass at the same place, the match is found further
on or not at all. ``benchmarks/regex_agreement.py`` compares both engines on every pattern of
the bank and 12,520 sentences: no difference.

A group named ``claim`` marks the part of a match that states the claim (the rest is context, such as a
leading "(?!.*X)"): a match reports that group's span, so the grader reads negation and framing there.

A pattern this cannot express (a back-reference, a look-around inside a look-around, or a
look-around inside a repetition other than the tempered form) is refused with the reason, and
``interviewer bank validate`` reports it.

Skeletons also make screens: since a pattern cannot match where its skeleton does not, one pass
of an RE2 set over a text tells which of many patterns need running at all. ``PatternSet``
screens a question's cues; ``Prefiltered`` and ``PrefilterSet`` put the same pass in front of
patterns of Python's ``re``, but only on a text that ``reads_alike`` (RE2's ``\\w``, ``\\b`` and
``\\s`` know only ASCII letters, digits and spaces, so a text with others is left to Python).
Either way the answer is the plain pattern's: a screen only skips work.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

import re2

try:  # the parser moved in Python 3.11
    from re import _constants as sre_constants  # type: ignore[attr-defined]
    from re import _parser as sre_parse  # type: ignore[attr-defined]
except ImportError:  # pragma: no cover
    import sre_constants  # type: ignore[no-redef]
    import sre_parse  # type: ignore[no-redef]

RETRIES = 16  # skeleton matches tried after one fails a check, per search
SET_MEMORY = 8 << 20  # bytes an RE2 set of a question's patterns may use (RE2's default for one pattern)
SET_TEXT_LIMIT = 2000  # characters: a longer text is screened pattern by pattern
# a group named "claim" marks the part of a match that states the claim; the rest is context ("(?!.*\bfork\b)")
CLAIM_GROUP = "claim"
_C = sre_constants
_REPEATS = {_C.MAX_REPEAT, _C.MIN_REPEAT, _C.POSSESSIVE_REPEAT}
_LOOKS = {_C.ASSERT, _C.ASSERT_NOT}
_AT = {
    _C.AT_BEGINNING: "^",
    _C.AT_BEGINNING_STRING: r"\A",
    _C.AT_END: "$",
    _C.AT_END_STRING: r"\z",
    _C.AT_BOUNDARY: r"\b",
    _C.AT_NON_BOUNDARY: r"\B",
}
_CATEGORIES = {
    _C.CATEGORY_DIGIT: r"\d",
    _C.CATEGORY_NOT_DIGIT: r"\D",
    _C.CATEGORY_SPACE: r"\s",
    _C.CATEGORY_NOT_SPACE: r"\S",
    _C.CATEGORY_WORD: r"\w",
    _C.CATEGORY_NOT_WORD: r"\W",
}
_FLAGS = ((re.I, "i"), (re.M, "m"), (re.S, "s"))
_KEPT_FLAGS = re.I | re.M | re.S | re.X  # the flags a skeleton keeps (verbose only shapes the parse)


class UnsupportedPattern(ValueError):
    """A pattern the linear engine cannot run, with the reason."""


@dataclass(frozen=True)
class _Check:
    group: int  # the skeleton's capturing group that marks where the look-around stood
    kind: Literal["ahead", "behind", "none within", "same as"]
    wanted: bool  # a positive look-around must match; a negative one must not
    pattern: re2._Regexp | None  # type: ignore[name-defined]
    width: int = 0  # of a look-behind
    earlier: int = 0  # for "same as": the group whose text a back-reference repeats
    # for a negative look-ahead "(?!.*X)": X alone. Where it fails, it fails at every start up to X's own
    skip: re2._Regexp | None = None  # type: ignore[name-defined]

    def next_start(self, match: re2._Match) -> int:  # type: ignore[name-defined]
        """Where a new search may start after this check failed on ``match``: the next position, or past the
        forbidden X when the failed check is a leading "(?!.*X)" (no start before X can pass it)."""
        start = match.start()
        if self.skip is not None and match.start(self.group) == start:
            found = self.skip.search(match.string, start)
            if found is not None:
                return max(start + 1, found.start() + 1)
        return start + 1

    def holds(self, match: re2._Match) -> bool:  # type: ignore[name-defined]
        text, start, end = match.string, match.start(self.group), match.end(self.group)
        if self.kind == "same as":
            said, again = match.group(self.earlier), match.group(self.group)
            return said is not None and again is not None and said.casefold() == again.casefold()
        if start < 0:
            return True  # the part of the pattern holding the look-around did not take part in the match
        if self.kind == "behind":
            found = start >= self.width and self.pattern.fullmatch(text, start - self.width, start) is not None
        elif self.kind == "ahead":
            found = self.pattern.match(text, start) is not None
        else:
            hit = self.pattern.search(text, start) if start < end else None
            found = hit is not None and hit.start() < end
        return found == self.wanted


@dataclass(frozen=True)
class Found:
    """Where a linear pattern matched (the part of ``re.Match`` the graders use)."""

    text: str
    span: tuple[int, int]

    def start(self) -> int:
        return self.span[0]

    def end(self) -> int:
        return self.span[1]

    def group(self, index: int = 0) -> str:
        if index:
            raise IndexError("a linear pattern keeps only the whole match")
        return self.text[self.span[0] : self.span[1]]


class LinearPattern:
    """A compiled bank pattern: search in linear time, with the look-arounds checked."""

    def __init__(self, source: str, flags: int = 0) -> None:
        self.source = source
        builder = _Builder(flags)
        try:
            parsed = sre_parse.parse(source, flags)
        except re.error as exc:
            raise UnsupportedPattern(f"not a valid regular expression: {exc}") from exc
        builder.flags = flags | parsed.state.flags
        builder.referenced = _referenced(parsed)
        builder.claim = parsed.state.groupdict.get(CLAIM_GROUP)
        body = builder.build(parsed)
        self.skeleton_source = _flag_prefix(builder.flags) + body
        self.skeleton = _compile(self.skeleton_source)
        self.checks = tuple(builder.checks)
        self.claim_group = builder.claim_group

    def search(self, text: str, pos: int = 0) -> Found | None:
        for _ in range(RETRIES + 1):
            match = self.skeleton.search(text, pos)
            if match is None:
                return None
            failed = next((check for check in self.checks if not check.holds(match)), None)
            if failed is None:
                if self.claim_group and match.start(self.claim_group) >= 0:
                    return Found(text, (match.start(self.claim_group), match.end(self.claim_group)))
                return Found(text, (match.start(), match.end()))
            if match.start() >= len(text):
                return None
            pos = failed.next_start(match)
        return None


class PatternSet:
    """Many linear patterns screened at once: one pass of RE2 over a text tells which skeletons match it.

    A pattern whose skeleton does not match cannot match (see the module's docstring), so only the
    patterns ``possible`` returns need a ``search``. A text longer than ``SET_TEXT_LIMIT``, or patterns
    too many for one set within ``SET_MEMORY``, are screened pattern by pattern instead.
    """

    def __init__(self, patterns: Iterable[LinearPattern]) -> None:
        self.patterns = tuple(dict.fromkeys(patterns))  # each once, in order
        self._set = _compiled_set([p.skeleton_source for p in self.patterns]) if self.patterns else None

    def possible(self, text: str) -> frozenset[int]:
        """The ids of the patterns whose skeleton matches somewhere in the text."""
        if not self.patterns:
            return frozenset()
        if self._set is None or len(text) > SET_TEXT_LIMIT:
            return frozenset(id(p) for p in self.patterns if p.skeleton.search(text) is not None)
        return frozenset(id(self.patterns[index]) for index in self._set.Match(text) or ())


def _compiled_set(sources: list[str]) -> re2.Set | None:
    """The skeletons as one RE2 set, or None when RE2 cannot hold them all within ``SET_MEMORY``."""
    options = re2.Options()
    options.max_mem = SET_MEMORY
    options.log_errors = False
    found = re2.Set.SearchSet(options)
    try:
        for source in sources:
            found.Add(source)
        found.Compile()
    except re2.error:
        return None
    return found


# RE2 knows only ASCII letters, digits and spaces (its \w, \b and \s); Python's re also counts these, and the
# letters, digits and spaces of other scripts. A lone surrogate cannot even be handed to RE2 (it is not UTF-8)
_BEYOND_RE2 = re.compile(r"[\x0b\x1c-\x1f\ud800-\udfff]|(?=[^\x00-\x7f])[\w\s]")
_ODD_ASCII_SPACES = ("\x0b", "\x1c", "\x1d", "\x1e", "\x1f")


def reads_alike(text: str) -> bool:
    """Whether RE2 and Python's re read every character of the text alike (and its end: Python's "$" also
    matches before a final newline)."""
    if text.endswith("\n"):
        return False
    if text.isascii():
        return not any(space in text for space in _ODD_ASCII_SPACES)
    return _BEYOND_RE2.search(text) is None


class Prefiltered:
    """A pattern of Python's re with an RE2 pass in front that rules out, in linear time, most texts it cannot
    match: a text where RE2 reads every character as Python does and the pattern's skeleton does not match.
    Python's re still decides every match, so the results are Python's exactly."""

    def __init__(self, pattern: re.Pattern[str]) -> None:
        self.pattern = pattern
        self._skeleton = LinearPattern(pattern.pattern, pattern.flags & _KEPT_FLAGS).skeleton

    def could_match(self, text: str) -> bool:
        return not reads_alike(text) or self._skeleton.search(text) is not None

    def search(self, text: str) -> re.Match[str] | None:
        return self.pattern.search(text) if self.could_match(text) else None

    def match(self, text: str) -> re.Match[str] | None:
        return self.pattern.match(text) if self.could_match(text) else None

    def fullmatch(self, text: str) -> re.Match[str] | None:
        return self.pattern.fullmatch(text) if self.could_match(text) else None

    def finditer(self, text: str) -> Iterator[re.Match[str]]:
        return self.pattern.finditer(text) if self.could_match(text) else iter(())


class PrefilterSet:
    """Several patterns of Python's re screened together by one RE2 pass (see ``Prefiltered``): which of them
    could match a text."""

    def __init__(self, *patterns: re.Pattern[str]) -> None:
        self.patterns = patterns
        linear = [LinearPattern(p.pattern, p.flags & _KEPT_FLAGS) for p in patterns]
        self._set = PatternSet(linear)
        self._by_id = {id(lp): p for lp, p in zip(linear, patterns, strict=True)}

    def possible(self, text: str) -> frozenset[re.Pattern[str]]:
        """The patterns that could match the text (all of them where RE2 reads it otherwise than Python)."""
        if not reads_alike(text):
            return frozenset(self.patterns)
        return frozenset(self._by_id[found] for found in self._set.possible(text))


@lru_cache(maxsize=8192)
def compile_linear(source: str, flags: int = re.I | re.M) -> LinearPattern:
    return LinearPattern(source, flags)


def unsupported(source: str) -> str | None:
    """Why the linear engine cannot run the pattern, or None when it can."""
    try:
        compile_linear(source)
    except UnsupportedPattern as exc:
        return str(exc)
    return None


def _compile(pattern: str) -> re2._Regexp:  # type: ignore[name-defined]
    options = re2.Options()
    options.log_errors = False
    try:
        return re2.compile(pattern, options)
    except re2.error as exc:
        raise UnsupportedPattern(f"RE2 cannot compile it: {exc}") from exc


def _flag_prefix(flags: int) -> str:
    letters = "".join(letter for flag, letter in _FLAGS if flags & flag)
    return f"(?{letters})" if letters else ""


class _Builder:
    """Writes an RE2 skeleton from Python's parse of a pattern, collecting the look-arounds as checks."""

    def __init__(self, flags: int) -> None:
        self.flags = flags
        self.checks: list[_Check] = []
        self.groups = 0
        self.referenced: set[int] = set()  # the pattern's groups that a back-reference repeats
        self.captured: dict[int, tuple[int, list]] = {}  # such a group: its skeleton group and what it matches
        self.claim: int | None = None  # the pattern's group named "claim", if it has one
        self.claim_group = 0  # and its skeleton group

    def build(self, items: sre_parse.SubPattern | list, inside_repeat: bool = False) -> str:
        return "".join(self._item(op, value, inside_repeat) for op, value in items)

    def _marker(self) -> int:
        self.groups += 1
        return self.groups

    def _item(self, op: int, value: object, inside_repeat: bool) -> str:
        if op == _C.LITERAL:
            return _literal(value)  # type: ignore[arg-type]
        if op == _C.NOT_LITERAL:
            return "[^" + _class_literal(value) + "]"  # type: ignore[arg-type]
        if op == _C.ANY:
            return "."
        if op == _C.IN:
            return _char_class(value)  # type: ignore[arg-type]
        if op == _C.AT:
            return _AT[value]  # type: ignore[index]
        if op == _C.CATEGORY:
            return _CATEGORIES[value]  # type: ignore[index]
        if op == _C.BRANCH:
            return "(?:" + "|".join(self.build(branch, inside_repeat) for branch in value[1]) + ")"  # type: ignore[index]
        if op == _C.SUBPATTERN:
            number, add, remove, body = value  # type: ignore[misc]
            if number in self.referenced:
                group = self._marker()
                self.captured[number] = (group, body)
                return "(" + self.build(body, inside_repeat) + ")"
            if number is not None and number == self.claim and not inside_repeat:
                self.claim_group = self._marker()
                return "(" + self.build(body, inside_repeat) + ")"
            outer = self.flags
            self.flags = (outer | add) & ~remove  # a look-around inside reads the text with the group's flags
            try:
                built = self.build(body, inside_repeat)
            finally:
                self.flags = outer
            return "(?" + _scoped_flags(add, remove) + ":" + built + ")"
        if op in _REPEATS:
            return self._repeat(op, value, inside_repeat)  # type: ignore[arg-type]
        if op in _LOOKS:
            if inside_repeat:
                raise UnsupportedPattern("a look-around inside a repetition (other than (?:(?!X)[^.])*)")
            return self._look(op, value)  # type: ignore[arg-type]
        if op == _C.GROUPREF and value in self.captured and not inside_repeat:
            earlier, body = self.captured[value]  # type: ignore[index]
            group = self._marker()
            self.checks.append(_Check(group, "same as", True, None, earlier=earlier))
            return "(" + self.build(body) + ")"  # what the group matched, then checked to be the same text
        if op in (_C.GROUPREF, _C.GROUPREF_EXISTS):
            raise UnsupportedPattern("a back-reference RE2 cannot check (inside a repetition or a condition)")
        raise UnsupportedPattern(f"a construct RE2 does not have ({op})")

    def _repeat(self, op: int, value: tuple[int, int, list], inside_repeat: bool) -> str:
        low, high, body = value
        body = list(body)
        if len(body) == 1 and body[0][0] == _C.SUBPATTERN and body[0][1][0] is None:
            body = list(body[0][1][-1])  # (?:...) around the repeated part
        tempered = body and body[0][0] == _C.ASSERT_NOT and body[0][1][0] == 1
        if tempered and inside_repeat:
            raise UnsupportedPattern("a tempered repetition inside another repetition")
        if tempered:
            group = self._marker()
            forbidden = self._look_body(body[0][1][1])
            self.checks.append(_Check(group, "none within", False, forbidden))
            rest = self.build(body[1:], inside_repeat=True)
            # lazy, whatever the pattern asked: every way of matching from one start begins the repetition at the
            # same place, so the shortest repetition holds the fewest forbidden starts. If it fails the check,
            # every longer one does too, where Python would backtrack from the longest to it
            return "(" + "(?:" + rest + ")" + _quantifier(_C.MIN_REPEAT, low, high) + ")"
        return "(?:" + self.build(body, inside_repeat=True) + ")" + _quantifier(op, low, high)

    def _look(self, op: int, value: tuple[int, list]) -> str:
        direction, body = value
        group = self._marker()
        pattern = self._look_body(body)
        if direction == 1:
            skip = None
            if op == _C.ASSERT_NOT and body and _is_any_run(body[0]) and len(body) > 1:
                skip = self._look_body(list(body)[1:])
            self.checks.append(_Check(group, "ahead", op == _C.ASSERT, pattern, skip=skip))
        else:
            low, high = sre_parse.SubPattern(sre_parse.State(), list(body)).getwidth()
            if low != high:
                raise UnsupportedPattern("a look-behind of varying width")
            self.checks.append(_Check(group, "behind", op == _C.ASSERT, pattern, width=low))
        return "()"

    def _look_body(self, body: list) -> re2._Regexp:  # type: ignore[name-defined]
        inner = _Builder(self.flags)
        text = inner.build(body)
        if inner.checks:
            raise UnsupportedPattern("a look-around inside a look-around")
        return _compile(_flag_prefix(self.flags) + "(?:" + text + ")")


def _is_any_run(item: tuple[int, object]) -> bool:
    """Whether the item is "any run of characters of a class", such as ``.*`` or ``[^.;]*``."""
    op, value = item
    if op not in (_C.MAX_REPEAT, _C.MIN_REPEAT):
        return False
    low, high, body = value  # type: ignore[misc]
    return low == 0 and high == _C.MAXREPEAT and len(body) == 1 and body[0][0] in (_C.ANY, _C.IN, _C.NOT_LITERAL)


def _referenced(items: sre_parse.SubPattern | list) -> set[int]:
    found: set[int] = set()
    for op, value in items:
        if op == _C.GROUPREF:
            found.add(value)
        elif op in _REPEATS:
            found |= _referenced(value[2])
        elif op in _LOOKS:
            found |= _referenced(value[1])
        elif op == _C.SUBPATTERN:
            found |= _referenced(value[-1])
        elif op == _C.BRANCH:
            for branch in value[1]:
                found |= _referenced(branch)
    return found


def _quantifier(op: int, low: int, high: int) -> str:
    if high == _C.MAXREPEAT:
        quantifier = {0: "*", 1: "+"}.get(low, f"{{{low},}}")
    elif (low, high) == (0, 1):
        quantifier = "?"
    elif low == high:
        quantifier = f"{{{low}}}"
    else:
        quantifier = f"{{{low},{high}}}"
    if high != _C.MAXREPEAT and high > 1000:
        raise UnsupportedPattern("a repetition count over 1000")
    return quantifier + ("?" if op == _C.MIN_REPEAT else "")


def _scoped_flags(add: int, remove: int) -> str:
    on = "".join(letter for flag, letter in _FLAGS if add & flag)
    off = "".join(letter for flag, letter in _FLAGS if remove & flag)
    return on + ("-" + off if off else "")


def _literal(code: int) -> str:
    return re.escape(chr(code)) if 32 <= code < 127 or code > 159 else f"\\x{{{code:x}}}"


def _class_literal(code: int) -> str:
    char = chr(code)
    if not (32 <= code < 127 or code > 159):
        return f"\\x{{{code:x}}}"
    return "\\" + char if char in "\\]^-[" else char


def _char_class(items: list[tuple[int, object]]) -> str:
    parts = []
    negate = False
    for op, value in items:
        if op == _C.NEGATE:
            negate = True
        elif op == _C.LITERAL:
            parts.append(_class_literal(value))  # type: ignore[arg-type]
        elif op == _C.RANGE:
            low, high = value  # type: ignore[misc]
            parts.append(_class_literal(low) + "-" + _class_literal(high))
        elif op == _C.CATEGORY:
            parts.append(_CATEGORIES[value])  # type: ignore[index]
        else:
            raise UnsupportedPattern(f"a character-class item RE2 does not have ({op})")
    return "[" + ("^" if negate else "") + "".join(parts) + "]"
