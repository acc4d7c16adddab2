"""Whether two claims conflict: one denies what the other asserts.

In the same words, or with an opposite ("slower" for "faster", "unhashable" for
"hashable", one complexity class for another), or by saying of one compared thing what
the other says only of another. ``index_keys`` and ``lookup_keys`` let a grader find the
facts a claim could conflict with without comparing it to every one.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache

from interviewer.grading.claims import NEGATORS, Claim, Compared
from interviewer.grading.related_words import opposite_stems, technical_pairs
from interviewer.grading.text import stem

_GROWTH = frozenset(stem(w) for w in ("constant", "logarithmic", "linear", "quadratic", "cubic", "exponential"))
_GROWTH_KEY = "#growth"
# words with an antonym that pick out which things a clause speaks of rather than say what they are ("other
# requests queue" does not assert a property "other")
_DETERMINERS = frozenset({"other"})
_NOTHING_COMPARED = Compared()
COVER_FACT = 0.6  # share of the fact's words a clause must speak of to be about the same thing
COVER_CLAIM = 0.6  # and of its own words
_WORDS = re.compile(r"[a-z']+")
DENIED_PART_WORDS = 3  # a denied clause this long, all of whose words a fact asserts, denies the fact
MOSTLY_SHARED = 3  # clauses sharing this many words, and three times what either adds as an aside, say the same
OPPOSITE_WEIGHT = 3  # an opposite word ("adds" against "removes") outweighs a word the two clauses share


def opposite(first: str, second: str) -> bool:
    """Whether two stems say opposite things: antonyms, a negative prefix, or two different big-O classes."""
    if first == second:
        return False
    if first.startswith("o(") and second.startswith("o("):
        return True
    if first in _GROWTH and second in _GROWTH:
        return True  # "linear" and "quadratic", like O(n) and O(n^2), cannot both be true of one cost
    return second in opposite_stems(first) or _prefixed(first, second) or _prefixed(second, first)


def _opposites_among(word: str, words: frozenset[str]) -> frozenset[str]:
    """The words that say the opposite of ``word`` (``opposite``), found by lookup rather than pair by pair."""
    if not words:
        return frozenset()
    found = _opposite_forms(word) & words
    if word.startswith("o("):
        found |= {w for w in words if w.startswith("o(")}
    if word in _GROWTH:
        found |= words & _GROWTH
    return found - {word}


@lru_cache(maxsize=65536)
def _opposite_forms(word: str) -> frozenset[str]:
    """The word's antonyms, and the word with a negative prefix added or taken off."""
    variants = {"un" + word, "non" + word}
    if word.startswith("un"):
        variants.add(word[2:])
    if word.startswith("non"):
        variants.add(word[3:])
    return opposite_stems(word) | variants


def _before(claim: Claim, hits: set[str] | frozenset[str], compared: Compared) -> frozenset[str]:
    """The clause's words before the first of ``hits``: what it speaks of."""
    found = []
    for word in claim.said:
        if word in hits:
            break
        if word not in compared.ignored:
            found.append(word)
    return frozenset(found)


def index_keys(claim: Claim, compared: Compared) -> set[str]:
    """Words under which a fact is filed, so that only clauses that could relate to it are compared with it:
    its own words, the opposites of its properties, and one key for all complexity classes."""
    keys = set(claim.stems - compared.ignored)
    for word in claim.predicated & keys:
        keys |= opposite_stems(word) | {"un" + word, "non" + word, word[2:], word[3:]}
        if word.startswith("o(") or word in _GROWTH:
            keys.add(_GROWTH_KEY)
    keys |= {b for a, b in technical_pairs() if a in claim.stems}
    return keys


def lookup_keys(claim: Claim, compared: Compared) -> set[str]:
    """The keys under which the facts a clause could relate to are filed (see ``index_keys``)."""
    keys = set(claim.stems - compared.ignored)
    if any(word.startswith("o(") or word in _GROWTH for word in claim.predicated):
        keys.add(_GROWTH_KEY)
    return keys


def _polar(word: str) -> bool:
    return word.startswith("o(") or word in _GROWTH or (word not in _DETERMINERS and bool(opposite_stems(word)))


def _prefixed(word: str, base: str) -> bool:
    return any(word.startswith(prefix) and word[len(prefix) :] == base for prefix in ("un", "non"))


def _denies(text: str) -> bool:
    """Whether the clause says "not", "never", "cannot", "neither" or another negation in so many words."""
    return any(word in NEGATORS for word in _WORDS.findall(text))


def relation(fact: Claim, claim: Claim, compared: Compared = _NOTHING_COMPARED) -> str | None:
    """ "same" or "opposite" when two clauses speak of the same thing, else None.

    Opposite when one denies what the other asserts, or says it with an opposite word
    (two opposites and a denial cancel out: "not released for CPU-bound work" agrees with
    "released for I/O-bound work").
    """
    fact_words = fact.stems - compared.ignored
    claim_words = claim.stems - compared.ignored
    shared = fact_words & claim_words
    if not fact_words or not claim_words or (not shared and not (fact.predicated and claim.predicated)):
        return None
    # an opposite counts as a denial only where it is a property ("strings are mutable"), not part of a name
    # ("the sync wrapper" against "an async wrapper")
    technical = technical_pairs()
    claim_rest = claim_words - shared
    opposed = [
        (a, b)
        for a in fact_words - shared
        for b in _opposites_among(a, claim_rest)
        if (a in fact.predicated and b in claim.predicated) or (a, b) in technical
    ]
    fact_hits = shared | {a for a, _ in opposed}
    claim_hits = shared | {b for _, b in opposed}
    # what each says before the words they share is what it speaks of ("a set does not keep insertion order"
    # against "a dict keeps insertion order"): when either's subject is missing from the other, they differ
    fact_subject = _before(fact, fact_hits, compared)
    claim_subject = _before(claim, claim_hits, compared)
    if (fact_subject and not fact_subject & (claim.stems | claim.context)) or (
        claim_subject and not claim_subject & fact.stems
    ):
        return None
    fact_matched = len(fact_hits)
    claim_matched = len(claim_hits)
    polar_match = any(_polar(w) for w in shared & claim.predicated & fact.predicated) or bool(opposed)
    if len(fact_words) == 1:  # a one-word fact ("immutable") must be a property of a compared thing
        [word] = fact_words
        related = bool(fact.about) and fact_matched == 1 and claim_matched * 2 >= len(claim_words) and _polar(word)
    elif claim_matched == len(claim_words) and len(claim_words) <= 2 and polar_match:
        related = True  # "it is not faster": a short claim whose property is one the fact states
    elif (
        _denies(claim.text)  # a denial in so many words ("doesn't"), not "avoid", which may mean "remove"
        and not fact.negated
        and all(fact.said[w] for w in fact_words)
        and any(not claim.said[w] for w in shared)
        and claim_matched == len(claim_words) >= DENIED_PART_WORDS
        and 2 * fact_matched >= len(fact_words)
    ):
        # "a list comprehension doesn't materialise the items" against "a list comprehension materialises all
        # items in memory at once": denying part of what a fact asserts denies the fact
        return "opposite" if not opposed else None
    else:
        related = (
            fact_matched >= 2
            and fact_matched >= COVER_FACT * len(fact_words)
            and claim_matched >= COVER_CLAIM * len(claim_words)
        )
    if not related:
        return None
    fact_rest = fact_words - fact_hits - fact_subject
    claim_rest = claim_words - claim_hits - claim_subject
    # what each adds is an aside, not a property ("for logical grouping"; not "exist" against "are overridden")
    mostly_shared = (
        len(shared) >= MOSTLY_SHARED
        and len(shared) >= 3 * max(len(fact_rest), len(claim_rest))
        and not fact_rest & fact.predicated
        and not claim_rest & claim.predicated
    )
    if fact_rest and claim_rest and not opposed and not polar_match and not mostly_shared:
        return None  # each says something the other does not ("doesn't keep the list sorted", "keeps a min-heap")
    # a property that has an opposite ("mutable") says more than the subject it is said of ("strings")
    properties = fact.predicated & claim.predicated

    def weight(word: str) -> int:
        return 2 if word in properties and _polar(word) else 1

    agree = sum(weight(w) for w in shared if fact.said[w] == claim.said[w])
    agree += sum(OPPOSITE_WEIGHT for a, b in opposed if fact.said[a] != claim.said[b])
    disagree = sum(weight(w) for w in shared if fact.said[w] != claim.said[w])
    disagree += sum(OPPOSITE_WEIGHT for a, b in opposed if fact.said[a] == claim.said[b])
    by_words = None if agree == disagree else "opposite" if disagree > agree else "same"
    by_clause = "opposite" if (fact.negated != claim.negated) != (len(opposed) % 2 == 1) else "same"
    return by_words if by_words == by_clause else None


def conflicts(fact: Claim, claim: Claim, compared: Compared, facts: Sequence[Claim]) -> bool:
    """Whether the answer's ``claim`` gets the question's ``fact`` backwards.

    Either it says the opposite of the same thing, or it says of one compared thing what
    the question's texts (``facts``) say only of another.
    """
    if claim.verbless or claim.example:
        return False  # "..., not their signatures", "then the instance dict": corrections and list items
    if not claim.asserted or claim.conditional or claim.advice != fact.advice:
        return False  # advice ("I'd deduplicate") and a description ("nothing deduplicates") do not clash
    if fact.imperative and not (claim.advice or claim.imperative):
        return False  # "hoist invariants" is advice too: "CPython does not hoist them" does not deny it
    if claim.imperative and not (fact.imperative or fact.advice):
        return False  # "bound the caches" is a fix: it does not deny "unbounded caches grow forever"
    if compared and bool(claim.about) != bool(fact.about):
        # the fact does not say which compared thing it is about, or the clause does not
        return False
    kind = relation(fact, claim, compared)
    if kind is None:
        return False
    if not (compared and fact.about):
        return kind == "opposite"
    if fact.about & claim.about:
        return kind == "opposite"
    if kind != "same" or not claim.grounded:
        return False  # the contrast itself ("lists are mutable" against "tuples are not"), or a guess at the subject
    return not any(other.about & claim.about and relation(other, claim, compared) == "same" for other in facts)
