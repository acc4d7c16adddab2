"""Judging a bank rubric point: the sentence that asserts it, or the one that gets it backwards.

A cue counts only where the answer asserts it: "tuples are not immutable" does not show
the cue "immutable", and a cue that carries its own negation ("can't be changed") needs
the negation. A point is contradicted, and so missed with the sentence quoted, when an
asserted clause of the answer conflicts with what the point, or a sentence of the
reference answer that makes the point, claims (``claim_conflicts.conflicts``), or when it matches
one of the point's ``contradicted_by`` cues.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property, lru_cache

from interviewer.grading.claim_conflicts import conflicts, index_keys, lookup_keys
from interviewer.grading.claims import Claim, Compared, Reading, named_things, read, read_all
from interviewer.grading.contrasts import Contrast, contrasts_in, swapped, swaps
from interviewer.grading.filler import vague
from interviewer.grading.related_words import related_stems
from interviewer.grading.scoring import VERDICT_CREDIT
from interviewer.grading.text import Cue, Sentence, compile_cue, content_stems, quote, split_sentences, words
from interviewer.linear_regex import Found, PatternSet
from interviewer.models import PointVerdict, Question, RubricPoint, Verdict

QUESTION_WORD_WEIGHT = 0.6  # words the question already says are weak evidence of understanding
PARAPHRASE_COVERED = 0.6
PARAPHRASE_PARTIAL = 0.4
CUE_SENTENCE_MIN_STEMS = 4
NAMED_ONLY_SIMILARITY = 0.2  # one cue in a sentence sharing less of the point than this: named, not explained
RESTATEMENT_NEW_WORDS = 0.2
RELATED_WORD_SHARE = 0.5  # a statement word said with a WordNet synonym or related form counts this much
DOUBTED_CREDIT = 0.5  # a covered point's credit at most, in an answer that gets another point backwards
# ... and in an answer with two or more sentences that get points backwards: the right words beside two
# misconceptions are names, not understanding (one sentence, however many points it cancels, is one)
MISCONCEIVED_CREDIT = 0.35
MISCONCEPTIONS_FOR_DOUBT = 2
LIST_MIN_ITEMS = 3  # a sentence with this many bare terms, at least half its clauses, is a list
LIST_ITEM_WORDS = 2
MAX_POINTS_PER_MISTAKE = 2  # one wrong sentence is one misconception: it cancels at most this many points
# words that say a direction in pairs: a phrase cue holding both says them in an order that matters
DIRECTIONS = (
    ("top", "bottom"),
    ("bottom", "top"),
    ("inside", "out"),
    ("outside", "in"),
    ("left", "right"),
    ("right", "left"),
    ("inner", "outer"),
    ("outer", "inner"),
    ("innermost", "outermost"),
    ("outermost", "innermost"),
)


@dataclass(frozen=True)
class PolarCue:
    """A cue, and for a phrase cue whether each of its words is asserted or denied in it, and its clauses."""

    cue: Cue
    polarity: Mapping[str, bool]
    claims: tuple[Claim, ...] = ()

    @cached_property
    def words(self) -> frozenset[str]:
        return frozenset(word for claim in self.claims for word in claim.said)

    @cached_property
    def directions(self) -> tuple[tuple[str, str], ...]:
        """The pairs of direction words the phrase cue says in an order ("top to bottom", "left to right")."""
        said = words(self.cue.source)
        return tuple((a, b) for a, b in DIRECTIONS if a in said and b in said and said.index(a) < said.index(b))

    def in_order(self, answer: AnswerSentence) -> bool:
        """Whether the sentence says each of the cue's direction pairs the same way round ("applied bottom to
        top" is not "applied from top to bottom")."""
        tokens = answer.sentence.tokens
        for first, second in self.directions:
            if first not in tokens or second not in tokens:
                continue
            if tokens.index(first) > len(tokens) - 1 - tokens[::-1].index(second):
                return False
        return True

    def stated_by(self, answer: AnswerSentence) -> bool:
        """Whether the sentence states what the cue states, clause by clause, of the same compared thing.

        Stricter than ``shown_by``: every clause of a phrase cue must be one clause of the
        answer ("tuples can be changed" is not "lists can be changed, tuples can't").
        """
        if self.cue.pattern is not None or not self.claims:
            found = answer.search(self.cue)
            # "slower than a shallow copy because it ...": the named thing is the other side
            return _own_match(answer, found) and not answer.reading.contrasted_at(found.start())
        if not self.words <= answer.claimed or not self.in_order(answer):
            return False
        return all(
            any(
                cue.said.items() <= claim.said.items() and cue.about <= claim.about
                for claim in answer.reading.claims
                if claim.asserted and not claim.elided
            )
            for cue in self.claims
        )

    def shown_by(self, answer: AnswerSentence) -> bool:
        """Whether the sentence says what the cue says: the words, each asserted or denied as in the cue."""
        cue = self.cue
        reading = answer.reading
        if cue.pattern is not None:
            return _own_match(answer, answer.search(cue))
        if not cue.stems or not cue.stems <= answer.sentence.stems or cue.stems & reading.not_claimed:
            return False
        if not self.in_order(answer):
            return False
        said = reading.polarity
        return all(self.polarity.get(s, True) in said.get(s, frozenset({True})) for s in cue.stems)


def _own_match(answer: AnswerSentence, found: Found | None) -> bool:
    """Whether a regex cue's match is the speaker's own claim: not denied, reported or said of one particular
    thing, and not inside a word negated by a prefix."""
    return (
        found is not None
        and answer.reading.own_claim_at(found.start())
        and not negative_prefix(answer.sentence.text, found.start())
    )


def negative_prefix(text: str, start: int) -> bool:
    """Whether the text at ``start`` is the second half of a word negated by a prefix: "non-idempotent" does
    not show a cue that matches "idempotent"."""
    for prefix in ("non-", "non", "un-"):
        head = start - len(prefix)
        if head >= 0 and text[head:start].lower() == prefix:
            return head == 0 or not text[head - 1].isalnum()
    return False


@dataclass(frozen=True)
class AnswerSentence:
    """A sentence of the answer with its reading, and the stems it asserts rather than denies."""

    sentence: Sentence
    reading: Reading
    asserted: frozenset[str]
    possible: frozenset[int] | None = None  # the regex cues whose skeleton the sentence matches (None: not screened)
    # the sentence with its leading "it"/"they" replaced by the subject named before (``pronouns``): only
    # misconception patterns are run on it
    resolved: AnswerSentence | None = None

    def search(self, cue: Cue) -> Found | None:
        """Where a regex cue matches the sentence (a cue the screen ruled out is not run)."""
        if self.possible is not None and id(cue.pattern) not in self.possible:
            return None
        return cue.search(self.sentence)

    def lookups(self, compared: Compared) -> list[tuple[Claim, set[str]]]:
        """Each asserted clause with the keys of the facts it could relate to (worked out once per sentence)."""
        found = self.__dict__.get("_lookups")
        if found is None:
            found = [(c, lookup_keys(c, compared)) for c in self.reading.claims if c.asserted and c.said]
            self.__dict__["_lookups"] = found
        return found

    @cached_property
    def waves(self) -> bool:
        """Whether the sentence waves at an idea instead of saying it (``filler.vague``), worked out once."""
        return vague(self.sentence)

    @cached_property
    def listed(self) -> bool:
        """Whether the sentence is mostly a run of bare terms ("top, bottom, outermost, innermost"): what it
        names, it names; it does not explain how they relate."""
        claims = self.reading.claims
        bare = sum(c.verbless and 0 < len(c.said) <= LIST_ITEM_WORDS for c in claims)
        return bare >= LIST_MIN_ITEMS and 2 * bare >= len(claims)

    @cached_property
    def words(self) -> frozenset[str]:
        """The sentence's stems and every word its clauses say: what any cue of it must be made of."""
        return self.sentence.stems | self.claimed

    @cached_property
    def claimed(self) -> frozenset[str]:
        """Every word some clause of the sentence says (asserted or denied)."""
        return frozenset(word for claim in self.reading.claims for word in claim.said)


@dataclass(frozen=True)
class PreparedPoint:
    point: RubricPoint
    stems: frozenset[str]
    cues: tuple[PolarCue, ...]
    contradictions: tuple[PolarCue, ...]
    claims: tuple[Claim, ...]  # what the point, and the reference sentences that make it, claim
    subject: frozenset[int] = frozenset()  # the one compared thing the statement names, if it names only one
    contrasts: tuple[Contrast, ...] = ()  # lines the point, or its reference sentences, draw ("X, not Y")

    @cached_property
    def vocabulary(self) -> frozenset[str]:
        """The words of the point's statement and of its phrase cues."""
        return self.stems.union(*(cue.cue.stems for cue in self.cues))

    @cached_property
    def fact_ids(self) -> frozenset[int]:
        return frozenset(id(fact) for fact in self.claims)

    @cached_property
    def _cue_keys(self) -> tuple[tuple[PolarCue, str | None], ...]:
        return tuple((cue, _key_word(cue.cue.stems)) for cue in self.cues)

    @cached_property
    def _contradiction_keys(self) -> tuple[tuple[PolarCue, str | None], ...]:
        return tuple(
            (cue, None if cue.cue.pattern is not None else _key_word(cue.words)) for cue in self.contradictions
        )

    def candidates(self, lowered: str, possible: frozenset[int] | None = None) -> Candidates:
        """The cues that could hold somewhere in an answer (``lowered``: all of it in lower case; ``possible``:
        the regex cues whose skeleton some sentence matches, when the sentences were screened)."""

        def could(cue: Cue) -> bool:
            if cue.pattern is None:
                return True
            return id(cue.pattern) in possible if possible is not None else cue.could_match(lowered)

        def live(keyed: tuple[tuple[PolarCue, str | None], ...]) -> tuple[tuple[PolarCue, str | None], ...]:
            return tuple((cue, key) for cue, key in keyed if could(cue.cue))

        return Candidates(live(self._cue_keys), live(self._contradiction_keys))


@dataclass(frozen=True)
class Candidates:
    """A point's cues that could hold in one answer: a regex cue needing a string the answer lacks is left out."""

    cues: tuple[tuple[PolarCue, str | None], ...]
    contradictions: tuple[tuple[PolarCue, str | None], ...]

    def cues_for(self, answer: AnswerSentence) -> list[PolarCue]:
        """The support cues that could hold in the sentence: a phrase cue's key word is among its words, a regex
        cue's skeleton matches it (or the sentence was not screened)."""
        return _could_hold(self.cues, answer.sentence.stems, answer.possible)

    def contradictions_for(self, answer: AnswerSentence) -> list[PolarCue]:
        """The misconception cues that could hold in the sentence (its words: also those its clauses say)."""
        return _could_hold(self.contradictions, answer.words, answer.possible)


def _could_hold(
    keyed: tuple[tuple[PolarCue, str | None], ...], words: frozenset[str], possible: frozenset[int] | None
) -> list[PolarCue]:
    return [
        cue
        for cue, key in keyed
        if (key in words if key is not None else possible is None or id(cue.cue.pattern) in possible)
    ]


def _key_word(words: frozenset[str]) -> str | None:
    """One word a cue cannot match without (its longest), or None for a pattern."""
    return max(sorted(words), key=len) if words else None


def file_facts(facts: tuple[Claim, ...], compared: Compared) -> dict[str, tuple[Claim, ...]]:
    """The facts filed under every word a related clause could share with them (``claims.index_keys``)."""
    filed: dict[str, list[Claim]] = {}
    for fact in facts:
        for key in index_keys(fact, compared):
            filed.setdefault(key, []).append(fact)
    return {key: tuple(found) for key, found in filed.items()}


def polar_cue(source: str, reading: Reading) -> PolarCue:
    cue = compile_cue(source)
    polarity = {s: True in reading.polarity.get(s, frozenset({True})) for s in cue.stems}
    return PolarCue(cue, polarity, tuple(c for c in reading.claims if c.said))


def answer_sentence(sentence: Sentence, reading: Reading, screen: PatternSet | None = None) -> AnswerSentence:
    """The sentence ready to judge; ``screen``: the question's regex cues, to rule most of them out at once."""
    denied_only = {s for s, ways in reading.polarity.items() if ways == frozenset({False})}
    possible = screen.possible(sentence.text) if screen is not None else None
    return AnswerSentence(sentence, reading, sentence.stems - denied_only - reading.not_claimed, possible)


def pattern_screen(points: tuple[PreparedPoint, ...]) -> PatternSet:
    """Every regex cue of the points, support and misconception, in one set."""
    return PatternSet(
        cue.cue.pattern for p in points for cue in (*p.cues, *p.contradictions) if cue.cue.pattern is not None
    )


def restates(sentence: Sentence, prompt_stems: frozenset[str]) -> bool:
    """A sentence that only repeats the question's words is not evidence of an answer."""
    return bool(sentence.stems) and len(sentence.stems - prompt_stems) <= RESTATEMENT_NEW_WORDS * len(sentence.stems)


def missing(point: RubricPoint) -> PointVerdict:
    return PointVerdict(
        point_id=point.id, statement=point.statement, weight=point.weight, verdict="missing", credit=0.0
    )


def verdict(point: RubricPoint, value: Verdict, credit: float, evidence: Sentence | None) -> PointVerdict:
    return PointVerdict(
        point_id=point.id,
        statement=point.statement,
        weight=point.weight,
        verdict=value,
        credit=round(credit, 3),
        evidence=quote(evidence) if evidence is not None else None,
    )


def similarity(point_stems: frozenset[str], stems: frozenset[str], prompt_stems: frozenset[str]) -> float:
    """Weighted share of the statement's words that the text also uses (a WordNet relative at half weight)."""
    if not point_stems:
        return 0.0
    weight, total = _weights(point_stems, prompt_stems)
    said = sum(weight[s] for s in point_stems & stems)
    said += RELATED_WORD_SHARE * sum(weight[s] for s in point_stems - stems if not related_stems(s).isdisjoint(stems))
    return said / total


@lru_cache(maxsize=4096)
def _weights(point_stems: frozenset[str], prompt_stems: frozenset[str]) -> tuple[Mapping[str, float], float]:
    """Each statement word's weight (a word of the question counts less), and their sum: the same for every
    sentence of every answer to the question."""
    weight = {s: QUESTION_WORD_WEIGHT if s in prompt_stems else 1.0 for s in point_stems}
    return weight, sum(weight.values())


def contradiction(
    prepared: PreparedPoint,
    answer: AnswerSentence,
    truth: TruthIndex,
    candidates: Candidates,
    denied: dict[int, frozenset[int]],
) -> bool:
    """Whether an asserted clause of the sentence gets the point backwards.

    ``candidates``: the point's cues that could hold in the answer; ``denied`` keeps, for one answer, the facts
    each clause conflicts with (worked out once for every point: points share facts of the reference answer).
    """
    if not answer.reading.asserted:
        return False
    if any(cue.stated_by(answer) for cue in candidates.contradictions_for(answer)):
        return True
    resolved = answer.resolved  # "They use as much memory as a list", said of generators
    if resolved is not None and any(
        cue.cue.pattern is not None and cue.stated_by(resolved) for cue in candidates.contradictions_for(resolved)
    ):
        return True
    if prepared.contrasts and swapped(prepared.contrasts, answer.reading):
        return True
    for claim, keys in answer.lookups(truth.compared):
        wrong = denied.get(id(claim))
        if wrong is None:
            near = {id(f): f for key in keys for f in truth.filed.get(key, ())}
            wrong = frozenset(i for i, f in near.items() if conflicts(f, claim, truth.compared, truth.facts))
            denied[id(claim)] = wrong
        if not wrong.isdisjoint(prepared.fact_ids):
            return True
    return False


@dataclass(frozen=True)
class TruthIndex:
    """What the question's texts claim, for telling a swapped claim from a shared one."""

    compared: Compared
    facts: tuple[Claim, ...]  # every clause of the rubric statements and the reference answer
    # the facts some point rests on, filed under every word a related clause could share with them
    filed: Mapping[str, tuple[Claim, ...]] = field(default_factory=dict)


def truth_index(points: tuple[PreparedPoint, ...], facts: tuple[Claim, ...], compared: Compared) -> TruthIndex:
    """The question's facts, with those its points rest on filed for lookup (``claims.index_keys``)."""
    resting = tuple({id(fact): fact for point in points for fact in point.claims}.values())
    return TruthIndex(compared, facts, file_facts(resting, compared))


def judge_points(
    points: tuple[PreparedPoint, ...], sentences: list[AnswerSentence], prompt_stems: frozenset[str], truth: TruthIndex
) -> list[PointVerdict]:
    """Every point's verdict.

    Every sentence is checked for getting a point backwards, even one that mostly repeats the question;
    only sentences that say something of their own are evidence for a point, and a sentence that gets one
    point backwards earns at most partial credit for others.
    """
    backwards: dict[int, AnswerSentence | None] = {}
    quoted: dict[int, int] = {}
    denied: dict[int, frozenset[int]] = {}
    every = [*sentences, *(a.resolved for a in sentences if a.resolved is not None)]
    lowered = "\n".join(a.sentence.lowered for a in every)
    screened = all(a.possible is not None for a in every)
    possible = frozenset().union(*(a.possible or () for a in every)) if screened else None
    candidates = {id(prepared): prepared.candidates(lowered, possible) for prepared in points}
    for prepared in sorted(points, key=lambda p: -p.point.weight):
        live = candidates[id(prepared)]
        wrong = next(
            (
                a
                for a in sentences
                if quoted.get(id(a), 0) < MAX_POINTS_PER_MISTAKE and contradiction(prepared, a, truth, live, denied)
            ),
            None,
        )
        backwards[id(prepared)] = wrong
        if wrong is not None:
            quoted[id(wrong)] = quoted.get(id(wrong), 0) + 1
    tainted = set(quoted)
    misconceptions = len(quoted)  # distinct sentences that get a point backwards
    doubt = MISCONCEIVED_CREDIT if misconceptions >= MISCONCEPTIONS_FOR_DOUBT else DOUBTED_CREDIT
    evidence = [a for a in sentences if not restates(a.sentence, prompt_stems)]
    verdicts = []
    for prepared in points:
        wrong = backwards[id(prepared)]
        if wrong is not None:
            verdicts.append(missing(prepared.point).model_copy(update={"contradiction": quote(wrong.sentence)}))
        else:
            verdicts.append(_supported(prepared, candidates[id(prepared)], evidence, prompt_stems, tainted, doubt))
    return verdicts


def _supported(
    prepared: PreparedPoint,
    candidates: Candidates,
    sentences: list[AnswerSentence],
    prompt_stems: frozenset[str],
    tainted: set[int],
    doubt: float = DOUBTED_CREDIT,
) -> PointVerdict:
    """Covered when a cue is asserted in a real sentence or the statement is paraphrased."""
    best: tuple[float, Verdict, Sentence | None, int, float] = (0.0, "missing", None, 0, 0.0)
    for answer in sentences:
        if _about_another(answer, prepared.subject):
            continue
        if answer.reading.unhappening & prepared.vocabulary and not answer.sentence.lowered.startswith("without"):
            continue  # "if it raises, the cleanup is skipped": what the point says takes place, this says does not
        sentence = answer.sentence
        hits = sum(cue.shown_by(answer) for cue in candidates.cues_for(answer))
        if hits and answer.listed:
            hits = 1  # terms in a list are named together, however many of the point's cues they are
        close = similarity(prepared.stems, answer.asserted, prompt_stems)
        if hits and (hits >= 2 or close >= 0.2 or len(sentence.stems) >= CUE_SENTENCE_MIN_STEMS):
            candidate: tuple[float, Verdict] = (2.0 + hits + close, "covered")
        elif close >= PARAPHRASE_COVERED:
            candidate = (1.5 + close, "covered")
        elif hits or close >= PARAPHRASE_PARTIAL:
            candidate = (1.0 + close, "partial")
        else:
            continue
        if candidate[1] == "covered" and answer.waves:  # "hash tables give constant time, some clever tricks"
            candidate = (min(candidate[0], 1.0 + close), "partial")
        if id(answer) in tainted:  # the sentence also states a misconception: it shows the words, not the idea
            candidate = (min(candidate[0], 1.0 + close), "partial")
        if candidate[0] > best[0]:
            best = (candidate[0], candidate[1], sentence, hits, close)
    _, value, evidence, hits, close = best
    credit = VERDICT_CREDIT[value]
    # one cue and little else of the point: the idea is named rather than explained
    if value == "covered" and hits == 1 and close < NAMED_ONLY_SIMILARITY:
        value, credit = "partial", VERDICT_CREDIT["partial"]
    if value == "covered" and tainted:
        # the answer states a misconception elsewhere: what it gets right is not taken wholly on trust
        credit = min(credit, doubt)
    return verdict(prepared.point, value, credit, evidence)


def prepare_points(question: Question, compared: Compared) -> tuple[tuple[PreparedPoint, ...], tuple[Claim, ...]]:
    """The question's rubric points ready to judge, and every fact its texts state.

    A point's facts are the clauses of its statement and the clauses of the reference answer that
    share at least two of its words. A fact that the question's own texts would contradict (the
    reading of claims misreads one of them) is left out: the reference answer never gets its own
    point backwards.
    """
    texts = [question.reference_answer, *(p.statement for p in question.rubric)]
    readings = [read_all((s.text for s in split_sentences(text)), compared) for text in texts]
    own = [c for text in readings for r in text for c in r.claims if c.asserted and c.said]
    reference = [c for r in readings[0] for c in r.claims if _is_fact(c)]
    statements = [[c for r in text for c in r.claims if _is_fact(c)] for text in readings[1:]]
    every_fact = tuple(reference + [c for claims in statements for c in claims])
    every_reading = [r for text in readings for r in text]
    reference_contrasts = [c for r in readings[0] for c in contrasts_in(r)]
    points = []
    for point, stated, stated_readings in zip(question.rubric, statements, readings[1:], strict=True):
        stems = frozenset(content_stems(point.statement))
        cues = tuple(polar_cue(c, read(c, compared)) for c in point.cues)
        vocabulary = stems.union(*(c.cue.stems for c in cues))
        facts = [
            f
            for f in stated + [c for c in reference if len(c.stems & vocabulary) >= 2]
            if not any(conflicts(f, c, compared, every_fact) for c in own)
        ]
        lines = [c for r in stated_readings for c in contrasts_in(r)]
        lines += [c for c in reference_contrasts if len((c.kept | c.rejected) & vocabulary) >= 2]
        # a line the question's own texts would be read as turning around is a misreading: left out
        lines = [c for c in lines if not any(swaps(c, r) for r in every_reading)]
        points.append(
            PreparedPoint(
                point,
                stems,
                cues,
                tuple(polar_cue(c, read(c, compared)) for c in point.contradicted_by),
                tuple(facts),
                named if len(named := named_things(point.statement, compared)) == 1 else frozenset(),
                tuple(dict.fromkeys(lines)),
            )
        )
    return tuple(points), every_fact


def _about_another(answer: AnswerSentence, subject: frozenset[int]) -> bool:
    """Whether the sentence speaks only of compared things other than ``subject`` ("a classmethod is just a plain
    function" is no evidence that the candidate knows a staticmethod is one)."""
    if not subject:
        return False
    things = frozenset(thing for c in answer.reading.claims if c.named for thing in c.about)
    return bool(things) and not things & subject


def _is_fact(claim: Claim) -> bool:
    """A clause of the question's texts that states a general truth: not an example, a question, a hypothesis
    or an account of what happened in the scenario ("customers were charged twice")."""
    usable = claim.asserted and not claim.conditional and not claim.example and not claim.past
    return bool(claim.said) and usable and not claim.verbless
