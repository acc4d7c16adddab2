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
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

from interviewer.grading.filler import disowns, is_term_run, padded
from interviewer.grading.text import STOPWORDS, Sentence, content_stems, stopword_ratio, words
from interviewer.models import Abstention

_X = re.I | re.X | re.M
_PATTERNS = (
    # overriding what the grader was told
    r"""\b(ignore|disregard|forget|override|bypass)\b[^.\n]{0,40}
            \b(instructions?|rules?|rubric|prompt|guidelines|grading|above|previous|prior|earlier|everything)\b""",
    r"\bnew\s+instructions?\b",
    r"\b(grading|scoring|marking|evaluation|assessment)\s+(policy|rules?|criteria|guidelines?|instructions?)\b",
    r"\bsystem\s*(prompt|message|override|instructions?)\b",
    # naming the grading itself: an answer about Python never needs to
    r"\b(rubric|grader|graders|assessor|examiner|marking\s+scheme|scoring\s+guide)\b",
    r"\b(dear|hey|hi|hello)\s+(grader|model|ai|assistant|reviewer|examiner|marker)\b",
    r"\bnote\s+(to|for)\s+(the\s+)?(grader|ai|model|llm|assistant|reviewer|evaluator|marker)\b",
    r"\byour\s+(evaluation|grading|scoring|marking|instructions|rubric|system\s+prompt|guidelines|criteria)\b",
    # asking for or claiming a score
    r"""\b(give|award|assign|grant)\b[^.\n]{0,30}
            (\b(full|maximum|max|perfect|top|highest)\s+(marks?|score|credit|points|grade|rating)\b
            |\b(5\s*/\s*5|10\s*/\s*10|100\s*%|(five|ten)\s+(points|marks|stars))(?!\w))""",
    r"\b(score|grade|mark|rating)\s*[:=]\s*(5|five|10|100|a\+?)\b",
    r"\b\d+\s*/\s*\d+\b[^.\n]{0,20}\b(please|now|required|mandatory)\b",
    r"\b(full|perfect)\s+(marks?|score|credit|points|grade|rating)\b",
    r"\btop\s+(marks|grade|credit)\b",
    r"\b(maximum|max|maximal|highest|complete)\s+(marks?|credit|points|grade|rating)\b",
    r"\b(?P<numerator>5|10|100|five|ten)\s*(/|out\s+of)\s*(?P=numerator)\b",
    r"\b(5|five|10|ten|100)\s+(marks|points|stars)\b",
    r"\b(record|award|assign|grant|enter|log)\s+(me\s+|it\s+|this\s+)?an?\s+(5|five|10|ten|100)\b",
    r"\baward(s|ed|ing)?\b",
    r"\b(grade|score|rate)\s+(this|it|me|my|accordingly)\b",
    r"\bmark\s+(me|my|accordingly|this\s+(answer|response))\b",
    r"""\b(treat|consider|regard|count|accept)\s+(this|my|the)\s+(answer|response|submission|solution)\s+as\b""",
    r"\bbe\s+(generous|lenient)\s+(with|to|towards?)\s+(me|this|my)\b",
    r"""\b(please|kindly)\b[^.\n]{0,30}\b(mark|give|award|grant|grade|score|rate|assign|treat|pass)\b
            [^.\n]{0,40}\b(covered|complete|correct|full|marks?|points?|credit|score|grade|pass)\b""",
    r"""\b(this|my|the\s+above|the\s+following)\s+(answer|response|solution|submission)\s+
            (is\s+(complete|perfect|correct|flawless|excellent)|deserves|earns|merits|passes
            |should\s+(get|receive|pass|be\s+(given|graded|marked|scored|considered))
            |must\s+(get|receive|pass|be)|is\s+(graded|marked|scored|considered)|should\s+be\s+(graded|marked|scored))\b""",
    r"""\b(covers?|covered|addresse[sd]|address|satisf(y|ies|ied)|meets?|hits?)\s+(all|every|each)\s+
            (\w+\s+){0,2}(points?|criteria|requirements|aspects|items|marks?)\b""",
    r"\b(all|every|each|the)\s+(rubric\s+)?points?\s+(are\s+|were\s+|is\s+)?(covered|satisfied|addressed)\b",
    r"\|\s*(covered|partial)\s*\|",
    r"\b(mark(ed)?|grade[ds]?|count(ed)?|treat(ed)?|consider(ed)?|score[ds]?)\b[^.\n]{0,40}\bas\s+(fully\s+)?covered\b",
    r"\bthe\s+candidate\s+(has|have|had|is|was|should|deserves|covered|passed|answered|meets|did)\b",
    r"\bi\s+(hereby\s+)?(confirm|certify|attest)\b[^.\n]{0,40}\b(candidate|answer|response|points?|marks|score|pass)",
    # fake roles, channels and markup
    r"""\b(you\s+are|you're|act\s+as|pretend\s+(to\s+be|you\s+are)|role-?play\s+as)\s+(now\s+)?(a|an|the|my)?\s*
            (grader|evaluator|examiner|assistant|system|ai|language\s+model|teacher|\w*bot)\b""",
    r"\byou\s+(must|should|will|shall|need\s+to|have\s+to|are\s+(required|instructed|told)\s+to)\s+(now\s+)?"
    r"(award|grant|score|grade|rate|ignore|output)\b",
    r"""\bas\s+(the|a|an|your)\s+(\w+\s+){0,2}(interviewer|grader|examiner|evaluator|assessor|hiring\s+manager
            )\b[^.\n]{0,20}\b(i|we)\s+(hereby\s+)?(confirm|certify|declare|approve|decide|grant|award)""",
    r"\b(hiring\s+manager|interview\s+panel)\b[^.\n]{0,60}\b(passed|pass|hire|approved?|score|marks?)\b",
    r"\b(as\s+an?\s+ai|as\s+the\s+grader)\b",
    r"^(system|assistant|grader|evaluator|instructions?)\s*(:|>|\]|$)",
    r"^\#{1,6}\s*(system|assistant|admin|developer|instructions?|important|override)\b",
    r"<\s*/?\s*(system|assistant|user|instructions?|candidate_answer|candidate_question)\b[^>]*>",
    r"<\|[a-z_]+\|>|\[/?inst\]|<<\s*/?\s*sys\s*>>",
    r"""["'](verdict|point_id|all_points|score|grade|marks)["']\s*:\s*["']?(covered|5|5\.0|10|100|a\+?|full)\b""",
    r"\bthis\s+answer\s+(is|should\s+be)\s+(graded|marked|scored|considered)\b",
    # the same in other languages (French, Spanish, Portuguese, Italian, German)
    r"""\b(ignor\w*|oubli\w*|olvid\w*|esquec\w*|dimentic\w*|vergiss\w*|missacht\w*)\b[^.\n]{0,60}
            \b(instructions?|consignes?|regles?|instrucciones|instruccion|reglas|instrucoes|regras
            |istruzioni|regole|anweisungen|regeln|vorgaben)\b""",
    r"""\b(note|notes|puntuacion|calificacion|nota|pontuacao|punteggio|voto|punktzahl|punkte|bewertung)\s+
            (maximale?|maxima|maximo|massim[oa]|completa|parfaite?|perfecta)\b""",
    r"\b(volle|hochste|maximale|beste)\s+(punktzahl|punkte|bewertung|note)\b",
    r"\b(la\s+)?(meilleure|mejor|massima)\s+(note|nota|puntuacion|valutazione)\b",
)
_INJECTION = re.compile("|".join(f"(?:{pattern})" for pattern in _PATTERNS), _X)
# Cyrillic and Greek letters that look like Latin ones (\u escapes: the letters themselves are indistinguishable)
_CONFUSABLES = str.maketrans(
    "\u0430\u0432\u0435\u043a\u043c\u043d\u043e\u0440\u0441\u0442\u0443\u0445\u0456\u0458\u0455\u0501"
    "\u051b\u051d\u0261\u0251\u03b1\u03b2\u03b5\u03b9\u03ba\u03bd\u03bf\u03c1\u03c4\u03c5\u03c7\u03f2\u0131",
    "abekmhopctyxijsdqwgaabeikvoptuxci",
)
_LEET = str.maketrans({"0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t", "@": "a", "$": "s"})
_LEET_WORD = re.compile(r"[a-z0-9@$]+")
_LEET_DIGIT = re.compile(r"[0-9@$]")
_SPACED_WORD = re.compile(r"\b(?:[a-z] ){3,}[a-z]\b")
_LINE_MARKERS = re.compile(r"""^[\s#/*"'`<>!\-]+""")
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
TERM_RUN_SHARE = 0.5  # an answer whose words are mostly in runs of bare terms is a keyword list
_PLAUSIBLE_WORD = re.compile(r"^(?=.*[aeiouy])(?!.*[bcdfghjklmnpqrstvwxz]{5})(?!.*(.)\1\1)[a-z']+$")


@dataclass(frozen=True)
class Screening:
    abstention: Abstention | None
    reason: str | None
    injections: list[str]
    sentences: list[Sentence]


def _is_non_answer_word(text: str, reference: str) -> bool:
    """"pass", "None", "idk": an answer of one such word is no answer, unless the reference is that word."""
    said = text.strip().strip(".!?`'\"").lower()
    return said in NON_ANSWER_WORDS and said != reference.strip().strip(".!?`'\"").lower()


def _unleet(match: re.Match[str]) -> str:
    """Digits read as letters, in a word that mixes the two ("1gn0re"); plain numbers stay."""
    word = match.group(0)
    return word.translate(_LEET) if _LEET_DIGIT.search(word) and not word.isdigit() else word


def _forms(text: str) -> set[str]:
    """The sentence as read, and with disguises undone (look-alikes, accents, leetspeak, spacing)."""
    lowered = unicodedata.normalize("NFKC", text).lower().translate(_CONFUSABLES)
    plain = lowered
    if not lowered.isascii():
        plain = "".join(ch for ch in unicodedata.normalize("NFKD", lowered) if not unicodedata.combining(ch))
    undisguised = _SPACED_WORD.sub(lambda m: m.group(0).replace(" ", ""), plain)
    undisguised = _LEET_WORD.sub(_unleet, undisguised)
    forms = {lowered, plain, undisguised}
    return forms | {_LINE_MARKERS.sub("", form) for form in forms}


def is_injection(sentence: Sentence) -> bool:
    """Whether the sentence speaks to the grader rather than answering the question."""
    forms = _forms(sentence.text)
    return any(_INJECTION.search(form) for form in forms)


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
    if runs:
        run_words = sum(len(content_stems(s.text)) for s in runs)
        if run_words >= TERM_RUN_SHARE * len(stems):
            return abstain(
                "keyword_list",
                "The answer strings terms together without saying anything about them: say what each one means "
                "and why it matters.",
            )
        kept = [s for s in kept if s not in runs]  # the rest is graded; the run of terms is not evidence
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
