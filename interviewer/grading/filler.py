"""Answers that say words without saying anything: terms strung together, or an answer that disowns itself.

A keyword list can hide in sentences: "it has to do with mutable, and then the immutable,
and then the hashable, and then the memory ...", "you have your hashing, your ordering,
the whole memory thing, etc.". Such a sentence is a run of bare terms (each item, once
filler words are taken away, is a name of two or three words with no verb, no negation
and no claim) that name the ideas of several different rubric points. An interview answer
lists examples of one idea ("cProfile, py-spy and scalene"), not one word for each idea.

An answer that disowns itself ("but I don't know what any of it means", "I've only heard
the terms") tells the grader not to take its words as understanding.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from interviewer.grading.related_words import is_verb
from interviewer.grading.text import STOPWORDS, Sentence, content_stems
from interviewer.linear_regex import Prefiltered

MIN_BARE_ITEMS = 3  # a run of at least this many bare terms...
BARE_SHARE = 0.6  # ...making up at least this share of the sentence's items...
BARE_WORD_SHARE = 0.5  # ...and of its meaningful words...
MIN_POINTS_NAMED = 3  # ...that name ideas of at least this many different rubric points
MAX_BARE_WORDS = 3
MAX_FRAGMENT_TOKENS = 8  # a sentence longer than this is no single bare term, whatever its filler

_ITEM_BREAK = re.compile(
    r" ?[,;:/] *|\.\.\. *|\s[-\u2013\u2014]\s"
    r"|\s(?:and\s+then|then|and\s+also|and\s+so\s+on|and\s+all\s+that|and|or|etc\.?|versus|vs\.?|plus)\b\s*",
    re.I,
)
# "it comes down to ...", "the key topics are ...", "my answer covers ...", "keywords: ...": a list of topics follows
_TOPIC_FRAME = Prefiltered(
    re.compile(
        r"""^\W*(?:(?:well|so|basically|honestly|okay|ok|yeah|right)\W+)*(?:
        it\s+(?:all\s+)?(?:comes?|boils?)\s+down\s+to
        |it'?s\s+(?:all\s+)?about
        |(?:the\s+)?(?:key|main|relevant|important|core|big)\s+(?:topics|themes|notions|ideas|points|concepts
            |things|words|terms)(?:\s+(?:here|are|i\s+would\s+mention|to\s+mention|involved))*
        |(?:my|this|the)\s+answer\s+(?:covers?|involves?|touches\s+on|includes?)
        |(?:key\s*words?|buzzwords?|topics?|themes?|concepts?|important\s+here)\s*:
        |[^,;:.]{0,50}?\b(?:involves?|comes?\s+down\s+to|boils\s+down\s+to|is\s+all\s+about|revolves?\s+around)
        |this\s+(?:one|question|topic)\s+is\s+(?:all\s+|really\s+|mostly\s+)?about
        |(?:when\s+it\s+comes\s+to|as\s+for|regarding)\s+[^,;:.]{0,40},\s+(?:you|we|i|one)\s+
            (?:have\s+to|need\s+to|must|should|would|'d|ought\s+to)\s+(?:think|talk|care)\s+about
        |(?:what'?s\s+|things\s+|stuff\s+)?relevant\s+here(?:\s+(?:is|are))?\s*:
    )\s*:?""",
        re.I | re.X,
    )
)
_RELEVANT = re.compile(r"\s+(?:is|are)\s+(?:also\s+)?relevant(?:\s+too|\s+as\s+well)?\b", re.I)
# a verb that makes a list item a statement rather than a topic ("blocking I/O releases the GIL" is still a topic)
_TOPIC_VERBS = frozenset("is are was were can could will would should must does do did has have had means".split())
_LIKELY_BREAKS = (",", ";", ":", "/", " and ", " then ", " or ", " vs", "etc", " plus ", "...", " - ")
_ITEM_BREAK_KEPT = re.compile(f"({_ITEM_BREAK.pattern})", re.I)
_LISTING = re.compile(r"and\s+then|then")
_EXAMPLE_LEAD = re.compile(r"\b(?:such\s+as|like|e\.g\.?|for\s+example|including)\s*[^,;:]{0,200}$", re.I)
_LISTING_START = re.compile(r"\s*your\s+", re.I)
_FILLER = re.compile(
    r"\b(?:you(?:'ve)?\s+(?:have|got)|we\s+(?:have|got)|there(?:'s|\s+is|\s+are)|it(?:'s|\s+is)\s+(?:about|all\s+about)|"
    r"it(?:'s|\s+is)|that(?:'s|\s+is)|yeah|so|ok|okay|well|um+|uh+|er|hmm+|"
    r"has\s+to\s+do\s+with|to\s+do\s+with|stuff\s+like|things\s+like|something\s+like|kind\s+of|sort\s+of|"
    r"the\s+whole|i\s+guess|i\s+think|basically|you\s+know|like|your|the|a|an|some|all|that|this|those|these|"
    r"thing|things|stuff|bit|whatever|also|too|again|more|of|with|about|its|their|my)\b",
    re.I,
)
# a verb, a negation or a claim word: an item holding one says something about the term
_PREDICATE = frozenset(
    """
    is are was were be been being am can could will would shall should may might must do does did has have had
    isn't aren't wasn't weren't can't cannot couldn't won't wouldn't shouldn't doesn't don't didn't hasn't haven't
    not no never makes make made lets let means mean gives give runs run uses use returns return keeps keep
    stores store holds hold needs need takes take causes cause so because if when which than
    """.split()
)
# the predicate words that make a clause a claim: connectives alone ("okay, so:") do not
_CLAIM_VERBS = _PREDICATE - {"so", "because", "if", "when", "which", "than"}
_DISOWNING = Prefiltered(
    re.compile(
        r"""\b(?:
        (?:do\s+not|don't|dont|did\s+not|didn't|never)\s+(?:really\s+|actually\s+)?(?:know|understand|get)\s+
            what\s+(?:any\s+of\s+)?(?:it|this|that|these|those|they|them|the\s+(?:terms?|words?|names?))
            (?:\s+\w+){0,2}\s+(?:means?|do|does|are)
        |no\s+(?:idea|clue)\s+what\s+(?:any\s+of\s+)?(?:it|this|that|these|those|they|the\s+\w+)(?:\s+\w+){0,2}\s+(?:means?|do|does|are)
        |(?:only|just)\s+(?:ever\s+)?(?:heard|read|seen)\s+(?:of\s+)?(?:the|these|those|some|a\s+few)\s+
            (?:words?|terms?|names?|buzzwords?|keywords?|phrases?)
        |(?:heard|read|seen)\s+(?:the|these|those)\s+(?:words?|terms?|buzzwords?|keywords?)\s+(?:but|and)
        |(?:couldn't|could\s+not|can't|cannot|can\s+not)\s+(?:really\s+|actually\s+)?(?:explain|tell\s+you|say)\s+
            (?:any\s+of\s+)?(?:them|it|these|those|the\s+details|what\s+(?:they|it|any\s+of\s+it|these|this)
            |how\s+(?:they|it|this)\s+works?|why
            |how\s+(?:they|these|those|the\s+\w+|it\s+all)\s+(?:\w+\s+)?(?:fit|fits|connect|connects|relate|relates
                |tie\s+together|ties\s+together|hang\s+together|go\s+together))
        |(?:don'?t|do\s+not|wouldn'?t|would\s+not|shouldn'?t|should\s+not)\s+(?:rely|count|bet)\s+on\s+
            (?:anything|any\s+of\s+(?:it|this|that|what))\s+(?:of\s+what\s+)?i(?:'ve|\s+have)?\s+(?:just\s+)?
            (?:said|told\s+you|written|wrote)\W*$
        |(?:just|only)\s+(?:listing|naming|throwing\s+out|dropping|repeating)\s+(?:some\s+)?(?:buzzwords|words|terms|keywords)
        |(?:not\s+sure|no\s+idea)\s+what\s+(?:any\s+of\s+)?(?:it|this|that|these|those|they)\s+(?:really\s+)?(?:means?|do|does|is|are)
        |i'?m\s+(?:just\s+)?(?:making\s+(?:this|it)\s+up|bluffing|parroting|reciting|repeating\s+(?:phrases|words|what))
        |(?:can'?t|cannot|couldn'?t)\s+explain\s+(?:a\s+(?:single\s+)?word|any|much)\s+of\s+it
        |no\s+(?:real\s+)?(?:idea|clue|understanding)\s+(?:of\s+)?(?:what|why|how)\b
        |(?:not\s+that|don'?t|do\s+not|doesn'?t)\s+(?:i\s+)?(?:really\s+)?understand\s+(?:any|a\s+word|much|half)\s+of\s+it
        |(?:haven'?t|have\s+not|don'?t\s+have)\s+(?:got\s+)?(?:a|the\s+slightest)\s+clue
        |don'?t\s+ask\s+me\s+(?:what|why|how)
        |(?:all|it'?s)\s+greek\s+to\s+me
        |(?:copied|pasted|took)\s+(?:this|it|that)\s+(?:from|off)\b
        |(?:reciting|parroting)\s+(?:this|it|a\s+flashcard|the\s+docs)
        |(?:these|those)\s+are\s+just\s+(?:the\s+)?(?:buzzwords|words|terms|keywords)
        |(?:don'?t|do\s+not)\s+(?:count|grade|score|mark)\s+(?:this|my)\s+(?:one|answer)
        |(?:let'?s|can\s+we|i'?d\s+like\s+to)\s+(?:maybe\s+|just\s+)?(?:skip|pass\s+on)\s+(?:this|that)
            (?:\s+one|\s+question)?\b
        |\bi\s+(?:only\s+)?know\s+(?:the\s+)?(?:words?|terms?|names?|buzzwords?)\s+(?:like|such\s+as)\b
            [^.;]{0,120}\bbut\s+i\b
        |none\s+of\s+(?:this|that|it|what\s+i(?:'ve|\s+have)?\s+(?:just\s+)?said)\s+is\s+(?:actually\s+|really\s+)?true\b
        |i\s+made\s+(?:all\s+(?:of\s+)?)?(?:this|that|it)\s+up\b
        |scratch\s+all\s+(?:of\s+)?(?:that|this)\b
        |everything\s+i(?:'ve|\s+have)?\s+(?:just\s+)?said\s+(?:is|was)\s+(?:\w+\s+){0,3}
            (?:folklore|wrong|false|untrue|nonsense|made\s+up|a\s+lie|backwards)
        |(?:i'?m|i\s+am)\s+(?:only\s+|just\s+)?(?:joking|kidding)\b|\bjust\s+kidding\b
        |what\s+i'?d\s+say\s+if\s+i\s+wanted\s+to\s+be\s+wrong
    )""",
        re.I | re.X,
    )
)


# words that rate or gesture rather than say ("a key concept", "the important ones", "each playing a part"): a
# claim made only of these says nothing about the terms it introduces
_EMPTY_WORDS = frozenset(
    """
    key important importance main core central big major crucial essential fundamental basic concept concepts
    idea ideas notion notions topic topics thing things stuff aspect aspects part parts piece pieces feature
    features powerful useful interesting relevant common usual one ones lot lots many several various different
    matter matters role roles deal question subject area areas point points theme themes factor factors
    consideration considerations decision decisions kind sort way ways nutshell whole story really just pretty
    much very quite good great nice tricky simple work works working expect expected play plays playing hood
    weigh careful carefully against other others each come comes coming mind say talk all everything
    """.split()
)
# the words of those that gesture at a list without saying anything of it ("all playing their part", "under the
# hood it works the way you'd expect"): not counted among a sentence's meaningful words when weighing its terms
_GESTURE_STEMS = frozenset(
    stem
    for word in "key important concept concepts idea ideas topic topics thing things stuff part role play plays "
    "playing hood way work works expect weigh careful carefully against others each one ones".split()
    for stem in content_stems(word)
)

_PRONOUNS = frozenset(
    "i i'd i'm i've i'll we we'd we're you you'd you're they they're it he she there here something anything "
    "everyone everybody people someone somebody one".split()
)
# a copula or an auxiliary is no verb of a claim's own: "vectorization is NumPy, arrays, ..." only lists
_BARE_VERBS = frozenset(
    "is are was were be been being am has have had do does did can could will would shall should may might must "
    "not no never".split()
)
# words that wave at an idea rather than say it: a sentence holding one names its subject but does not explain it
_VAGUE = Prefiltered(
    re.compile(
        r"""\b(?:
        # trailing gestures, at the end of a clause ("..., circuit breakers, that sort of thing.")
        (?:all\s+of\s+that|that\s+(?:sort|kind)\s+of\s+thing|or\s+(?:similar|something(?:\s+like\s+that)?)
            |(?:stuff|things)\s+like\s+that|and\s+all\s+that)(?=\s*(?:[.,;:!?)]|$))
        |some\s+(?:kind|sort)\s+of|it'?s\s+all\s+about|(?:it|this|everything)\s+(?:really\s+)?comes\s+down\s+to
        |(?:some\s+)?clever\s+tricks?|you\s+know|whichever\s+fits|depending\s+on\s+the\s+(?:situation|use\s+case)
        |deep\s+magic|the\s+whole\s+\w+\s+(?:thing|area)|(?:a|the)\s+classic\s+(?:\w+\s+){0,3}(?:problem|pattern|thing)
        |proper\s+(?:keys|decoupling|design|handling|patterns))\b""",
        re.I | re.X,
    )
)
# words that pad a list of terms out to look like a sentence
_PADDING = Prefiltered(
    re.compile(
        r"\b(?:and\s+then|stuff|things?\s+like|the\s+whole|thing|etc|you(?:'ve)?\s+(?:have|got)\s+your|has\s+to\s+do\s+with|"
        r"kind\s+of|sort\s+of|whatever|and\s+all\s+that|and\s+so\s+on|basically|you\s+know|buzzwords?)\b",
        re.I,
    )
)


def padded(sentence: Sentence) -> bool:
    """Whether the sentence holds words that pad a list of terms ("and then the", "stuff like", "etc.")."""
    return bool(_PADDING.search(sentence.text))


def vague(sentence: Sentence) -> bool:
    """Whether the sentence waves at its subject instead of saying it ("it's all about hashing", "some kind of
    message broker, Kafka or similar", "resilience patterns, that sort of thing")."""
    return bool(_VAGUE.search(sentence.text))


def disowns(sentence: Sentence) -> bool:
    """Whether the sentence says the answer's own terms are not understood."""
    return bool(_DISOWNING.search(sentence.text))


def bare_items(sentence: Sentence, items: list[tuple[str, str]] | None = None) -> list[str]:
    """The sentence's list items that, filler aside, are bare terms.

    A bare term is short, with no verb, negation or claim word, or it is the item after a
    "and then the" or "your", which puts whatever follows in a list ("and then the must be hashable").
    """
    if sentence.is_code:
        return []
    found = (_bare(separator, item) for separator, item in (_items(sentence.text) if items is None else items))
    return [term for term in found if term is not None]


def _bare(separator: str, item: str) -> str | None:
    """The item as a bare term (its words, filler aside), or None when it says something."""
    words = [w.lower() for w in re.findall(r"[A-Za-z0-9_'+-]+", _FILLER.sub(" ", item))]
    if not words or len(words) > MAX_BARE_WORDS + 1:
        return None
    listed = bool(_LISTING.fullmatch(separator)) or bool(_LISTING_START.match(item))
    plain = len(words) <= MAX_BARE_WORDS and not any(w in _PREDICATE for w in words) and not _verb_led(words)
    return " ".join(words) if plain or listed else None


def _introduced(items: list[tuple[str, str]]) -> bool:
    """Whether the list follows a claim that introduces it with a colon or "such as", "like", "e.g."."""
    if len(items) < 2:
        return False
    colon = next((k for k, (separator, _) in enumerate(items) if separator == ":"), None)
    lead = next(((k, found) for k, (_, item) in enumerate(items) if (found := _EXAMPLE_LEAD.search(item))), None)
    if lead is not None and (colon is None or lead[0] < colon):  # "..., such as a, b, c": the head ends at the lead
        k, found = lead
        head = " ".join([item for _, item in items[:k]] + [items[k][1][: found.start()]])
    elif colon is not None:
        head = " ".join(item for _, item in items[:colon])
    else:
        return False
    words = [w.lower() for w in re.findall(r"[A-Za-z0-9_'+-]+", head)]
    # a claim needs a verb: "money class... okay, so:" only opens the list
    if len(words) < 4:
        return False
    verb = next((k for k, w in enumerate(words) if w in _CLAIM_VERBS), None)
    if verb is None:
        return _subject_verb(words)
    # and something to say after it: "closures are a key concept:" only rates what follows
    return any(w not in STOPWORDS and w not in _EMPTY_WORDS and len(w) > 2 for w in words[verb + 1 :])


def _subject_verb(words: list[str]) -> bool:
    """ "inheritance still fits ...", "a mixin adds ...": a subject, an adverb or two, then a verb of its own
    (not "lists tuples dicts", a run of plural nouns some of which are also verbs)."""
    if words[0].endswith("s") and not words[0].endswith(("ss", "is", "us")):
        return False
    for word in words[1:4]:
        if word.endswith("s") and not word.endswith("ss") and (is_verb(word[:-1]) or is_verb(word[:-2])):
            return True
    return False


def _items(text: str) -> list[tuple[str, str]]:
    """(the separator before it, the item) for each list item of the text."""
    pieces = _ITEM_BREAK_KEPT.split(text)
    items = [("", pieces[0])] + [(pieces[i], pieces[i + 1]) for i in range(1, len(pieces) - 1, 2)]
    return [(separator.strip().lower(), item) for separator, item in items if item.strip()]


def _verb_led(words: list[str]) -> bool:
    """ "works on data", "classmethod gets class": a verb with its subject or object, not a term."""

    def verb_like(word: str) -> bool:
        return word.endswith("s") and not word.endswith(("ss", "us", "is"))

    return (len(words) >= 2 and verb_like(words[0])) or (len(words) == 3 and verb_like(words[1]))


def is_term_run(sentence: Sentence, point_words: Sequence[frozenset[str]]) -> bool:
    """Whether the sentence strings bare terms from several rubric points together (see the module docstring)."""
    if sum(sentence.lowered.count(mark) for mark in _LIKELY_BREAKS) < MIN_BARE_ITEMS - 1:
        return False  # too few separators to hold a run of terms
    topics = _TOPIC_FRAME.match(sentence.text)
    if topics:
        return _topic_list(sentence.text[topics.end() :], point_words)
    if len(_RELEVANT.findall(sentence.text)) >= MIN_BARE_ITEMS:  # "A is relevant, B is relevant, C is relevant"
        return _topic_list(_RELEVANT.sub("", sentence.text), point_words)
    items = _items(sentence.text)
    if sum(len(item.split()) <= MAX_BARE_WORDS + 3 for _, item in items) < MIN_BARE_ITEMS:
        return False  # too few short items to be a run of terms, whatever the filler
    if sentence.is_code:
        return False
    if _claim_head(items, point_words):
        return False  # "Guarantee: __exit__ always runs, even on exceptions": a note that makes a claim
    needed = max(MIN_BARE_ITEMS, BARE_SHARE * len(items))
    bare: list[str] = []
    for index, (separator, item) in enumerate(items):
        if len(bare) + len(items) - index < needed:
            return False  # too few bare terms even if every item left is one
        term = _bare(separator, item)
        if term is not None:
            bare.append(term)
    if len(bare) < needed:
        return False
    if _introduced(items) and not padded(sentence):
        return False  # "Identity is what you want for singletons: None, True and False": a claim and its examples
    bare_words = sum(len(content_stems(term)) for term in bare)
    meaningful = [w for w in content_stems(_FILLER.sub(" ", sentence.text)) if w not in _GESTURE_STEMS]
    if bare_words < BARE_WORD_SHARE * len(meaningful):
        return False
    return _names_several_points(bare, point_words)


def _claim_head(items: list[tuple[str, str]], point_words: Sequence[frozenset[str]]) -> bool:
    """Whether the sentence opens, after a label of a few words and a colon if it has one, with a clause about the
    question's ideas: a subject naming one of them (not a pronoun, not a word that only rates), then a verb that
    does something ("Guarantee: __exit__ always runs, even on exceptions"; not "Vectorization is NumPy, arrays,
    ..." or "Type hints, yeah: mypy, pyright, ...")."""
    head = 1 if len(items) > 1 and items[1][0] == ":" and len(items[0][1].split()) <= MAX_BARE_WORDS else 0
    separator, item = items[head]
    if _LISTING.fullmatch(separator) or _LISTING_START.match(item):
        return False  # after "and then the" or "your", whatever follows is one more item of a list
    words = [w.lower() for w in re.findall(r"[A-Za-z0-9_'+-]+", _FILLER.sub(" ", item))]
    if len(words) < 2 or words[0] in _PRONOUNS or words[0] in _EMPTY_WORDS:
        return False
    verb = next(
        (
            k
            for k, w in enumerate(words)
            if k > 0 and w not in _BARE_VERBS and (w in _CLAIM_VERBS or _verb_at(words, k))
        ),
        None,
    )
    if verb is None or words[verb] in _EMPTY_WORDS:
        return False
    subject = set(content_stems(" ".join(words[:verb])))
    return any(subject & words_of_point for words_of_point in point_words)


def _verb_at(words: list[str], k: int) -> bool:
    """A third-person verb at ``words[k]``: with something after it, or after an adverb ("always runs"); a last
    plural after a noun is more likely a noun ("dict keys")."""
    word = words[k]
    if not (word.endswith("s") and not word.endswith("ss") and (is_verb(word[:-1]) or is_verb(word[:-2]))):
        return False
    return k + 1 < len(words) or words[k - 1] in _ADVERBS


_ADVERBS = frozenset("always never still only also just usually often even then automatically".split())


def fragment_runs(sentences: Sequence[Sentence], point_words: Sequence[frozenset[str]]) -> list[Sentence]:
    """Sentences that are each one bare term ("Hashable. Dict keys. Namedtuple."), in a row of at least
    MIN_BARE_ITEMS that names ideas of several rubric points: a keyword list written as sentences."""
    found: list[Sentence] = []
    row: list[tuple[Sentence, str]] = []
    for sentence in [*sentences, None]:
        short = sentence is not None and len(sentence.tokens) <= MAX_FRAGMENT_TOKENS and not sentence.is_code
        term = _bare("", sentence.text.strip(" .!;")) if short else None
        if sentence is not None and term is not None:
            row.append((sentence, term))
            continue
        if len(row) >= MIN_BARE_ITEMS and _names_several_points([term for _, term in row], point_words):
            found.extend(fragment for fragment, _ in row)
        row = []
    return found


def _topic_list(rest: str, point_words: Sequence[frozenset[str]]) -> bool:
    """After "it comes down to", "the key topics are", "keywords:": a list of topics, however long each is,
    unless its items say something (a verb of their own)."""
    items = [item for _, item in _items(rest)]
    topics = [item for item in items if not _TOPIC_VERBS & {w.lower() for w in re.findall(r"[A-Za-z']+", item)}]
    if len(topics) < MIN_BARE_ITEMS or len(topics) < BARE_SHARE * len(items):
        return False
    return _names_several_points(topics, point_words)


def _names_several_points(terms: Sequence[str], point_words: Sequence[frozenset[str]]) -> bool:
    named = set()
    for term in terms:
        stems = set(content_stems(term)) - STOPWORDS
        for index, words in enumerate(point_words):
            if stems & words:
                named.add(index)
    return len(named) >= min(MIN_POINTS_NAMED, len(point_words))
