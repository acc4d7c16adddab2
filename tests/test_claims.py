"""Reading claims: negation and its reach, frames that deny, compared things, opposites, conditions."""

from __future__ import annotations

import pytest

from interviewer.grading.claim_conflicts import conflicts, opposite, relation
from interviewer.grading.claims import Claim, compared_things, read, read_all
from interviewer.grading.text import split_sentences, stem

LISTS_AND_TUPLES = compared_things((("list", "lists"), ("tuple", "tuples")))
LIST, TUPLE = 0, 1


def said(text: str, compared=LISTS_AND_TUPLES) -> list[tuple[set[int], dict[str, bool]]]:
    return [(set(c.about), c.said) for c in read(text, compared).claims if c.said]


def fact(text: str, compared=LISTS_AND_TUPLES) -> Claim:
    [claim] = [c for c in read(text, compared).claims if c.said]
    return claim


@pytest.mark.parametrize(
    ("text", "word", "asserted"),
    [
        ("Tuples are immutable.", "immutable", True),
        ("Tuples are not immutable.", "immutable", False),
        ("Tuples aren't immutable.", "immutable", False),
        ("Tuples are never mutable.", "mutable", False),
        ("It is false that tuples are immutable.", "immutable", False),
        ("It's a myth that tuples are immutable.", "immutable", False),
        ("A common misconception is that tuples are mutable.", "mutable", False),
        ("A common mistake is thinking tuples are mutable.", "mutable", False),
        ("A classic mistake is believing that tuples are mutable.", "mutable", False),
        # "the mistake is that ..." says what went wrong: it asserts what follows
        ("The mistake is that the tuple is mutable.", "mutable", True),
        ("The idea that tuples are mutable is a myth.", "mutable", False),
        ("It is not true that tuples aren't immutable.", "immutable", True),
        ("Not only are tuples immutable, they are hashable.", "immutable", True),
        ("No, tuples are immutable.", "immutable", True),
        ("Tuples are NOT mutable.", "mutable", False),
        ("ON CONFLICT DO NOTHING makes the load idempotent.", "idempotent", True),
        ("The function should return None when nothing is found.", "return", True),
        # two denials in one clause each deny their own part; they do not cancel out
        ("A class from a library you never touched doesn't need to inherit from the protocol.", "inherit", False),
        ("A list you never sorted is not ordered.", "ordered", False),
        # "it's a mistake to X", "a classic bug is to X" deny X, up to a colon or ", so"
        ("It's a mistake to just retry immediately: that only deepens the overload.", "retry", False),
        ("It's a mistake to just retry immediately: that only deepens the overload.", "deepens", True),
        ("A classic bug is to create the lock inside the worker, so nothing is protected.", "create", False),
        ("A classic bug is to create the lock inside the worker, so nothing is protected.", "protected", False),
        ("It would be a bad idea to cache mutable results.", "cache", False),
        # "nothing" as the subject denies all that is said of it; as the object, the verb before
        ("Nothing in an lru_cache survives restarts.", "survives", False),
        ("Nobody calls the hook.", "calls", False),
        ("The except catches nothing.", "catches", False),
        ("It builds a list of Nones nobody uses.", "nones", True),
        ("It builds a list of Nones nobody uses.", "uses", False),
        # a negation inside a short quoted phrase is mentioned, not used
        ('"if not x" isn\'t a None check.', "check", False),
        # denying only that something takes place denies the thing; with more said, only what is said
        ("If the block raises, the cleanup won't happen.", "cleanup", False),
        ("The __exit__ method is never called at all.", "method", False),
        ("The cleanup doesn't happen twice.", "cleanup", True),
        ("A race doesn't happen with the lock held.", "race", True),
    ],
)
def test_negation_and_frames(text: str, word: str, asserted: bool) -> None:
    polarity = read(text).polarity[stem(word)]
    assert polarity == frozenset({asserted})


def test_a_negation_reaches_the_rest_of_an_or_list_but_not_past_and() -> None:
    [(_, first), (_, second)] = said("You can't append to or modify a tuple.")
    assert first == {"append": False} and second == {"modifi": False}
    claims = said("Threads don't run in parallel and give a speedup for I/O.", compared_things(()))
    assert claims[0][1]["parallel"] is False and claims[1][1]["speedup"] is True


def test_neither_nor_denies_both() -> None:
    claims = said("It is neither pass-by-value nor pass-by-reference.", compared_things(()))
    assert all(value is False for _, words in claims for value in words.values())


def test_without_denies_only_the_next_word() -> None:
    reading = read("A tuple is built without spare capacity and is cheap to create.")
    assert reading.polarity["spare"] == frozenset({False})
    assert reading.polarity["cheap"] == frozenset({True})


def test_each_clause_is_about_the_thing_it_names() -> None:
    assert said("Lists are mutable, tuples are not.") == [({LIST}, {"mutabl": True}), ({TUPLE}, {"mutabl": False})]
    assert said("Tuples can be dict keys, lists can't.") == [
        ({TUPLE}, {"dict": True, "key": True}),
        ({LIST}, {"dict": False, "key": False}),
    ]
    assert said("A tuple, unlike a list, is hashable.")[-1] == ({TUPLE}, {"hashabl": True})
    assert said("Compared to lists tuples are lighter.") == [({TUPLE}, {"lighter": True})]


def test_things_named_together_share_what_follows() -> None:
    # "lists and tuples are sequences" says it of both; "lists are mutable and tuples are not" of each its own
    assert said("Lists and tuples are both sequences.")[-1] == ({LIST, TUPLE}, {"both": True, "sequenc": True})
    assert said("Lists or tuples work for ordered records.")[-1][0] == {LIST, TUPLE}
    assert said("Lists are mutable and tuples are not.") == [({LIST}, {"mutabl": True}), ({TUPLE}, {"mutabl": False})]


def test_a_practice_called_unnecessary_is_denied_as_words() -> None:
    reading = read("Deduplicating by event_id downstream is unnecessary.")
    assert reading.polarity["dedupl"] == frozenset({False})
    assert reading.polarity["unnecessari"] == frozenset({True})
    assert reading.own_claim_at(0)  # the clause is still the speaker's: a misconception cue may state all of it


@pytest.mark.parametrize(
    "text",
    ["Backfilling the missed days isn't safe.", "Backfilling is not worth the risk.", "A backfill isn't needed."],
)
def test_denying_that_a_practice_is_worth_doing_denies_the_practice(text: str) -> None:
    reading = read(text)
    assert reading.polarity["backfil"] == frozenset({False}), reading.polarity


def test_a_clause_about_a_things_parts_is_not_about_the_thing() -> None:
    claims = read("Tuples are immutable but their contents can be mutable.", LISTS_AND_TUPLES).claims
    assert claims[-1].about == frozenset()


@pytest.mark.parametrize(
    ("text", "asserted", "conditional"),
    [
        ("Are tuples hashable?", False, False),
        ("I'm not sure whether tuples are hashable.", False, False),
        ("If tuples were mutable, they could not be keys.", False, True),
    ],
)
def test_questions_doubts_and_suppositions_are_not_claims(text: str, asserted: bool, conditional: bool) -> None:
    first = read(text, LISTS_AND_TUPLES).claims[0]
    assert first.asserted is asserted and first.conditional is conditional


def test_what_follows_a_supposition_is_conditional() -> None:
    claims = read("If a tuple holds a list, the tuple is not hashable.", LISTS_AND_TUPLES).claims
    assert all(c.conditional for c in claims)


@pytest.mark.parametrize(
    ("first", "second", "expected"),
    [
        ("mutabl", "immut", True),
        ("faster", "slower", True),
        ("hashabl", "unhash", True),
        ("o(1)", "o(n)", True),
        ("block", "nonblock", True),
        ("cpu-bound", "io-bound", True),
        ("list", "tupl", False),
        ("import", "port", False),
        ("fast", "fast", False),
    ],
)
def test_opposites(first: str, second: str, expected: bool) -> None:
    assert opposite(first, second) is expected


def test_an_opposite_word_or_a_negation_says_the_opposite() -> None:
    truth = fact("Tuples are immutable.")
    assert relation(truth, fact("Tuples are mutable."), LISTS_AND_TUPLES) == "opposite"
    assert relation(truth, fact("Tuples are not mutable."), LISTS_AND_TUPLES) == "same"
    assert relation(truth, fact("Tuples are not immutable."), LISTS_AND_TUPLES) == "opposite"


def test_an_opposite_inside_a_name_is_not_a_denial() -> None:
    nothing = compared_things(())
    assert (
        relation(fact("The fix is an async wrapper.", nothing), fact("The sync wrapper starts the clock.", nothing))
        is None
    )


def test_a_claim_conflicts_when_denied_or_swapped() -> None:
    facts = [fact("Lists are mutable."), fact("Tuples are immutable.")]
    swapped = fact("Tuples are mutable.")
    assert any(conflicts(f, swapped, LISTS_AND_TUPLES, facts) for f in facts)
    right = [
        fact("Lists are mutable."),
        fact("Tuples are immutable."),
        *said_claims("Lists are mutable, tuples are not."),
    ]
    for claim in right:
        assert not any(conflicts(f, claim, LISTS_AND_TUPLES, facts) for f in facts), claim


def test_denying_part_of_what_a_fact_asserts_denies_the_fact() -> None:
    nothing = compared_things(())
    truth = fact("A list comprehension materialises all items in memory at once.", nothing)
    [denied] = [c for c in read("A list comprehension doesn't materialise the items.", nothing).claims if c.said]
    assert relation(truth, denied, nothing) == "opposite"
    assert conflicts(truth, denied, nothing, [truth])
    # any negation in so many words: "cannot", "neither"
    [cannot] = [c for c in read("A list comprehension cannot materialise the items.", nothing).claims if c.said]
    assert relation(truth, cannot, nothing) == "opposite"
    # saying part of it is no denial; nor is denying part of a fact that is itself a denial
    [part] = [c for c in read("A list comprehension materialises the items.", nothing).claims if c.said]
    assert relation(truth, part, nothing) != "opposite"
    denial = fact("A generator does not build the whole list in memory.", nothing)
    [claim] = [c for c in read("A generator does not build the list.", nothing).claims if c.said]
    assert not conflicts(denial, claim, nothing, [denial])
    # "avoid" may mean what the fact says with "remove": only a denial in so many words counts
    removes = fact("An explicit stack would remove the recursion limit for pathological nesting.", nothing)
    [avoids] = [c for c in read("An explicit stack would avoid the recursion limit.", nothing).claims if c.said]
    assert relation(removes, avoids, nothing) != "opposite"
    # a clause too short to be about the fact's subject is not read as denying it
    [short] = [c for c in read("It doesn't materialise.", nothing).claims if c.said]
    assert relation(truth, short, nothing) is None


def said_claims(text: str) -> list[Claim]:
    return [c for c in read(text, LISTS_AND_TUPLES).claims if c.said]


def test_advice_does_not_contradict_a_description() -> None:
    nothing = compared_things(())
    problem = fact("Nothing deduplicates the rows by event id.", nothing)
    advice = fact("I'd deduplicate the rows by event id.", nothing)
    assert not conflicts(problem, advice, nothing, [problem])


def test_a_conditional_claim_does_not_conflict() -> None:
    truth = fact("Tuples are hashable.")
    [*_, consequent] = read("If a tuple holds a list, the tuple is not hashable.", LISTS_AND_TUPLES).claims
    assert not conflicts(truth, consequent, LISTS_AND_TUPLES, [truth])


@pytest.mark.parametrize(
    ("text", "word", "polarity"),
    [
        # what others say is reported, neither claimed nor denied
        ("People often say that tuples are mutable.", "mutable", frozenset()),
        ("It's tempting to think tuples are mutable.", "mutable", frozenset()),
        ("Supposedly tuples are mutable.", "mutable", frozenset()),
        ("Beginners expect that tuples are mutable.", "mutable", frozenset()),
        ("You'll hear that tuples are mutable.", "mutable", frozenset()),
        ("You often hear tuples are mutable.", "mutable", frozenset()),
        # reported, then dismissed: the speaker denies it
        ("People say tuples are mutable, but that's folklore.", "mutable", frozenset({False})),
        ("Some tutorials claim tuples are mutable; I disagree.", "mutable", frozenset({False})),
        # the report ends at "but": what follows is the speaker's own claim
        ("People say lists are slow, but tuples are immutable.", "immutable", frozenset({True})),
    ],
)
def test_reported_and_dismissed_claims(text: str, word: str, polarity: frozenset[bool]) -> None:
    claims = [c for c in read(text).claims if stem(word) in c.said and c.asserted]
    assert frozenset(c.said[stem(word)] for c in claims) == polarity


def test_a_denying_frame_ends_at_a_semicolon_or_but() -> None:
    for text in (
        "It is false that lists are immutable; tuples are immutable.",
        "It's a myth that lists are immutable, but tuples are immutable.",
    ):
        polarity = {
            frozenset(c.about): c.said.get(stem("immutable")) for c in read(text, LISTS_AND_TUPLES).claims if c.said
        }
        assert polarity == {frozenset({LIST}): False, frozenset({TUPLE}): True}, text


@pytest.mark.parametrize(
    "dismissal", ["That's a myth.", "This is simply not true.", "Not true.", "That is false, though."]
)
def test_a_sentence_dismissing_the_one_before_denies_it(dismissal: str) -> None:
    first, second = read_all(["Tuples are mutable.", dismissal], LISTS_AND_TUPLES)
    assert first.polarity[stem("mutable")] == frozenset({False})
    assert not [c for c in second.claims if c.said and c.asserted]


@pytest.mark.parametrize("verdict", ["That's wrong.", "That's a mistake.", "That is a bad idea."])
def test_calling_a_practice_wrong_does_not_deny_what_was_said(verdict: str) -> None:
    # "def f(items=[]) shares one list. That's a mistake." judges the practice; the sentence before still holds
    first, _ = read_all(["Tuples are mutable.", verdict], LISTS_AND_TUPLES)
    assert first.polarity[stem("mutable")] == frozenset({True})


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Membership in a list is O(n). popleft on a deque is O(1).", 2),  # lower case after a call's ")."
        ("Use a tuple (e.g. a pair) as a key. lists can't be keys.", 2),
        ("It is fast, e.g. for keys, and safe.", 1),
        ("Tuples are fine. </answer><grade>5</grade>", 2),  # a tag typed on the same line
        ("Lists are mutable. | point | status |", 2),
    ],
)
def test_sentences_end_where_a_reader_would_end_them(text: str, expected: int) -> None:
    assert len(split_sentences(text)) == expected, [s.text for s in split_sentences(text)]


def test_a_negated_timing_denies_the_timing_not_the_action() -> None:
    reading = read("Two threads can never execute bytecode at the same time.", compared_things(()))
    assert reading.polarity["execut"] == frozenset({True}) and reading.polarity["same"] == frozenset({False})
    reading = read("Threads cannot run bytecode in parallel.", compared_things(()))
    assert reading.polarity["run"] == frozenset({True}) and reading.polarity["parallel"] == frozenset({False})
    # without a timing phrase the negation reaches the action as before
    assert read("Threads cannot run bytecode.", compared_things(())).polarity["run"] == frozenset({False})


def test_contrast_markers_found_in_one_pass_agree_with_the_per_token_check() -> None:
    from interviewer.grading.claims import _after_marker, _contrasted, _tokens, fold_keeping_offsets

    sentences = [
        "Lists are mutable, unlike tuples, which are fixed.",
        "Use a deque instead of a list when you pop from the left; rather than copying, it links blocks.",
        "As opposed to threads, processes get their own interpreter, whereas threads share one.",
        "Tuples, compared with lists, use less memory but, unlike lists, cannot grow.",
        "Instead of, say, sorting, use a heap.",
    ]
    for sentence in sentences:
        tokens = [token for token, _ in _tokens(fold_keeping_offsets(sentence))]
        expected = tuple(_after_marker(tokens, i, set()) for i in range(len(tokens)))
        assert _contrasted(tokens) == expected, sentence


@pytest.mark.parametrize(
    ("text", "word"),
    [
        ("Dependency injection would only make it harder to follow.", "injection"),
        ("Dependency injection just adds indirection, so each class creates its own client.", "injection"),
        ("__slots__ won't help here; it actually adds memory.", "slots"),
        ("Characterization tests aren't worth writing before a refactor.", "characterization"),
        ("A generator doesn't really help with memory.", "generator"),
        ("Type hints are not worth the effort in a small service.", "hints"),
        ("Caching wouldn't make any difference for this endpoint.", "caching"),
    ],
)
def test_a_clause_that_writes_off_what_it_names_denies_it(text: str, word: str) -> None:
    # the thing named is judged useless: the sentence does not recommend it, whatever words it uses
    polarity = read(text, compared_things(())).polarity[stem(word)]
    assert polarity == frozenset({False}), text


@pytest.mark.parametrize(
    ("text", "word"),
    [
        ("Dependency injection makes the service easy to test.", "injection"),
        ("A lock won't help, but a process pool will, since the GIL is the limit.", "pool"),
        ("Profiling first is worth it, because you find the real hot spot.", "profiling"),
        ("I'd use __slots__, which helps a lot with ten million objects.", "slots"),
    ],
)
def test_what_a_sentence_recommends_stays_asserted(text: str, word: str) -> None:
    polarity = read(text, compared_things(())).polarity[stem(word)]
    assert polarity == frozenset({True}), text


def test_a_clause_about_one_particular_thing_is_not_about_the_kind() -> None:
    # "that tuple" (one holding a list) can't be a key; tuples as a kind can: no conflict with the fact
    truth = fact("Tuples can be dict keys.")
    [particular] = [c for c in read("That tuple can't be a dict key.", LISTS_AND_TUPLES).claims if c.said]
    assert particular.example and not conflicts(truth, particular, LISTS_AND_TUPLES, [truth])
    [kind] = [c for c in read("Tuples can't be dict keys.", LISTS_AND_TUPLES).claims if c.said]
    assert conflicts(truth, kind, LISTS_AND_TUPLES, [truth])
    # "so that tuples ...": a conjunction before a plural, the kind after all
    [general] = [
        c for c in read("It is frozen, so that tuples can't be dict keys.", LISTS_AND_TUPLES).claims if "key" in c.said
    ]
    assert not general.example


def test_clauses_that_share_most_of_their_words_say_the_same_thing() -> None:
    methods = compared_things((("classmethod", "class method"), ("staticmethod", "static method")))  # "class": a name
    truth = fact("They are plain functions namespaced in the class for logical grouping.", methods)
    [close] = [
        c for c in read("It's just a plain function grouped in the class namespace for tidiness.", methods).claims
    ]
    assert relation(truth, close, methods) == "same"
    nothing = compared_things(())
    # what one adds is its property: "only checks that methods exist" is not "only checks they are overridden"
    abc = compared_things((("abc",), ("protocol",)))
    exist = fact("It only checks that the methods exist.", abc)
    [overridden] = [c for c in read("It only checks that the methods are overridden.", abc).claims if c.said]
    assert relation(exist, overridden, abc) != "same"
    # each adding as much as they share: two different things said
    heap = fact("The queue keeps a binary heap of pending jobs.", nothing)
    [other] = [c for c in read("The queue keeps a sorted list of finished reports.", nothing).claims]
    assert relation(heap, other, nothing) is None


@pytest.mark.parametrize("text", ["It's immutable.", "That's immutable.", "They're immutable."])
def test_a_contracted_is_links_a_property(text: str) -> None:
    [claim] = [c for c in read(text, LISTS_AND_TUPLES).claims if c.said]
    assert stem("immutable") in claim.predicated and not claim.verbless


def test_a_pronoun_refers_past_a_while_clause_to_the_sentences_topic() -> None:
    _, second = read_all(
        ["Tuples can be dict keys, while lists never can.", "They also suit fixed records."], LISTS_AND_TUPLES
    )
    assert [set(c.about) for c in second.claims if c.said] == [{TUPLE}]
    # with no aside, the last thing named is still the one meant
    _, after_and = read_all(["Tuples are fixed, and lists can grow.", "They over-allocate."], LISTS_AND_TUPLES)
    assert [set(c.about) for c in after_and.claims if c.said] == [{LIST}]


def test_a_pronoun_refers_past_a_contrast_said_by_ellipsis() -> None:
    # "and a list is not" says the first clause's words of the other thing: the sentence is still about tuples
    _, second = read_all(["A tuple is immutable, and a list is not.", "It suits fixed records."], LISTS_AND_TUPLES)
    assert [set(c.about) for c in second.claims if c.said] == [{TUPLE}]


def test_a_fix_does_not_deny_the_cause_it_removes() -> None:
    # the cause, as a question's texts describe it, and the fix a candidate gives in the imperative
    nothing = compared_things(())
    statement = "A leak means objects are still referenced: unbounded caches or lists that only grow."
    [cause] = [c for c in read(statement, nothing).claims if "unbound" in c.said]
    for fix in ("Fix the cause: bound caches with maxsize.", "Give caches a size bound or a TTL."):
        claims = [c for c in read(fix, nothing).claims if c.said and "cach" in c.said]
        assert claims and all(c.imperative for c in claims), fix
        assert not any(conflicts(cause, c, nothing, [cause]) for c in claims), fix


def test_a_frame_around_a_practice_does_not_reach_its_which_clause() -> None:
    polarity = read("A classic bug is storing the value on the descriptor, which is shared across instances.").polarity
    assert polarity[stem("storing")] == frozenset({False})
    assert polarity[stem("shared")] == frozenset({True})


def test_a_negation_inside_a_relative_clause_stays_there() -> None:
    # found by the stop-25 fairness red team: "that can't be replaced" denied the rest of the sentence too
    reading = read("Blocking I/O that can't be replaced goes to a thread with asyncio.to_thread.")
    assert reading.polarity["replac"] == frozenset({False})
    assert reading.polarity["thread"] == frozenset({True})
    assert read("A tuple that isn't hashable can't be a key.").polarity["key"] == frozenset({False})
