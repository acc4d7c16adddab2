"""Detecting the guide's common mistakes in an answer, with evidence.

What each mistake looks like is data (``question_bank/mistakes.toml``); this module
only knows the three ways a mistake can show: a telling sentence, the absence of
anything that would avoid it, or hard-to-read code.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from functools import lru_cache

from interviewer.grading.claims import Reading, fold_keeping_offsets, read
from interviewer.grading.text import Cue, Sentence, compile_cue, quote, words
from interviewer.linear_regex import LinearPattern, compile_linear
from interviewer.models import REGEX_CUE_PREFIX, CommonMistake, MistakeFinding, MistakeSignal, Question

LONG_CODE_LINE = 100
_NESTED_COMPREHENSION = re.compile(r"[\[{(][^\[\]{}()]*\bfor\b[^\[\]{}]*\bfor\b.*\bin\b", re.S)
_CLAUSE_BREAK = re.compile(
    r"[,;:()]|\s[-\u2013\u2014]\s|\b(?:but|whereas|while|although|though|however|and then)\b", re.I
)
_DENSE_CODE = (
    (re.compile(r"\breduce\(\s*lambda\b"), "reduce over a lambda"),
    (re.compile(r"\blambda\b[^:\n]*:[^\n]*\blambda\b[^:\n]*:"), "nested lambdas"),
    (
        re.compile(r"\bif\b[^\n]*\belse\b[^\n]*\bif\b[^\n]*\belse\b[^\n]*\bif\b[^\n]*\belse\b"),
        "chained conditional expressions",
    ),
    (re.compile(r";\s*\w+\s*=.*;"), "several statements packed on one line"),
)


def _terms(terms: Iterable[str]) -> list[Cue]:
    return [compile_cue(term) for term in terms]


def applicable_mistakes(question: Question, catalogue: Mapping[str, CommonMistake]) -> list[CommonMistake]:
    """The catalogue entries the question lists, in its order (unknown ids are the validator's business)."""
    return [catalogue[m] for m in question.mistakes if m in catalogue]


def finding(mistake: CommonMistake, evidence: str | None, explanation: str) -> MistakeFinding:
    """A catalogue mistake found in an answer, with its evidence (None for a mistake of omission)."""
    return MistakeFinding(
        mistake_id=mistake.id,
        name=mistake.name,
        penalty=mistake.penalty,
        advice=mistake.advice,
        evidence=evidence,
        explanation=explanation,
    )


def _phrase(term: str) -> str:
    """A mistake term as a pattern: a ``re:`` term as written, any other as a literal phrase (whole words,
    flexible spacing, simple inflections)."""
    if term.startswith(REGEX_CUE_PREFIX):
        return term[len(REGEX_CUE_PREFIX) :]
    parts = [re.escape(part) for part in re.split(r"[\s-]+", fold_keeping_offsets(term).strip()) if part]
    start = r"\b" if parts and parts[0][:1].isalnum() else ""
    return start + r"[\s-]+".join(parts) + r"(?:s|es|ed|ing)?(?:[^\w']|\Z)"


def _any_phrase(terms: Iterable[str], text: str) -> bool:
    return _phrases(tuple(terms)).search(text) is not None


@lru_cache(maxsize=1024)
def _phrases(terms: tuple[str, ...]) -> LinearPattern:
    """All the terms as one pattern (each as ``_phrase`` reads it), on the linear-time engine."""
    return compile_linear("|".join(f"(?:{_phrase(term)})" for term in terms) or r"[^\s\S]")


def _signal_at(signal: MistakeSignal, clause: str, subjects: tuple[str, ...] = ()) -> int | None:
    """Where in the clause the signal shows (its first group's match), or None.

    ``subjects``: the first groups' terms of all the mistake's signals. In a two-part signal (a model and the
    work it is wrongly paired with), the subject named last before the work must be the signal's own: in
    "threads or asyncio for I/O-bound jobs and processes for CPU-bound ones", I/O-bound work is paired with
    asyncio, not with processes."""
    if _any_phrase(signal.unless, clause):
        return None
    starts = []
    for group in signal.all_of:  # every group must show; the first one's match is where the signal is
        found = _phrases(tuple(group)).search(clause)
        if found is None:
            return None
        starts.append(found.start())
    if len(starts) == 2 and subjects:
        last = _last_match(_phrases(subjects), clause[: starts[1]])  # the subject named last before the work
        own = _phrases(tuple(signal.all_of[0])).search(clause, last) if last is not None else None
        if last is not None and (own is None or own.start() != last):
            return None
    return starts[0] if starts else None


def _last_match(pattern: LinearPattern, text: str) -> int | None:
    """Where the last match of the pattern in the text starts, or None."""
    last, found = None, pattern.search(text)
    while found is not None:
        last = found.start()
        found = pattern.search(text, max(found.end(), last + 1))
    return last


def _clauses(folded: str) -> list[tuple[int, str]]:
    """The clauses of a folded sentence, each with its offset."""
    spans, start = [], 0
    for found in _CLAUSE_BREAK.finditer(folded):
        spans.append((start, folded[start : found.start()]))
        start = found.end()
    spans.append((start, folded[start:]))
    return [(at, clause) for at, clause in spans if clause.strip()]


def _find_signal(mistake: CommonMistake, sentences: list[Sentence]) -> MistakeFinding | None:
    """The first sentence that shows one of the mistake's signals as the candidate's own claim: not in what
    others are said to believe ("people think asyncio runs coroutines in parallel, but ...") nor denied."""
    # a signal can show in a clause only if each of its groups shows somewhere in the answer (a clause is a piece
    # of the answer, folded the same way, and a phrase found in a piece is found in the whole): most signals are
    # ruled out at once
    whole = fold_keeping_offsets("\n".join(sentence.text for sentence in sentences))
    signals = [s for s in mistake.signals if all(_any_phrase(group, whole) for group in s.all_of)]
    if not signals:
        return None
    subjects = tuple(dict.fromkeys(term for s in mistake.signals for term in s.all_of[0]))
    for sentence in sentences:
        folded = fold_keeping_offsets(sentence.text)
        reading: Reading | None = None
        for start, clause in _clauses(folded):
            for signal in signals:
                at = _signal_at(signal, clause, subjects)
                if at is None:
                    continue
                reading = reading or read(sentence.text)
                if not (reading.reported_at(start + at) or reading.denied_at(start + at)):
                    return finding(mistake, quote(sentence), mistake.description)
    return None


def _find_absence(mistake: CommonMistake, text: str, whole: Sentence) -> MistakeFinding | None:
    word_count = len(whole.tokens)  # the whole answer's words
    if word_count < mistake.min_words or any(cue.matches(whole) for cue in _terms(mistake.markers)):
        return None
    return finding(mistake, None, f"{mistake.description} (Nothing in the {word_count}-word answer does this.)")


def _find_dense_code(mistake: CommonMistake, sentences: list[Sentence]) -> MistakeFinding | None:
    for sentence in sentences:
        line = sentence.text
        reasons = [label for pattern, label in _DENSE_CODE if pattern.search(line)]
        if _NESTED_COMPREHENSION.search(line) and len(line) > 60:
            reasons.append("a nested comprehension")
        if len(line) > LONG_CODE_LINE and sentence.is_code:
            reasons.append(f"a {len(line)}-character line")
        if reasons:
            return finding(mistake, quote(sentence), f"{mistake.description} (Here: {', '.join(reasons)}.)")
    return _find_signal(mistake, sentences)


def detect_mistakes(mistakes: Iterable[CommonMistake], sentences: list[Sentence], text: str) -> list[MistakeFinding]:
    whole = Sentence(text, frozenset(s for sentence in sentences for s in sentence.stems), tuple(words(text)))
    found: list[MistakeFinding] = []
    for mistake in mistakes:
        if mistake.detector == "signals":
            finding = _find_signal(mistake, sentences)
        elif mistake.detector == "absence":
            finding = _find_absence(mistake, text, whole)
        else:
            finding = _find_dense_code(mistake, sentences)
        if finding is not None:
            found.append(finding)
    return found
