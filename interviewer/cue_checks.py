"""Checks on the bank's cues that need the grader's reading of text.

- Regular expressions need no check of their own here: they run on a linear-time engine
  (``interviewer.linear_regex``), and one it cannot run is refused when the bank is loaded.
- A ``contradicted_by`` cue that matches the question's own reference answer or a rubric
  statement would mark the right answer as wrong: it is refused.
- A cue made only of common words ("each time", "is fine") matches sentences that have
  nothing to do with its point, and a rubric point with no ``contradicted_by`` cue cannot
  catch the usual way of getting it backwards: both are reported as warnings.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

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
_LITERAL_WORD = re.compile(r"[a-z][a-z0-9_]+")
_CODE_PUNCTUATION = re.compile(r"\\[.(\[{=]|[_@]|\\\\|__")  # a pattern that spells code (`.result(`, `__eq__`)


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
