"""Keeping the recordings of spoken answers, for users who opt in: the "Keep my recordings" choice, the note
beside the recorder, keeping the audio once its answer stands, the players on the review page, and deleting.

The choice belongs to whoever owns this browser session's settings (``context.settings_owner``: the signed-in
user, or the one user of an app its operator says is theirs alone) and is stored for them, off until they turn
it on. With no owner it lasts for this browser session, so that no visitor of a shared server opts another in.
It is read afresh whenever it matters: a choice changed in another tab counts at once."""

from __future__ import annotations

import logging
from collections.abc import Callable

import streamlit as st

from interviewer import recordings
from interviewer.engine import Interviewer
from interviewer.models import SessionState, StorageError, Turn
from interviewer.recordings import (
    AnswerKey,
    RecordingInfo,
    RecordingNotFound,
    RecordingRefused,
    RecordingStore,
    answer_keys,
    answer_text,
    count_label,
    size_label,
)
from ui import context
from ui.views import confirmed

KEEP = "Keep my recordings"
CHOICE = "keep_recordings"  # this browser session's choice, when there is no owner to store it for
CHOICE_NOT_SAVED = "keep_recordings_not_saved"
NOT_KEPT = "recording_not_kept"  # why the last answer's recording was not kept, for the page to say once
CONFIRM_ONE = "confirm_delete_recording"  # the answer whose recording the page asks about deleting
CONFIRM_ALL = "confirm_delete_recordings"
DELETED = "recordings_deleted"  # what Settings deleted, said once after the rerun

log = logging.getLogger(__name__)


def _store() -> RecordingStore:
    return RecordingStore(context.store())


OFF_HERE = "This server keeps no recordings (its operator has turned them off): only transcripts are kept."


def allowed() -> bool:
    """Whether the operator lets users keep recordings at all (``INTERVIEWER_ALLOW_RECORDINGS``)."""
    return context.settings().allow_recordings


def keeps_recordings() -> bool:
    """Whether the recording of an answer sent now is kept. If the choice cannot be read, it is not."""
    if not allowed():
        return False
    owner = context.settings_owner()
    if owner is None:
        return bool(st.session_state.get(CHOICE, False))
    try:
        return _store().keeps_recordings(owner)
    except StorageError:
        return False


def keep_toggle(key: str) -> bool:
    """The "Keep my recordings" toggle, showing the choice in force; returns it.

    The toggle is set to the choice read afresh before it is drawn, and only a flip of the toggle itself changes
    the choice: a toggle still showing "on" in a tab whose choice was turned off elsewhere turns off, rather than
    turning it back on."""
    current = keeps_recordings()
    if st.session_state.get(key) != current:
        st.session_state[key] = current
    st.toggle(
        KEEP,
        key=key,
        on_change=_chosen,
        args=(key,),
        help="Keep the audio of each answer you send out loud, with the answer, to play back on the Review page. "
        "You can delete any of them, or all, whenever you like.",
    )
    if problem := st.session_state.pop(CHOICE_NOT_SAVED, None):
        st.error(problem)
    return current


def _chosen(key: str) -> None:
    """The toggle was flipped: that is the choice now, for its owner or for this browser session."""
    chosen = bool(st.session_state[key])
    owner = context.settings_owner()
    if owner is None:
        st.session_state[CHOICE] = chosen
        return
    try:
        _store().set_keep_recordings(owner, chosen)
    except StorageError as exc:
        st.session_state[CHOICE_NOT_SAVED] = f"Your choice could not be saved. {exc}"


def recorder_note(key: str, size: int | None) -> None:
    """Beside the recorder: whether this recording will be kept (``size``: its bytes, once there is one), with the
    toggle that changes it."""
    if not allowed():
        st.caption(OFF_HERE)
        return
    toggle, note = st.columns([1, 2], vertical_alignment="center")
    with toggle:
        keep = keep_toggle(f"{key}-keep")
    if not keep:
        text = "This recording will not be kept: only the transcript of your answer is."
    elif size is not None and size > recordings.MAX_RECORDING_BYTES:
        text = f"This recording is {size_label(size)}, over the {recordings.LIMIT} limit: it will not be kept."
    else:
        text = "This recording will be kept with your answer when you send it. Play or delete it on the Review page."
    note.caption(text)


def keep_recording(interviewer: Interviewer, answer: AnswerKey | None, audio: bytes, mime: str | None) -> str | None:
    """After a send: keep ``audio`` as the recording of ``answer`` (``recordings.next_answer`` before the send) if
    the send put that answer in the store and the user keeps recordings at this moment. Returns why it could not
    be kept, which the page also says (``say_if_not_kept``); None when it was kept, or was not to be.

    Never raises: the answer is saved by then, and stands whatever becomes of its recording."""
    text = answer_text(interviewer.state, answer)
    if answer is None or text is None or not keeps_recordings():
        return None  # the send was refused (stale tab, failed save), or the user does not keep recordings
    try:
        _store().keep(answer, text, audio, mime or "", at=context.clock()())
        return None
    except RecordingRefused as exc:
        problem = f"Your answer is saved; its recording was not kept. {exc}"
    except StorageError as exc:
        problem = f"Your answer is saved, but its recording could not be kept. {exc}"
    except Exception as exc:  # it runs as the page's send reruns the page: a traceback here would hide the answer
        log.exception("keeping the recording of %s failed", answer)
        problem = f"Your answer is saved, but its recording could not be kept ({type(exc).__name__})."
    st.session_state[NOT_KEPT] = problem
    return problem


def say_if_not_kept() -> None:
    """Where a page says what happened to a move: why the last answer's recording was not kept, once."""
    if problem := st.session_state.pop(NOT_KEPT, None):
        st.warning(problem, icon=":material/mic_off:")


# --- the review page ---------------------------------------------------------------------------------


def players(state: SessionState, user: str | None, flash: str) -> tuple[int, Callable[[Turn], None]]:
    """How many of the session's answers have a recording kept, and what draws one under its answer turn (a
    player and "Delete this recording"). ``flash`` is the page's slot for a message after a rerun."""
    try:
        kept = {info.answer: info for info in _store().recordings(state.id, user)}
    except StorageError as exc:
        st.error(f"The recordings of this session cannot be read. {exc}")
        kept = {}
    by_turn = {seq: kept[key] for seq, key in answer_keys(state).items() if key in kept}

    def under_answer(turn: Turn) -> None:
        if (info := by_turn.get(turn.seq)) is not None:
            _player(info, user, flash)

    return len(by_turn), under_answer


def _player(info: RecordingInfo, user: str | None, flash: str) -> None:
    try:
        audio = _store().audio(info.answer, user)
    except (RecordingNotFound, StorageError):  # deleted in another tab meanwhile, or unreadable
        return
    st.audio(audio, format=info.mime)
    answer = info.answer
    st.caption(f"Your recording: {size_label(info.size)}, kept {info.kept_at:%Y-%m-%d %H:%M} UTC")
    key = f"delete-recording-{answer.attempt_index}-{answer.answer_index}"
    if st.button("Delete this recording", key=key, icon=":material/delete:"):
        st.session_state[CONFIRM_ONE] = answer
    if st.session_state.get(CONFIRM_ONE) != answer:
        return
    question = "Delete the recording of this answer for good? The answer and its transcript stay."
    if confirmed(CONFIRM_ONE, question, "Yes, delete the recording", "Keep the recording"):
        try:
            _store().delete(answer, user)
            st.session_state[flash] = "Recording deleted."
        except RecordingNotFound:
            st.session_state[flash] = "That recording was already deleted."
        except StorageError as exc:
            st.error(str(exc))
            return
        st.rerun()


# --- the settings page -------------------------------------------------------------------------------


def settings_section() -> None:
    """The choice, what is kept now, and "Delete all my recordings"."""
    st.subheader("Recordings")
    if deleted := st.session_state.pop(DELETED, None):
        st.success(deleted)
    keep = keep_toggle("settings-keep") if allowed() else False
    user = context.user()
    try:
        totals = _store().totals(user)
    except StorageError as exc:
        st.error(f"Your recordings cannot be counted. {exc}")
        return
    lines = [
        "The audio of each answer you send out loud is kept with it, to play back on the Review page."
        if keep
        else "The audio of your spoken answers is not kept: only their transcripts are."
        if allowed()
        else OFF_HERE,
    ]
    if context.transcriber() is None:
        lines.append("Answering out loud is off on this server (no transcription server is set), so none are made.")
    if totals.count:
        lines.append(
            f"You have {count_label(totals.count)} kept ({size_label(totals.size)})"
            + ("." if keep else "; they stay until you delete them.")
        )
    lines.append(
        "Exports (Markdown and JSON) hold the transcripts, not the audio. This choice is kept across visits when you "
        "are signed in, or when the operator has set INTERVIEWER_KEEP_SETTINGS=1; otherwise it lasts for this "
        "browser session."
    )
    st.caption(" ".join(lines))
    if st.button("Delete all my recordings", icon=":material/delete:", disabled=not totals.count):
        st.session_state[CONFIRM_ALL] = True
    if not (st.session_state.get(CONFIRM_ALL) and totals.count):
        return
    question = (
        f"Delete {'your recording' if totals.count == 1 else f'all your {count_label(totals.count)}'} "
        f"({size_label(totals.size)}) for good? Your answers and their transcripts stay."
    )
    if confirmed(CONFIRM_ALL, question, "Yes, delete them all", "Keep them"):
        try:
            gone = _store().delete_all(user)
        except StorageError as exc:
            st.error(str(exc))
            return
        st.session_state[DELETED] = f"Deleted {count_label(gone.count)} ({size_label(gone.size)})."
        st.rerun()
