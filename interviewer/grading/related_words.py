"""Words that say the same thing in other words, from WordNet 3.0.

Two words are related when WordNet puts them in one synset ("unlimited" and
"limitless") or links them as forms of one another ("recursion" and "recursive",
"store" and "storage"). The table is built by ``scripts/build_related_words.py``
and holds word stems, as the graders match stems; it is loaded on first use.
"""

from __future__ import annotations

import gzip
import threading
from functools import lru_cache
from importlib import resources

_TABLE = "related_words.txt.gz"
_lock = threading.Lock()
_index: dict[str, tuple[int, ...]] | None = None
_groups: list[frozenset[str]] = []


def _load() -> dict[str, tuple[int, ...]]:
    global _index
    with _lock:
        if _index is None:
            data = resources.files("interviewer.assets.wordnet").joinpath(_TABLE).read_bytes()
            index: dict[str, list[int]] = {}
            for line in gzip.decompress(data).decode("utf-8").splitlines():
                group = frozenset(line.split())
                _groups.append(group)
                for member in group:
                    index.setdefault(member, []).append(len(_groups) - 1)
            _index = {member: tuple(ids) for member, ids in index.items()}
    return _index


@lru_cache(maxsize=32768)
def related_stems(word_stem: str) -> frozenset[str]:
    """Stems of the words related to this one (not including itself)."""
    ids = _load().get(word_stem, ())
    return frozenset().union(*(_groups[i] for i in ids)) - {word_stem} if ids else frozenset()
