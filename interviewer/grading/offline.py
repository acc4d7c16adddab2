"""The offline grader: rubric cues, statement similarity and mistake detection.

For each rubric point it looks for the sentence of the answer that best makes the
point, either by a cue (a phrase or pattern that shows the idea) or by sharing the
statement's meaningful words, and quotes that sentence as evidence.

A question with no rubric (a user's own question, an evaluation data set) is graded
against its reference answer alone: one point per clause of the reference, earned by
restating the clause's key words (the question's own words aside) exactly or with a
WordNet synonym or related form, plus a point for any real attempt, since a reference
answer cannot show that different wording is wrong. See docs/grading.md.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from interviewer.grading.communication import assess
from interviewer.grading.feedback import write_feedback
from interviewer.grading.mistakes import applicable_mistakes, detect_mistakes
from interviewer.grading.related_words import related_stems
from interviewer.grading.scoring import HINT_PENALTY, VERDICT_CREDIT, compute_score
from interviewer.grading.screening import Screening, screen
from interviewer.grading.text import (
    Cue,
    Sentence,
    compile_cue,
    content_stems,
    key_stems,
    quote,
    split_sentences,
    words,
)
from interviewer.models import CommonMistake, Grade, PointVerdict, Question, RubricPoint, Verdict

NAME = "offline"
QUESTION_WORD_WEIGHT = 0.6  # words the question already says are weak evidence of understanding
MIN_WORDS_WITH_RUBRIC = 3
PARAPHRASE_COVERED = 0.6
PARAPHRASE_PARTIAL = 0.4
CUE_SENTENCE_MIN_STEMS = 4
NAMED_ONLY_CREDIT = 0.85  # a covered point shown by a single cue in a sentence that shares little of the point
NAMED_ONLY_SIMILARITY = 0.2
RESTATEMENT_NEW_WORDS = 0.2
# Reference-only grading
ATTEMPT_SHARE = 0.4  # of the grade, earned by any answer that passes screening
RELATED_WORD_CREDIT = 0.5  # a key word said with a synonym or related form
COVERAGE_CURVE = 0.5  # a point's credit is (share of its key words) ** this: half the words earn 0.71
DERIVED_COVERED = 0.75
REFERENCE_WEIGHT = 10.0  # the derived points' weights add up to this
ATTEMPT_STATEMENT = "Answers the question in their own words"
_CLAUSE_SPLIT = re.compile(r"\s*(?:[;:]|,\s+(?:and|but|so|which|while|whereas)\b|\.\s+)\s*")


@dataclass(frozen=True)
class _PreparedPoint:
    point: RubricPoint
    stems: frozenset[str]
    cues: tuple[Cue, ...]
    key: tuple[str, ...] = ()
    contradictions: tuple[Cue, ...] = ()  # reference-only points: the key word stems an answer restates


@dataclass(frozen=True)
class _PreparedQuestion:
    question: Question
    points: tuple[_PreparedPoint, ...]
    derived: bool
    prompt_stems: frozenset[str]
    vocabulary: frozenset[str]
    prompt_keys: frozenset[str]


class OfflineGrader:
    """Deterministic grading with no model: the default backend."""

    name = NAME

    def __init__(self, mistakes: Mapping[str, CommonMistake] | None = None, hint_penalty: float = HINT_PENALTY):
        self.mistakes = dict(mistakes or {})
        self.hint_penalty = hint_penalty
        self._prepared: dict[str, tuple[Question, _PreparedQuestion]] = {}

    def screen(self, question: Question, answer: str) -> Screening:
        """The checks made before grading: abstention, and sentences addressed to the grader."""
        prepared = self._prepare(question)
        return screen(
            split_sentences(answer),
            prepared.vocabulary,
            question.reference_answer,
            min_content_words=1 if prepared.derived else MIN_WORDS_WITH_RUBRIC,
            require_prose=not prepared.derived,
        )

    def grade(self, question: Question, answer: str, *, hints_used: int = 0) -> Grade:
        prepared = self._prepare(question)
        screening = self.screen(question, answer)
        grade = Grade(
            question_id=question.id,
            grader=self.name,
            score=0.0,
            hints_used=hints_used,
            ignored_instructions=screening.injections,
            model_answer=question.reference_answer.strip(),
        )
        if screening.abstention is not None:
            grade.abstained = screening.abstention
            grade.abstention_reason = screening.reason
            grade.points = [_missing(p.point) for p in prepared.points]
            grade.feedback = write_feedback(grade, grade.points)
            return grade

        kept = screening.sentences
        text = "\n".join(s.text for s in kept)
        evidence = [s for s in kept if not _restates(s, prepared.prompt_stems)]
        if prepared.derived:
            grade.points = _judge_reference_points(prepared.points, kept, prepared.prompt_keys)
        else:
            grade.points = [_judge_point(p, evidence, prepared.prompt_stems) for p in prepared.points]
        grade.mistakes = detect_mistakes(applicable_mistakes(question, self.mistakes), kept, text)
        grade.communication = assess(text, kept, question.reference_answer)
        grade.hint_penalty = hints_used * self.hint_penalty
        grade.score = compute_score(grade.points, grade.mistakes, hints_used, self.hint_penalty)
        grade.feedback = write_feedback(grade, grade.points)
        return grade

    def _prepare(self, question: Question) -> _PreparedQuestion:
        cached = self._prepared.get(question.id)
        if cached is not None and cached[0] is question:
            return cached[1]
        derived = not question.rubric
        if derived:
            points = _reference_points(question)
        else:
            points = tuple(
                _PreparedPoint(
                    p,
                    frozenset(content_stems(p.statement)),
                    tuple(compile_cue(c) for c in p.cues),
                    contradictions=tuple(compile_cue(c) for c in p.contradicted_by),
                )
                for p in question.rubric
            )
        vocabulary = set(content_stems(question.prompt)) | set(content_stems(question.reference_answer))
        for p in points:
            vocabulary |= p.stems
            for cue in p.cues:
                vocabulary |= cue.stems
        if derived:  # a bare reference names few words: the topic also shows in their synonyms
            vocabulary |= set().union(*(related_stems(s) for s in vocabulary))
        prepared = _PreparedQuestion(
            question,
            points,
            derived,
            frozenset(content_stems(question.prompt)),
            frozenset(vocabulary),
            frozenset(key_stems(words(question.prompt))),
        )
        self._prepared[question.id] = (question, prepared)
        return prepared


def derive_rubric(reference: str) -> list[RubricPoint]:
    """Points from a reference answer: one per clause that carries at least two ideas."""
    clauses = [c.strip(" .,") for c in _CLAUSE_SPLIT.split(reference.strip()) if c.strip(" .,")]
    merged: list[str] = []
    for clause in clauses:
        if merged and len(set(content_stems(clause))) < 2:
            merged[-1] = f"{merged[-1]}; {clause}"
        else:
            merged.append(clause)
    points = []
    for index, clause in enumerate(merged, start=1):
        stems = set(content_stems(clause))
        if stems:
            points.append(RubricPoint(id=f"p{index}", statement=clause, weight=min(10.0, float(len(stems)))))
    if not points:
        points.append(RubricPoint(id="p1", statement=reference.strip() or "(no reference)", weight=1.0))
    return points


def _reference_points(question: Question) -> tuple[_PreparedPoint, ...]:
    """The attempt point, then one point per reference clause weighted by its new key words."""
    prompt_keys = set(key_stems(words(question.prompt)))
    clauses = derive_rubric(question.reference_answer)
    keys: list[tuple[RubricPoint, tuple[str, ...]]] = []
    seen: set[str] = set()
    for clause in clauses:
        key = tuple(s for s in dict.fromkeys(key_stems(words(clause.statement))) if s not in prompt_keys | seen)
        seen.update(key)
        if key:
            keys.append((clause, key))
    if not keys:  # the reference only restates the question: its words are all there is to check
        keys = [(c, tuple(dict.fromkeys(key_stems(words(c.statement))))) for c in clauses]
        keys = [(c, k) for c, k in keys if k]
    total = sum(len(k) for _, k in keys)
    content_weight = REFERENCE_WEIGHT * (1 - ATTEMPT_SHARE)
    attempt = RubricPoint(id="attempt", statement=ATTEMPT_STATEMENT, weight=REFERENCE_WEIGHT * ATTEMPT_SHARE)
    points = [_PreparedPoint(attempt, frozenset(), ())]
    for clause, key in keys:
        weighted = clause.model_copy(update={"weight": round(content_weight * len(key) / total, 3) or 0.001})
        points.append(_PreparedPoint(weighted, frozenset(content_stems(clause.statement)), (), key))
    return tuple(points)


def _restates(sentence: Sentence, prompt_stems: frozenset[str]) -> bool:
    """A sentence that only repeats the question's words is not evidence of an answer."""
    return bool(sentence.stems) and len(sentence.stems - prompt_stems) <= RESTATEMENT_NEW_WORDS * len(sentence.stems)


def _missing(point: RubricPoint) -> PointVerdict:
    return PointVerdict(
        point_id=point.id, statement=point.statement, weight=point.weight, verdict="missing", credit=0.0
    )


def _similarity(point_stems: frozenset[str], stems: frozenset[str], prompt_stems: frozenset[str]) -> float:
    """Weighted share of the statement's words that the text also uses."""
    if not point_stems:
        return 0.0
    weight = {s: QUESTION_WORD_WEIGHT if s in prompt_stems else 1.0 for s in point_stems}
    return sum(weight[s] for s in point_stems & stems) / sum(weight.values())


def _verdict(point: RubricPoint, verdict: Verdict, credit: float, evidence: Sentence | None) -> PointVerdict:
    return PointVerdict(
        point_id=point.id,
        statement=point.statement,
        weight=point.weight,
        verdict=verdict,
        credit=round(credit, 3),
        evidence=quote(evidence) if evidence is not None else None,
    )


def _judge_point(prepared: _PreparedPoint, sentences: list[Sentence], prompt_stems: frozenset[str]) -> PointVerdict:
    """Covered when a cue appears in a real sentence or the statement is paraphrased; missed if contradicted."""
    for sentence in sentences:
        if any(cue.matches(sentence) for cue in prepared.contradictions):
            return _missing(prepared.point).model_copy(update={"contradiction": quote(sentence)})
    best: tuple[float, Verdict, Sentence | None, int, float] = (0.0, "missing", None, 0, 0.0)
    for sentence in sentences:
        hits = sum(cue.matches(sentence) for cue in prepared.cues)
        similarity = _similarity(prepared.stems, sentence.stems, prompt_stems)
        if hits and (hits >= 2 or similarity >= 0.2 or len(sentence.stems) >= CUE_SENTENCE_MIN_STEMS):
            candidate: tuple[float, Verdict] = (2.0 + hits + similarity, "covered")
        elif similarity >= PARAPHRASE_COVERED:
            candidate = (1.5 + similarity, "covered")
        elif hits or similarity >= PARAPHRASE_PARTIAL:
            candidate = (1.0 + similarity, "partial")
        else:
            continue
        if candidate[0] > best[0]:
            best = (candidate[0], candidate[1], sentence, hits, similarity)
    _, verdict, evidence, hits, similarity = best
    credit = VERDICT_CREDIT[verdict]
    # one cue and little else of the point: the idea is named rather than explained
    if verdict == "covered" and hits == 1 and similarity < NAMED_ONLY_SIMILARITY:
        credit = NAMED_ONLY_CREDIT
    return _verdict(prepared.point, verdict, credit, evidence)


def _judge_reference_points(
    points: tuple[_PreparedPoint, ...], sentences: list[Sentence], prompt_keys: frozenset[str]
) -> list[PointVerdict]:
    """Credit per clause from the share of its key words restated; the attempt point for any real answer.

    Only the answer's own words count through a synonym: the question's words, echoed back, do not.
    """
    sentence_keys = [frozenset(key_stems(s.tokens)) for s in sentences]
    answer_keys = frozenset().union(*sentence_keys)
    verdicts = []
    for prepared in points:
        if not prepared.key:
            longest = max(sentences, key=lambda s: len(s.stems), default=None)
            verdicts.append(_verdict(prepared.point, "covered", 1.0, longest) if longest else _missing(prepared.point))
            continue
        said = {k: _key_word_credit(k, answer_keys, prompt_keys) for k in prepared.key}
        share = sum(said.values()) / len(said)
        credit = share**COVERAGE_CURVE
        verdict: Verdict = "covered" if credit >= DERIVED_COVERED else "partial" if credit > 0 else "missing"
        best = max(
            range(len(sentences)),
            key=lambda i: sum(_key_word_credit(k, sentence_keys[i], prompt_keys) for k in said if said[k]),
            default=None,
        )
        evidence = sentences[best] if best is not None and verdict != "missing" else None
        verdicts.append(_verdict(prepared.point, verdict, credit, evidence))
    return verdicts


def _key_word_credit(key: str, said: frozenset[str], prompt_keys: frozenset[str]) -> float:
    if key in said:
        return 1.0
    return RELATED_WORD_CREDIT if related_stems(key) & (said - prompt_keys) else 0.0
