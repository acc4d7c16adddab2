"""How well an answer communicates: structure, a concrete example, trade-offs, concision."""

from __future__ import annotations

import re
from functools import lru_cache
from itertools import islice

from interviewer.grading.text import Sentence, words
from interviewer.models import Communication

# the signals of each kind that make its score full
STRUCTURE_FULL = 3
EXAMPLES_FULL = 2
TRADE_OFFS_FULL = 2

_ORDERING = re.compile(
    r"\b(first(ly)?|second(ly)?|then|next|finally|because|so that|therefore|which means|as a result|in short|"
    r"overall|to summari[sz]e|the key (difference|point)|in contrast)\b|^\s*(\d+[.)]|[-*•])\s",
    re.I | re.M,
)
_EXAMPLE = re.compile(
    r"\b(for (example|instance)|e\.g\.?|such as|say you|imagine|in practice|in production|i (used|would use|'d use)|"
    r"we (used|had)|like when)\b|```|`[^`]+`|\b\w+\([^)]*\)|\b\d+(\.\d+)?\s?(ms|s|mb|gb|kb|%|x)?\b",
    re.I,
)
# Specifics make an example too: a tuple such as (host, port), a dotted or snake_case name
# (functools.lru_cache, max_workers), a tool named mid-sentence (Grafana, Postgres, NumPy)
_SPECIFIC = re.compile(
    r"\([^()\n]{1,40},[^()\n]{1,40}\)|\b[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)+\b|\b[a-z]\w*_\w+\b"
    r"|(?<=[a-z0-9,;:)] )(?!Python\b)[A-Z][a-z]*[A-Z0-9]?[A-Za-z0-9]{2,}"
)
# the look-ahead (each word's first letter) changes no match: it only spares the matcher most positions
_TRADE_OFF = re.compile(
    r"(?=[abcdhioptuw])\b(but|however|trade-?offs?|downside|drawback|cost|whereas|on the other hand|instead|unless|"
    r"avoid|prefer|"
    r"at the expense|in exchange|worse|better|overhead|only if|only when|depends)\b",
    re.I,
)


def _saturating(count: int, full_at: int) -> float:
    return round(min(1.0, count / full_at), 2)


@lru_cache(maxsize=1024)
def _expected_words(reference: str) -> int:
    """The length an answer is measured against: the reference answer's, or 60 words (the same for every answer)."""
    return max(60, len(words(reference)))


def _count(pattern: re.Pattern[str], text: str, limit: int) -> int:
    """How many times the pattern matches the text, counting no further than ``limit`` (where the score is full)."""
    return sum(1 for _ in islice(pattern.finditer(text), max(0, limit)))


def _redundancy(sentences: list[Sentence]) -> float:
    """Share of sentences that add (almost) no words the answer had not already used."""
    seen: set[str] = set()
    repeats = 0
    for sentence in sentences:
        if sentence.stems and len(sentence.stems - seen) <= 0.2 * len(sentence.stems):
            repeats += 1
        seen |= sentence.stems
    return repeats / len(sentences) if sentences else 0.0


def assess(text: str, sentences: list[Sentence], reference: str) -> Communication:
    word_count = len(words(text))
    expected = _expected_words(reference)
    ratio = word_count / expected
    if ratio < 0.25:
        concision = ratio / 0.25
    elif ratio <= 2.0:
        concision = 1.0
    else:
        concision = 2.0 / ratio
    concision *= 1.0 - _redundancy(sentences)
    paragraphs = 1 if len(sentences) >= 3 else 0
    structure_signals = paragraphs + _count(_ORDERING, text, STRUCTURE_FULL - paragraphs)
    examples = _count(_EXAMPLE, text, EXAMPLES_FULL)
    examples += _count(_SPECIFIC, text, EXAMPLES_FULL - examples)
    return Communication(
        structure=_saturating(structure_signals, STRUCTURE_FULL),
        concrete_example=_saturating(examples, EXAMPLES_FULL),
        trade_offs=_saturating(_count(_TRADE_OFF, text, TRADE_OFFS_FULL), TRADE_OFFS_FULL),
        concision=round(concision, 2),
    )
