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
from dataclasses import dataclass, replace
from typing import Literal

from interviewer.grading.claims import GENERIC_WORDS, Claim, compared_things, read, read_all
from interviewer.grading.communication import assess
from interviewer.grading.feedback import write_feedback
from interviewer.grading.mistakes import applicable_mistakes, detect_mistakes
from interviewer.grading.pronouns import with_subjects
from interviewer.grading.related_words import related_stems
from interviewer.grading.rubric_points import (
    AnswerSentence,
    PreparedPoint,
    TruthIndex,
    answer_sentence,
    judge_points,
    missing,
    pattern_screen,
    prepare_points,
    truth_index,
    verdict,
)
from interviewer.grading.scoring import HINT_PENALTY, compute_score
from interviewer.grading.screening import Screening, screen
from interviewer.grading.text import (
    Sentence,
    content_stems,
    key_stems,
    split_sentences,
    words,
)
from interviewer.grading.window import graded_part
from interviewer.linear_regex import PatternSet
from interviewer.models import CommonMistake, Grade, PointVerdict, Question, RubricPoint, Verdict

NAME = "offline"
MIN_WORDS_WITH_RUBRIC = 3
# Reference-only grading
ATTEMPT_SHARE = 0.4  # of the grade, earned by any answer that passes screening
RELATED_WORD_CREDIT = 0.5  # a key word said with a synonym or related form
COVERAGE_CURVE = 0.5  # a point's credit is (share of its key words) ** this: half the words earn 0.71
DERIVED_COVERED = 0.75
REFERENCE_WEIGHT = 10.0  # the derived points' weights add up to this
ATTEMPT_STATEMENT = "Answers the question in their own words"
_CLAUSE_SPLIT = re.compile(r"\s*(?:[;:]|,\s+(?:and|but|so|which|while|whereas)\b|\.\s+)\s*")


@dataclass(frozen=True)
class _ReferencePoint:
    point: RubricPoint
    stems: frozenset[str]
    key: tuple[str, ...] = ()  # the key word stems an answer restates


@dataclass(frozen=True)
class _PreparedQuestion:
    question: Question
    points: tuple[PreparedPoint, ...]
    reference_points: tuple[_ReferencePoint, ...]
    prompt_stems: frozenset[str]
    vocabulary: frozenset[str]
    prompt_keys: frozenset[str]
    truth: TruthIndex
    screen: PatternSet  # every regex cue of the rubric, to rule out at once the ones a sentence cannot match

    @property
    def derived(self) -> bool:
        return not self.points

    @property
    def point_words(self) -> list[frozenset[str]]:
        """Per rubric point, the words that name its idea (for telling a run of terms from an explanation)."""
        if self.points:
            return [p.stems.union(*(c.cue.stems for c in p.cues)) for p in self.points]
        return [frozenset(p.key) for p in self.reference_points if p.key]


class OfflineGrader:
    """Deterministic grading with no model: the default backend."""

    name = NAME

    def __init__(self, mistakes: Mapping[str, CommonMistake] | None = None, hint_penalty: float = HINT_PENALTY):
        self.mistakes = dict(mistakes or {})
        self.hint_penalty = hint_penalty
        self._prepared: dict[str, tuple[Question, _PreparedQuestion]] = {}

    def screen(self, question: Question, answer: str) -> Screening:
        """The checks made before grading: abstention, and sentences addressed to the grader.

        ``answer`` is the part of the answer that is graded (``window.graded_part``)."""
        prepared = self._prepare(question)
        return screen(
            split_sentences(answer),
            prepared.vocabulary,
            question.reference_answer,
            min_content_words=1 if prepared.derived else MIN_WORDS_WITH_RUBRIC,
            require_prose=not prepared.derived,
            point_words=prepared.point_words,
        )

    def grade(self, question: Question, answer: str, *, hints_used: int = 0) -> Grade:
        prepared = self._prepare(question)
        part = graded_part(answer)
        screening = self.screen(question, part.text)
        grade = Grade(
            question_id=question.id,
            grader=self.name,
            score=0.0,
            hints_used=hints_used,
            ignored_instructions=screening.injections,
            model_answer=question.reference_answer.strip(),
            length_note=part.note,
        )
        if screening.abstention is not None:
            grade.abstained = screening.abstention
            grade.abstention_reason = screening.reason
            grade.points = [missing(p.point) for p in (prepared.points or prepared.reference_points)]
            grade.feedback = write_feedback(grade, grade.points)
            return grade

        kept = screening.sentences
        text = "\n".join(s.text for s in kept)
        if prepared.derived:
            grade.points = _judge_reference_points(prepared.reference_points, kept, prepared.prompt_keys)
        else:
            readings = read_all((s.text for s in kept), prepared.truth.compared)
            answers = [answer_sentence(s, r, prepared.screen) for s, r in zip(kept, readings, strict=True)]
            answers = _with_subjects(answers, prepared)
            grade.points = judge_points(prepared.points, answers, prepared.prompt_stems, prepared.truth)
        grade.mistakes = detect_mistakes(applicable_mistakes(question, self.mistakes), kept, text)
        grade.communication = assess(text, kept, question.reference_answer)
        grade.hint_penalty = hints_used * self.hint_penalty
        grade.score = compute_score(grade.points, grade.mistakes, hints_used, self.hint_penalty)
        grade.feedback = write_feedback(grade, grade.points)
        return grade

    def relates(self, question: Question, point_id: str, text: str) -> Literal["cue", "word"] | None:
        """How the text bears on the point: "cue" when it shows one of the point's cues; "word" when it uses a
        word (or a WordNet relative of a word) of the point's statement that no other point of the question
        shares and the question does not ask; None when neither.

        Used to confirm a model's verdict: a quote that relates to none of this is not evidence for the point.
        """
        prepared = self._prepare(question)
        sentences = split_sentences(text)
        said = frozenset().union(*(s.stems for s in sentences))
        if prepared.points:
            point = next((p for p in prepared.points if p.point.id == point_id), None)
            if point is None:
                return None
            readings = read_all((s.text for s in sentences), prepared.truth.compared)
            answers = [answer_sentence(s, r, prepared.screen) for s, r in zip(sentences, readings, strict=True)]
            if any(cue.shown_by(a) for cue in point.cues for a in answers):
                return "cue"
            others = frozenset().union(*(p.stems for p in prepared.points if p is not point))
            own = point.stems - others
        else:
            point_ref = next((p for p in prepared.reference_points if p.point.id == point_id), None)
            own = frozenset(point_ref.key) if point_ref else frozenset(content_stems(text))
        distinctive = own - prepared.prompt_stems - GENERIC_WORDS
        if distinctive & said or any(related_stems(word) & said for word in distinctive):
            return "word"
        return None

    def _prepare(self, question: Question) -> _PreparedQuestion:
        cached = self._prepared.get(question.id)
        if cached is not None and cached[0] is question:
            return cached[1]
        compared = compared_things(tuple(tuple(names) for names in question.compares))
        points: tuple[PreparedPoint, ...] = ()
        reference_points: tuple[_ReferencePoint, ...] = ()
        facts: tuple[Claim, ...] = ()
        if question.rubric:
            points, facts = prepare_points(question, compared)
        else:
            reference_points = _reference_points(question)
        vocabulary = set(content_stems(question.prompt)) | set(content_stems(question.reference_answer))
        for p in points:
            vocabulary |= p.stems
            for cue in p.cues:
                vocabulary |= cue.cue.stems
        for r in reference_points:
            vocabulary |= r.stems
        if not points:  # a bare reference names few words: the topic also shows in their synonyms
            vocabulary |= set().union(*(related_stems(s) for s in vocabulary))
        prepared = _PreparedQuestion(
            question,
            points,
            reference_points,
            frozenset(content_stems(question.prompt)),
            frozenset(vocabulary),
            frozenset(key_stems(words(question.prompt))),
            truth_index(points, facts, compared),
            pattern_screen(points),
        )
        self._prepared[question.id] = (question, prepared)
        return prepared


def _with_subjects(answers: list[AnswerSentence], prepared: _PreparedQuestion) -> list[AnswerSentence]:
    """Each sentence that opens with "it" or "they", paired with a copy naming the subject it stands for."""
    resolved = with_subjects([a.sentence.text for a in answers])
    if not any(resolved):
        return answers
    paired = []
    for answer, text in zip(answers, resolved, strict=True):
        if text is not None:
            [sentence] = split_sentences(text)[:1] or [answer.sentence]
            copy = answer_sentence(sentence, read(sentence.text, prepared.truth.compared), prepared.screen)
            answer = replace(answer, resolved=copy)
        paired.append(answer)
    return paired


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


def _reference_points(question: Question) -> tuple[_ReferencePoint, ...]:
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
    points = [_ReferencePoint(attempt, frozenset())]
    for clause, key in keys:
        weighted = clause.model_copy(update={"weight": round(content_weight * len(key) / total, 3) or 0.001})
        points.append(_ReferencePoint(weighted, frozenset(content_stems(clause.statement)), key))
    return tuple(points)


def _judge_reference_points(
    points: tuple[_ReferencePoint, ...], sentences: list[Sentence], prompt_keys: frozenset[str]
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
            verdicts.append(verdict(prepared.point, "covered", 1.0, longest) if longest else missing(prepared.point))
            continue
        said = {k: _key_word_credit(k, answer_keys, prompt_keys) for k in prepared.key}
        share = sum(said.values()) / len(said)
        credit = share**COVERAGE_CURVE
        value: Verdict = "covered" if credit >= DERIVED_COVERED else "partial" if credit > 0 else "missing"
        best = max(
            range(len(sentences)),
            key=lambda i: sum(_key_word_credit(k, sentence_keys[i], prompt_keys) for k in said if said[k]),
            default=None,
        )
        evidence = sentences[best] if best is not None and value != "missing" else None
        verdicts.append(verdict(prepared.point, value, credit, evidence))
    return verdicts


def _key_word_credit(key: str, said: frozenset[str], prompt_keys: frozenset[str]) -> float:
    if key in said:
        return 1.0
    return RELATED_WORD_CREDIT if related_stems(key) & (said - prompt_keys) else 0.0
