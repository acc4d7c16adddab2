"""Token counts and cost estimates that work without a network connection.

tiktoken normally downloads its BPE rank files the first time an encoding is used. Many machines that run the
interviewer (and every test run) cannot reach that host, so the package ships gzipped copies of the two encodings
current OpenAI chat models use and, before tiktoken needs them, unpacks them into a cache directory under the
names tiktoken looks for (the sha1 hex digest of each file's download URL) and points ``TIKTOKEN_CACHE_DIR`` there.

Models tiktoken does not know (a local Ollama model, say) are counted with ``o200k_base`` and flagged as an
estimate; costs are estimates from a small price table that settings can extend or override.
"""

from __future__ import annotations

import functools
import gzip
import hashlib
import os
import tempfile
import zlib
from collections.abc import Mapping, Sequence
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path

import tiktoken

from interviewer.llm.base import ChatMessage, TokenUsage

CACHE_ENV = "INTERVIEWER_TIKTOKEN_CACHE"
"""Environment variable naming where the unpacked encodings go; a temp directory when unset."""

DOWNLOAD_URL = "https://openaipublic.blob.core.windows.net/encodings/{name}.tiktoken"
"""The URL tiktoken would fetch; its sha1 hex digest is the file name tiktoken looks up in its cache."""

SHIPPED_ENCODINGS: dict[str, str] = {
    "o200k_base": "446a9538cb6c348e3516120d7c08b09f57c36495e2acfffe59a5bf8b0cfb1a2d",
    "cl100k_base": "223921b76ee99bde995b7ff738513eef100fb51d18c93597a113bcffe865b2a7",
}
"""Encodings shipped with the package, with the sha256 tiktoken expects of the uncompressed file."""

OFFLINE_ENCODINGS = frozenset({*SHIPPED_ENCODINGS, "o200k_harmony"})
"""Encodings that load from the shipped files alone (o200k_harmony is o200k_base plus special tokens)."""

FALLBACK_ENCODING = "o200k_base"
"""Used for models tiktoken cannot map offline; close enough for budgeting, so counts are marked as estimates."""

DEFAULT_PRICES: dict[str, tuple[float, float]] = {
    "gpt-4o-mini": (0.15, 0.60),
    "gpt-4o": (2.50, 10.00),
    "gpt-4.1": (2.00, 8.00),
    "gpt-4.1-mini": (0.40, 1.60),
    "gpt-4.1-nano": (0.10, 0.40),
}
"""USD per million (input, output) tokens. Prices change; ``Settings.prices`` adds or overrides entries."""

TOKENS_PER_MESSAGE = 3
"""Chat-format tokens wrapped around every message (OpenAI cookbook, gpt-3.5-turbo-0613 onwards and gpt-4o)."""

REPLY_PRIMING_TOKENS = 3
"""Tokens that start the assistant's reply (``<|start|>assistant<|message|>``)."""

_ASSETS: Traversable = resources.files("interviewer").joinpath("assets", "tiktoken")


class TokenizerDataError(RuntimeError):
    """The shipped encoding files are missing or damaged, so token counts cannot be trusted."""


def cache_key(encoding_name: str) -> str:
    """The file name tiktoken looks for in ``TIKTOKEN_CACHE_DIR`` for an encoding."""
    return hashlib.sha1(DOWNLOAD_URL.format(name=encoding_name).encode()).hexdigest()


def default_cache_dir() -> Path:
    """Where the encodings are unpacked: ``$INTERVIEWER_TIKTOKEN_CACHE``, else a directory in the temp dir."""
    configured = os.environ.get(CACHE_ENV)
    return Path(configured) if configured else Path(tempfile.gettempdir()) / "interviewer-tiktoken"


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _holds_valid_copy(path: Path, expected_sha256: str) -> bool:
    """Whether ``path`` exists with exactly the expected bytes; tiktoken would discard it and download otherwise."""
    try:
        return _sha256(path.read_bytes()) == expected_sha256
    except OSError:
        return False


def _holds_all_encodings(directory: Path) -> bool:
    return all(_holds_valid_copy(directory / cache_key(name), digest) for name, digest in SHIPPED_ENCODINGS.items())


def _read_shipped(encoding_name: str, expected_sha256: str) -> bytes:
    """Decompress one shipped file and check it, so a damaged install fails here with a clear message."""
    source = _ASSETS.joinpath(f"{encoding_name}.tiktoken.gz")
    try:
        data = gzip.decompress(source.read_bytes())
    except (OSError, EOFError, zlib.error) as error:
        raise TokenizerDataError(
            f"Cannot read the bundled tiktoken file {source}: {error}. Reinstall the package."
        ) from error
    actual = _sha256(data)
    if actual != expected_sha256:
        raise TokenizerDataError(
            f"The bundled tiktoken file {source} is damaged: sha256 {actual}, expected {expected_sha256}. "
            "Reinstall the package."
        )
    return data


def _write_atomically(path: Path, data: bytes) -> None:
    """Write via a temp file and ``os.replace`` so a concurrent reader never sees a partial file."""
    fd, temp_name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.chmod(temp_name, 0o644)  # mkstemp makes it private; other users may share the temp-dir cache
        os.replace(temp_name, path)
    except BaseException:
        Path(temp_name).unlink(missing_ok=True)
        raise


@functools.cache
def prepare_encodings() -> Path:
    """Make the shipped encodings visible to tiktoken and return the directory tiktoken will read them from.

    Runs once per process (the result is cached). A ``TIKTOKEN_CACHE_DIR`` the user set is kept only when it
    already holds verified copies of every shipped encoding; otherwise it is replaced by our cache directory,
    because tiktoken would try to download into it. Files already in our directory are re-used when their sha256
    matches and rewritten when it does not (a damaged or truncated copy is repaired, never passed to tiktoken).
    Must run before the first ``tiktoken.get_encoding``: tiktoken keeps loaded encodings for the process lifetime.
    """
    user_dir = os.environ.get("TIKTOKEN_CACHE_DIR")
    if user_dir and _holds_all_encodings(Path(user_dir)):
        return Path(user_dir)

    cache_dir = default_cache_dir()
    cache_dir.mkdir(parents=True, exist_ok=True)
    for name, digest in SHIPPED_ENCODINGS.items():
        target = cache_dir / cache_key(name)
        if not _holds_valid_copy(target, digest):
            _write_atomically(target, _read_shipped(name, digest))
    os.environ["TIKTOKEN_CACHE_DIR"] = str(cache_dir)
    return cache_dir


@functools.cache
def encoding_for(model: str) -> tuple[tiktoken.Encoding, bool]:
    """The tokenizer for ``model`` and whether counts with it are exact.

    tiktoken's model-to-encoding table is offline. Names it does not know (``llama3.1``, ``qwen2.5:7b``) and
    old models whose encodings are not shipped get ``o200k_base`` with ``exact=False``: an estimate is more
    useful than an error, and the caller can say so.
    """
    prepare_encodings()
    try:
        name = tiktoken.encoding_name_for_model(model)
    except KeyError:
        name = None
    if name in OFFLINE_ENCODINGS:
        return tiktoken.get_encoding(name), True
    return tiktoken.get_encoding(FALLBACK_ENCODING), False


def _count(encoding: tiktoken.Encoding, text: str) -> int:
    # Ordinary encoding: text such as "<|endoftext|>" in an answer is counted as text, as the API treats it,
    # instead of making tiktoken raise.
    return len(encoding.encode_ordinary(text))


def count_text(model: str, text: str) -> int:
    """Tokens in ``text`` for ``model`` (an estimate for models tiktoken does not know)."""
    encoding, _ = encoding_for(model)
    return _count(encoding, text)


def count_messages(model: str, messages: Sequence[ChatMessage]) -> int:
    """Prompt tokens a chat request with ``messages`` costs, including the chat format's overhead.

    Follows OpenAI's cookbook for current chat models: each message costs its role and content plus
    ``TOKENS_PER_MESSAGE``, and the reply is primed with ``REPLY_PRIMING_TOKENS`` more.
    """
    encoding, _ = encoding_for(model)
    per_message = (TOKENS_PER_MESSAGE + _count(encoding, m.role) + _count(encoding, m.content) for m in messages)
    return sum(per_message) + REPLY_PRIMING_TOKENS


def price_for(model: str, prices: Mapping[str, tuple[float, float]] | None = None) -> tuple[float, float] | None:
    """The (input, output) USD-per-million price for ``model``, or None when it is unknown.

    ``prices`` is laid over ``DEFAULT_PRICES``. An exact name wins; otherwise the longest known name that
    ``model`` starts with, so dated snapshots (``gpt-4o-mini-2024-07-18``) use their family's price.
    """
    table = {**DEFAULT_PRICES, **(prices or {})}
    if model in table:
        return table[model]
    prefixes = [known for known in table if model.startswith(known)]
    return table[max(prefixes, key=len)] if prefixes else None


def estimate_cost(
    model: str,
    prompt_tokens: int,
    completion_tokens: int,
    prices: Mapping[str, tuple[float, float]] | None = None,
) -> float | None:
    """Estimated USD cost of a call, or None for models without a known price (e.g. local models)."""
    price = price_for(model, prices)
    if price is None:
        return None
    input_price, output_price = price
    return (prompt_tokens * input_price + completion_tokens * output_price) / 1_000_000


def usage_for(
    model: str,
    prompt_tokens: int,
    completion_tokens: int,
    prices: Mapping[str, tuple[float, float]] | None = None,
) -> TokenUsage:
    """A one-call :class:`TokenUsage` with its estimated cost, ready to be summed over a session."""
    return TokenUsage(
        calls=1,
        prompt_tokens=prompt_tokens,
        completion_tokens=completion_tokens,
        cost_usd=estimate_cost(model, prompt_tokens, completion_tokens, prices),
    )
