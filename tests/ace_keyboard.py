"""Typing Python into the Ace editor from the keyboard, as a person does, for the real-browser tests.

Each line is typed without its indentation: the editor supplies one on Enter (the line above's, one level deeper
after a colon or an open bracket, one level shallower after a bare return, pass, raise, break or continue), and
Tab or Shift-Tab corrects it where the code wants another. If the editor's indentation on Enter were not what a
Python editor does, the code typed would come out wrongly indented and its tests would fail."""

from __future__ import annotations

import re

TAB = 4
OPENS_BLOCK = re.compile(r"[:(\[{]\s*$")
ENDS_BLOCK = re.compile(r"^\s*(return|pass|raise|break|continue)\s*(#.*)?$")
COMMENT_AT_END = re.compile(r"#[^'\"]*$")


def editor_indent_after(line: str) -> int:
    """The indentation Ace gives the line after ``line`` on Enter."""
    indent = len(line) - len(line.lstrip(" "))
    if ENDS_BLOCK.match(line):
        return max(0, indent - TAB)
    if OPENS_BLOCK.search(line) and not COMMENT_AT_END.search(line):
        return indent + TAB
    return indent


def type_python(page, code: str) -> None:  # type: ignore[no-untyped-def]
    """Type ``code`` into the focused, empty editor; the cursor stays at the end of the document throughout."""
    keyboard = page.keyboard
    indent = 0  # what the editor put before the cursor on this line
    lines = code.strip("\n").splitlines()
    for number, line in enumerate(lines):
        body = line.lstrip(" ")
        want = len(line) - len(body) if body else indent
        while indent - want >= TAB or (indent > want and indent <= TAB):
            keyboard.press("Shift+Tab")  # outdent: removes up to one level of leading spaces
            indent = max(0, indent - TAB)
        while want - indent >= TAB and indent % TAB == 0:
            keyboard.press("Tab")
            indent += TAB
        keyboard.type(" " * (want - indent) + body)
        keyboard.press("Shift+End")  # what the editor closed for us (a bracket, a quote) comes later in the text
        keyboard.press("Delete")
        if number < len(lines) - 1:
            keyboard.press("Enter")
            indent = editor_indent_after(" " * want + body)
