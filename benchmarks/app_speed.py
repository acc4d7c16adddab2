"""App speed: time from `streamlit run` to a healthy server, and a full 5-question AppTest interview.

Run: .venv/bin/python benchmarks/app_speed.py [--runs 3]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.test_browser import free_port, wait_healthy  # noqa: E402

ANSWER = (
    "It depends on the workload. For example, I would measure first and pick the simplest structure that fits, "
    "because readability matters, but I would also watch the memory and time complexity, say O(n) versus O(1)."
)


def startup_seconds() -> float:
    port = free_port()
    with tempfile.TemporaryDirectory() as data:
        env = {**os.environ, "INTERVIEWER_DATA_DIR": data}
        process = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", str(ROOT / "app.py"), "--server.port", str(port),
             "--server.headless", "true", "--server.address", "127.0.0.1"],
            cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        try:
            return wait_healthy(f"http://127.0.0.1:{port}", process)
        finally:
            process.terminate()
            process.wait(timeout=10)


def apptest_interview_seconds(questions: int = 5) -> float:
    from streamlit.testing.v1 import AppTest

    with tempfile.TemporaryDirectory() as data:
        os.environ["INTERVIEWER_DATA_DIR"] = data
        start = time.perf_counter()
        app = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60).run()
        app.slider[0].set_value(questions)
        app.button[0].click()
        app = app.run()
        answered = 0
        while app.chat_input:
            app.chat_input[0].set_value(ANSWER).run()
            answered += 1
        elapsed = time.perf_counter() - start
        assert any("Interview complete" in s.value for s in app.success), "the interview did not finish"
        print(f"  ({answered} answers, follow-ups included)")
        return elapsed


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    startups = [startup_seconds() for _ in range(args.runs)]
    print(
        f"streamlit run -> healthy: median {statistics.median(startups):.2f} s over {args.runs} runs "
        f"(min {min(startups):.2f}, max {max(startups):.2f})"
    )
    runs = [apptest_interview_seconds() for _ in range(args.runs)]
    print(
        f"AppTest mock interview, 5 questions, offline: median {statistics.median(runs):.2f} s "
        f"(min {min(runs):.2f}, max {max(runs):.2f})"
    )


if __name__ == "__main__":
    main()
