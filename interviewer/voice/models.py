"""The data of a spoken answer: what the transcription server heard, and the delivery figures made from it."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class SpokenWord(BaseModel):
    model_config = ConfigDict(allow_inf_nan=False)

    word: str
    start: float = Field(ge=0, description="Seconds from the start of the recording.")
    end: float = Field(ge=0)


class Transcript(BaseModel):
    """A transcription server's reply, reduced to what the app uses."""

    text: str
    words: list[SpokenWord] = Field(default_factory=list, description="Empty when the server gives no timestamps.")
    duration: float | None = Field(default=None, ge=0, description="The recording's length, when the server says.")
    language: str | None = None


class Pause(BaseModel):
    after_word: str
    start: float
    seconds: float


class Delivery(BaseModel):
    """How an answer was spoken. Kept with the answer; the recording is kept apart, and only for users who opt in
    (``interviewer.recordings``)."""

    model_config = ConfigDict(allow_inf_nan=False)  # stored as JSON, where infinity would not read back

    words: int = Field(ge=0)
    speaking_seconds: float = Field(ge=0, description="First word's start to last word's end.")
    words_per_minute: float | None = None
    fillers: dict[str, int] = Field(default_factory=dict)
    fillers_per_100_words: float = 0.0
    long_pauses: list[Pause] = Field(default_factory=list)
    timestamps: bool = Field(default=True, description="Whether the server gave word timestamps (pauses need them).")
    talk_seconds: float = Field(ge=0, description="The recording's length.")
    allowed_seconds: float | None = Field(default=None, description="The question's time limit, if it had one.")
