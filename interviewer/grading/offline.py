"""The offline grader: rubric cues, statement similarity and mistake detection.

For each rubric point it looks for the sentence of the answer that best makes the
point, either by a cue (a phrase or pattern that shows the idea) or by sharing the
statement's meaningful words, and quotes that sentence as evidence. A question with
no rubric (a user's own question, an evaluation data set) is graded against points
derived from its reference answer, clause by clause.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from interviewer.grading.communication import assess
from interviewer.grading.feedback import write_feedback
from interviewer.grading.mistakes import applicable_mistakes, detect_mistakes
from interviewer.grading.scoring import HINT_PENALTY, VERDICT_CREDIT, compute_score
from interviewer.grading.screening import Screening, screen
from interviewer.grading.text import Cue, Sentence, compile_cue, content_stems, quote, split_sentences
from interviewer.models import CommonMistake, Grade, PointVerdict, Question, RubricPoint, Verdict

NAME = "offline"
QUESTION_WORD_WEIGHT = 0.6  # words the question already says are weak evidence of understanding
MIN_WORDS_WITH_RUBRIC = 3
PARAPHRASE_COVERED = 0.6
PARAPHRASE_PARTIAL = 0.4
CUE_SENTENCE_MIN_STEMS = 4
RESTATEMENT_NEW_WORDS = 0.2
DERIVED_FLOOR = 0.0
DERIVED_FULL = 0.5
_CLAUSE_SPLIT = re.compile(r"\s*(?:[;:]|,\s+(?:and|but|so|which|while|whereas)\b|\.\s+)\s*")


@dataclass(frozen=True)
class _PreparedPoint:
    point: RubricPoint
    stems: frozenset[str]
    cues: tuple[Cue, ...]


@dataclass(frozen=True)
class _PreparedQuestion:
    question: Question
    points: tuple[_PreparedPoint, ...]
    derived: bool
    prompt_stems: frozenset[str]
    vocabulary: frozenset[str]


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
            min_content_words=MIN_WORDS_WITH_RUBRIC if not prepared.derived else _derived_min_words(prepared),
            require_prose=True,
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
            grade.points = [_judge_derived(p, evidence, prepared.prompt_stems) for p in prepared.points]
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
        rubric = question.rubric or derive_rubric(question.reference_answer)
        points = tuple(
            _PreparedPoint(p, frozenset(content_stems(p.statement)), tuple(compile_cue(c) for c in p.cues))
            for p in rubric
        )
        vocabulary = set(content_stems(question.prompt)) | set(content_stems(question.reference_answer))
        for p in points:
            vocabulary |= p.stems
            for cue in p.cues:
                vocabulary |= cue.stems
        prepared = _PreparedQuestion(
            question, points, derived, frozenset(content_stems(question.prompt)), frozenset(vocabulary)
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


def _restates(sentence: Sentence, prompt_stems: frozenset[str]) -> bool:
    """A sentence that only repeats the question's words is not evidence of an answer."""
    return bool(sentence.stems) and len(sentence.stems - prompt_stems) <= RESTATEMENT_NEW_WORDS * len(sentence.stems)


def _derived_min_words(prepared: _PreparedQuestion) -> int:
    reference_size = sum(len(p.stems) for p in prepared.points)
    return max(1, min(MIN_WORDS_WITH_RUBRIC, reference_size // 4))


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
    """Covered when a cue appears in a real sentence or the statement is paraphrased."""
    best: tuple[float, Verdict, Sentence | None] = (0.0, "missing", None)
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
            best = (candidate[0], candidate[1], sentence)
    _, verdict, evidence = best
    return _verdict(prepared.point, verdict, VERDICT_CREDIT[verdict], evidence)


def _judge_derived(prepared: _PreparedPoint, sentences: list[Sentence], prompt_stems: frozenset[str]) -> PointVerdict:
    """Credit in proportion to how much of the reference clause the answer restates."""
    answer_stems = frozenset().union(*(s.stems for s in sentences)) if sentences else frozenset()
    similarity = _similarity(prepared.stems, answer_stems, prompt_stems)
    credit = min(1.0, max(0.0, (similarity - DERIVED_FLOOR) / (DERIVED_FULL - DERIVED_FLOOR)))
    verdict: Verdict = "covered" if credit >= 0.75 else "partial" if credit > 0 else "missing"
    evidence = max(sentences, key=lambda s: len(s.stems & prepared.stems), default=None)
    if evidence is not None and not (evidence.stems & prepared.stems):
        evidence = None
    return _verdict(prepared.point, verdict, credit, evidence if verdict != "missing" else None)
