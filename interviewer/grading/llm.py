"""The LLM grader: a model reaches the verdicts, code checks them and computes the score.

One structured call returns, per rubric point, a verdict and the words of the answer
that support it, and the common mistakes with quotes. Every quote is checked against
the answer; a verdict whose quote is not there is not trusted. Screening (empty,
gibberish, keyword lists, sentences addressed to the grader) happens in code first, so
the model never sees those sentences. If the model fails or keeps replying off-schema,
the offline grader grades instead and the grade says so.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Literal

from pydantic import BaseModel, ConfigDict

from interviewer.grading.communication import assess
from interviewer.grading.feedback import write_feedback
from interviewer.grading.mistakes import applicable_mistakes, finding
from interviewer.grading.offline import OfflineGrader, derive_rubric
from interviewer.grading.scoring import VERDICT_CREDIT, compute_score
from interviewer.grading.text import content_stems, normalize, split_sentences
from interviewer.grading.window import graded_part
from interviewer.llm.base import ChatClient, ChatMessage, LLMError, LLMReplyInvalid, TokenUsage
from interviewer.models import Grade, PointVerdict, Question, RubricPoint
from interviewer.prompts import fence, fit, load_prompt
from interviewer.redaction import redact

DEFAULT_BUDGET = 1500
ANSWER_TAG = "candidate_answer"


class PointJudgement(BaseModel):
    model_config = ConfigDict(extra="forbid")

    point_id: str
    verdict: Literal["covered", "partial", "missing"]
    quote: str


class MistakeJudgement(BaseModel):
    model_config = ConfigDict(extra="forbid")

    mistake_id: str
    quote: str


class GradeReply(BaseModel):
    """What the model returns; everything else in a grade is computed by code."""

    model_config = ConfigDict(extra="forbid")

    points: list[PointJudgement]
    mistakes: list[MistakeJudgement]


_QUOTE_FOLD = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"', "\u2013": "-", "\u2014": "-"})


def _folded(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).translate(_QUOTE_FOLD).casefold()
    return re.sub(r"\s+", " ", text).strip()


def quote_in_answer(quote: str, answer: str) -> bool:
    """Whether the quote is the answer's own words, ignoring case, spacing and end punctuation.

    The quote must begin and end on word boundaries (unless an ellipsis marks it as cut
    short) and hold, among its whole words, at least one that carries meaning, so a
    fragment such as "(", "e", "the" or "...e...", which any answer contains, is not evidence.
    """
    folded = _folded(quote)
    # a quote cut short with an ellipsis may start or end mid-word (NFKC has made "…" into "...")
    cut_start = folded.lstrip(" ,;:!?\"'").startswith("...")
    cut_end = folded.rstrip(" ,;:!?\"'").endswith("...")
    wanted = folded.strip(" .,;:!?\"'").strip()
    whole_words = wanted.split()[int(cut_start) : len(wanted.split()) - int(cut_end)]
    if not content_stems(" ".join(whole_words)):
        return False
    pattern = ("" if cut_start else r"(?<!\w)") + re.escape(wanted) + ("" if cut_end else r"(?!\w)")
    return re.search(pattern, _folded(answer)) is not None


class LLMGrader:
    """Grades with a model through any :class:`ChatClient`; falls back to the offline grader."""

    def __init__(
        self,
        client: ChatClient,
        offline: OfflineGrader,
        *,
        budget_tokens: int = DEFAULT_BUDGET,
    ) -> None:
        self.client = client
        self.offline = offline
        self.budget_tokens = budget_tokens
        self.prompt = load_prompt("grading")
        self.name = client.name

    def grade(self, question: Question, answer: str, *, hints_used: int = 0) -> Grade:
        part = graded_part(answer)  # the model reads what the offline grader reads; its quotes must come from it
        grade = self._grade_part(question, part.text, hints_used)
        grade.length_note = part.note
        return grade

    def _grade_part(self, question: Question, answer: str, hints_used: int) -> Grade:
        rubric = question.rubric or derive_rubric(question.reference_answer)
        screening = self.offline.screen(question, answer)
        if screening.abstention is not None:
            return self.offline.grade(question, answer, hints_used=hints_used)
        # screening quotes sentences in normalised form (NFKC, no control or zero-width characters)
        cleaned = _without(normalize(answer), screening.injections)
        messages = self._messages(question, rubric, cleaned)
        try:
            reply, usage = self._ask(messages)
        except LLMError as exc:
            return self._fallback(question, answer, hints_used, str(exc), exc.usage)
        return self._grade_from(question, rubric, answer, cleaned, reply, hints_used, usage, screening.injections)

    def _messages(self, question: Question, rubric: list[RubricPoint], answer: str) -> list[ChatMessage]:
        applicable = applicable_mistakes(question, self.offline.mistakes)
        values = {
            "question_id": question.id,
            "prompt": question.prompt,
            "rubric": "\n".join(f"- {p.id}: {p.statement}" for p in rubric),
            "mistakes": "\n".join(f"- {m.id}: {m.description}" for m in applicable) or "- (none apply)",
            "reference": question.reference_answer.strip(),
            "answer": fence(answer, ANSWER_TAG),
        }
        return fit(self.prompt, self.client.model, self.budget_tokens, values, [("answer", 200), ("reference", 60)])

    def _ask(self, messages: list[ChatMessage]) -> tuple[GradeReply, TokenUsage]:
        """One call, and one repair attempt if the reply does not fit the schema."""
        try:
            result = self.client.parse(messages, GradeReply)
            return result.value, result.usage
        except LLMReplyInvalid as invalid:
            repair = [
                *messages,
                ChatMessage(role="assistant", content=invalid.raw[:4000]),
                ChatMessage(
                    role="user",
                    content=f"That reply was not valid: {invalid}. Reply again with only JSON that fits the schema.",
                ),
            ]
            try:
                result = self.client.parse(repair, GradeReply)
            except LLMError as again:
                again.usage = invalid.usage + again.usage
                raise
            return result.value, invalid.usage + result.usage

    def _grade_from(
        self,
        question: Question,
        rubric: list[RubricPoint],
        answer: str,
        cleaned: str,
        reply: GradeReply,
        hints_used: int,
        usage: TokenUsage,
        injections: list[str],
    ) -> Grade:
        judged = {j.point_id: j for j in reply.points}
        warnings: list[str] = []
        points = []
        offline = {p.point_id: p for p in self.offline.grade(question, answer, hints_used=hints_used).points}
        for point in rubric:
            judgement = judged.get(point.id)
            verdict, quote = ("missing", "") if judgement is None else (judgement.verdict, judgement.quote)
            if verdict != "missing" and not quote_in_answer(quote, cleaned):
                warnings.append(f"{point.id}: the model's quote is not in the answer, so the point is not credited.")
                verdict, quote = "missing", ""
            checked = PointVerdict(
                point_id=point.id,
                statement=point.statement,
                weight=point.weight,
                verdict=verdict,
                credit=VERDICT_CREDIT[verdict],
                evidence=quote.strip() or None,
            )
            points.append(self._confirmed(question, checked, offline.get(point.id), warnings))
        mistakes = []
        applicable = {m.id: m for m in applicable_mistakes(question, self.offline.mistakes)}
        for found in reply.mistakes:
            mistake = applicable.get(found.mistake_id)
            if mistake is None or any(m.mistake_id == mistake.id for m in mistakes):
                continue
            quoted = found.quote.strip()
            if quoted and not quote_in_answer(quoted, cleaned):
                warnings.append(f"{mistake.id}: the model's quote is not in the answer, so the mistake is not counted.")
                continue
            if not quoted and mistake.detector == "signals":
                continue  # a mistake of statement needs the statement
            mistakes.append(finding(mistake, quoted or None, mistake.description))
        sentences = split_sentences(cleaned)
        grade = Grade(
            question_id=question.id,
            grader=self.name,
            model=self.client.model,
            prompt_version=self.prompt.version,
            score=compute_score(points, mistakes, hints_used, self.offline.hint_penalty),
            points=points,
            mistakes=mistakes,
            communication=assess(cleaned, sentences, question.reference_answer),
            hints_used=hints_used,
            hint_penalty=hints_used * self.offline.hint_penalty,
            ignored_instructions=injections,
            warnings=warnings,
            usage=usage,
            model_answer=question.reference_answer.strip(),
        )
        grade.feedback = write_feedback(grade, grade.points)
        return grade

    def _confirmed(
        self, question: Question, judged: PointVerdict, offline: PointVerdict | None, warnings: list[str]
    ) -> PointVerdict:
        """The model's verdict on one point, as far as code can confirm it.

        - A point the answer gets backwards (the offline grader quotes the sentence) is not credited on
          the model's word, nor is a verdict whose quote has nothing to do with the point (none of its
          cues, no word of its statement that sets it apart, no WordNet relative of one): the offline
          grader's verdict stands.
        - A "covered" whose quote shares a word with the point but shows none of its cues, on a point the
          offline grader found nothing for, counts as partial: the model and the code disagree, and
          neither alone decides.
        - Otherwise the model's verdict stands.
        """
        if judged.verdict == "missing" or offline is None:
            return judged
        relation = self.offline.relates(question, judged.point_id, judged.evidence or "")
        if offline.contradiction:
            reason = f"the answer gets this point backwards (\u201c{offline.contradiction}\u201d)"
        elif relation is None:
            reason = "the model's quote has nothing to do with this point"
        elif relation == "word" and offline.credit == 0 and judged.verdict == "covered":
            warnings.append(
                f"{judged.point_id}: the model's quote names the point but shows none of its cues, so it counts "
                "as partial."
            )
            note = "The model said covered; its quote names the point but shows none of its cues, so: partial."
            return judged.model_copy(
                update={"verdict": "partial", "credit": VERDICT_CREDIT["partial"], "overruled": note}
            )
        else:
            return judged
        if offline.credit >= judged.credit:
            return judged
        warnings.append(f"{judged.point_id}: {reason}, so the model's verdict ({judged.verdict}) is not trusted.")
        return offline.model_copy(update={"overruled": f"The model said {judged.verdict}, but {reason}."})

    def _fallback(self, question: Question, answer: str, hints_used: int, reason: str, usage: TokenUsage) -> Grade:
        grade = self.offline.grade(question, answer, hints_used=hints_used)
        grade.fallback_reason = redact(f"The model could not grade this answer ({reason}); the offline grader did.")
        grade.usage = usage
        grade.model = self.client.model
        return grade


def _without(answer: str, sentences: list[str]) -> str:
    """The answer with ``sentences`` (its own, in the order they appear) cut out, in one pass."""
    kept: list[str] = []
    position = 0
    missed: list[str] = []
    for sentence in sentences:
        found = answer.find(sentence, position)
        if found < 0:
            missed.append(sentence)
            continue
        kept.append(answer[position:found])
        position = found + len(sentence)
    kept.append(answer[position:])
    cleaned = "".join(kept)
    for sentence in missed:  # not where expected: remove it wherever it is
        cleaned = cleaned.replace(sentence, "")
    return cleaned.strip()
