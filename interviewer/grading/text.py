"""Text handling shared by the graders: sentences, word stems and cue matching."""

from __future__ import annotations

import re
import threading
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property, lru_cache

import snowballstemmer

try:  # the parser moved in Python 3.11; the old name still works with a deprecation warning
    from re import _constants as sre_constants  # type: ignore[attr-defined]
    from re import _parser as sre_parse  # type: ignore[attr-defined]
except ImportError:  # pragma: no cover
    import sre_constants  # type: ignore[no-redef]
    import sre_parse  # type: ignore[no-redef]

from interviewer.linear_regex import Found, LinearPattern, compile_linear
from interviewer.models import REGEX_CUE_PREFIX

STOPWORDS = frozenset(
    """
    a about above after again against all also am an and any are aren't as at be because been before being
    below between both but by can can't cannot could couldn't did didn't do does doesn't doing don't down
    during each few for from further had hadn't has hasn't have haven't having he her here hers herself him
    himself his how i i'd i'll i'm i've if in into is isn't it it's its itself just let's me more most mustn't
    my myself no nor not of off on once only or other ought our ours ourselves out over own same shan't she
    should shouldn't so some such than that that's the their theirs them themselves then there there's these
    they they'd they'll they're they've this those through to too under until up very was wasn't we we'd we'll
    we're we've were weren't what what's when where which while who whom why will with won't would wouldn't you
    you'd you'll you're you've your yours yourself yourselves may might must shall s t d ll m re ve y one get
    gets got use used uses using like really thing things way also etc well yes would n't
    """.split()
)

# Small words that change what a technical statement says ("no children", "only once",
# "all dimensions except the first"): a reference answer's key words include them.
MEANINGFUL_SMALL_WORDS = frozenset(
    """
    all each more most only same before after above below one between once many any both few other
    over under up down off out into
    """.split()
)
# Every way of negating reads as "not", so "doesn't have" and "has no" say the same thing.
_NEGATIONS = frozenset(w for w in STOPWORDS if w.endswith("n't")) | {"not", "cannot", "never", "nor", "no", "without"}
_KEY_STOPWORDS = STOPWORDS - MEANINGFUL_SMALL_WORDS - _NEGATIONS

_WORD = re.compile(r"[a-z0-9_]+(?:'[a-z]+)?")
_NON_HYPHEN = re.compile(r"\bnon-(?=[a-z])")
# a sentence ends at . ! or ? before a capital, a digit, code, a quote or a letter of another script; or before a
# lower-case word when the period closes a word of three letters or more that is not an abbreviation ("... changes.
# self is ..."); or at a full stop of Chinese or Japanese
_SENTENCE_END = re.compile(
    r"(?<=[.!?])\s+(?=[\"'(\[]?(?:[A-Z0-9_`*@<{#%|.-]|[^\x00-\x7f]))|(?:(?<=[a-z]{3}\.)|(?<=[)\]]\.))(?<!\betc\.)(?<!\bvs\.)\s+(?=[a-z_])"
    r"|(?<=[\u3002\uff01\uff1f])\s*|\n+"
)
_BLOCK = re.compile(r"```.*?(?:```|$)|<!--.*?(?:-->|$)", re.S)  # a code fence, or an HTML comment
_LANGUAGE_TAG = re.compile(r"[\w+#.-]*")
_per_thread = threading.local()  # a snowball stemmer keeps state while it works: one per thread


_ASCII_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
_LINE_BREAK = re.compile(r"\r\n?|[\x0b\x0c\x85\u2028\u2029]")


def normalize(text: str) -> str:
    """Unicode-normalised, with control characters removed; every kind of line break ("\\r", "\\r\\n", U+2028)
    becomes a newline, so that no two lines run into one word."""
    text = _LINE_BREAK.sub("\n", text)
    if text.isascii():  # NFKC leaves ASCII as it is
        return _ASCII_CONTROL.sub("", text)
    text = unicodedata.normalize("NFKC", text)
    return "".join(ch for ch in text if ch in "\n\t" or unicodedata.category(ch)[0] != "C")


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    stemmer = getattr(_per_thread, "stemmer", None)
    if stemmer is None:
        stemmer = _per_thread.stemmer = snowballstemmer.stemmer("english")
    return stemmer.stemWord(word)


def words(text: str) -> list[str]:
    """Lower-cased word tokens (identifiers such as ``__init__`` stay whole); "non-blocking" is one word, the
    opposite of "blocking", as ``claims`` reads it."""
    lowered = text.lower().replace("\u2019", "'").replace("i/o", "io")
    if "non-" in lowered:
        lowered = _NON_HYPHEN.sub("non", lowered)
    return _WORD.findall(lowered)


def content_stems(text: str) -> list[str]:
    """Stems of the words that carry meaning, in order (stopwords dropped)."""
    return _content_stems_of(words(text))


def _content_stems_of(tokens: Iterable[str]) -> list[str]:
    return [stem(w.strip("_") or w) for w in tokens if w not in STOPWORDS]


def key_stems(tokens: list[str] | tuple[str, ...]) -> list[str]:
    """Stems of the tokens that carry meaning, counting quantifiers, negation and order words."""
    return ["not" if t in _NEGATIONS else stem(t.strip("_") or t) for t in tokens if t not in _KEY_STOPWORDS]


@dataclass(frozen=True)
class Sentence:
    text: str
    stems: frozenset[str]
    tokens: tuple[str, ...]

    @cached_property
    def lowered(self) -> str:
        return self.text.lower()

    @property
    def is_code(self) -> bool:
        return self.text.startswith(("    ", "\t", ">>>")) or bool(
            re.match(r"\s*(def|class|import|from|return|for|with|if)\b.*[:(]", self.text)
        )


def split_sentences(text: str) -> list[Sentence]:
    """Split an answer into sentences; lines of code count as sentences of their own."""
    sentences = []
    for piece in sentence_pieces(normalize(text)):
        tokens = tuple(words(piece))
        sentences.append(Sentence(piece, frozenset(_content_stems_of(tokens)), tokens))
    return sentences


def sentence_pieces(text: str) -> list[str]:
    """The sentences of normalised text, each a substring of it, in order (``split_sentences`` without the
    stemming)."""
    pieces: list[str] = []
    last = 0
    for block in _BLOCK.finditer(text):
        pieces.extend(_SENTENCE_END.split(text[last : block.start()]))
        last = block.end()
        if block.group(0).startswith("<!--"):
            pieces.append(block.group(0))  # hidden when rendered: one piece, which screening sets aside
            continue
        lines = block.group(0).strip("`").splitlines()
        if lines and _LANGUAGE_TAG.fullmatch(lines[0].strip()):
            lines = lines[1:]  # the fence's language tag; any other text on that line is the candidate's
        pieces.extend(line for line in lines if line.strip())
    pieces.extend(_SENTENCE_END.split(text[last:]))
    found = []
    for piece in pieces:
        cleaned = piece.strip().lstrip("-*•>").strip() if not piece.startswith(("    ", "\t")) else piece.rstrip()
        if cleaned and any(ch.isalnum() for ch in cleaned):
            found.append(cleaned)
    return found


@dataclass(frozen=True)
class Cue:
    """A compiled rubric cue: a set of stems that must co-occur, or a regex.

    A regex cue also knows sets of strings, one of each of which any match must contain
    (``required``), so that most sentences are ruled out with substring tests before the
    pattern runs.
    """

    source: str
    stems: frozenset[str] = frozenset()
    pattern: LinearPattern | None = None
    required: tuple[frozenset[str], ...] = ()

    def search(self, sentence: Sentence) -> Found | None:
        if self.pattern is None:
            return None
        if not self.could_match(sentence.lowered):
            return None
        return self.pattern.search(sentence.text)

    def could_match(self, lowered: str) -> bool:
        """Whether lower-cased text holds the strings any match needs (a regex cue; a text without them cannot
        match, and neither can any part of it)."""
        return all(any(part in lowered for part in strings) for strings in self.required)

    def matches(self, sentence: Sentence) -> bool:
        if self.pattern is not None:
            return self.search(sentence) is not None
        return bool(self.stems) and self.stems <= sentence.stems


def required_literals(pattern: str) -> tuple[frozenset[str], ...]:
    """Sets of lower-cased strings such that every match of the pattern holds one string of each set.

    At most the three most telling sets are kept (fewest strings, longest shortest string);
    none when nothing is certain.
    """
    try:
        parsed = sre_parse.parse(pattern, re.I)
    except re.error:
        return ()
    return tuple(sorted(_candidates(parsed), key=_telling)[:3])


def required_in(items: Iterable) -> frozenset[str] | None:  # type: ignore[type-arg]
    """The most telling set of ``required_literals`` over an already parsed pattern, or None."""
    found = _candidates(items)
    return min(found, key=_telling) if found else None


def _telling(strings: frozenset[str]) -> tuple[int, int]:
    return len(strings), -min(len(part) for part in strings)


def _candidates(items: Iterable) -> list[frozenset[str]]:  # type: ignore[type-arg]
    candidates: list[frozenset[str]] = []
    run: list[str] = []

    def close_run() -> None:
        if len(run) >= 2:
            candidates.append(frozenset({"".join(run)}))
        run.clear()

    for op, value in items:
        if op == sre_constants.LITERAL:
            run.append(chr(value).lower())
            continue
        close_run()
        found: frozenset[str] | None = None
        if op == sre_constants.SUBPATTERN:
            found = required_in(value[-1])
        elif op == sre_constants.BRANCH:
            branches = [required_in(branch) for branch in value[1]]
            found = frozenset().union(*branches) if all(branches) else None  # type: ignore[arg-type]
        elif op in (sre_constants.MAX_REPEAT, sre_constants.MIN_REPEAT) and value[0] >= 1:
            found = required_in(value[2])
        if found:
            candidates.append(found)
    close_run()
    return candidates


@lru_cache(maxsize=8192)
def compile_cue(source: str) -> Cue:
    if source.startswith(REGEX_CUE_PREFIX):
        pattern = source[len(REGEX_CUE_PREFIX) :]
        return Cue(source, pattern=compile_linear(pattern), required=required_literals(pattern))
    stems = frozenset(content_stems(source))
    if not stems:  # a cue made only of small words ("can be") is matched literally
        return Cue(source, pattern=compile_linear(r"\b" + re.escape(source.lower()) + r"\b"))
    return Cue(source, stems=stems)


def stopword_ratio(text: str) -> float:
    tokens = words(text)
    if not tokens:
        return 0.0
    return sum(token in STOPWORDS for token in tokens) / len(tokens)


def quote(sentence: Sentence, limit: int = 300) -> str:
    return sentence.text if len(sentence.text) <= limit else sentence.text[: limit - 1].rstrip() + "…"
