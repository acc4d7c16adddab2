"""Speech to text through an OpenAI-compatible transcription endpoint (``POST /v1/audio/transcriptions``).

OpenAI's Whisper and the local servers that copy its API (speaches, faster-whisper-server, LocalAI, vLLM) accept
the recording as a multipart upload and, with ``response_format=verbose_json`` and word timestamps, say when each
word was spoken. A server that ignores the timestamp request still gives the text; delivery feedback then says
pauses could not be measured. The key goes only to the transcription server (``Settings.transcription_key``)."""

from __future__ import annotations

import re
from typing import Any

import openai

from interviewer.llm.openai_compat import describe_error, sdk_client
from interviewer.settings import Settings
from interviewer.voice.models import SpokenWord, Transcript

MAX_RECORDING_BYTES = 25 * 1024 * 1024  # OpenAI's upload limit; about 13 minutes of 16-bit mono 16 kHz WAV
# Whisper drops "um" and "uh" unless its prompt shows them; a prompt in that style keeps them (OpenAI's
# speech-to-text guide, "Prompting"), which the filler count needs
VERBATIM_PROMPT = "Umm, let me think, like, hmm... Okay, so, uh, here is what I'm, you know, thinking."


# a reply that is a web page: a wrong URL, a login page in front of the server, a captive portal
_WEB_PAGE = re.compile(r"^\s*<(?:!doctype\s+html|html|head|body)\b|<(?:html|body)\b[^>]*>", re.IGNORECASE)


class TranscriptionError(RuntimeError):
    """The recording could not be transcribed; the message says why and what to check (never the key)."""


class Transcriber:
    """A client for one transcription server."""

    def __init__(self, base_url: str, model: str, api_key: str | None, timeout: float, max_retries: int) -> None:
        self.base_url = base_url.rstrip("/")
        self.model = model
        self.timeout = timeout
        self._client = sdk_client(self.base_url, api_key, timeout, max_retries)

    @classmethod
    def from_settings(cls, settings: Settings) -> Transcriber | None:
        """None when no transcription server is configured (answering by voice is then off)."""
        if not settings.transcription_base_url:
            return None
        key = settings.transcription_key
        return cls(
            settings.transcription_base_url,
            settings.transcription_model,
            key.get_secret_value() if key else None,
            settings.timeout_seconds,
            settings.max_retries,
        )

    def transcribe(self, audio: bytes, filename: str = "answer.wav", mime: str = "audio/wav") -> Transcript:
        if not audio:
            raise TranscriptionError("The recording is empty: record your answer again.")
        if len(audio) > MAX_RECORDING_BYTES:
            raise TranscriptionError(
                f"The recording is {len(audio) / 1e6:.0f} MB; the limit is {MAX_RECORDING_BYTES / 1e6:.0f} MB. "
                "Record a shorter answer, or type it."
            )
        try:
            try:
                reply = self._request((filename, audio, mime), timestamps=True)
            except openai.BadRequestError as exc:
                if not _refuses_timestamps(exc):
                    raise
                reply = self._request((filename, audio, mime), timestamps=False)  # e.g. gpt-4o-transcribe: text only
        except openai.AuthenticationError as exc:
            raise TranscriptionError(
                "The transcription server rejected the key (401). Check INTERVIEWER_TRANSCRIPTION_API_KEY."
            ) from exc
        except openai.NotFoundError as exc:
            raise TranscriptionError(
                f"{self.base_url} has no transcription model {self.model!r} (404). Check "
                "INTERVIEWER_TRANSCRIPTION_MODEL and INTERVIEWER_TRANSCRIPTION_BASE_URL."
            ) from exc
        except openai.OpenAIError as exc:
            raise TranscriptionError(describe_error(exc, self.base_url, self.model, self.timeout)) from exc
        return parse_reply(reply)

    def _request(self, upload: tuple[str, bytes, str], *, timestamps: bool) -> Any:
        extra: dict[str, Any] = (
            {"response_format": "verbose_json", "timestamp_granularities": ["word"]}
            if timestamps
            else {"response_format": "json"}
        )
        return self._client.audio.transcriptions.create(file=upload, model=self.model, prompt=VERBATIM_PROMPT, **extra)


def _refuses_timestamps(exc: openai.BadRequestError) -> bool:
    """A 400 about the reply format or timestamps: the model cannot give word timings, but can give the text."""
    message = str(exc).lower()
    return "verbose_json" in message or "timestamp" in message or "response_format" in message


def parse_reply(reply: Any) -> Transcript:
    """The server's reply (an SDK object, a dict, or plain text from a server that ignored the format asked for)."""
    if isinstance(reply, str):
        if _WEB_PAGE.search(reply[:2000]):
            raise TranscriptionError(
                "The transcription server answered with a web page, not a transcript (a login page or a proxy's?). "
                "Check INTERVIEWER_TRANSCRIPTION_BASE_URL."
            )
        return Transcript(text=reply.strip())
    data = reply if isinstance(reply, dict) else reply.model_dump()
    text = data.get("text")
    if not isinstance(text, str):
        raise TranscriptionError("The transcription server's reply has no text. Is the URL a transcription server?")
    duration = data.get("duration")
    duration = float(duration) if _time(duration) else None
    words = []
    for item in data.get("words") or []:
        try:
            start, end = item["start"], item["end"]
            if not (_time(start) and _time(end) and start <= end and (duration is None or end <= duration + 1)):
                continue  # a word timed impossibly (infinite, backwards, after the recording) loses its timing
            words.append(SpokenWord(word=str(item["word"]), start=float(start), end=float(end)))
        except (KeyError, TypeError, ValueError):
            continue  # a malformed word loses its timing, not the answer
    words.sort(key=lambda w: w.start)
    return Transcript(
        text=text.strip(),
        words=words,
        duration=duration,
        language=data.get("language") if isinstance(data.get("language"), str) else None,
    )


def _time(value: object) -> bool:
    """A real time in seconds: a finite number, not negative, under a day (a server may send anything)."""
    return isinstance(value, int | float) and not isinstance(value, bool) and 0 <= value < 86_400
