"""Real speech for the voice tests, made offline: espeak-ng speaks the text, sox adds silences and resamples.

CI installs both (`.ci/run`); without them the tests that need audio skip with the reason."""

from __future__ import annotations

import io
import shutil
import subprocess
import tempfile
import wave
from pathlib import Path

import pytest

needs_speech = pytest.mark.skipif(
    not (shutil.which("espeak-ng") and shutil.which("sox")),
    reason="espeak-ng and sox make the test audio (apt-get install espeak-ng sox; .ci/run does)",
)


def speech_wav(*parts: str | float, rate: int = 16_000) -> bytes:
    """A 16-bit mono WAV of the text parts spoken in turn, a number being that many seconds of silence."""
    with tempfile.TemporaryDirectory() as folder:
        pieces = []
        for index, part in enumerate(parts):
            piece = Path(folder) / f"{index}.wav"
            if isinstance(part, str):
                subprocess.run(["espeak-ng", "-s", "150", "-w", str(piece), part], check=True, capture_output=True)
            else:
                command = ["sox", "-n", "-r", "22050", "-c", "1", "-b", "16", str(piece), "trim", "0", str(part)]
                subprocess.run(command, check=True, capture_output=True)
            pieces.append(str(piece))
        out = Path(folder) / "out.wav"
        command = ["sox", *pieces, "-r", str(rate), "-c", "1", "-b", "16", str(out)]
        subprocess.run(command, check=True, capture_output=True)
        return out.read_bytes()


def seconds_of(audio: bytes) -> float:
    """How long the audio plays: read from a WAV header directly (no sox needed), else by soxi."""
    if audio[:4] == b"RIFF" and audio[8:12] == b"WAVE":
        with wave.open(io.BytesIO(audio)) as wav:
            return wav.getnframes() / wav.getframerate()
    with tempfile.NamedTemporaryFile(suffix=".wav") as file:
        file.write(audio)
        file.flush()
        return float(subprocess.run(["soxi", "-D", file.name], check=True, capture_output=True, text=True).stdout)
