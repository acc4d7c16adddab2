"""Candidate text is shown exactly as written (issue 13): no Markdown, no HTML, no remote requests, no entities.

Reported: ``![t](http://127.0.0.1:9555/x)`` in an answer made every viewer's browser request that URL; links
rendered; ``\\r\\r`` ended the answer's HTML block so the rest rendered as Markdown. The page's Markdown is
rendered here with a CommonMark renderer, as the browser would.
"""

from __future__ import annotations

import html
import re

import pytest
from markdown_it import MarkdownIt

from interviewer.formatting import literal_markdown
from interviewer.models import Grade, PointVerdict
from ui.views import highlighted_answer

HOSTILE = [
    "![t](http://127.0.0.1:9555/x)",
    "[click me](http://evil.example/) and <https://evil.example/auto>",
    '<img src="http://127.0.0.1:9555/y"> <script>alert(1)</script>',
    "**bold** _it_ # heading\n- list item\n> quote",
    "use `dict.get(key)` and x < y & z > w, \"quotes\" 'single' &amp; &quot;",
    "line one\r\rline two ![t](http://127.0.0.1:9555/z)",
    "a | b\n--|--\n1 | 2",
    "trailing backslash \\ and \\*escaped\\* and 1. not a list",
    "<!-- hidden --> text ```fence``` ~~~tilde~~~",
    "x^2 and $math$ and :red[colour] and :material/timer:",
]
RENDER = MarkdownIt("commonmark", {"html": True})


def rendered(markdown: str) -> str:
    return RENDER.render(markdown)


CODE_SPAN = re.compile(r"(`+)(?!`)([^\n]*?[^`\n])\1(?!`)")


def as_read(text: str) -> str:
    """What a reader should see: the text, with code spans shown without their backticks."""
    return " ".join(CODE_SPAN.sub(lambda m: m.group(2), text.replace("\r", "\n")).split())


def visible(rendered_html: str) -> str:
    text = re.sub(r"<br\s*/?>", "\n", rendered_html)
    text = re.sub(r"<[^>]+>", "", text)
    return html.unescape(text)


@pytest.mark.parametrize("text", HOSTILE)
def test_markdown_shows_the_text_exactly(text: str) -> None:
    out = rendered(literal_markdown(text))
    assert "<img" not in out and "<a " not in out and "<script" not in out, out
    assert "<h1" not in out and "<li" not in out and "<blockquote" not in out and "<table" not in out, out
    shown = " ".join(visible(out).split())
    assert shown == as_read(text), out


def test_code_in_backticks_still_reads_as_code() -> None:
    out = rendered(literal_markdown("call `sorted(items, key=len)` first"))
    assert "<code>sorted(items, key=len)</code>" in out


@pytest.mark.parametrize("text", HOSTILE)
def test_the_highlighted_answer_is_inert_html(text: str) -> None:
    grade = Grade(question_id="q", grader="offline", score=0.0, points=[
        PointVerdict(point_id="p", statement="s", weight=1, verdict="covered", credit=1.0, evidence=text[:12])
    ])  # fmt: skip
    block = f"<div class='answer'>{highlighted_answer(text, grade)}</div>"
    out = rendered(block)
    assert "<img" not in out and "<a " not in out and "<script" not in out and "<h1" not in out, out
    assert "\n\n" not in block, "a blank line would end the HTML block and let Markdown through"
    shown = " ".join(visible(out).split())
    assert shown == as_read(text), out


def test_the_markdown_export_shows_candidate_text_exactly(bank, clock) -> None:  # type: ignore[no-untyped-def]
    from interviewer.engine import Interviewer
    from interviewer.export import to_markdown
    from interviewer.grading.offline import OfflineGrader
    from interviewer.models import SessionConfig

    config = SessionConfig(question_ids=["lists-vs-tuples"], question_count=1, max_follow_ups=0)
    interviewer = Interviewer.start(config, bank, OfflineGrader(bank.mistakes), clock=clock)
    answer = "Lists are mutable ![t](http://127.0.0.1:9555/x) while tuples are immutable <img src=x> [a](http://e/)."
    interviewer.answer(answer)
    out = rendered(to_markdown(interviewer.state, bank))
    assert "<img" not in out and "<a " not in out, out


def test_the_app_shows_an_answer_exactly(tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from tests.test_app import new_app, start_mock

    monkeypatch.setenv("INTERVIEWER_DATA_DIR", str(tmp_path))
    app = start_mock(new_app(), count=1)
    hostile = "Tuples are immutable ![t](http://127.0.0.1:9555/x)\r\r**then** <b>bold</b> [link](http://e/)"
    app.chat_input[0].set_value(hostile).run()
    page = "\n".join(m.value for m in app.markdown) + "\n".join(c.value for c in app.caption)
    for message in app.chat_message:
        page += "\n".join(md.value for md in message.markdown)
    out = rendered(page)
    assert "<img" not in out and "<a " not in out and "<b>" not in out and "<strong>then" not in out, out


@pytest.mark.parametrize("text", HOSTILE)
def test_undoing_the_escapes_gives_back_the_text(text: str) -> None:
    from interviewer.formatting import unescaped_markdown

    assert unescaped_markdown(literal_markdown(text)) == text.replace("\r", "\n")


@pytest.mark.parametrize("text", HOSTILE)
def test_the_interviewers_text_keeps_its_formatting_but_fetches_and_links_nothing(text: str) -> None:
    """A model's follow-up may quote the candidate; the interviewer's turns keep Markdown (bold, code) but no
    image, link or HTML can render from them."""
    from interviewer.formatting import inert_markdown
    from ui.views import md

    out = rendered(md(inert_markdown(text)))
    assert "<img" not in out and "<a " not in out and "<script" not in out and "<b>" not in out, out
    assert "http\\://" in inert_markdown("see http://x.example/") and "www\\." in inert_markdown("www.x.example")


def test_the_interviewers_formatting_and_code_survive() -> None:
    from interviewer.formatting import inert_markdown

    text = "Why is **this** slow? Look at `items[0]` and:\n```python\nprint([x for x in data][0])\n```\n"
    out = rendered(inert_markdown(text))
    assert "<strong>this</strong>" in out and "<code>items[0]</code>" in out
    assert "print([x for x in data][0])" in html.unescape(out) and "<pre><code" in out


def test_a_transcript_whose_interviewer_turn_quotes_an_image_renders_none(tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """The turn as a model could write it, stored and then drawn by the interview page."""
    from interviewer.models import Turn, utc_now
    from interviewer.store import TranscriptStore
    from tests.test_app import new_app, start_mock

    monkeypatch.setenv("INTERVIEWER_DATA_DIR", str(tmp_path))
    app = start_mock(new_app(), count=2)
    session_id = app.query_params["session"]
    session_id = session_id if isinstance(session_id, str) else session_id[0]
    store = TranscriptStore(f"sqlite:///{tmp_path / 'interviews.db'}")
    state = store.load(session_id)
    quoted = "You wrote ![t](http://127.0.0.1:9555/x) and [here](http://e/): what did you mean by <b>that</b>?"
    state.transcript.append(
        Turn(seq=len(state.transcript), role="interviewer", kind="follow_up", text=quoted, at=utc_now())
    )
    store.save(state)
    store.close()
    again = new_app(session=session_id)
    page = "\n".join(md.value for message in again.chat_message for md in message.markdown)
    assert "what did you mean" in page
    out = rendered(page)
    assert "<img" not in out and "<a " not in out and "<b>" not in out, out
