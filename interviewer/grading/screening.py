"""Checks made before any rubric point is judged.

An answer that is empty, too short, gibberish, off-topic or a bare list of terms is
not graded on its content (the grader abstains and says why), and sentences that try
to instruct the grader are set aside so they can never count as evidence.

A sentence is addressed to the grader when it tries to override instructions, names
the grading itself (the rubric, the marks, the grader), claims a score or coverage for
the answer, speaks in a fake chat or system channel, or poses as someone with authority
over the grade. Detection reads the sentence in a folded form as well (look-alike
letters from other scripts, accents, digits standing for letters and s p a c e d words
are undone), so a disguised instruction is still seen. Text hidden in an HTML comment
(which a rendered answer does not show) is never evidence, and a bare list of terms
right before or after an instruction is treated as that instruction's payload.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from interviewer.grading.filler import disowns, fragment_runs, is_term_run, padded
from interviewer.grading.injection import is_injection
from interviewer.grading.text import STOPWORDS, Sentence, content_stems, stopword_ratio, words
from interviewer.models import Abstention

TERM_LIST_STOPWORDS = 0.12  # below this share of small words a sentence is a list of terms
OFF_TOPIC_MIN_WORDS = 8  # a shorter answer sharing no word with a bare reference may still be a paraphrase
_NON_ANSWER = re.compile(
    r"(?i)(not\s+answered|no\s+(answer|submission|response|idea|clue)|unanswered|i\s+(do\s+not|don'?t)\s+know"
    r"|(i'?m\s+)?not\s+sure|idk|n/a)[\s.!?]*"  # not "None" or "pass": in Python those can be the answer
)
_HIDDEN = "<!--"
# a whole answer of one of these says nothing, unless the reference answer is that very word
NON_ANSWER_WORDS = frozenset(
    "pass none null nil nothing idk dunno na n/a skip skipped tbd todo unknown no answer ? - ... blank empty".split()
)
# a note's label: up to three words that are not a clause ("Typical uses: ", "3. Hot loops: ", "- *args: ")
_LABEL = re.compile(
    r"\s*(?:[-*\u2022]\s*|\d+[.)]\s*)?(?!(?:they|it|this|that|there|these|those|so|well|i|we|you)\b)"
    r"[A-Za-z_*][\w.'/()*+-]*(?:\s+[\w.'/()*+-]+){0,2}:\s",
    re.I,
)
TERM_RUN_SHARE = 0.5  # an answer whose words are mostly in runs of bare terms is a keyword list
_PLAUSIBLE_WORD = re.compile(r"^(?=.*[aeiouy])(?!.*[bcdfghjklmnpqrstvwxz]{5})(?!.*(.)\1\1)[a-z']+$")


@dataclass(frozen=True)
class Screening:
    abstention: Abstention | None
    reason: str | None
    injections: list[str]
    sentences: list[Sentence]


def _is_non_answer_word(text: str, reference: str) -> bool:
    """ "pass", "None", "idk": an answer of one such word is no answer, unless the reference is that word."""
    said = text.strip().strip(".!?`'\"").lower()
    return said in NON_ANSWER_WORDS and said != reference.strip().strip(".!?`'\"").lower()


def _is_term_list(sentence: Sentence) -> bool:
    """A run of terms with hardly a small word between them, and not code."""
    if not sentence.tokens or sentence.is_code:
        return False
    return sum(t in STOPWORDS for t in sentence.tokens) / len(sentence.tokens) < TERM_LIST_STOPWORDS


def set_aside(sentences: list[Sentence]) -> list[bool]:
    """Per sentence, whether it is addressed to the grader (or hidden, or an instruction's payload)."""
    # an HTML comment (one sentence of its own) is hidden from whoever reads the answer rendered
    flagged = [s.text.startswith(_HIDDEN) or is_injection(s) for s in sentences]
    # terms listed right before or after an instruction are what it asks the grader to credit
    for order in (range(len(sentences)), range(len(sentences) - 1, -1, -1)):
        previous = False
        for index in order:
            if not flagged[index] and previous and _is_term_list(sentences[index]):
                flagged[index] = True
            previous = flagged[index]
    return flagged


def screen(
    sentences: list[Sentence],
    question_vocabulary: frozenset[str],
    reference: str,
    *,
    min_content_words: int,
    require_prose: bool,
    point_words: Sequence[frozenset[str]] = (),
) -> Screening:
    """Set injections aside, then decide whether the rest can be graded at all.

    ``require_prose`` is the interview standard: an answer must explain in sentences,
    so a bare list of terms abstains. Without it (a question that has only a reference
    answer, which may itself be a fragment) form is not judged, and an answer is only
    called off-topic once it is long enough to have shown its topic.
    """
    flagged = set_aside(sentences)
    injections = [s.text for s, bad in zip(sentences, flagged, strict=True) if bad]
    kept = [s for s, bad in zip(sentences, flagged, strict=True) if not bad]
    text = " ".join(s.text for s in kept)
    tokens = words(text)
    stems = content_stems(text)

    def abstain(kind: Abstention, reason: str) -> Screening:
        return Screening(kind, reason, injections, kept)

    if not stems:
        reason = "The answer only tried to instruct the grader." if injections else "There is no answer to grade."
        return abstain("empty", reason)
    if _NON_ANSWER.fullmatch(text.strip()) or _is_non_answer_word(text, reference):
        return abstain("empty", "The answer says the question was not answered.")
    if any(disowns(s) for s in kept):
        return abstain(
            "disowned",
            "The answer says it does not know what its own terms mean, so they are not taken as understanding.",
        )
    # with only a reference answer, a bare list may be the answer ("Refining, production, maintenance"):
    # only a list padded out with filler is not one
    runs = [s for s in kept if is_term_run(s, point_words) and (require_prose or padded(s))]
    if require_prose:
        runs += [s for s in fragment_runs(kept, point_words) if s not in runs]
    if runs:
        run_words = sum(len(content_stems(s.text)) for s in runs)
        if run_words >= TERM_RUN_SHARE * len(stems):
            return abstain(
                "keyword_list",
                "The answer is a list of terms strung together, not an explanation: say what each one means and "
                "why it matters.",
            )
        # the rest is graded; a run of terms is not evidence, unless it is a labelled note in an answer that is
        # more than notes ("Typical uses: files, transactions, locks"), which names what it lists
        kept = [s for s in kept if s not in runs or _LABEL.match(s.text)]
        text = " ".join(s.text for s in kept)
        tokens = words(text)
        stems = content_stems(text)
    if len(stems) < min_content_words:
        return abstain("too_short", f"The answer is too short to show understanding ({len(stems)} meaningful words).")
    alphabetic = [t for t in tokens if t.isalpha() and t not in question_vocabulary]
    implausible = [t for t in alphabetic if len(t) > 2 and not _PLAUSIBLE_WORD.match(t)]
    on_topic = [s for s in stems if s in question_vocabulary]
    # the same few words over and over, and not the question's own (an enumeration of cases repeats those)
    repeated = (
        len(tokens) >= 6
        and len(set(tokens)) < 10
        and len(set(tokens)) / len(tokens) < 0.3
        and len(set(on_topic)) * 2 < len(set(stems))
    )
    if repeated or (len(alphabetic) >= 4 and len(implausible) / len(alphabetic) > 0.4):
        return abstain("gibberish", "The answer does not read as language.")
    judged_from = 1 if require_prose else OFF_TOPIC_MIN_WORDS
    if len(stems) >= judged_from and len(on_topic) < max(1, min(3, len(stems) // 20)):
        return abstain("off_topic", "The answer does not address the question.")
    if require_prose and len(tokens) >= 4 and stopword_ratio(text) < 0.12 and stopword_ratio(reference) >= 0.2:
        return abstain(
            "keyword_list",
            "The answer is a list of terms, not an explanation: say how the ideas connect and why they matter.",
        )
    return Screening(None, None, injections, kept)
