"""A page with only the coding round's editor, for benchmarks/editor_typing.py (run by `streamlit run`)."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from ui.editor import code_box

code_box("bench", "")
