"""Frames: the words around a statement that say whose claim it is and whether it holds.

"It is false that X", "a common myth is that X" and "the idea that X is a myth" deny X;
"people say X" and "it's tempting to think X" only report it; "X, but that's folklore" or
"X; I disagree" dismiss it; "X won't help" and "X would only make it harder" write off X;
and a sentence of its own such as "That's a myth." denies the sentence before. ``frames``
marks, per token of a folded sentence, the extra negations these add, the frame's own words
(to skip) and the words only reported.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Sequence

from interviewer.linear_regex import Prefiltered, PrefilterSet

# where what a frame denies, or what is reported, stops: "..., but", ";", ":", ", so", ", which", "in fact", "actually"
_REPORT_END = re.compile(r"\bbut\b|[;:]|,\s+(?:so|which)\b|\bhowever\b|\bin\s+fact\b|\bactually\b")
# "it is false that ...", "a common myth is that ...": what follows the frame is denied
_DENYING_FRAME = re.compile(
    r"""\b(?:
        (?:it|that|this)(?:\s+is|'s|\s+was)?\s+(?:simply\s+|just\s+|completely\s+)?
            (?:not\s+true|untrue|false|wrong|incorrect|not\s+the\s+case|a\s+mistake
            |an?\s+(?:common\s+|popular\s+|classic\s+|widespread\s+|old\s+)?(?:myth|misconception|misunderstanding))
            \s+(?:to\s+(?:say|think|believe|claim)\s+)?that
        |(?:it\s+is|it's)\s+(?:wrong|incorrect|a\s+mistake|false)\s+to\s+(?:say|think|believe|claim)(?:\s+that)?
        |(?:it\s+is|it's|it\s+would\s+be)\s+(?:a\s+(?:classic\s+|common\s+|big\s+)?(?:mistake|bug)|an\s+error|a\s+bad\s+idea)
            \s+to(?=\s+(?:just\s+|simply\s+)?[a-z]+)
        |(?:a\s+|the\s+)?(?:common\s+|popular\s+|classic\s+|widespread\s+)?(?:myth|misconception|misunderstanding|fallacy)
            \s+is\s+(?:that|thinking\s+that|believing\s+that)
        |(?:a\s+|the\s+)?(?:common\s+|popular\s+|classic\s+|typical\s+|frequent\s+)?(?:mistake|error|trap|pitfall|bug)
            \s+is\s+(?:thinking|believing|assuming|expecting|to)(?:\s+that)?
        |(?:a\s+|the\s+)?(?:common|classic|typical|frequent|subtle)\s+(?:mistake|error|trap|pitfall|bug)
            \s+is(?=\s+[a-z]+ing\b)
        |(?:people|many|some|developers|beginners)\s+(?:often\s+)?(?:wrongly|mistakenly|incorrectly|falsely)
            \s+(?:think|believe|assume|say|claim)(?:\s+that)?
        |(?:nobody|no\s+one)\s+should\s+(?:think|believe|say|claim)\s+that
        |i\s+used\s+to\s+(?:believe|think|assume)(?:\s+that)?
        |forget\s+(?:the|that)\s+(?:old\s+)?(?:advice|idea|rule|claim|notion|myth)\s+that
        |only\s+in\s+theory
    )\b""",
    re.X,
)
# "the idea that ... is a myth", "saying that ... is wrong": the words in between are denied
_DENIED_BODY = re.compile(
    r"""^(?:the\s+)?(?:idea|claim|belief|notion|assumption|myth|saying|thinking|believing|claiming)\s+(?:that\s+)?
        (?P<body>.+?)\s+(?:is|was|would\s+be)\s+(?:a\s+|an\s+|simply\s+|just\s+|completely\s+)?
        (?:myth|false|wrong|incorrect|untrue|not\s+true|misconception|mistake|mistaken|nonsense|(?:exactly\s+)?backwards
        |outdated|folklore|a\s+lie|what\s+a\s+(?:junior|beginner|newbie)\s+would\s+say)\b""",
    re.X,
)
# "people say ...", "it's tempting to think that ...", "supposedly ...": what follows is reported, up to a "but"
_ATTRIBUTION = re.compile(
    r"""(?:^|[;:]\s*)(?:
        (?:(?:some|many|most|a\s+lot\s+of|plenty\s+of)\s+)?(?:people|folks|beginners|developers|devs|textbooks
            |tutorials|articles|blogs|teams|engineers|candidates|others|juniors|the\s+docs)
            \s+(?:often\s+|usually\s+|sometimes\s+|still\s+|wrongly\s+|will\s+)?
            (?:say|says|claim|claims|believe|believes|assume|assumes|think|thinks|tell\s+you|insist|argue|suggest
            |expect|expects)
            (?:\s+that)?
        |(?:it'?s|it\s+is)\s+(?:often\s+|commonly\s+|widely\s+|sometimes\s+|easy\s+to\s+|tempting\s+to\s+)?
            (?:(?:said|claimed|believed|assumed|argued|suggested)\s+that|(?:think|say|assume|believe)(?:\s+that)?)
        |(?:supposedly|allegedly|apparently)
        |you(?:'ll|\s+will|\s+may|\s+might|\s+often|\s+sometimes)?\s+(?:often\s+)?(?:hear|read)(?:\s+that)?
        |(?:a\s+)?(?:common|popular|widespread|frequent)\s+(?:belief|claim|assumption|idea|view)\s+is\s+that
        |(?:beginners|people|many)\s+(?:often\s+)?(?:believe|assume|think)
        |(?:the\s+)?(?:textbook|standard|official|interview)\s+(?:answer|line|version)\s+(?:says|claims|is)(?:\s+that)?
        |(?:the\s+)?(?:textbooks?|guides?|books?)\s+(?:say|says|claim|claims)(?:\s+that)?
        |(?:some|many|most)\s+guides\s+(?:say|claim)(?:\s+that)?
        |i'?m\s+told(?:\s+that)?
        |interviewers\s+(?:love|like|want|expect)\s+to\s+hear(?:\s+that)?
    )\b""",
    re.X,
)

# "..., but that's a myth", "... is overkill", "I disagree with that": the sentence dismisses what it states
_DISMISSAL = re.compile(
    r"""\b(?:
        (?:is|are|was|were|'s|'re|seems?|sounds?|remains?)\s+(?:just\s+|mostly\s+|pure\s+|simply\s+|all\s+|only\s+
            |totally\s+|complete\s+|completely\s+|largely\s+|basically\s+|really\s+|outdated\s+|an?\s+)*
            (?:myth|folklore|outdated|obsolete|overkill|gimmick|busywork|hype|overhyped|superstition|wishful\s+thinking
            |overrated|cargo\s+cult|paranoia|waste\s+of\s+(?:time|effort)|exaggerated|overstated|redundant|deprecated
            |distraction|bureaucracy|overengineering|over-engineering|luxury|rumou?r|marketing(?:\s+claim)?|nonsense
            |legend|non-?issue|teaching\s+simplification|old\s+wives.\s+tale|fairy\s+tale|urban\s+legend
            |(?:common\s+|popular\s+|classic\s+|widespread\s+)?(?:misconception|misunderstanding|fallacy)
            |lie\s+told\s+to\s+\w+|exactly\s+backwards)
        |(?:is|'s)\s+what\s+a\s+(?:junior|beginner|newbie)\s+would\s+say
        |said\s+(?:no\s+one|nobody)
        |used\s+to\s+be\s+true
        |i'?m\s+not\s+convinced
        |i\s+(?:strongly\s+)?disagree
        |(?:never|haven'?t\s+ever)\s+seen\s+it\s+hold
        |(?:doesn'?t|does\s+not|don'?t|do\s+not)\s+(?:really\s+)?hold\s+(?:up|true)?
    )\b""",
    re.X,
)
# "X won't help", "X would only make it harder", "X isn't worth it": the clause writes off the thing it names, so
# the words before the verdict (its subject) are denied; the verdict's own words read as they are ("useless" and
# "unnecessary" are left out: they are already the opposites of "useful" and "necessary")
_WRITE_OFF = re.compile(
    r"""\b(?:
        (?:won't|wouldn't|doesn't|don't|didn't|can't|cannot|will\s+not|would\s+not|does\s+not|do\s+not
            |(?:is|are)(?:\s+not|n't)\s+going\s+to)
            \s+(?:really\s+|actually\s+|even\s+|much\s+|ever\s+)?
            (?:help|pay\s+off|buy\s+(?:you|us)\s+anything|make\s+(?:a|any|much\s+of\s+a|much\s+of\s+any)\s+difference)
        |(?:only|just)\s+(?:make|makes|made|making)\s+(?:it\s+|things\s+|this\s+|everything\s+|the\s+\w+\s+)?
            (?:harder|worse|slower|messier|more\s+(?:complex|complicated|confusing|fragile))
        |(?:just|only)\s+(?:add|adds|adding|introduces?)\s+(?:more\s+|extra\s+|needless\s+|unnecessary\s+)?
            (?:indirection|complexity|overhead|boilerplate|ceremony)
        |(?:isn't|aren't|is\s+not|are\s+not)\s+(?:really\s+)?(?:worth|needed|necessary)
        |(?:is|are|'s|'re)\s+(?:completely\s+|totally\s+|really\s+)?pointless
    )\b""",
    re.X,
)
# where the subject of a verdict starts: after the last clause break before it
_SUBJECT_START = re.compile(r"[,;:(]|\b(?:but|because|so|which|whereas|while|although|though|since|if|when)\b")


# a whole sentence that calls the one before untrue: "That's a myth.", "Not true." (but not "That's wrong.",
# which as often judges a practice as it denies a claim)
DISMISSES_PREVIOUS = Prefiltered(
    re.compile(
        r"""(?:but\s+|and\s+|well,?\s+|of\s+course,?\s+)?
    (?:(?:that|this|which|it)(?:'s|\s+is|\s+was|\s+would\s+be)\s+
        (?:just\s+|simply\s+|completely\s+|totally\s+|actually\s+|entirely\s+|a\s+|an\s+|common\s+|popular\s+)*
        (?:myth|false|untrue|not\s+true|not\s+the\s+case|incorrect|nonsense|folklore|misconception|urban\s+legend)
    |(?:not|isn'?t|simply\s+not)\s+true|untrue|false|nope|myth|i\s+(?:strongly\s+)?disagree(?:\s+with\s+(?:that|this))?
    |(?:i\s+)?(?:don'?t|do\s+not)\s+believe\s+(?:it|that|this)
    |(?:just\s+)?kidding(?:,?\s+that\s+never\s+happens)?|that\s+never\s+happens|i'?m\s+not\s+convinced
    )(?:,?\s+(?:though|however|of\s+course|actually))?[\s.!]*""",
        re.X,
    )
)


# one RE2 pass tells which of these could match a sentence
_SCREEN = PrefilterSet(_DENYING_FRAME, _ATTRIBUTION, _DISMISSAL, _WRITE_OFF)


def frames(folded: str, starts: Sequence[int], dismissed: bool) -> tuple[list[int], list[bool], list[bool]]:
    """Per token: the negations frames add ("it is false that ..."), whether it belongs to a frame, and whether
    it is only reported ("people say ...": not the speaker's own claim).

    A sentence that dismisses what it says ("..., but that is folklore", "... is overkill", "I disagree")
    denies all of it; words reported from others are the speaker's own denial then, and neutral otherwise. So
    does a sentence dismissed by the next one (``dismissed``: "Tuples are mutable. That's a myth.").
    """
    if dismissed:
        return [1] * len(starts), [False] * len(starts), [False] * len(starts)
    extra = [0] * len(starts)
    skip = [False] * len(starts)
    reported = [False] * len(starts)
    possible = _SCREEN.possible(folded)
    for frame in _DENYING_FRAME.finditer(folded) if _DENYING_FRAME in possible else ():
        end = _REPORT_END.search(folded, frame.end())  # "it's a myth that X; it doesn't": the denial ends at ";"
        stop = end.start() if end else len(folded)
        for i, start in enumerate(starts):
            if frame.start() <= start < frame.end():
                skip[i] = True
            elif frame.end() <= start < stop:
                extra[i] += 1
    lead = len(folded) - len(folded.lstrip())
    body = _DENIED_BODY.match(folded.strip())
    if body:
        for i, start in enumerate(starts):
            if lead + body.start("body") <= start < lead + body.end("body"):
                extra[i] += 1
            else:
                skip[i] = True
    if any(extra):
        return extra, skip, reported  # "it's a myth that ..." already says what the sentence denies
    attribution = _ATTRIBUTION.search(folded) if _ATTRIBUTION in possible else None
    if attribution:
        end = _REPORT_END.search(folded, attribution.end())
        stop = end.start() if end else len(folded)
        for i, start in enumerate(starts):
            if attribution.start() <= start < attribution.end():
                skip[i] = True
            elif attribution.end() <= start < stop:
                reported[i] = True
    dismissal = _DISMISSAL.search(folded) if _DISMISSAL in possible else None
    if dismissal:
        for i, start in enumerate(starts):
            if dismissal.start() <= start < dismissal.end():
                skip[i] = True
            else:
                extra[i] += 1
        reported = [False] * len(starts)  # reported, then dismissed: the speaker's own denial
        return extra, skip, reported
    verdicts = [verdict.start() for verdict in _WRITE_OFF.finditer(folded)] if _WRITE_OFF in possible else []
    if verdicts:
        breaks = [m.end() for m in _SUBJECT_START.finditer(folded)]  # one pass, however many verdicts
        for at in verdicts:
            begin = breaks[bisect.bisect_right(breaks, at) - 1] if breaks and breaks[0] <= at else 0
            first, last = bisect.bisect_left(starts, begin), bisect.bisect_left(starts, at)
            for i in range(first, last):
                extra[i] += 1
    return extra, skip, reported
