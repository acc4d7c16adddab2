"""The coding round's editor: Ace, through streamlit-code-editor, whose assets ship inside the wheel (no network).

Python highlighting, line numbers, a monospace font, Tab and Shift-Tab to indent and outdent, the indentation
kept (and deepened after a colon) on Enter. Ace's keyboard-accessibility mode keeps the page usable without a
mouse: Tab reaches the editor, Enter starts editing, Escape stops, and the next Tab leaves it.

What is typed reaches the app a quarter of a second after the typing pauses, and when the editor loses focus
(so a click on "Run examples" always runs what is on screen)."""

from __future__ import annotations

import streamlit as st
from code_editor import code_editor

OPTIONS = {
    "showLineNumbers": True,  # the component hides them unless asked
    "enableKeyboardAccessibility": True,
    "tabSize": 4,
    "useSoftTabs": True,
    "wrap": False,
}
# the component turns live completion on by default: its pop-up takes Enter, so "if x:" + Enter became "xrange"
PROPS = {"enableLiveAutocompletion": False, "enableBasicAutocompletion": False, "enableSnippets": False}
# the component binds Escape to leaving its snippet editor, which swallows the key even when that editor is closed;
# moved elsewhere, Escape reaches Ace's own "stop editing" (blurTextInput) and the keyboard can leave the editor
KEYBINDINGS = {
    "commands": [{"name": "exitSession", "bindkey": {"win": "Ctrl-Alt-Shift-Esc", "mac": "Command-Alt-Shift-Esc"}}]
}
HELP = "Tab and Shift-Tab indent and outdent. From the keyboard: Enter starts editing, Escape stops, Tab moves on."


def code_box(key: str, initial: str) -> str:
    """Draw the editor and return the code in it now.

    ``initial`` is what the editor opens with (the saved draft after a reload). It is pinned for the life of the
    box in this browser tab: a changed argument would make the component replace the text being typed."""
    st.markdown("**Your code**")
    opening = st.session_state.setdefault(f"{key}-opening", initial)
    value = code_editor(
        opening,
        lang="python",
        height=[14, 30],  # lines: grows with the code up to 30, then scrolls
        response_mode=["debounce", "blur"],
        options=OPTIONS,
        props=PROPS,
        keybindings=KEYBINDINGS,
        key=key,
    )
    st.caption(HELP)
    if not value or not value.get("id"):  # nothing sent from the browser yet: the editor holds what it opened with
        return opening
    return str(value.get("text", ""))


def mark_saved(key: str, code: str) -> None:
    st.session_state[f"{key}-saved"] = code


def unsaved(key: str) -> str | None:
    """What the browser last sent from the editor ``key``, if it was never saved (None: nothing, or saved)."""
    value = st.session_state.get(key)
    if not isinstance(value, dict) or not value.get("id"):
        return None
    text = str(value.get("text", ""))
    saved = st.session_state.get(f"{key}-saved", st.session_state.get(f"{key}-opening"))
    return None if text == saved else text
