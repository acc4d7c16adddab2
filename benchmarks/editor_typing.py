"""The code editor from the keyboard: every coding question's reference solution typed into the real editor in
Chromium the way a person types it (each line without its indentation; the editor indents on Enter, Tab and
Shift-Tab correct it), and compared with the solution. Also how long the editor takes to appear.

Run: .venv/bin/python benchmarks/editor_typing.py
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from playwright.sync_api import sync_playwright  # noqa: E402

from interviewer.bank import load_bank  # noqa: E402
from tests.ace_keyboard import type_python  # noqa: E402
from tests.test_browser import CHROMIUM, CHROMIUM_ARGS, free_port, wait_healthy  # noqa: E402


def lines(code: str) -> list[str]:
    return [line.rstrip() for line in code.strip("\n").splitlines()]


def main() -> None:
    questions = [q for q in load_bank().questions.values() if q.coding is not None]
    port = free_port()
    page_file = str(ROOT / "benchmarks" / "editor_page.py")
    command = [sys.executable, "-m", "streamlit", "run", page_file, "--server.port", str(port),
               "--server.headless", "true", "--browser.gatherUsageStats", "false"]  # fmt: skip
    server = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_healthy(url, server)
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
            page = browser.new_page()
            started = time.perf_counter()
            page.goto(url)
            ace = page.frame_locator("iframe[title*='code_editor']").locator(".ace_editor")
            ace.wait_for(timeout=30_000)
            appeared = time.perf_counter() - started
            exact, wrong = 0, []
            for question in questions:
                ace.click()
                page.keyboard.press("Control+A")
                page.keyboard.press("Delete")
                type_python(page, question.coding.reference_solution)
                if lines(ace.evaluate("e => e.env.editor.getValue()")) == lines(question.coding.reference_solution):
                    exact += 1
                else:
                    wrong.append(question.id)
            browser.close()
    finally:
        server.terminate()
    total = sum(len(lines(q.coding.reference_solution)) for q in questions)
    print(f"page load to editor on screen: {appeared * 1000:.0f} ms")
    print(f"reference solutions typed from the keyboard and exact: {exact} of {len(questions)} ({total} lines)")
    if wrong:
        print("not exact:", ", ".join(wrong))


if __name__ == "__main__":
    main()
