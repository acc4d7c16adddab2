"""Text to speech through an OpenAI-compatible speech endpoint (``POST /v1/audio/speech``), when one is set.

Without one the app reads aloud with the browser's own speech synthesis (``ui/read_aloud.py``), which needs no
server and no key. The key goes only to the speech server (``Settings.speech_key``)."""

from __future__ import annotations

import openai

from interviewer.llm.openai_compat import describe_error, sdk_client
from interviewer.settings import Settings

MAX_SPOKEN_CHARS = 4096  # OpenAI's limit for one request


class SpeechError(RuntimeError):
    """The words could not be turned into audio; the message says why (never the key)."""


class Speaker:
    def __init__(self, base_url: str, model: str, voice: str, api_key: str | None, timeout: float) -> None:
        self.base_url = base_url.rstrip("/")
        self.model = model
        self.voice = voice
        self.timeout = timeout
        self._client = sdk_client(self.base_url, api_key, timeout, max_retries=1)

    @classmethod
    def from_settings(cls, settings: Settings) -> Speaker | None:
        if not settings.speech_base_url:
            return None
        key = settings.speech_key
        return cls(
            settings.speech_base_url,
            settings.speech_model,
            settings.speech_voice,
            key.get_secret_value() if key else None,
            settings.timeout_seconds,
        )

    def speak(self, text: str) -> bytes:
        """WAV audio of ``text`` (cut at the endpoint's limit, at a sentence end where there is one)."""
        text = text.strip()
        if len(text) > MAX_SPOKEN_CHARS:
            cut = text[:MAX_SPOKEN_CHARS]
            text = cut[: cut.rfind(". ") + 1] or cut
        try:
            reply = self._client.audio.speech.create(
                model=self.model, voice=self.voice, input=text, response_format="wav"
            )
            return reply.read()
        except openai.AuthenticationError as exc:
            raise SpeechError("The speech server rejected the key (401). Check INTERVIEWER_SPEECH_API_KEY.") from exc
        except openai.OpenAIError as exc:
            raise SpeechError(describe_error(exc, self.base_url, self.model, self.timeout)) from exc
