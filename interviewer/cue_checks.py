"""Checks on the bank's cues that need the grader's reading of text.

- A regular expression that can backtrack catastrophically (a quantifier over something that
  is itself quantified, "(a+)+", or over alternatives that can match the same text) could
  make one answer take minutes to grade: it is refused.
- A ``contradicted_by`` cue that matches the question's own reference answer or a rubric
  statement would mark the right answer as wrong: it is refused.
- A cue made only of common words ("each time", "is fine") matches sentences that have
  nothing to do with its point, and a rubric point with no ``contradicted_by`` cue cannot
  catch the usual way of getting it backwards: both are reported as warnings.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

try:  # the parser moved in Python 3.11; the old name still works with a deprecation warning
    from re import _constants as sre_constants  # type: ignore[attr-defined]
    from re import _parser as sre_parse  # type: ignore[attr-defined]
except ImportError:  # pragma: no cover
    import sre_constants  # type: ignore[no-redef]
    import sre_parse  # type: ignore[no-redef]

from interviewer.grading.claims import GENERIC_WORDS, compared_things, read_all
from interviewer.grading.rubric_points import answer_sentence, polar_cue
from interviewer.grading.text import content_stems, split_sentences, stem
from interviewer.models import REGEX_CUE_PREFIX, Question

# English words that say nothing technical on their own: a cue made only of these ("each time", "keeps
# running", "is fine") matches sentences that have nothing to do with its point
COMMON_ENGLISH = frozenset(
    stem(word)
    for word in """
    time each every fine fast quick quickly slow slowly good bad great nice simple easy easily better best worse
    worst new old big small large little same different keep kept run running add added adding result results
    value values way ways thing things work working make use need want get give take put do done go come look see
    help try start stop end first last next one two three many much more less lot always never sometimes often
    usually again still just really actually basically simply probably maybe kind part place case cases
    point example problem issue stuff people someone bit piece step fix fixed whole everything anything nothing
    right wrong true false able enough ok okay
    """.split()
)
_REPEATS = {sre_constants.MAX_REPEAT, sre_constants.MIN_REPEAT}
_POSSESSIVE = getattr(sre_constants, "POSSESSIVE_REPEAT", None)
_LOOKAROUND = {sre_constants.ASSERT, sre_constants.ASSERT_NOT}
_UNBOUNDED = sre_constants.MAXREPEAT
_LITERAL_WORD = re.compile(r"[a-z][a-z0-9_]+")
_CODE_PUNCTUATION = re.compile(r"\\[.(\[{=]|[_@]|\\\\|__")  # a pattern that spells code (`.result(`, `__eq__`)


def backtracking_risk(pattern: str) -> str | None:
    """Why the pattern can backtrack catastrophically, or None."""
    try:
        parsed = sre_parse.parse(pattern)
    except re.error:
        return None  # the model's validator reports invalid patterns
    return _risk(parsed, inside_unbounded=False)


def _risk(items: Iterable, inside_unbounded: bool) -> str | None:
    for op, value in items:
        if op in _REPEATS:
            _, high, body = value
            unbounded = high == _UNBOUNDED or high > 100
            if unbounded and inside_unbounded:
                return "a quantifier inside another quantifier, as in (a+)+"
            if unbounded and _overlapping_branches(body):
                return "a quantifier over alternatives that can match the same text, as in (a|ab)*"
            found = _risk(body, inside_unbounded or unbounded)
            if found:
                return found
        elif op in _LOOKAROUND or op == _POSSESSIVE:
            continue  # a lookaround is tried once per position, a possessive quantifier never backtracks
        elif op == sre_constants.SUBPATTERN:
            found = _risk(value[-1], inside_unbounded)
            if found:
                return found
        elif op == sre_constants.BRANCH:
            for branch in value[1]:
                found = _risk(branch, inside_unbounded)
                if found:
                    return found
    return None


def _overlapping_branches(body: Iterable) -> bool:
    """Whether the body holds alternatives that can match the same text: one that may be empty, or two that
    can start with the same character ("a|ab", which the parser turns into "a(?:|b)")."""
    for op, value in body:
        if op == sre_constants.SUBPATTERN and _overlapping_branches(value[-1]):
            return True
        if op == sre_constants.BRANCH:
            firsts = [_first_literals(branch) for branch in value[1]]
            if any(first == set() for first in firsts):
                return True
            for index, first in enumerate(firsts):
                for other in firsts[index + 1 :]:
                    if first is None or other is None or first & other:
                        return True
    return False


def _first_literals(branch: Iterable) -> set[int] | None:
    """The characters a branch can start with, or None when it could start with almost anything."""
    for op, value in branch:
        if op == sre_constants.LITERAL:
            return {value}
        if op == sre_constants.IN:
            chars = {v for o, v in value if o == sre_constants.LITERAL}
            return chars if all(o == sre_constants.LITERAL for o, _ in value) else None
        if op == sre_constants.AT:
            continue
        return None
    return set()


def regex_cues(question: Question) -> Iterator[tuple[str, str]]:
    """(field, pattern) for every regular-expression cue of the question."""
    for point in question.rubric:
        for name, cues in (("cues", point.cues), ("contradicted_by", point.contradicted_by)):
            for cue in cues:
                if cue.startswith(REGEX_CUE_PREFIX):
                    yield f"rubric.{point.id}.{name}", cue[len(REGEX_CUE_PREFIX) :]


def contradictions_of_own_texts(question: Question) -> Iterator[tuple[str, str, str]]:
    """(field, cue, sentence) where a contradicted_by cue matches the question's own reference or statements."""
    compared = compared_things(tuple(tuple(names) for names in question.compares))
    own = []
    for text in [question.reference_answer, *(p.statement for p in question.rubric)]:  # each read on its own
        sentences = split_sentences(text)
        readings = read_all((s.text for s in sentences), compared)
        own += [answer_sentence(s, r) for s, r in zip(sentences, readings, strict=True)]
    for point in question.rubric:
        for cue in point.contradicted_by:
            prepared = polar_cue(cue, read_all([cue], compared)[0])
            for sentence in own:
                if sentence.reading.asserted and prepared.stated_by(sentence):
                    yield f"rubric.{point.id}.contradicted_by", cue, sentence.sentence.text
                    break


def generic_cues(question: Question) -> Iterator[tuple[str, str]]:
    """(field, cue) for each support cue made only of common English words."""
    common = GENERIC_WORDS | COMMON_ENGLISH
    for point in question.rubric:
        for cue in point.cues:
            if cue.startswith(REGEX_CUE_PREFIX):
                pattern = cue[len(REGEX_CUE_PREFIX) :]
                if _CODE_PUNCTUATION.search(pattern):
                    continue
                words = set(content_stems(" ".join(_LITERAL_WORD.findall(_literal_text(pattern)))))
            else:
                words = set(content_stems(cue))
            if words and words <= common:
                yield f"rubric.{point.id}.cues", cue


def _literal_text(pattern: str) -> str:
    """The words a pattern spells out ("(each|every)\\s+time" gives "each every time")."""
    return re.sub(r"\\[A-Za-z]|[^A-Za-z]+", " ", pattern).lower()
