"""What a sentence claims: its clauses, what each asserts or denies, and about which thing.

Words alone cannot tell "tuples are immutable" from "it is false that tuples are
immutable" or from "lists are immutable". This module reads a sentence the way the
graders need to:

- it cuts the sentence into clauses (at punctuation and at words such as "but",
  "whereas", "because", "and");
- it marks every word a negation reaches: "not", "never", "no", "without", "isn't" and
  the rest deny the words after them in their clause (and across an "or" list); frames
  such as "it is false that" or "the idea that ... is a myth" deny the words they wrap;
  "not only" and a leading "No," deny nothing;
- when the question compares things (lists and tuples), it finds which of them each
  clause is about: the thing named in it, unless it is named after "than", "unlike",
  "compared to" and the like; a clause that names none is about the last thing named;
  and a clause that names a thing and nothing else ("lists can't") repeats the previous
  clause's predicate for it;
- questions ("are tuples hashable?"), doubts ("not sure whether ...") and hypotheses
  ("if tuples were mutable ...") are not claims.

Frames that deny, report or dismiss a statement are read in ``frames``; whether two
claims conflict is decided in ``claim_conflicts``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import cached_property, lru_cache

from interviewer.grading.frames import DISMISSES_PREVIOUS, frames
from interviewer.grading.related_words import is_verb
from interviewer.grading.text import MEANINGFUL_SMALL_WORDS, STOPWORDS, stem

# A token: a big-O class, a word, or a mark that ends a clause.
_TOKEN = re.compile(
    r"\bo\(\s*[^()\n]{1,24}?\s*\)|[a-z0-9_]+(?:'[a-z]+)?|\+=|==|!=|:=|[,;:()\[\]?!]|\s[-\u2013\u2014]+\s"
)
_BIG_O = re.compile(r"o\(\s*([^()\n]{1,24}?)\s*\)")
NEGATORS = frozenset(
    {"not", "no", "never", "cannot", "neither", "nothing", "nobody", "nowhere"}
    | {w for w in STOPWORDS if w.endswith("n't")}
    | {"cant", "dont", "doesnt", "isnt", "arent", "wont", "wasnt", "werent", "shouldnt", "couldnt", "wouldnt"}
    | {"didnt", "hasnt", "havent", "hadnt", "aint", "mustnt"}
)
# "not only", "not just", "no matter", "no doubt": these deny nothing
_NOT_A_NEGATION = frozenset({("not", "only"), ("not", "just"), ("not", "merely"), ("no", "matter"), ("no", "doubt")})
# clause breaks: punctuation, and words that start a new clause
_HARD_BREAKS = frozenset(
    {
        "but",
        "whereas",
        "while",
        "although",
        "though",
        "however",
        "because",
        "since",
        "so",
        "yet",
        "unless",
        "whilst",
        "therefore",
        "thus",
        "hence",
        "instead",
        "otherwise",
        "which",
        "whereby",
        "whose",
    }
)
_SOFT_BREAKS = frozenset({"and", "or", "nor", "plus"})
# a clause after one of these is a contrast or an aside: a pronoun in the next sentence refers back past it
_ASIDE_OPENERS = frozenset({"while", "whereas", "although", "though", "whilst", "unless", "because", "since"})
_CARRY_BREAKS = frozenset({"or", "nor"})  # "can't be appended to or modified": the negation reaches both
_PUNCTUATION = frozenset(",;:()[]?!")
# a compared thing named after one of these is the other side of a comparison, not the subject
_CONTRAST_MARKERS = (
    ("than",),
    ("not",),  # "a list, not a tuple, is what you want"
    ("unlike",),
    ("like",),
    ("versus",),
    ("vs",),
    ("over",),
    ("compared", "to"),
    ("compared", "with"),
    ("opposed", "to"),
    ("instead", "of"),
    ("rather", "than"),
    ("from",),
    ("against",),
)
# a clause that says what to do ("I'd deduplicate by event_id", "don't retry") is advice, not a description of
# how things are ("nothing deduplicates by event_id"): the two do not contradict each other
_ADVICE = frozenset(
    {"i'd", "we'd", "you'd", "should", "shouldn't", "would", "let's", "must", "need", "needs", "recommend", "prefer"}
)
_IMPERATIVE_NEGATIONS = frozenset({"don't", "dont", "never", "avoid"})
_PAST = frozenset({"was", "were", "had", "did", "wasn't", "weren't", "hadn't", "didn't"})
_RELATIVE = frozenset({"which"})
_RELATIVE_OPENERS = frozenset({"that", "which", "who"})
_NOT_VERBS = frozenset({"not", "no", "never", "nor", "neither", "either", "also", "too", "so"})
_LEAD_INS = frozenset({"then", "and", "also", "just", "always", "first", "simply", "finally", "instead", "so"})
_AUXILIARIES = frozenset(
    "is are was were be been am can could will would shall should may might must do does did has have had "
    "isn't aren't wasn't weren't can't cannot couldn't won't wouldn't shouldn't doesn't don't didn't hasn't "
    "haven't hadn't also too either neither so not no never nor".split()
)
# "the cleanup won't happen", "__exit__ is never called": denying that something takes place denies the thing
_EVENT_VERBS = frozenset(
    "happen happens happened occur occurs occurred run runs ran execute executes executed fire fires fired "
    "trigger triggers triggered call called invoke invoked exist exists existed".split()
)
# "the cleanup is skipped", "__exit__ gets bypassed": said after a copula, the subject does not take place
_SKIPPED = frozenset({"skipped", "bypassed"})
_BEFORE_EVENT = frozenset("be been being get gets got getting ever actually even really always necessarily".split())
_AFTER_EVENT = frozenset("at all anymore then either properly again here there reliably automatically".split())
# "backfilling isn't safe", "an index isn't worth it": denying that a practice is worth doing denies the practice
_VALUE_WORDS = frozenset("needed necessary required worth worthwhile safe useful helpful wise".split())
_AFTER_VALUE = _AFTER_EVENT | frozenset("it the effort trouble cost risk".split())
# a clause opening with one of these, and the rest of its sentence ("if a tuple holds a list, it is not
# hashable"), says what holds under a condition, not what always holds
_HYPOTHESIS_OPENERS = frozenset(
    {"if", "suppose", "imagine", "whether", "assuming", "assume", "unless", "when", "whenever", "once", "whose"}
)
# "not sure whether ...", "I don't know if ...": what follows is a doubt, not a claim
_DOUBT = re.compile(
    r"\b(?:not\s+(?:sure|certain)|unsure|(?:don't|do\s+not|dont)\s+(?:really\s+)?know|no\s+idea|wonder|"
    r"(?:can't|cannot|don't)\s+remember|forget)\s+(?:if|whether|what|why|how|which|when)\b"
)
_LEADING_NO = re.compile(r"^\s*no\s*[,.!]")
_TIME_WORDS = frozenset({"while", "when", "whilst"})
# "two threads can never run bytecode at the same time": the negation denies the timing, not the running
_SIMULTANEITY = (
    ("at", "the", "same", "time"),
    ("at", "the", "same", "moment"),
    ("at", "the", "same", "instant"),
    ("in", "parallel"),
    ("simultaneously",),
    ("concurrently",),
    ("at", "once"),
)
_NEGATING_PAIRS = frozenset({("instead", "of"), ("rather", "than")})
# these deny only the word they stand next to: "without locks", "freeing nothing means ..."
_NARROW_NEGATORS = frozenset({"without", "nothing", "nobody", "nowhere", "avoid", "avoids", "avoiding", "avoided"})
# the tokens that can start a denial; every other token takes the short path through ``read``
_MAY_NEGATE = NEGATORS | _NARROW_NEGATORS | {"none", "from"} | {first for first, _ in _NEGATING_PAIRS}
_DENYING_OBJECTS = frozenset({"nothing", "nobody", "nowhere"})  # "catches nothing": the verb before is denied
_CODE_SPAN = re.compile(r"`[^`\n]*`|\"[^\"\n]{1,40}\"|\u201c[^\u201d\n]{1,40}\u201d")  # code, or a short quoted phrase
_COMPARATIVES = frozenset({"more", "less", "fewer", "most", "least"})
_COPULAS = frozenset(
    "is are was were be been being become becomes became stay stays remain remains seem seems get gets "
    "isn't aren't wasn't weren't it's that's there's they're what's he's she's we're you're".split()
)
_PREVENTING = frozenset({"stop", "stops", "prevent", "prevents", "keep", "keeps", "block", "blocks"})
# words that deny what the clause says of its subject ("is an error", "fails"), for the clause as a whole
_DENYING_WORDS = frozenset(
    {"error", "fail", "fails", "failed", "forbidden", "disallowed", "illegal", "impossible", "refuses", "rejects"}
)
# "deduplicating by event_id is unnecessary": what the clause names is not needed, so not done (for a word
# said just after a copula)
_NEEDLESS = frozenset({"unnecessary", "needless", "unneeded", "pointless", "useless", "superfluous", "redundant"})
_EXAMPLE_BREAKS = frozenset({"(", "["})
_EXAMPLE_OPENERS = frozenset(
    {
        "unlike",
        "such",
        "like",
        "eg",
        "e",
        "including",
        "example",
        "say",
        "what",
        "for",
        "with",
        "in",
        "on",
        "at",
        "by",
        "of",
        "to",
        "into",
        "from",
        "via",
        "per",
    }
)
# "CPU-bound" and "I/O-bound" are one idea each, and opposite ones
_BOUND_KINDS = {
    "cpu": "cpu-bound",
    "compute": "cpu-bound",
    "processor": "cpu-bound",
    "io": "io-bound",
    "network": "io-bound",
    "disk": "io-bound",
}
_BOUND_WORDS = frozenset({"bound", "heavy", "intensive"})
# the tokens that may join the next one or drop out ("cpu" "bound", "is" "-a", "non" "-blocking", a call's parentheses)
_MAY_MERGE = frozenset(_BOUND_KINDS) | {"is", "has", "non", "(", ")"}
_COMPOUNDS = frozenset({"cpu-bound", "io-bound"})
# words that link or compare rather than say anything of their own
_LINKING_WORDS = frozenset(
    {"since", "unlike", "like", "versus", "vs", "via", "per", "etc", "eg", "ie", "whether", "compared", "opposed"}
)


@dataclass(frozen=True)
class Compared:
    """The things a question compares, each known by one or more names (as stem sequences)."""

    names: tuple[tuple[tuple[str, ...], ...], ...] = ()

    @cached_property
    def stems(self) -> frozenset[str]:
        return frozenset(s for thing in self.names for name in thing for s in name)

    @cached_property
    def ignored(self) -> frozenset[str]:
        """Words that say nothing about what a clause claims: generic words and the compared things' names."""
        return GENERIC_WORDS | self.stems

    def __bool__(self) -> bool:
        return len(self.names) >= 2


@lru_cache(maxsize=512)
def compared_things(groups: tuple[tuple[str, ...], ...]) -> Compared:
    """Compile a question's ``compares`` (names per thing) into stem sequences."""
    return Compared(tuple(tuple(tuple(_stems_of(name)) for name in thing if _stems_of(name)) for thing in groups))


@dataclass(frozen=True)
class Claim:
    """One clause: the stems it speaks of, whether it denies them, and which compared things it is about."""

    text: str
    said: dict[str, bool]  # stem -> asserted (True) or denied (False) where it stands in the clause
    negated: bool = False  # the clause as a whole denies
    about: frozenset[int] = frozenset()
    asserted: bool = True  # False for questions, doubts and suppositions ("if tuples were mutable")
    conditional: bool = False  # said under a condition: the supposition and what follows it in the sentence
    advice: bool = False  # says what to do ("I'd add a lock", "don't retry"), not how things are
    imperative: bool = False  # opens with a verb ("hoist invariants out of the loop"): most likely advice
    verbless: bool = False  # no verb: a name or a fragment ("then the instance dictionary"), not a statement
    context: frozenset[str] = frozenset()  # for "which ...": the words of the clause it hangs on
    elided: bool = False  # its words are the clause before's, said again of its own subject ("lists can't")
    past: bool = False  # says what happened ("customers were charged twice"), not what is true in general
    example: bool = False  # a parenthesis, an example or a fragment ("such as a sync driver", "for object arrays")
    predicated: frozenset[str] = frozenset()  # stems said after "is", "are", "be"...: properties, not names
    named: bool = False  # the clause says what it is about (a compared thing, or a thing's parts): not inherited
    grounded: bool = False  # what it is about was named in its own sentence, in it or in a clause next to it
    aside: bool = False  # opens with "while", "whereas", "although"...: a contrast, not the sentence's own topic

    @cached_property
    def stems(self) -> frozenset[str]:
        return frozenset(self.said)


@dataclass(frozen=True)
class Reading:
    """A sentence as read: whether a negation reaches each token, and the sentence's claims."""

    starts: tuple[int, ...]  # character offset of each token in the sentence
    denied: tuple[bool, ...]
    claims: tuple[Claim, ...]
    asserted: bool
    polarity: dict[str, frozenset[bool]] = field(default_factory=dict)  # stem -> asserted (True), denied (False)
    reported: tuple[bool, ...] = ()  # per token: only reported from others ("people say ...")
    contrasted: tuple[bool, ...] = ()  # per token: right after "than", "unlike", "not" in its clause
    particular: tuple[bool, ...] = ()  # per token: in a clause about one particular thing ("that tuple can't ...")
    not_claimed: frozenset[str] = frozenset()  # stems said only as reported or of one particular thing
    unhappening: frozenset[str] = frozenset()  # stems of what the sentence says does not take place

    def contrasted_at(self, offset: int) -> bool:
        """Whether the text at this offset follows a contrast marker ("slower than a shallow copy ...")."""
        return self._flag_at(self.contrasted, offset)

    def particular_at(self, offset: int) -> bool:
        """Whether the text at this offset is in a clause about one particular thing, not the kind."""
        return self._flag_at(self.particular, offset)

    def reported_at(self, offset: int) -> bool:
        """Whether the text at this character offset is only reported, not claimed."""
        return self._flag_at(self.reported, offset)

    def denied_at(self, offset: int) -> bool:
        """Whether a negation reaches the text at this character offset (the token starting there or next)."""
        return self._flag_at(self.denied, offset)

    def own_claim_at(self, offset: int) -> bool:
        """Whether the text at this offset is the speaker's own assertion: not denied, not only reported, not said
        of one particular thing."""
        return not (self.denied_at(offset) or self.reported_at(offset) or self.particular_at(offset))

    def _flag_at(self, flags: tuple[bool, ...], offset: int) -> bool:
        """A per-token flag for the token starting at this offset or the next one (False past the last)."""
        for start, flag in zip(self.starts, flags, strict=True):
            if start >= offset:
                return flag
        return False


@lru_cache(maxsize=65536)
def _token_stem(token: str) -> str:
    if token.startswith("o("):
        inner = _BIG_O.fullmatch(token)
        body = inner.group(1) if inner else token
        body = re.sub(r"\s+|\*\*|\^|\*|\u00b2", lambda m: "2" if m.group(0) == "\u00b2" else "", body)
        # "O(n squared)", "O(n*n)" and "O(n^2)" are one class
        body = body.replace("squared", "2").replace("cubed", "3")
        body = {"nn": "n2", "nnn": "n3"}.get(body, body)
        return "o(" + body + ")"
    if token in _COMPOUNDS:
        return token
    stemmed = stem(token.strip("_") or token)
    return _ALIASES.get(stemmed, stemmed)


def _stems_of(text: str) -> list[str]:
    return [
        _token_stem(t)
        for t, _ in _tokens(fold_keeping_offsets(text))
        if not _is_break(t) and (t not in STOPWORDS or t in MEANINGFUL_SMALL_WORDS)
    ]


def fold_keeping_offsets(text: str) -> str:
    """Lower case, keeping every character's offset (so a match in the sentence maps to its tokens)."""
    folded = text.lower().replace("\u2019", "'").replace("i/o", "io ")
    return folded if len(folded) == len(text) else text.lower()


def _tokens(folded: str) -> list[tuple[str, int]]:
    """Tokens with their offsets; "CPU-bound", "I/O bound" and the like become one token each."""
    found = [(m.group(0), m.start()) for m in _TOKEN.finditer(folded)]
    merged: list[tuple[str, int]] = []
    index = 0
    while index < len(found):
        token, start = found[index]
        if token not in _MAY_MERGE:  # most tokens stand alone
            merged.append((token, start))
            index += 1
            continue
        following = found[index + 1][0] if index + 1 < len(found) else ""
        kind = _BOUND_KINDS.get(token)
        if kind and following in _BOUND_WORDS:
            merged.append((kind, start))
            index += 2
            continue
        if token in ("is", "has") and following == "a" and folded[start + len(token) : start + len(token) + 1] == "-":
            merged.append((token + "-a", start))  # "is-a" and "has-a" are relations, not "is" and "a"
            index += 2
            continue
        if token == "non" and following[:1].isalpha():  # "non-blocking" is one word, the opposite of "blocking"
            merged.append(("non" + following, start))
            index += 2
            continue
        if token in "()" and _call_parenthesis(folded, start):
            index += 1  # "queue.join()", "f(x)": a call, not an aside
            continue
        merged.append((token, start))
        index += 1
    return merged


def _call_parenthesis(folded: str, start: int) -> bool:
    """Whether the parenthesis at ``start`` belongs to a call: "(" right after a name, or the ")" closing one."""
    if folded[start] == "(":
        return start > 0 and (folded[start - 1].isalnum() or folded[start - 1] in "_.")
    opening = folded.rfind("(", 0, start)
    return opening > 0 and ")" not in folded[opening + 1 : start] and _call_parenthesis(folded, opening)


def _negates(token: str, following: str, before: Sequence[str]) -> bool:
    """Whether the token denies what follows it: "not", "never", "avoid", "instead of", "rather than".

    "from" does after "stop", "prevent" or "keep" ("won't stop two threads from computing it").
    """
    if token == "none":  # Python's None ("return None") denies nothing; "none of them" does
        return following == "of"
    if token in NEGATORS:
        if token.endswith("n't") and following in {"only", "just", "merely"}:
            return False  # "it doesn't only block that request"
        return (token, following) not in _NOT_A_NEGATION
    if token == "from":
        return any(word in _PREVENTING for word in before)
    return False


def _mentioned(text: str, folded: str, pairs: Sequence[tuple[str, int]], index: int, leading_no: bool) -> bool:
    """A negation that is mentioned rather than used: "the word 'not'", `not in`, "No, ...", SQL's "DO NOTHING"."""
    start = pairs[index][1]
    if start > 0 and folded[start - 1] in "\"'\u201c\u2018":
        return True
    if (leading_no and index == 0) or _shouted_code(text, pairs, index):
        return True
    return any(a < start < b for a, b in (m.span() for m in _CODE_SPAN.finditer(folded)))


def _shouted_code(text: str, pairs: Sequence[tuple[str, int]], index: int) -> bool:
    """A negation in capitals next to another word in capitals is code ("DO NOTHING", "IS NOT NULL")."""
    if len(text) != len(text.lower()):
        return False

    def upper(j: int) -> bool:
        if not 0 <= j < len(pairs):
            return False
        word, start = pairs[j]
        original = text[start : start + len(word)]
        return original.isupper() and len(original) > 1

    return upper(index) and (upper(index - 1) or upper(index + 1))


def _example(tokens: Sequence[str], begin: int, end: int, before: str, claims: Sequence[Claim]) -> bool:
    """Whether the clause is an example or a fragment rather than a claim of its own: a parenthesis, a clause
    opening with "such as", "for", "with" and the like, a list item after a comma ("..., object dtype,"), what
    follows an example in its list ("e.g. requests.get or a sync driver"), or an error message after its name."""
    if before in _EXAMPLE_BREAKS or tokens[begin] in _EXAMPLE_OPENERS:
        return True
    short = end - begin <= 3 and not any(tokens[i] in _AUXILIARIES for i in range(begin, end))
    if before == "," and short:
        return True
    if before in ("or", "and", ",") and claims and claims[-1].example:
        return True
    return before == ":" and begin >= 2 and tokens[begin - 2].endswith(("error", "exception", "warning"))


def token_list(folded: str) -> list[str]:
    """The tokens of a folded sentence, as the reader splits it."""
    return [token for token, _ in _tokens(folded)]


@lru_cache(maxsize=65536)
def verb_like(token: str) -> bool:
    """An auxiliary, or a word that reads as an inflected verb ("keeps", "copied")."""
    if (token in _AUXILIARIES or token in _COPULAS) and token not in _NOT_VERBS:
        return True
    for ending in ("es", "s", "ed", "d"):
        if token.endswith(ending) and len(token) > len(ending) + 2 and is_verb(token[: -len(ending)]):
            return True
    return False


def _opens_with_verb(tokens: Sequence[str], span: range) -> bool:
    for i in span:
        if tokens[i] in _LEAD_INS:
            continue
        return is_verb(tokens[i]) and tokens[i] not in STOPWORDS
    return False


def _last_named(span: range, mentions: Mapping[int, list[tuple[int, bool]]]) -> frozenset[int]:
    for i in reversed(span):
        if i in mentions:
            return frozenset(thing for thing, _ in mentions[i])
    return frozenset()


def _about_parts(tokens: Sequence[str], span: range, mentions: Mapping[int, object]) -> bool:
    """Whether the clause's subject is a thing's parts ("its items can change", "a tuple's items change"):
    a part word before any verb, with no compared thing named after it ("an inner list through a shallow
    copy changes": the copy is the subject)."""
    for i in span:
        if tokens[i] in _AUXILIARIES:
            return False
        if _token_stem(tokens[i]) in PART_WORDS:
            return not any(j in mentions for j in range(i + 1, span.stop))
    return False


def _compound(folded: str, pairs: Sequence[tuple[str, int]], index: int) -> set[int]:
    """The token at ``index`` with the tokens hyphenated to it ("busy-polling"), or nothing for -1."""
    if index < 0:
        return set()
    found = {index}
    while index + 1 < len(pairs):
        word, start = pairs[index]
        if folded[start + len(word) : pairs[index + 1][1]] != "-":
            break
        index += 1
        found.add(index)
    return found


def _previous_content(tokens: Sequence[str], begin: int, index: int) -> int | None:
    for j in range(index - 1, begin - 1, -1):
        if tokens[j] not in STOPWORDS and not _is_break(tokens[j]):
            return j
    return None


def _next_content(tokens: Sequence[str], index: int) -> int:
    for j in range(index + 1, len(tokens)):
        if _is_break(tokens[j]):
            return -1
        if tokens[j] not in STOPWORDS:
            return j
    return -1


def _simultaneity(tokens: Sequence[str], start: int, end: int) -> set[int]:
    """The tokens of a phrase of timing ("at the same time", "in parallel") between start and end, if any."""
    for i in range(start, end):
        for phrase in _SIMULTANEITY:
            if tuple(tokens[i : i + len(phrase)]) == phrase and i + len(phrase) <= end:
                return set(range(i, i + len(phrase)))
    return set()


_BREAKS = _PUNCTUATION | _HARD_BREAKS | _SOFT_BREAKS
_ONE_WAY = {True: frozenset({True}), False: frozenset({False})}
_BOTH_WAYS = frozenset({True, False})


def _denies_occurrence(tokens: Sequence[str], start: int, end: int) -> bool:
    """Whether a denial's words (``tokens[start:end]``) are only that something happens ("won't happen",
    "is never called"), so that what is denied is its subject."""
    return _only_denies(tokens, start, end, _EVENT_VERBS, _AFTER_EVENT)


def _denies_value(tokens: Sequence[str], start: int, end: int) -> bool:
    """Whether a denial's words are only that something is worth doing ("isn't safe", "is not worth it"), so
    that what is denied is its subject, as a practice."""
    return _only_denies(tokens, start, end, _VALUE_WORDS, _AFTER_VALUE)


def _only_denies(tokens: Sequence[str], start: int, end: int, heads: frozenset[str], after: frozenset[str]) -> bool:
    """Whether the words are one of ``heads``, with only adverbs before it and only ``after`` words after."""
    i = start
    while i < end and tokens[i] in _BEFORE_EVENT:
        i += 1
    if i >= end or tokens[i] not in heads:
        return False
    return all(token in after or token in _PUNCTUATION for token in tokens[i + 1 : end])


def _relative_verb(tokens: Sequence[str], begin: int, i: int, end: int) -> set[int]:
    """The words a negation at ``i`` denies when it opens a relative clause after a noun ("I/O that can't be
    replaced goes to a thread"): up to and including the clause's verb, when the sentence's own verb follows it;
    empty otherwise."""
    if i - 2 < begin or tokens[i - 1] not in _RELATIVE_OPENERS or not tokens[i - 2].isalpha():
        return set()
    j = i + 1
    while j < end and tokens[j] in _BEFORE_EVENT:
        j += 1
    # the sentence's own verb, right after the relative clause's verb or one word of its complement
    main = next((k for k in (j + 1, j + 2) if k < end and _main_verb(tokens[k])), None)
    if main is None:
        return set()  # no verb of the sentence's own after it: the denial is the sentence's
    return set(range(i + 1, main))


def _main_verb(token: str) -> bool:
    return verb_like(token) or (token.endswith("es") and is_verb(token[:-2]))  # "goes", too short for verb_like


def _content_stems_between(tokens: Sequence[str], skip: Sequence[bool], begin: int, end: int) -> set[str]:
    return {_token_stem(tokens[j]) for j in range(begin, end) if not skip[j] and tokens[j] not in STOPWORDS}


def _deny_before(
    tokens: Sequence[str],
    skip: Sequence[bool],
    begin: int,
    end: int,
    said: dict[str, bool],
    denied: list[bool] | None,
) -> None:
    """Deny every word of the clause before ``end`` ("deduplicating by event_id" in "... is unnecessary"), and
    the tokens themselves when ``denied`` is given."""
    for j in range(begin, end):
        key = _token_stem(tokens[j])
        if not skip[j] and key in said:
            said[key] = False
            if denied is not None:
                denied[j] = True


def _is_break(token: str) -> bool:
    return token in _BREAKS or not token.strip()


def _clauses(tokens: Sequence[str], skip: Sequence[bool]) -> list[tuple[int, int, str]]:
    """Token ranges of the clauses, each with the break before it."""
    clauses: list[tuple[int, int, str]] = []
    begin, before = 0, ""
    for i, token in enumerate(tokens):
        following = tokens[i + 1] if i + 1 < len(tokens) else ""
        if (token in _TIME_WORDS and following.endswith("ing")) or (token, following) in _NEGATING_PAIRS:
            continue  # "released while waiting": a time, not a contrast; "instead of": a denial
        if _is_break(token) and not skip[i]:
            if i > begin:
                clauses.append((begin, i, before))
            begin, before = i + 1, token.strip()
    if begin < len(tokens):
        clauses.append((begin, len(tokens), before))
    return clauses


def _skip_asides(tokens: Sequence[str], skip: list[bool]) -> None:
    """A short aside in parentheses ("receives the class (cls) as its first argument") is read past, not split on."""
    for i, token in enumerate(tokens):
        if token != "(":
            continue
        for j in range(i + 1, min(len(tokens), i + 6)):
            if tokens[j] == "(":
                break
            if tokens[j] == ")":
                for k in range(i, j + 1):
                    skip[k] = True
                break


def read(
    text: str,
    compared: Compared = Compared(),
    previous_subject: frozenset[int] = frozenset(),
    dismissed: bool = False,
) -> Reading:
    """Read one sentence (see the module's docstring); ``dismissed``: the next sentence calls this one untrue."""
    folded = fold_keeping_offsets(text)
    pairs = _tokens(folded)
    tokens = [t for t, _ in pairs]
    starts = [s for _, s in pairs]
    n = len(tokens)
    extra, skip, reported = frames(folded, starts, dismissed)
    if DISMISSES_PREVIOUS.fullmatch(folded):
        skip = [True] * n  # "That's a myth.": it says nothing of its own; the sentence before is denied
    _skip_asides(tokens, skip)
    doubt = _DOUBT.search(folded)
    asserted = not folded.rstrip().endswith("?") and not (doubt and doubt.start() <= len(folded) // 2)
    leading_no = bool(_LEADING_NO.match(folded))
    mentions = _mentions(tokens, compared) if compared else {}

    denied = [False] * n
    needless_words = [False] * n  # denied by "... is unnecessary": as words, though the clause is asserted
    unhappening: set[str] = set()  # what the sentence says does not take place ("the cleanup won't happen")
    claims: list[Claim] = []
    subject = previous_subject
    carried = 0
    last_said: dict[str, bool] = {}
    last_negated = False
    hypothesis = False
    named_here = False  # a clause of this sentence has named a compared thing
    last_named: frozenset[int] = frozenset()  # the compared thing named last, even after "than" or "unlike"
    bare_subject: frozenset[int] = frozenset()  # what the clause before named and said nothing of ("lists" and ...)
    particular = [False] * n
    last_particular = False
    for begin, end, before in _clauses(tokens, skip):
        span = range(begin, end)
        own_subject = frozenset(thing for i in span for thing, marked in mentions.get(i, ()) if not marked)
        # "that tuple can't be a key" is about one tuple, and so is "and hashable" or "so it can't" after it
        one_of_a_kind = (
            all(_particular(tokens, i) for i in span if i in mentions and i - 1 not in mentions)
            if own_subject
            else last_particular
        )
        last_particular = one_of_a_kind
        if one_of_a_kind:
            particular[begin:end] = [True] * (end - begin)
        continues = before in _CARRY_BREAKS
        first = next((i for i in span if not skip[i]), begin)  # a frame's own words ("it is false that") aside
        negations = (carried if continues else 0) + extra[first]
        plain_negations = 0  # "not", "never": these reach on into "or modified"; "avoid", "instead of" do not
        negated_here = False
        said: dict[str, bool] = {}
        ambiguous: set[str] = set()
        parity = negations  # the clause as a whole: also counts words that deny ("fails", "is an error")
        narrow: set[int] = set()  # "without X": the negation reaches X only
        predicated: set[str] = set()
        since_copula = 99
        event_negator = -1
        needless_at = -1
        skipped_at = -1
        for i in span:
            token = tokens[i]
            denied[i] = (negations + extra[i] - extra[first] + (i in narrow)) % 2 == 1
            if skip[i]:
                continue
            if token not in _MAY_NEGATE:  # the common case, as below without the denials
                if token in _NEEDLESS and since_copula <= 2 and needless_at < 0:
                    needless_at = i
                    parity += 1
                if token in _SKIPPED and since_copula <= 1 and skipped_at < 0:
                    skipped_at = i  # "the cleanup is skipped": it does not take place
                    parity += 1
                since_copula = 0 if token in _COPULAS else since_copula + 1
                if token in _DENYING_WORDS:
                    parity += 1
                if (
                    i in mentions
                    or token in _LINKING_WORDS
                    or (token in STOPWORDS and token not in MEANINGFUL_SMALL_WORDS)
                ):
                    continue
                key = _token_stem(token)
                if since_copula <= 3 or token.endswith(("er", "est")) or token in _COMPARATIVES:
                    predicated.add(key)
                if said.get(key, not denied[i]) == denied[i]:
                    ambiguous.add(key)
                said[key] = not denied[i]
                continue
            following = tokens[i + 1] if i + 1 < n else ""
            if (token, following) in _NEGATING_PAIRS:
                narrow = _compound(folded, pairs, _next_content(tokens, i + 1))  # "X instead of Y": Y is denied
                parity += 1
                continue
            if token == "nothing" and i > 0 and tokens[i - 1] == "for":
                continue  # "builds a list of None for nothing": in vain, not a denial
            if token in _NARROW_NEGATORS and not _shouted_code(text, pairs, i):
                parity += 1
                previous = _previous_content(tokens, begin, i)
                if token in _DENYING_OBJECTS and previous is not None and i + 1 < end and verb_like(tokens[i + 1]):
                    # "a list of Nones nobody uses": the subject of what follows, which is what is denied
                    narrow = _compound(folded, pairs, i + 1)
                elif token in _DENYING_OBJECTS and previous is not None:
                    # "the except catches nothing": the verb before is what is denied
                    denied[previous] = not denied[previous]
                    key = _token_stem(tokens[previous])
                    if key in said and key not in ambiguous:
                        said[key] = not denied[previous]
                elif token in _DENYING_OBJECTS and not negated_here:
                    # "nothing in the cache survives": the subject is no thing, so all said of it is denied
                    negated_here = True
                    negations += 1
                elif token not in _DENYING_OBJECTS:
                    narrow = _compound(folded, pairs, _next_content(tokens, i))
                continue
            since_copula = 0 if token in _COPULAS else since_copula + 1
            if _negates(token, following, tokens[begin:i]) and not _mentioned(text, folded, pairs, i, leading_no):
                timing = _simultaneity(tokens, i + 1, end)
                if timing:
                    narrow = timing
                    parity += 1
                    continue
                relative = _relative_verb(tokens, begin, i, end)
                if relative:  # "blocking I/O that can't be replaced goes to a thread": it denies "replaced" only
                    narrow = relative
                    continue
                if negated_here:
                    continue  # "a library you never touched doesn't need to": each denies its own part
                negated_here = True
                event_negator = i
                negations += 1
                parity += 1
                plain_negations += token in NEGATORS
                continue
            if token in _DENYING_WORDS:
                parity += 1
            if i in mentions or token in _LINKING_WORDS or (token in STOPWORDS and token not in MEANINGFUL_SMALL_WORDS):
                continue
            key = _token_stem(token)
            if since_copula <= 3 or token.endswith(("er", "est")) or token in _COMPARATIVES:
                predicated.add(key)  # "is (not) really mutable", "faster"
            if said.get(key, not denied[i]) == denied[i]:
                ambiguous.add(key)
            said[key] = not denied[i]
        if needless_at > begin:
            # the words, not the place: a misconception cue may state the whole clause, "is useless" too
            needless = _token_stem(tokens[needless_at])
            _deny_before(tokens, skip, begin, end, said, needless_words)
            said[needless] = True
            needless_words[needless_at] = False
        if skipped_at > begin:
            _deny_before(tokens, skip, begin, skipped_at, said, denied)
            unhappening.update(_content_stems_between(tokens, skip, begin, skipped_at))
        if event_negator > begin and _denies_occurrence(tokens, event_negator + 1, end):
            _deny_before(tokens, skip, begin, event_negator, said, denied)
            unhappening.update(_content_stems_between(tokens, skip, begin, event_negator))
        elif event_negator > begin and _denies_value(tokens, event_negator + 1, end):
            _deny_before(tokens, skip, begin, event_negator, said, needless_words)  # as words, as for "needless"
        for key in ambiguous:
            del said[key]
        carried = ((carried if continues else 0) + plain_negations) % 2
        negated = parity % 2 == 1
        about: frozenset[int] = frozenset()
        parts = False
        elided = False
        if compared:
            if not own_subject and before in _RELATIVE and last_named:
                subject = last_named  # "slower than a shallow copy, which is O(n)": which is the shallow copy
            subject = own_subject or subject
            parts = _about_parts(tokens, span, mentions)
            about = frozenset() if parts else subject  # "their contents can change"
            if own_subject and said and before in _SOFT_BREAKS and bare_subject and not parts and not negated:
                # "threads or asyncio for waiting on the network", "lists and tuples are sequences": both are
                # the subject of what the second clause says
                subject = about = own_subject | bare_subject
            bare_subject = own_subject if own_subject and not said and not negated else frozenset()
            stub = not _AUXILIARIES.isdisjoint(tokens[begin:end])
            if own_subject and not said and last_said and stub:
                # "tuples can be keys, lists can't": the clause before says what this one says of its subject
                said = {key: value != (last_negated != negated) for key, value in last_said.items()}
                elided = True
            elif own_subject and not said and claims and not claims[-1].named:
                # "for describing what a function needs, a Protocol": the name is the subject of the clause before
                claims[-1] = replace(claims[-1], about=own_subject)
        supposed = tokens[begin] in _HYPOTHESIS_OPENERS or (begin == 0 and tokens[0] == "without")  # "without a lock,"
        hypothesis = hypothesis or supposed
        claims.append(
            Claim(
                text=folded[starts[begin] : starts[end - 1] + len(tokens[end - 1])],
                said=said,
                negated=negated,
                about=about,
                asserted=asserted and not supposed and not any(reported[begin:end]),
                conditional=hypothesis,
                advice=not _ADVICE.isdisjoint(tokens[begin:end])
                or tokens[begin] in _IMPERATIVE_NEGATIONS
                or (before == "so" and tokens[begin] == "that"),  # "so that it never charges twice": a goal
                past=not _PAST.isdisjoint(tokens[begin:end]),
                imperative=_opens_with_verb(tokens, span),
                example=one_of_a_kind or _example(tokens, begin, end, before, claims),
                verbless=not any(map(verb_like, tokens[begin:end])),
                context=frozenset(claims[-1].said) if before in _RELATIVE and claims else frozenset(),
                predicated=frozenset(predicated),
                named=bool(own_subject) or parts,
                elided=elided,
                grounded=bool(own_subject) or named_here,
                aside=before in _ASIDE_OPENERS,
            )
        )
        named_here = named_here or bool(own_subject)
        last_named = _last_named(span, mentions) or last_named
        if said:
            last_said, last_negated = said, negated
    if compared and claims and not previous_subject:
        # "You can't append to or modify a tuple": clauses before the first named thing are about it
        first = next((claim.about for claim in claims if claim.about), frozenset())
        leading = 0
        while leading < len(claims) and not claims[leading].about and not claims[leading].named:
            leading += 1
        claims[:leading] = [
            replace(claim, about=first, grounded=index == leading - 1) for index, claim in enumerate(claims[:leading])
        ]
    polarity: dict[str, frozenset[bool]] = {}  # each word: asserted, denied, or both somewhere in the sentence
    # words said only in what others are reported to say, or only of one particular thing: not the speaker's claim
    own: set[str] = set()
    others: set[str] = set()
    for i, token in enumerate(tokens):
        if skip[i] or _is_break(token):
            continue
        word = _token_stem(token)
        (others if reported[i] or particular[i] else own).add(word)
        if token not in NEGATORS:
            ways = polarity.get(word)
            value = not (denied[i] or needless_words[i])
            polarity[word] = _ONE_WAY[value] if ways is None or ways == _ONE_WAY[value] else _BOTH_WAYS
    for claim in claims:  # what a clause repeats of the one before ("... and a tuple can't") counts too
        for word, value in claim.said.items():
            ways = polarity.get(word)
            polarity[word] = _ONE_WAY[value] if ways is None or ways == _ONE_WAY[value] else _BOTH_WAYS
    return Reading(
        not_claimed=frozenset(others - own),
        unhappening=frozenset(unhappening),
        starts=tuple(starts),
        denied=tuple(denied),
        reported=tuple(reported),
        contrasted=_contrasted(tokens),
        particular=tuple(particular),
        claims=tuple(claims),
        asserted=asserted,
        polarity=polarity,
    )


def read_all(sentences: Iterable[str], compared: Compared = Compared()) -> list[Reading]:
    """Read sentences in order; a sentence that names no compared thing is about the last one named."""
    readings = []
    subject: frozenset[int] = frozenset()
    sentences = list(sentences)
    for index, sentence in enumerate(sentences):
        dismissed = index + 1 < len(sentences) and bool(
            DISMISSES_PREVIOUS.fullmatch(fold_keeping_offsets(sentences[index + 1]))
        )
        reading = read(sentence, compared, subject, dismissed)
        readings.append(reading)
        # the next sentence's "they" is what this one is about: its last main clause, not a "while ..." aside
        for claim in reading.claims:
            if not claim.aside and not claim.elided:  # "..., and a list is not": a contrast, not the topic
                subject = claim.about or subject
    return readings


def named_things(text: str, compared: Compared) -> frozenset[int]:
    """Every compared thing the text names, in any role (subject, "than ...", "unlike ...")."""
    tokens = [t for t, _ in _tokens(fold_keeping_offsets(text))]
    return frozenset(thing for found in _mentions(tokens, compared).values() for thing, _ in found)


def _particular(tokens: Sequence[str], index: int) -> bool:
    """Whether the name at ``index`` names one particular thing: "that tuple", "this list", "those tuples", "such a
    tuple" (what is said of it need not hold of the kind). "that" before a plural is a conjunction ("so that
    tuples can be keys")."""
    before = tokens[index - 1] if index else ""
    if before in ("this", "that"):
        return not tokens[index].endswith("s")
    return before in ("these", "those") or (index > 1 and tokens[index - 2] == "such" and before in ("a", "an"))


def _mentions(tokens: Sequence[str], compared: Compared) -> dict[int, list[tuple[int, bool]]]:
    """Token index -> (compared thing, named after a contrast marker) for each name found."""
    stems = [_token_stem(t) if not _is_break(t) else "" for t in tokens]
    where: dict[str, list[int]] = {}  # stem -> the indexes it stands at: a name can only start at its first stem
    for i, word in enumerate(stems):
        where.setdefault(word, []).append(i)
    spans: list[tuple[int, int, int]] = []  # start, end, thing
    for thing, names in enumerate(compared.names):
        for name in names:
            width = len(name)
            spans += [(i, i + width, thing) for i in where.get(name[0], ()) if tuple(stems[i : i + width]) == name]
    named = {j for start, end, _ in spans for j in range(start, end)}
    found: dict[int, list[tuple[int, bool]]] = {}
    for start, end, thing in spans:
        marked = _after_marker(tokens, start, named)
        for j in range(start, end):
            found.setdefault(j, []).append((thing, marked))
    return found


def _after_marker(tokens: Sequence[str], index: int, named: set[int]) -> bool:
    """Whether a contrast marker stands within the three words before ``index``, in its clause and after any other
    compared thing ("compared to lists, tuples ...": "lists" is marked, "tuples" is not)."""
    window: list[str] = []
    for j in range(index - 1, max(-1, index - 4), -1):
        if _is_break(tokens[j]) or j in named:
            break
        window.insert(0, tokens[j])
    return any(tuple(window[k : k + len(m)]) == m for m in _CONTRAST_MARKERS for k in range(len(window)))


_MARKER_STARTS = frozenset(marker[0] for marker in _CONTRAST_MARKERS)


def _contrasted(tokens: Sequence[str]) -> tuple[bool, ...]:
    """Per token, ``_after_marker`` with no compared thing named: one pass over the markers in the sentence."""
    flags = [False] * len(tokens)
    for k, token in enumerate(tokens):
        if token not in _MARKER_STARTS:
            continue
        for marker in _CONTRAST_MARKERS:
            if tuple(tokens[k : k + len(marker)]) != marker or any(_is_break(word) for word in marker):
                continue  # a marker that holds a clause break ("instead of") is cut off by it
            for i in range(k + len(marker), min(len(tokens), k + 4)):
                if i > k + len(marker) and _is_break(tokens[i - 1]):
                    break
                flags[i] = True
    return tuple(flags)


# Words too common to show what a clause is about
GENERIC_WORDS = frozenset(
    stem(word)
    for word in """
    time times way ways work works thing things case cases lot lots bit kind part point example place
    need needs want wants make makes made get gets got give gives take takes go goes come put say says see look
    know think mean means just actual actually basically general generally usual usually often sometimes
    really stuff people someone something anything everything python code program programs also one
    """.split()
)
# A clause about a thing's parts ("their contents can change") is not about the thing itself
PART_WORDS = frozenset(
    stem(w)
    for w in "content contents item items element elements member members inner nested "
    "inside entries entry field fields child children".split()
)
_ALIASES = {stem("dictionary"): "dict", stem("dictionaries"): "dict", stem("integer"): "int", stem("string"): "str"}
