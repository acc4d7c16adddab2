"""Words that say the same thing, or the opposite, in other words, from WordNet 3.0.

Two words are related when WordNet puts them in one synset ("unlimited" and
"limitless") or links them as forms of one another ("recursion" and "recursive",
"store" and "storage"). Two words are opposites when WordNet calls them antonyms
("mutable" and "immutable", "fast" and "slow", with their comparatives "faster" and
"slower"), when one is the other with a negative prefix ("efficient", "inefficient"), or
when they are one of the few technical opposites general English does not know
("sync" and "async", "eager" and "lazy"). The tables are built by
``scripts/build_related_words.py`` and hold word stems, as the graders match stems;
each is loaded on first use.
"""

from __future__ import annotations

import gzip
import threading
from functools import lru_cache
from importlib import resources

from interviewer.grading.text import stem

_RELATED = "related_words.txt.gz"
_OPPOSITES = "opposites.txt.gz"
_VERBS = "verbs.txt.gz"
# Opposites of programming that WordNet lacks or files under other senses
TECHNICAL_OPPOSITES = (
    ("sync", "async"),
    ("eager", "lazy"),
    ("eagerly", "lazily"),
    ("acquire", "release"),
    ("acquires", "releases"),
    ("before", "after"),
    ("more", "fewer"),
    ("more", "less"),
    ("most", "least"),
    ("faster", "slower"),
    ("quicker", "slower"),
    ("cheaper", "costlier"),
    ("static", "dynamic"),
    ("sequential", "parallel"),
    ("serial", "parallel"),
    ("sequentially", "concurrently"),
    ("sequentially", "parallel"),
    ("blocking", "nonblocking"),
    ("preemptive", "cooperative"),
    ("shared", "separate"),
    ("shared", "independent"),
    ("copied", "shared"),
    ("grows", "shrinks"),
    ("grow", "shrink"),
    ("increase", "reduce"),
    ("increases", "reduces"),
    ("increase", "decrease"),
    ("increases", "decreases"),
    ("raise", "lower"),
    ("safe", "unsafe"),
    ("bound", "unbound"),
    ("bounded", "unbounded"),
    ("ordered", "unordered"),
    ("sorted", "unsorted"),
    ("stable", "unstable"),
    ("hashable", "unhashable"),
    ("deterministic", "nondeterministic"),
    ("inside", "outside"),
    ("cpu-bound", "io-bound"),
    ("add", "remove"),
    ("adds", "removes"),
    ("added", "removed"),
)
_lock = threading.Lock()
_index: dict[str, tuple[int, ...]] | None = None
_groups: list[frozenset[str]] = []
_opposites: dict[str, frozenset[str]] | None = None
_verbs: frozenset[str] | None = None


def _read_lines(name: str) -> list[str]:
    data = resources.files("interviewer.assets.wordnet").joinpath(name).read_bytes()
    return gzip.decompress(data).decode("utf-8").splitlines()


def _load() -> dict[str, tuple[int, ...]]:
    global _index
    if _index is not None:  # loaded: no lock needed to read it
        return _index
    with _lock:
        if _index is None:
            index: dict[str, list[int]] = {}
            for line in _read_lines(_RELATED):
                group = frozenset(line.split())
                _groups.append(group)
                for member in group:
                    index.setdefault(member, []).append(len(_groups) - 1)
            _index = {member: tuple(ids) for member, ids in index.items()}
    return _index


def _load_opposites() -> dict[str, frozenset[str]]:
    global _opposites
    if _opposites is not None:
        return _opposites
    with _lock:
        if _opposites is None:
            pairs = [tuple(line.split()) for line in _read_lines(_OPPOSITES)]
            pairs += [(stem(a), stem(b)) for a, b in TECHNICAL_OPPOSITES]
            table: dict[str, set[str]] = {}
            for first, second in pairs:
                table.setdefault(first, set()).add(second)
                table.setdefault(second, set()).add(first)
            _opposites = {word: frozenset(others) for word, others in table.items()}
    return _opposites


@lru_cache(maxsize=32768)
def related_stems(word_stem: str) -> frozenset[str]:
    """Stems of the words related to this one (not including itself)."""
    ids = _load().get(word_stem, ())
    return frozenset().union(*(_groups[i] for i in ids)) - {word_stem} if ids else frozenset()


@lru_cache(maxsize=1)
def technical_pairs() -> frozenset[tuple[str, str]]:
    """The technical opposites as stem pairs, both ways round: verbs among them ("adds", "removes") deny each
    other wherever they stand, not only after "is"."""
    pairs = {(stem(a), stem(b)) for a, b in TECHNICAL_OPPOSITES}
    return frozenset(pairs | {(b, a) for a, b in pairs})


def opposite_stems(word_stem: str) -> frozenset[str]:
    """Stems of the words that say the opposite of this one."""
    return _load_opposites().get(word_stem, frozenset())


def is_verb(word: str) -> bool:
    """Whether the word, as written, is the base form of a WordNet verb ("hoist", "capture")."""
    global _verbs
    if _verbs is None:
        with _lock:
            _verbs = frozenset(_read_lines(_VERBS))
    return word in _verbs
