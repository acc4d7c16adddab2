from __future__ import annotations

import gzip
import hashlib
import os
import shutil
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest
import tiktoken
import tiktoken.registry

from interviewer import tokens
from interviewer.llm.base import ChatMessage
from interviewer.settings import Settings

PHRASE = "Explain Python decorators."
# Computed once with tiktoken 0.14 from the official files; a drift here means the shipped files changed.
KNOWN_IDS = {
    "gpt-4o": [176289, 26534, 129245, 13],  # o200k_base
    "gpt-4": [849, 21435, 13325, 63778, 13],  # cl100k_base
}


def _clear_caches() -> None:
    tokens.prepare_encodings.cache_clear()
    tokens.encoding_for.cache_clear()


def _refuse_network(*args: object, **kwargs: object) -> None:
    raise OSError("network access is blocked in this test")


@pytest.fixture(autouse=True)
def no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every test here runs offline: any attempt to download an encoding fails loudly."""
    monkeypatch.setattr(socket.socket, "connect", _refuse_network)
    monkeypatch.setattr(socket, "create_connection", _refuse_network)


@pytest.fixture(scope="module", autouse=True)
def module_cache(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """Unpack into a test directory (not the real temp dir) and ignore any TIKTOKEN_CACHE_DIR the runner has."""
    cache = tmp_path_factory.mktemp("tiktoken-cache")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(tokens.CACHE_ENV, str(cache))
        patch.setenv("TIKTOKEN_CACHE_DIR", "")  # recorded so the value prepare_encodings sets is undone
        patch.delenv("TIKTOKEN_CACHE_DIR")
        _clear_caches()
        yield cache
        _clear_caches()


@pytest.fixture
def fresh_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """An empty cache directory that prepare_encodings has not filled yet."""
    cache = tmp_path / "cache"
    monkeypatch.setenv(tokens.CACHE_ENV, str(cache))
    monkeypatch.setenv("TIKTOKEN_CACHE_DIR", "")
    monkeypatch.delenv("TIKTOKEN_CACHE_DIR")
    _clear_caches()
    yield cache
    _clear_caches()


@pytest.fixture
def unloaded_tiktoken() -> Iterator[None]:
    """tiktoken as in a new process: no encoding loaded yet, so the next use must read the cache directory.

    Encodings loaded during the test are kept afterwards (they are genuine), so later tests need not reload them.
    """
    loaded = dict(tiktoken.registry.ENCODINGS)
    tiktoken.registry.ENCODINGS.clear()
    yield
    tiktoken.registry.ENCODINGS.update(loaded)


@pytest.mark.usefixtures("unloaded_tiktoken")
def test_encodings_load_from_the_shipped_files_with_the_network_blocked(fresh_cache: Path) -> None:
    with pytest.raises(OSError, match="blocked"):
        socket.create_connection(("openaipublic.blob.core.windows.net", 443))

    assert tokens.prepare_encodings() == fresh_cache
    assert sorted(p.name for p in fresh_cache.iterdir()) == sorted(
        tokens.cache_key(name) for name in tokens.SHIPPED_ENCODINGS
    )
    assert tiktoken.get_encoding("cl100k_base").encode("hello world") == [15339, 1917]
    for model, ids in KNOWN_IDS.items():
        assert tiktoken.encoding_for_model(model).encode(PHRASE) == ids
        encoding, exact = tokens.encoding_for(model)
        assert exact
        assert encoding.encode(PHRASE) == ids
        assert tokens.count_text(model, PHRASE) == len(ids)


def test_cache_file_names_follow_tiktoken() -> None:
    url = "https://openaipublic.blob.core.windows.net/encodings/o200k_base.tiktoken"
    assert tokens.cache_key("o200k_base") == hashlib.sha1(url.encode()).hexdigest()


@pytest.mark.parametrize("model", ["llama3.1", "qwen2.5:7b", "mistral", "text-davinci-003"])
def test_models_without_an_offline_encoding_fall_back_to_an_estimate(model: str) -> None:
    encoding, exact = tokens.encoding_for(model)
    assert (encoding.name, exact) == ("o200k_base", False)
    assert tokens.count_text(model, PHRASE) == len(KNOWN_IDS["gpt-4o"])


def test_dated_snapshots_and_harmony_models_are_exact() -> None:
    assert tokens.encoding_for("gpt-4o-mini-2024-07-18")[1]
    encoding, exact = tokens.encoding_for("gpt-oss-20b")
    assert (encoding.name, exact) == ("o200k_harmony", True)


def test_special_token_text_is_counted_as_text() -> None:
    assert tokens.count_text("gpt-4o", "<|endoftext|>") > 1


def test_count_messages_adds_the_chat_overhead() -> None:
    messages = [
        ChatMessage(role="system", content="You are a Python interviewer."),
        ChatMessage(role="user", content="hello world"),
    ]
    content = sum(tokens.count_text("gpt-4", m.role) + tokens.count_text("gpt-4", m.content) for m in messages)
    assert tokens.count_messages("gpt-4", messages) == content + 3 * len(messages) + 3
    assert tokens.count_messages("gpt-4", []) == 3


def test_estimate_cost_uses_exact_then_longest_prefix_match() -> None:
    assert tokens.estimate_cost("gpt-4o", 1_000_000, 1_000_000) == pytest.approx(12.50)
    assert tokens.estimate_cost("gpt-4o-mini-2024-07-18", 2_000, 1_000) == pytest.approx(0.0009)
    assert tokens.estimate_cost("gpt-4.1-nano-2025-04-14", 1_000_000, 0) == pytest.approx(0.10)
    assert tokens.estimate_cost("llama3.1", 1_000, 1_000) is None


def test_custom_prices_add_to_and_override_the_defaults() -> None:
    prices = {"llama3.1": (0.0, 0.0), "gpt-4o-mini": (1.0, 2.0)}
    assert tokens.estimate_cost("llama3.1", 5_000, 5_000, prices) == 0.0
    assert tokens.estimate_cost("gpt-4o-mini-2024-07-18", 1_000_000, 1_000_000, prices) == pytest.approx(3.0)
    assert tokens.estimate_cost("gpt-4o", 1_000_000, 0, prices) == pytest.approx(2.50)


def test_usage_for_one_call() -> None:
    usage = tokens.usage_for("gpt-4o-mini", 1_000, 500)
    assert (usage.calls, usage.prompt_tokens, usage.completion_tokens) == (1, 1_000, 500)
    assert usage.cost_usd == pytest.approx(0.00045)
    assert tokens.usage_for("mistral", 10, 10).cost_usd is None


def test_prices_come_from_json_in_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("INTERVIEWER_PRICES", '{"my-model": [0.5, 1.5], "gpt-4o": [1, 4]}')
    settings = Settings(_env_file=None)
    assert settings.prices == {"my-model": (0.5, 1.5), "gpt-4o": (1.0, 4.0)}
    assert tokens.estimate_cost("my-model", 1_000_000, 1_000_000, settings.prices) == pytest.approx(2.0)


def test_prices_default_to_empty(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("INTERVIEWER_PRICES", raising=False)
    assert Settings(_env_file=None).prices == {}


def test_a_corrupted_cached_file_is_replaced(fresh_cache: Path) -> None:
    """Documented choice: prepare_encodings repairs a bad copy, since tiktoken would otherwise try to download."""
    tokens.prepare_encodings()
    damaged = fresh_cache / tokens.cache_key("cl100k_base")
    damaged.write_bytes(b"not a bpe file")
    _clear_caches()

    tokens.prepare_encodings()
    assert hashlib.sha256(damaged.read_bytes()).hexdigest() == tokens.SHIPPED_ENCODINGS["cl100k_base"]
    assert tokens.count_text("gpt-4", PHRASE) == len(KNOWN_IDS["gpt-4"])
    assert not [p for p in fresh_cache.iterdir() if p.name.endswith(".tmp")]


def test_a_damaged_shipped_file_fails_clearly(
    fresh_cache: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assets = tmp_path / "assets"
    assets.mkdir()
    for name in tokens.SHIPPED_ENCODINGS:
        (assets / f"{name}.tiktoken.gz").write_bytes(gzip.compress(b"tampered"))
    monkeypatch.setattr(tokens, "_ASSETS", assets)

    with pytest.raises(tokens.TokenizerDataError, match="damaged"):
        tokens.prepare_encodings()


def test_a_user_cache_dir_with_valid_files_is_kept(
    fresh_cache: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    user_dir = tmp_path / "user"
    shutil.copytree(tokens.prepare_encodings(), user_dir)
    _clear_caches()
    monkeypatch.setenv("TIKTOKEN_CACHE_DIR", str(user_dir))
    assert tokens.prepare_encodings() == user_dir
    assert os.environ["TIKTOKEN_CACHE_DIR"] == str(user_dir)


def test_a_user_cache_dir_without_the_files_is_replaced(
    fresh_cache: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    monkeypatch.setenv("TIKTOKEN_CACHE_DIR", str(empty))
    assert tokens.prepare_encodings() == fresh_cache
    assert os.environ["TIKTOKEN_CACHE_DIR"] == str(fresh_cache)
