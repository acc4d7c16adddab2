"""What every page shares: the bank, the store, the backend, the clock, and the session in the URL.

The engine's state lives in the store; ``st.session_state`` holds only this browser's
settings overrides (an API key entered here stays here) and test hooks. A page rebuilds
its :class:`Interviewer` from the store on every run, so a refresh or reconnect resumes
exactly where the interview was.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

import streamlit as st
from pydantic import SecretStr

from interviewer import drills
from interviewer.backend import Backend, make_backend
from interviewer.bank import DEFAULT_BANK_DIR, Bank, load_bank
from interviewer.engine import Clock, Interviewer
from interviewer.llm.base import LLMError
from interviewer.models import SavedSettings, SessionConfig, StorageError, utc_now
from interviewer.settings import Settings, with_overrides
from interviewer.store import SessionNotFound, TranscriptStore
from interviewer.voice.speech import Speaker
from interviewer.voice.transcription import Transcriber

T = TypeVar("T")
SESSION_PARAM = "session"
OVERRIDES = "settings_overrides"
SHOWN_VERSIONS = "shown_versions"  # session id -> the version this page last showed
LOADED_VERSIONS = "loaded_versions"  # session id -> (the version shown before this run, the version it loaded)
CLOCK = "clock"  # tests put a fake clock here
BACKEND_ERROR = "backend_error"


@st.cache_resource
def _bank(directory: str) -> Bank:
    return load_bank(directory)


@st.cache_resource
def _store(url: str) -> TranscriptStore:
    return TranscriptStore(url)


def settings() -> Settings:
    """The environment's settings with this browser session's choices on top (none when the operator has locked
    the settings); the operator's key never follows a session to another server (``with_overrides``)."""
    base = Settings()
    if settings_locked(base):
        return base
    if OVERRIDES not in st.session_state:  # a new browser session (a refresh): this user's choices of last time
        owner = settings_owner()
        saved = _saved_settings(base, owner) if owner is not None else None
        st.session_state[OVERRIDES] = saved.model_dump(exclude_none=True) if saved else {}
    overrides = st.session_state[OVERRIDES]
    if not overrides:
        return base
    return with_overrides(base, overrides)


def _saved_settings(base: Settings, owner: str) -> SavedSettings | None:
    try:
        return _store(base.resolved_database_url).saved_settings(owner)
    except StorageError:
        return None  # the app says what is wrong with the database elsewhere; settings fall back to the defaults


def settings_owner() -> str | None:
    """Whose saved settings this browser session uses: the signed-in user; with no sign-in, the one user of an app
    its operator says is theirs alone (``INTERVIEWER_KEEP_SETTINGS``); else nobody, so that a visitor's choice
    lasts for their browser session and no visitor can point other visitors' answers at a server of their
    choosing. (Guessing "the local user" from the client's address does not work: Streamlit hides loopback
    addresses, and behind a proxy on the same host every visitor comes from there.)"""
    if (who := user()) is not None:
        return who
    return "" if Settings().keep_settings else None


def settings_locked(base: Settings | None = None) -> bool:
    """Whether visitors may not change the model settings: ``INTERVIEWER_LOCK_SETTINGS``, else whether sign-in
    is on (a server others use)."""
    configured = (base or Settings()).lock_settings
    return sign_in_required() if configured is None else configured


def bank() -> Bank:
    return _bank(str(settings().bank_dir or DEFAULT_BANK_DIR))


def store() -> TranscriptStore:
    return _store(settings().resolved_database_url)


def for_this_session(slot: str, parts: Sequence[object], build: Callable[[], T]) -> T:
    """What ``build`` makes, once per browser session and configuration: built again when any of ``parts``
    changes. Only a hash of the parts is kept, so a key among them never sits in the session state."""
    fingerprint = hashlib.sha256("|".join(map(str, parts)).encode()).hexdigest()
    cached = st.session_state.get(slot)
    if cached is None or cached[0] != fingerprint:
        cached = (fingerprint, build())
        st.session_state[slot] = cached
    return cached[1]


def _secret(key: SecretStr | None) -> str:
    return key.get_secret_value() if key else ""


def backend() -> Backend:
    """Built once per browser session and configuration (the key never leaves this session)."""
    current = settings()

    def build() -> Backend:
        try:
            built = make_backend(current, bank())
            st.session_state.pop(BACKEND_ERROR, None)
        except LLMError as exc:  # keep working offline, and say why
            built = make_backend(current, bank(), "offline")
            st.session_state[BACKEND_ERROR] = f"The model backend cannot start ({exc}); using the offline backend."
        return built

    parts = (current.active_backend, current.model, current.base_url, _secret(current.api_key))
    return for_this_session("_backend", parts, build)


def transcriber() -> Transcriber | None:
    """The transcription client, built once per browser session and configuration like the backend (building one
    costs tens of milliseconds, which a transcript waiting to appear would feel); None when voice is off."""
    current = settings()
    if not current.transcription_base_url:
        return None
    parts = (
        current.transcription_base_url,
        current.transcription_model,
        _secret(current.transcription_key),
        current.timeout_seconds,
        current.max_retries,
    )
    return for_this_session("_transcriber", parts, lambda: Transcriber.from_settings(current))


def speaker() -> Speaker | None:
    """The speech client for reading the interviewer aloud, built once per browser session and configuration;
    None when no speech server is set (the browser's own voice reads instead)."""
    current = settings()
    if not current.speech_base_url:
        return None
    parts = (
        current.speech_base_url,
        current.speech_model,
        current.speech_voice,
        _secret(current.speech_key),
        current.timeout_seconds,
    )
    return for_this_session("_speaker", parts, lambda: Speaker.from_settings(current))


def backend_error() -> str | None:
    return st.session_state.get(BACKEND_ERROR)


def set_overrides(**values: object) -> None:
    current = dict(st.session_state.get(OVERRIDES, {}))
    for name, value in values.items():
        if value in (None, ""):
            current.pop(name, None)
        else:
            current[name] = SecretStr(value) if name == "api_key" and isinstance(value, str) else value
    st.session_state[OVERRIDES] = current
    st.session_state.pop("_backend", None)
    if (owner := settings_owner()) is not None:
        chosen = SavedSettings(**{k: v for k, v in current.items() if k in SavedSettings.model_fields})
        store().save_settings(owner, chosen)  # never the key: SavedSettings has no field for it


def clock() -> Clock:
    return st.session_state.get(CLOCK, utc_now)


def sign_in_required() -> bool:
    """Sign-in is on when Streamlit's OpenID Connect settings (an ``[auth]`` secrets section) exist."""
    try:
        return "auth" in st.secrets
    except Exception:  # no secrets file at all
        return False


def user() -> str | None:
    """The signed-in user's id when sign-in is on, else None (a single-user install sees everything).

    With sign-in on, a visitor who is somehow not signed in gets an id that matches nobody,
    never None, so they can never see other people's sessions.
    """
    if not sign_in_required():
        return None
    if not st.user.get("is_logged_in"):
        return "\x00anonymous"
    return str(st.user.get("email") or st.user.get("sub"))


def current_session_id() -> str | None:
    return st.query_params.get(SESSION_PARAM)


def _engine_options() -> dict[str, Any]:
    """What every interviewer on a page is built with: the store, the clock, the history, the voice."""
    return {
        "sink": store(),
        "clock": clock(),
        "history": store().point_history(user=user()),
        "turns": backend().turns,
    }


def open_interviewer(session_id: str, *, resume: bool = True) -> Interviewer | None:
    """The interviewer for a stored session; with ``resume``, finish any grade a crash interrupted."""
    try:
        state = store().load(session_id, user=user())
    except SessionNotFound:
        return None
    # what this page showed before this run, and what this run loaded: they differ when another tab saved
    shown = st.session_state.get(SHOWN_VERSIONS, {}).get(session_id)
    st.session_state.setdefault(LOADED_VERSIONS, {})[session_id] = (shown, state.version)
    interviewer = Interviewer(state, bank(), backend().grader, **_engine_options())
    if resume:
        interviewer.resume()
    return interviewer


def mark_shown(interviewer: Interviewer) -> None:
    """Note the version of the session this page has just shown."""
    st.session_state.setdefault(SHOWN_VERSIONS, {})[interviewer.state.id] = interviewer.state.version


def moved_on_elsewhere(interviewer: Interviewer) -> bool:
    """Whether the session was saved elsewhere (another tab) after this page last showed it: a move made on
    what this page showed would apply to a state the candidate has not seen."""
    shown, loaded = st.session_state.get(LOADED_VERSIONS, {}).get(interviewer.state.id, (None, None))
    return shown is not None and loaded is not None and shown != loaded


def shown_key(registry: str, interviewer: Interviewer, fresh: str) -> str:
    """The key of an input box: ``fresh`` for where the session stands now; but on a page another tab has
    overtaken, the box this page showed, so that what is sent from it is read (then refused as moved on, and
    kept to send again) and not lost with a box that is no longer drawn. ``registry`` names the kind of box."""
    shown = st.session_state.setdefault(registry, {})
    key = fresh
    if moved_on_elsewhere(interviewer) and interviewer.state.id in shown:
        key = shown[interviewer.state.id]
    shown[interviewer.state.id] = key
    return key


def start_interviewer(config: SessionConfig) -> Interviewer:
    interviewer = Interviewer.start(config, bank(), backend().grader, user=user(), **_engine_options())
    st.query_params[SESSION_PARAM] = interviewer.state.id
    return interviewer


def leave_session() -> None:
    st.query_params.pop(SESSION_PARAM, None)


def learn(interviewer: Interviewer) -> None:
    """Move the drill schedule by every grade the session has given since it last did (mocks and drills alike)."""
    drills.learn(store(), interviewer.state, user())
