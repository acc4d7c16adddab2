"""Delivery feedback for a spoken answer, from its transcript's word timestamps: pace, filler words, long pauses
and talk time. Thresholds and their sources are in docs/voice.md; the figures are shown, the notes only flag
what is well outside the usual range.

Pace counts words over the time from the first word's start to the last word's end (silence before the first
word is thinking time, not speech). Without word timestamps (a server that returns text only) pace falls back
to the recording's length, and pauses cannot be measured: the result says so rather than guessing."""

from __future__ import annotations

import itertools
import re

from interviewer.voice.models import Delivery, Pause, Transcript

SLOW_WPM = 110.0  # conversational English is about 150 words a minute (docs/voice.md); a quarter below
FAST_WPM = 190.0  # and a quarter above
LONG_PAUSE_SECONDS = 3.0  # conversation tolerates about one second of silence; thinking aloud, a little more
MANY_FILLERS_PER_100 = 5.0  # about six disfluencies per hundred words is ordinary in conversation
MIN_FILLERS = 3  # one "um" in a short answer is no pattern

# fillers that are almost never anything else, and phrases that usually are fillers in a spoken answer
_SOUNDS = r"u+m+|u+h+m*|e+r+m*|e+h+|a+h+|h+m+|m+h*m+"
_PHRASES = r"you know|i mean|basically"  # not "kind of" or "sort of": "a kind of cache" is a technical phrase
# "like" as a filler only where it is set off by a comma ("so, like, a list..."), never "I like" or "looks like"
_LIKE = r"(?<![a-z] )(?<!\w)like(?=,)|(?<=, )like(?= )"
FILLER = re.compile(rf"\b(?:{_SOUNDS}|{_PHRASES})\b|{_LIKE}", re.IGNORECASE)
_WORD = re.compile(r"[A-Za-z0-9']+")


def filler_counts(text: str) -> dict[str, int]:
    """Each filler word or phrase in ``text`` (sounds normalised: "ummm" counts as "um")."""
    counts: dict[str, int] = {}
    for match in FILLER.finditer(text):
        found = match.group(0).lower()
        name = "um" if found.startswith("u") and "m" in found else "uh" if found.startswith("u") else found
        name = "er" if re.fullmatch(r"e+r+m*|e+h+", name) else name
        name = "hmm" if re.fullmatch(r"h+m+|m+h*m+", name) else name
        counts[name] = counts.get(name, 0) + 1
    return counts


def measure(transcript: Transcript, recording_seconds: float | None, allowed_seconds: float | None) -> Delivery:
    """The delivery figures of one spoken answer."""
    words = [w for w in transcript.words if _WORD.search(w.word)]
    count = len(words) if words else len(_WORD.findall(transcript.text))
    if words:
        speaking = max(0.0, words[-1].end - words[0].start)
        pauses = [
            Pause(after_word=earlier.word.strip(), start=earlier.end, seconds=round(later.start - earlier.end, 2))
            for earlier, later in itertools.pairwise(words)
            if later.start - earlier.end >= LONG_PAUSE_SECONDS
        ]
    else:
        speaking = recording_seconds or transcript.duration or 0.0
        pauses = []
    fillers = filler_counts(transcript.text)
    filler_total = sum(fillers.values())
    return Delivery(
        words=count,
        speaking_seconds=round(speaking, 2),
        words_per_minute=round(count / speaking * 60, 1) if speaking > 0 and count else None,
        fillers=fillers,
        fillers_per_100_words=round(filler_total / count * 100, 1) if count else 0.0,
        long_pauses=pauses,
        timestamps=bool(words),
        talk_seconds=round(recording_seconds or transcript.duration or speaking, 2),
        allowed_seconds=allowed_seconds,
    )


def notes(delivery: Delivery) -> list[str]:
    """What to work on, in plain words; empty when nothing is outside the usual range."""
    said: list[str] = []
    wpm = delivery.words_per_minute
    if wpm is not None and delivery.words >= 20:  # a pace over a dozen words means little
        if wpm < SLOW_WPM:
            said.append(f"Your pace was {wpm:.0f} words a minute, slower than most speakers (about 150).")
        elif wpm > FAST_WPM:
            said.append(f"Your pace was {wpm:.0f} words a minute: slow down so the interviewer can follow.")
    total = sum(delivery.fillers.values())
    if total >= MIN_FILLERS and delivery.fillers_per_100_words > MANY_FILLERS_PER_100:
        top = ", ".join(f'"{w}" {n}' for w, n in sorted(delivery.fillers.items(), key=lambda kv: -kv[1])[:3])
        said.append(
            f"{total} filler words in {delivery.words} ({delivery.fillers_per_100_words:.0f} per 100; {top}):"
            " a short silence works better."
        )
    if delivery.long_pauses:
        longest = max(p.seconds for p in delivery.long_pauses)
        said.append(
            f"{len(delivery.long_pauses)} pause(s) of {LONG_PAUSE_SECONDS:.0f} s or more (the longest {longest:.0f} s):"
            " say what you are weighing while you think."
        )
    if delivery.allowed_seconds and delivery.talk_seconds > 0.8 * delivery.allowed_seconds:
        said.append("You used most of the question's time talking: lead with the answer, then the detail.")
    return said
