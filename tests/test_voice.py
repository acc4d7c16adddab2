"""Answering by voice: transcription through an OpenAI-compatible server (the fake one on 127.0.0.1, fed real
speech made by espeak-ng), the key going only to that server, failures as messages, and delivery figures."""

from __future__ import annotations

import io
import wave

import pytest
from pydantic import SecretStr

from interviewer.bank import Bank
from interviewer.engine import Interviewer
from interviewer.grading.offline import OfflineGrader
from interviewer.llm.fake_server import FakeOpenAIServer
from interviewer.models import SessionConfig
from interviewer.report import build_report
from interviewer.settings import Settings
from interviewer.voice.delivery import LONG_PAUSE_SECONDS, filler_counts, measure, notes
from interviewer.voice.fake_audio import FakeAudio, Heard, Refused, timed_words
from interviewer.voice.models import Transcript
from interviewer.voice.transcription import Transcriber, TranscriptionError, parse_reply
from tests.conftest import FakeClock
from tests.spoken_audio import needs_speech, seconds_of, speech_wav

ANSWER = "Lists are mutable and tuples are immutable, so a tuple can be a dictionary key."


def transcriber(server: FakeOpenAIServer, key: str | None = "stt-key") -> Transcriber:
    return Transcriber(server.base_url, "whisper-1", key, timeout=5, max_retries=0)


@needs_speech
def test_a_recording_is_sent_as_a_file_with_the_model_and_word_timestamps_asked_for() -> None:
    audio = speech_wav(ANSWER)
    fake = FakeAudio()
    fake.script(Heard(ANSWER, timed_words(ANSWER), duration=seconds_of(audio)))
    with FakeOpenAIServer(routes=fake.routes, require_api_key="stt-key") as server:
        heard = transcriber(server).transcribe(audio)
        [request] = server.requests
    assert heard.text == ANSWER and len(heard.words) == len(ANSWER.split())
    assert request.path == "/v1/audio/transcriptions"
    assert request.headers["authorization"] == "Bearer ***"  # it carried the key (the server checked it)
    assert audio in request.raw, "the recording itself is uploaded, unchanged"
    for field, value in (
        ("model", b"whisper-1"),
        ("response_format", b"verbose_json"),
        ("timestamp_granularities[]", b"word"),
    ):
        assert f'name="{field}"'.encode() in request.raw and value in request.raw


def test_the_model_key_goes_to_the_transcription_server_only_when_it_is_the_same_server() -> None:
    key = SecretStr("sk-model-key-123456")
    elsewhere = Settings(_env_file=None, api_key=key, base_url=None, transcription_base_url="http://127.0.0.1:9000/v1")
    assert elsewhere.transcription_key is None
    openai_both = Settings(_env_file=None, api_key=key, transcription_base_url="https://api.openai.com/v1")
    assert openai_both.transcription_key == key
    own = Settings(
        _env_file=None, api_key=key, transcription_base_url="http://127.0.0.1:9000/v1", transcription_api_key="local"
    )
    assert own.transcription_key.get_secret_value() == "local"
    assert Transcriber.from_settings(Settings(_env_file=None)) is None  # no server: voice is off


def test_server_failures_are_messages_that_never_show_the_key() -> None:
    fake = FakeAudio()
    fake.script(Refused(500, "model crashed; request had Authorization: Bearer stt-key-abcdef123456"))
    with FakeOpenAIServer(routes=fake.routes) as server:
        with pytest.raises(TranscriptionError) as failure:
            transcriber(server, key="stt-key-abcdef123456").transcribe(b"RIFF....WAVE")
        port = server.port
    assert "500" in str(failure.value) and "stt-key-abcdef123456" not in str(failure.value)
    down = Transcriber(f"http://127.0.0.1:{port}/v1", "whisper-1", None, timeout=2, max_retries=0)
    with pytest.raises(TranscriptionError, match="Cannot connect"):
        down.transcribe(b"RIFF....WAVE")
    with (
        FakeOpenAIServer(routes=FakeAudio().routes, require_api_key="right") as server,
        pytest.raises(TranscriptionError, match="INTERVIEWER_TRANSCRIPTION_API_KEY"),
    ):
        transcriber(server, key="wrong").transcribe(b"RIFF....WAVE")
    with pytest.raises(TranscriptionError, match="empty"):
        down.transcribe(b"")
    with pytest.raises(TranscriptionError, match="limit"):
        down.transcribe(b"x" * (26 * 1024 * 1024))


def test_a_model_that_cannot_give_timestamps_is_asked_again_for_the_text_alone() -> None:
    fake = FakeAudio()
    fake.script(Refused(400, "response_format 'verbose_json' is not compatible with model"), Heard(ANSWER))
    with FakeOpenAIServer(routes=fake.routes) as server:
        heard = transcriber(server).transcribe(b"RIFF....WAVE")
        first, second = server.requests
    assert heard.text == ANSWER and heard.words == []
    assert b"verbose_json" in first.raw and b"verbose_json" not in second.raw
    other = FakeAudio()
    other.script(Refused(400, "the audio file could not be decoded"))
    with FakeOpenAIServer(routes=other.routes) as server:
        with pytest.raises(TranscriptionError, match="could not be decoded"):
            transcriber(server).transcribe(b"RIFF....WAVE")
        assert len(server.requests) == 1, "any other refusal is not retried"


def test_replies_without_timestamps_or_with_broken_words_still_give_the_text() -> None:
    assert parse_reply("  just text  ").text == "just text"
    plain = parse_reply({"text": "no words here"})
    assert plain.words == [] and plain.duration is None
    mixed = parse_reply({"text": "a b", "words": [{"word": "a", "start": 0, "end": 0.2}, {"word": "b"}, "junk"]})
    assert [w.word for w in mixed.words] == ["a"]
    with pytest.raises(TranscriptionError, match="no text"):
        parse_reply({"segments": []})


def test_pace_fillers_and_pauses_from_word_timestamps() -> None:
    text = "So um a list is mutable and uh you know a tuple is not so it can be a key in a dict or a set"
    words = timed_words(text, words_per_second=2.5, pauses={10: 4.0})
    transcript = Transcript(text=text, words=[w.__dict__ for w in words])
    delivery = measure(transcript, recording_seconds=14.0, allowed_seconds=300)
    assert delivery.words == len(text.split())
    speaking = words[-1].end - words[0].start
    assert delivery.words_per_minute == pytest.approx(len(words) / speaking * 60, abs=0.1)
    assert delivery.fillers == {"um": 1, "uh": 1, "you know": 1}
    [pause] = delivery.long_pauses
    assert pause.seconds >= LONG_PAUSE_SECONDS and pause.after_word == text.split()[9]
    assert delivery.talk_seconds == 14.0 and delivery.allowed_seconds == 300
    said = " ".join(notes(delivery))
    assert "pause" in said and "filler" in said  # 3 fillers in 25 words is well above 5 per 100


def test_a_steady_answer_gets_no_delivery_notes_and_a_rushed_one_does() -> None:
    text = " ".join(["Tuples are immutable so they can be hashed and used as keys."] * 3)
    steady = measure(Transcript(text=text, words=[w.__dict__ for w in timed_words(text, 2.5)]), 15.0, None)
    assert 140 <= steady.words_per_minute <= 160 and notes(steady) == []
    rushed = measure(Transcript(text=text, words=[w.__dict__ for w in timed_words(text, 4.0)]), 9.0, None)
    assert any("slow down" in n for n in notes(rushed))
    slow = measure(Transcript(text=text, words=[w.__dict__ for w in timed_words(text, 1.5)]), 25.0, None)
    assert any("slower" in n for n in notes(slow))
    one_um = "Um, tuples are immutable, so they can be hashed."
    short = measure(Transcript(text=one_um, words=[w.__dict__ for w in timed_words(one_um, 2.5)]), 4.0, None)
    assert short.fillers == {"um": 1} and notes(short) == [], "one filler in a short answer is no pattern"
    long_talk = measure(Transcript(text=text, words=[]), 100.0, allowed_seconds=120)
    assert not long_talk.timestamps and long_talk.long_pauses == []
    assert any("most of the question's time" in n for n in notes(long_talk))


def test_filler_words_are_told_apart_from_the_same_words_used_in_earnest() -> None:
    assert filler_counts("I like tuples, and it looks like a list; what would you like?") == {}
    assert filler_counts("The umbrella and the hummus, erroneously humming along.") == {}
    assert filler_counts("Ummm, so, like, it is, uh, basically, you know, a hash map. Erm, I mean, yes.") == {
        "um": 1, "like": 1, "uh": 1, "basically": 1, "you know": 1, "er": 1, "i mean": 1,
    }  # fmt: skip


def test_a_spoken_answer_keeps_its_delivery_with_the_answer_and_in_the_report(bank: Bank, store) -> None:  # type: ignore[no-untyped-def]
    config = SessionConfig(question_ids=["lists-vs-tuples", "dict-set-hashing"], question_count=2, max_follow_ups=0)
    interviewer = Interviewer.start(config, bank, OfflineGrader(bank.mistakes), sink=store, clock=FakeClock())
    delivery = measure(Transcript(text=ANSWER, words=[w.__dict__ for w in timed_words(ANSWER)]), 6.0, None)
    interviewer.answer(ANSWER, delivery)  # spoken
    interviewer.answer("A dict is a hash table: keys are hashed to find their slot.")  # typed
    spoken, typed = store.load(interviewer.state.id).attempts
    assert spoken.deliveries == [delivery] and spoken.answers == [ANSWER]
    assert typed.deliveries == [] and typed.spoken == []
    first, second = build_report(store.load(interviewer.state.id), bank).questions
    assert first.delivery == [delivery] and second.delivery == []


def test_the_interviewer_is_spoken_by_the_speech_server_and_its_key_stays_with_it() -> None:
    from interviewer.voice.speech import Speaker, SpeechError

    fake = FakeAudio()
    with FakeOpenAIServer(routes=fake.routes, require_api_key="tts-key") as server:
        speaker = Speaker(server.base_url, "tts-1", "alloy", "tts-key", timeout=5)
        audio = speaker.speak("What is the difference between a list and a tuple?")
        [request] = server.requests
        with wave.open(io.BytesIO(audio)) as spoken:
            assert spoken.getnframes() > 0
        assert request.path == "/v1/audio/speech" and request.body["input"].startswith("What is the difference")
        assert request.body["voice"] == "alloy" and request.body["response_format"] == "wav"
        with pytest.raises(SpeechError, match="INTERVIEWER_SPEECH_API_KEY"):
            Speaker(server.base_url, "tts-1", "alloy", "wrong-key", timeout=5).speak("Hello.")
    key = SecretStr("sk-model-key-123456")
    assert Settings(_env_file=None, api_key=key, speech_base_url="http://127.0.0.1:9000/v1").speech_key is None
    assert Settings(_env_file=None, api_key=key, speech_base_url="https://api.openai.com/v1").speech_key == key


def test_impossible_timestamps_lose_their_timing_and_never_poison_the_session(bank: Bank, store) -> None:  # type: ignore[no-untyped-def]
    """Red team: one word ending at 1e999 (JSON reads it as infinity) made an infinite pace that was saved as null,
    and the session, and the review page, could no longer be read."""
    import json

    reply = json.loads(
        '{"text": "a b c d", "duration": 1e999, "words": [{"word": "a", "start": 0.1, "end": 0.4},'
        '{"word": "b", "start": 0.5, "end": 1e999}, {"word": "c", "start": 2.0, "end": 1.0},'
        '{"word": "d", "start": 1e308, "end": 1e308}]}'
    )
    heard = parse_reply(reply)
    assert [w.word for w in heard.words] == ["a"] and heard.duration is None
    bounded = parse_reply({"text": "a b", "duration": 2.0, "words": [{"word": "a", "start": 0, "end": 1},
                                                                     {"word": "b", "start": 50, "end": 51}]})  # fmt: skip
    assert [w.word for w in bounded.words] == ["a"], "a word after the recording ended is not believed"
    delivery = measure(heard, recording_seconds=2.0, allowed_seconds=None)
    config = SessionConfig(question_ids=["lists-vs-tuples"], question_count=1, max_follow_ups=0)
    interviewer = Interviewer.start(config, bank, OfflineGrader(bank.mistakes), sink=store, clock=FakeClock())
    interviewer.answer(ANSWER, delivery)
    assert store.load(interviewer.state.id).attempts[0].deliveries == [delivery]


def test_a_stored_session_that_does_not_validate_is_reported_not_crashed_on(bank: Bank, store) -> None:  # type: ignore[no-untyped-def]
    from sqlalchemy import update

    from interviewer.store import SessionRow, UnreadableSession

    config = SessionConfig(question_ids=["lists-vs-tuples"], question_count=1)
    interviewer = Interviewer.start(config, bank, OfflineGrader(bank.mistakes), sink=store, clock=FakeClock())
    with store._sessions() as db, db.begin():
        db.execute(update(SessionRow).where(SessionRow.id == interviewer.state.id).values(state='{"id": 3}'))
    with pytest.raises(UnreadableSession, match="cannot read"):
        store.load(interviewer.state.id)


def test_a_key_cut_by_the_message_limit_is_still_not_shown() -> None:
    key = "whisperLocalKey-" + "k" * 40
    fake = FakeAudio()
    fake.script(Refused(500, "x" * 170 + " the administrator. " + key))
    with FakeOpenAIServer(routes=fake.routes) as server, pytest.raises(TranscriptionError) as failure:
        transcriber(server, key=key).transcribe(b"RIFF....WAVE")
    assert "whisperLoca" not in str(failure.value)


def test_a_web_page_in_place_of_a_transcript_is_an_error_not_an_answer() -> None:
    """Red team: a proxy's login page (HTML) came back as the transcript, ready to send as the answer."""
    page = "<!doctype html><html><head><title>Sign in</title></head><body><h1>Sign in to the proxy</h1></body></html>"
    for reply in (page, "\n  <html lang='en'><body>Captive portal</body></html>", "<BODY>x</BODY>"):
        with pytest.raises(TranscriptionError, match="web page"):
            parse_reply(reply)
    assert parse_reply("A list <is> mutable; use a <tuple> for keys.").text.startswith("A list <is>")


def test_what_a_failing_server_says_is_quoted_never_a_link_or_an_image() -> None:
    """Red team: a server's error text was shown as Markdown: a live phishing link and an image from its URL."""
    said = "![pixel](http://127.0.0.1:9/track.png?who=you) [Click here to re-authenticate](https://evil.example) `x`"
    fake = FakeAudio()
    fake.script(Refused(500, said))
    with FakeOpenAIServer(routes=fake.routes) as server:
        transcriber = Transcriber(server.base_url, "whisper-1", None, timeout=5, max_retries=0)
        with pytest.raises(TranscriptionError) as failure:
            transcriber.transcribe(b"RIFF....WAVE")
    message = str(failure.value)
    quoted = message[message.index("`") :]
    assert quoted.startswith("`") and quoted.rstrip(".").endswith("`") and quoted.count("`") == 2, message
    assert "evil.example" in quoted and "track.png" in quoted, "the words are still there to read"
