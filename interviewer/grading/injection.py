"""Sentences addressed to the grader, in any disguise.

A sentence is addressed to the grader when it tries to override instructions, names the
grading itself (the rubric, the marks, the grader), claims a score or coverage for the
answer, speaks in a fake chat, system or reviewer channel, or poses as someone with
authority over the grade, in English or another language. Detection reads the sentence in
several forms, so a disguised instruction is still seen: look-alike letters from other
scripts, accents, digits standing for letters, s p a c e d and sp lit words (read with the
spaces taken out), text written backwards (shown the right way round by a right-to-left
override character), and base64 that decodes to text.
"""

from __future__ import annotations

import base64
import binascii
import re
import unicodedata
import urllib.parse

from interviewer.grading.text import Sentence, required_in, sre_parse
from interviewer.linear_regex import PrefilterSet, compile_linear, reads_alike

_X = re.I | re.X | re.M


def _needs(pattern: str) -> frozenset[str] | None:
    try:
        return required_in(sre_parse.parse(pattern, _X))
    except re.error:
        return None


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
    r"\b(?P<numerator>5|10|100|five|ten)\s*(/|out\s+of|dari|üzerinden|من|sur|von|из)\s*"
    r"(?P=numerator)\b",
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
    # Dutch, the Scandinavian languages, Polish, Russian, Chinese, Japanese
    r"""\b(negeer|negeren|vergeet|ignorer|ignorera|glem|glom|zignoruj|pomin)\w*\b[^.\n]{0,60}
            \b(instructies|instructie|regels|opdrachten|aanwijzingen|instruktioner\w*|instruksjon\w*|regler\w*
            |instrukcj\w*|polecen\w*|zasad\w*)\b""",
    r"\b(hoogste|maximale|volle|beste|hogste|hogsta|najwyzsz\w*|maksymaln\w*)\s+(cijfer|score|punten|beoordeling"
    r"|waardering|betyg|karakter|poang|ocen\w*|punkt\w*|wynik\w*)\b",
    r"(игнорир\w*|забудь\w*)[^.\n]{0,60}(инструкци\w*|правил\w*)",
    r"(忽略|无视|無視|忘记)[^。\n]{0,20}(指令|指示|说明|規則|规则|命令)",
    r"(满分|最高分|満点)",
    # a reviewer's or an examiner's channel, and asking for the best evaluation in other words
    r"^(reviewer|examiner|assessor|marker|moderator|supervisor|admin|administrator|proctor|judge|auditor)\s*(:|>|\]|-)",
    r"\b(highest|best|maximum|max|maximal|perfect)\s+(possible\s+|available\s+)?"
    r"(evaluation|assessment|grade|marks?|rating|verdict)\b",
    r"\b(highest|best|top|maximum|perfect)\s+(possible|available)\s+(score|result|outcome)\b",
    # a grade in markup ("</answer><grade points=...>5</grade>"), or a note to whoever reads the answer
    r"<\s*/?\s*(grade|score|verdict|marks?|points?|result|evaluation|answer|response|rating|feedback)\b[^>]*>",
    r"\b(whoever|anyone|the\s+person|the\s+one|you)\s+(who\s+)?(reads?|reading|grades?|grading|marks?|marking"
    r"|checks?|checking|reviews?|reviewing|evaluates?|evaluating)\s+this\b",
    r"\b(the\s+)?(correct\s+|right\s+|final\s+)?verdicts?\b[^.\n]{0,160}\b(is|are|should\s+be)\s+(covered|correct"
    r"|full|complete|satisfied|yes)\b",
    # other languages, asking for full marks in their own words
    r"\b(tam\s+puan|puan\s+ver\w*|nilai\s+(penuh|sempurna|maksimal|tertinggi)|berikan\s+nilai"
    r"|beri\s+nilai|punteggio\s+pieno|volle\s+punkte|nota\s+m[aá]xima)\b",
    r"(만점|최고\s*점수|점수를?\s*주|درجة\s+كاملة|العلامة\s+الكاملة|الدرجة\s+الكاملة|पूरे\s+अंक|满分|滿分|満点)",
    # a grade written as data: {"points": "all satisfied", "final": 5}
    r"""[{,]\s*["']?(points|score|final|grade|verdict|result|marks?|rating|evaluation|all_points|coverage)["']?\s*:
            \s*["']?\s*(5|5\.0|10|100|full|max\w*|all\b|satisf\w*|covered|complete|pass\w*|perfect|a\+?)""",
)
# The same overrides with every space taken out: "ig nore prev ious instruc tions" reads "ignorepreviousinstructions"
_COMPACT = re.compile(
    r"(ignore|disregard|forget|override|bypass)(all|the|any|your|of)*(previous|prior|earlier|above|former)?"
    r"(instructions?|rules|rubric|prompt|guidelines|grading)"
    r"|(give|award|assign|grant)(this|the|my|me)*(answer|response|submission)?(full|maximum|max|perfect|top|highest)"
    r"(possible)?(marks?|score|credit|points|grade|rating|evaluation)"
    r"|fullmarks|perfectscore|maximumscore|highestscore|topmarks|(5|five)outof(5|five)|markallpoints?(as)?covered"
)
_BASE64 = re.compile(r"[A-Za-z0-9+/]{16,}={0,2}")
# each pattern with the strings one of which it needs: a pattern runs only on a form that holds one of them
_INJECTIONS = tuple((re.compile(pattern, _X), _needs(pattern)) for pattern in _PATTERNS)
_NEEDED = tuple(sorted({part for _, needs in _INJECTIONS if needs for part in needs}))
# ... and all of them screened in one pass of RE2: only a pattern whose skeleton matches can match
_SCREEN = PrefilterSet(*(pattern for pattern, _ in _INJECTIONS))
_COMPACT_RE2 = compile_linear(_COMPACT.pattern, 0)  # no look-around: RE2 alone, on text of [a-z0-9] only


def _present(form: str) -> frozenset[str]:
    """The needed strings that occur in the form."""
    return frozenset(part for part in _NEEDED if part in form)


def _says_injection(form: str) -> bool:
    """Whether one of the patterns matches the form."""
    if reads_alike(form):  # RE2 reads every character as Python does: screen all at once
        return any(pattern.search(form) for pattern in _SCREEN.possible(form))
    present = _present(form)
    return any((needs is None or needs & present) and pattern.search(form) for pattern, needs in _INJECTIONS)


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


def _unleet(match: re.Match[str]) -> str:
    """Digits read as letters, in a word that mixes the two ("1gn0re"); plain numbers stay."""
    word = match.group(0)
    return word.translate(_LEET) if _LEET_DIGIT.search(word) and not word.isdigit() else word


_HEX = re.compile(r"(?:[0-9a-fA-F]{2}[\s:]?){12,}")
_PERCENT = re.compile(r"(?:%[0-9a-fA-F]{2}){6,}")
_ENCODED = PrefilterSet(_HEX, _PERCENT, _BASE64)  # one RE2 pass tells which of them could be in a text


def _readable(raw: bytes) -> str:
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        return ""
    return text if text and sum(ch.isprintable() for ch in text) >= 0.9 * len(text) and " " in text else ""


def _decoded(text: str) -> list[str]:
    """Text hidden as base64, hex or percent-encoding in the sentence, decoded (only what reads as text)."""
    possible = _ENCODED.possible(text)
    if not possible:
        return []
    hexes = _HEX.findall(text) if _HEX in possible else []
    found = [_readable(bytes.fromhex(re.sub(r"[\s:]", "", blob))) for blob in hexes]
    found += [urllib.parse.unquote(text)] if _PERCENT in possible and _PERCENT.search(text) else []
    found = [part for part in found if part]
    for blob in _BASE64.findall(text) if _BASE64 in possible else []:
        padded = blob + "=" * (-len(blob) % 4)
        try:
            raw = base64.b64decode(padded, validate=True).decode("utf-8")
        except (binascii.Error, UnicodeDecodeError, ValueError):
            continue
        if raw and sum(ch.isprintable() for ch in raw) >= 0.9 * len(raw) and any(ch == " " for ch in raw):
            found.append(raw)
    return found


def _forms(text: str) -> set[str]:
    """The sentence as read, and with disguises undone (look-alikes, accents, leetspeak, spacing, reversal)."""
    native = lowered = unicodedata.normalize("NFKC", text).lower()
    if not lowered.isascii():  # every look-alike is outside ASCII
        lowered = lowered.translate(_CONFUSABLES)
    plain = lowered
    if not lowered.isascii():
        plain = "".join(ch for ch in unicodedata.normalize("NFKD", lowered) if not unicodedata.combining(ch))
    undisguised = _SPACED_WORD.sub(lambda m: m.group(0).replace(" ", ""), plain)
    if _LEET_DIGIT.search(undisguised):  # only a text with a digit, "@" or "$" can hide leetspeak
        undisguised = _LEET_WORD.sub(_unleet, undisguised)
    # ... and as written, for the patterns in other scripts (look-alikes would turn Cyrillic words into nonsense)
    forms = {native, lowered, plain, undisguised}
    return forms | {_LINE_MARKERS.sub("", form) for form in forms}


def is_injection(sentence: Sentence) -> bool:
    """Whether the sentence speaks to the grader rather than answering the question.

    Every form of the sentence is checked against the patterns that could match it: one pass of RE2
    screens them all where RE2 reads the text as Python does, and elsewhere a pattern runs only on a
    form holding one of its needed strings. Text written backwards is checked, spaces and punctuation
    taken out, against the compact ones.
    """
    forms = {form for text in (sentence.text, *_decoded(sentence.text)) for form in _forms(text)}
    if any(_says_injection(form) for form in forms):
        return True
    compact = {re.sub(r"[^a-z0-9]", "", form) for form in forms}
    # forwards and backwards in one search: no match can cross the space, which no compact pattern holds
    return any(_COMPACT_RE2.search(f"{form} {form[::-1]}") for form in compact)
