"""Fake audio endpoints for the fake OpenAI-compatible server: transcription and speech, scripted, on 127.0.0.1.

``FakeAudio`` holds a queue of transcripts (or errors) for ``POST /v1/audio/transcriptions`` and answers
``POST /v1/audio/speech`` with a short silent WAV; pass ``FakeAudio().routes`` to ``FakeOpenAIServer(routes=...)``.
The app, run against it, takes the same code path as against OpenAI or a local Whisper server."""

from __future__ import annotations

import io
import json
import threading
import time
import wave
from collections import deque
from dataclasses import dataclass, field

from interviewer.llm.fake_server import RecordedRequest, Route, RouteReply


@dataclass(frozen=True)
class HeardWord:
    word: str
    start: float
    end: float


@dataclass(frozen=True)
class Heard:
    """A transcription reply: the text, and (unless ``timestamps`` is off) its words with their times."""

    text: str
    words: tuple[HeardWord, ...] = ()
    duration: float | None = None
    timestamps: bool = True
    delay: float = 0.0


@dataclass(frozen=True)
class Refused:
    status: int
    message: str
    delay: float = 0.0


def timed_words(
    text: str, words_per_second: float = 2.5, pauses: dict[int, float] | None = None
) -> tuple[HeardWord, ...]:
    """The words of ``text`` spoken evenly, with a pause of ``pauses[i]`` seconds before word ``i``."""
    words, clock, step = [], 0.3, 1.0 / words_per_second
    for index, word in enumerate(text.split()):
        clock += (pauses or {}).get(index, 0.0)
        words.append(HeardWord(word, round(clock, 3), round(clock + step * 0.8, 3)))
        clock += step
    return tuple(words)


@dataclass
class FakeAudio:
    heard: deque[Heard | Refused] = field(default_factory=deque)
    handled_seconds: list[float] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def script(self, *replies: Heard | Refused) -> None:
        with self._lock:
            self.heard.extend(replies)

    @property
    def routes(self) -> dict[str, Route]:
        return {"POST /v1/audio/transcriptions": self._transcribe, "POST /v1/audio/speech": self._speak}

    def _transcribe(self, request: RecordedRequest) -> RouteReply:
        started = time.perf_counter()
        try:
            return self._answer(request)
        finally:
            self.handled_seconds.append(time.perf_counter() - started)  # the server's own time, for benchmarks

    def _answer(self, request: RecordedRequest) -> RouteReply:
        if b'name="file"' not in request.raw:
            return _error(400, "No audio file in the request.")
        with self._lock:
            reply = self.heard.popleft() if self.heard else Refused(500, "FakeAudio: no scripted transcript left")
        if isinstance(reply, Refused):
            return _error(reply.status, reply.message, reply.delay)
        if b"verbose_json" not in request.raw:  # plain "json": the text alone, as OpenAI answers
            return RouteReply(200, json.dumps({"text": reply.text}).encode(), delay=reply.delay)
        payload: dict[str, object] = {"text": reply.text, "language": "english"}
        if reply.duration is not None:
            payload["duration"] = reply.duration
        if reply.timestamps:
            payload["words"] = [{"word": w.word, "start": w.start, "end": w.end} for w in reply.words]
        return RouteReply(200, json.dumps(payload).encode(), delay=reply.delay)

    def _speak(self, request: RecordedRequest) -> RouteReply:
        if not isinstance(request.body, dict) or not request.body.get("input"):
            return _error(400, "No input text to speak.")
        return RouteReply(200, silent_wav(0.5), content_type="audio/wav")


def _error(status: int, message: str, delay: float = 0.0) -> RouteReply:
    body = json.dumps({"error": {"message": message, "type": "invalid_request_error", "code": None}}).encode()
    return RouteReply(status, body, delay=delay)


def silent_wav(seconds: float, rate: int = 16_000) -> bytes:
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes(b"\x00\x00" * int(seconds * rate))
    return buffer.getvalue()
