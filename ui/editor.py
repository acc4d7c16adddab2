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
UNUSED_KEY = {"win": "Ctrl-Alt-Shift-F12", "mac": "Command-Alt-Shift-F12"}
# The component's own commands, moved out of reach: Escape left its snippet editor (and so swallowed the key, which
# Ace needs to stop editing), Ctrl+Alt+B and Ctrl+Alt+N swapped the code for a list of key bindings or snippets,
# and Ctrl+/ appended "ghost text" where Ace comments the line out.
KEYBINDINGS = {
    "commands": [
        {"name": name, "bindkey": UNUSED_KEY}
        for name in ("exitSession", "abandonSession", "editKeyBindings", "editSnippets", "appendGhostText")
    ]
}
HELP = "Tab and Shift-Tab indent and outdent. From the keyboard: Enter starts editing, Escape stops, Tab moves on."


def code_box(key: str, saved: str) -> str:
    """Draw the editor and return the code in it now.

    The editor opens with the newest text the app knows: what the browser last sent, else ``saved``. That only
    matters when the browser loads it afresh (a refresh, or the page reshaped around it): while it is on screen
    the component keeps its own text and ignores a changed argument, so nothing typed is ever replaced."""
    st.markdown("**Your code**")
    st.session_state.setdefault(f"{key}-saved", saved)
    value = code_editor(
        sent(key) or saved,
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
        return saved
    return str(value.get("text", ""))


def sent(key: str) -> str | None:
    """What the browser last sent from the editor ``key`` (None: nothing yet)."""
    value = st.session_state.get(key)
    if not isinstance(value, dict) or not value.get("id"):
        return None
    return str(value.get("text", ""))


def mark_saved(key: str, code: str) -> None:
    st.session_state[f"{key}-saved"] = code


def unsaved(key: str) -> str | None:
    """What the browser last sent from the editor ``key``, if it was never saved (None: nothing, or saved)."""
    text = sent(key)
    return None if text is None or text == st.session_state.get(f"{key}-saved") else text
