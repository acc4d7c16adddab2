"""Scrubbing credentials out of text that came from a model server or an exception.

Applied where such text enters the app (the model client's error messages and a grade's fallback reason) and
again where text leaves it (the store, the exports): the configured key in any position, and anything shaped
like a credential: ``Bearer <token>``, ``sk-...`` keys, JSON web tokens and ``key=``/``token=`` parameters.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from pydantic import SecretStr

REDACTED = "[redacted]"
_CREDENTIALS = re.compile(
    r"(?i)\bbearer\s+[A-Za-z0-9._~+/=-]{6,}"  # Authorization: Bearer <token>
    r"|\bsk-[A-Za-z0-9_-]{8,}"  # OpenAI-style keys (sk-..., sk-proj-...)
    r"|\beyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{4,}(?:\.[A-Za-z0-9_-]*)?"  # a JSON web token
    r"|\b(?:api[_-]?key|access[_-]?token|token|secret|password)\s*[=:]\s*[^\s&,;\"']{6,}"  # key=..., token: ...
)
_known: set[str] = set()  # every key the app has been configured with in this process


def remember(secret: SecretStr | str | None) -> None:
    """Note a configured key, so that it is scrubbed wherever it turns up, whatever its shape."""
    value = secret.get_secret_value() if isinstance(secret, SecretStr) else secret
    if value and len(value) >= 6:
        _known.add(value)


def redact(text: str, secrets: Iterable[str] = ()) -> str:
    """The text with every known or given secret, and everything credential-shaped, replaced."""
    for secret in sorted({*_known, *(s for s in secrets if s)}, key=len, reverse=True):
        text = text.replace(secret, REDACTED)
    return _CREDENTIALS.sub(REDACTED, text)
