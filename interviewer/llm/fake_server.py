"""A fake OpenAI-compatible HTTP server on 127.0.0.1, for tests and benchmarks.

The real ``openai`` SDK talks to it over a real socket, so retries, timeouts, streaming and error
mapping are exercised exactly as in production, without any network access. Replies are scripted:
each ``POST /v1/chat/completions`` takes the next one from a queue filled with
:meth:`FakeOpenAIServer.enqueue`; when the queue is empty an optional ``responder`` callable answers
instead, and without one the server answers 500 so that a test fails loudly.

Example::

    with FakeOpenAIServer() as server:
        server.enqueue(Reply("Hello"), ErrorReply(429, headers={"Retry-After": "0"}))
        client = OpenAI(api_key="test-key", base_url=server.base_url, max_retries=0)
        client.chat.completions.create(model="fake-model", messages=[...])
        assert server.requests[0].headers["authorization"] == "Bearer ***"

Only the standard library is used, and the server never binds anything but 127.0.0.1.
"""

from __future__ import annotations

import contextlib
import json
import math
import selectors
import socket
import sys
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, TypeAlias
from urllib.parse import urlsplit

__all__ = [
    "ErrorReply",
    "FakeOpenAIServer",
    "FakeReply",
    "Hang",
    "RawReply",
    "RecordedRequest",
    "Reply",
    "Responder",
    "Route",
    "RouteReply",
    "StreamReply",
]

HOST = "127.0.0.1"
NO_REPLY_LEFT = "FakeOpenAIServer: no scripted reply left"
REDACTED_HEADERS = ("authorization", "api-key", "x-api-key")


@dataclass(frozen=True)
class Reply:
    """A normal ``chat.completion``; served as a stream when the request asks for ``"stream": true``.

    ``model`` defaults to the model named in the request. ``delay`` is waited before answering.
    """

    content: str
    prompt_tokens: int = 10
    completion_tokens: int = 5
    delay: float = 0.0
    model: str | None = None
    finish_reason: str = "stop"


@dataclass(frozen=True)
class StreamReply:
    """A server-sent-event stream of ``chat.completion.chunk`` objects, one per item of ``chunks``.

    After the content chunks come a chunk carrying ``finish_reason``, a usage chunk (empty
    ``choices``) when ``include_usage`` is set and the request asked for
    ``stream_options.include_usage``, and ``data: [DONE]``. With ``truncate_after=N`` only the first
    N content chunks are sent and the connection is then dropped mid-body. The reply is always
    streamed, even to a request that did not ask for a stream.
    """

    chunks: list[str]
    include_usage: bool = True
    truncate_after: int | None = None
    delay_between: float = 0.0
    prompt_tokens: int = 10
    completion_tokens: int = 5
    model: str | None = None
    finish_reason: str = "stop"


@dataclass(frozen=True)
class ErrorReply:
    """An OpenAI-style error body ``{"error": {"message", "type", "param", "code"}}`` with ``status``.

    ``error_type`` and ``code`` default to what the OpenAI API uses for that status (429 gives
    ``"requests"`` / ``"rate_limit_exceeded"``, 5xx gives ``"server_error"``, and so on).
    """

    status: int
    message: str = "FakeOpenAIServer: scripted error"
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0
    error_type: str | None = None
    code: str | None = None


@dataclass(frozen=True)
class RawReply:
    """An arbitrary response body, for malformed or unusual responses."""

    body: str
    status: int = 200
    content_type: str = "application/json"
    delay: float = 0.0


@dataclass(frozen=True)
class Hang:
    """Wait ``seconds`` without answering, then close the connection (to trigger client timeouts)."""

    seconds: float


FakeReply: TypeAlias = Reply | StreamReply | ErrorReply | RawReply | Hang
_REPLY_TYPES = (Reply, StreamReply, ErrorReply, RawReply, Hang)
Responder: TypeAlias = Callable[[dict[str, Any]], FakeReply]
"""Answers a chat completion request (its parsed JSON body) when the scripted queue is empty."""


@dataclass(frozen=True)
class RecordedRequest:
    """One request as the server saw it.

    ``headers`` has lower-cased names, with credentials redacted (``"Bearer ***"``); ``body`` is the
    parsed JSON body, or None when there was no body or it was not JSON.
    """

    method: str
    path: str
    headers: dict[str, str]
    body: Any
    raw: bytes = b""


@dataclass(frozen=True)
class RouteReply:
    """What an extra route answers (see ``FakeOpenAIServer(routes=...)``)."""

    status: int
    body: bytes
    content_type: str = "application/json"
    delay: float = 0.0


Route: TypeAlias = Callable[[RecordedRequest], RouteReply]
"""Answers one extra endpoint, such as ``"POST /v1/audio/transcriptions"`` (``interviewer/voice/fake_audio.py``)."""


class FakeOpenAIServer:
    """A scripted OpenAI-compatible server running in a daemon thread on 127.0.0.1.

    It starts listening as soon as it is constructed; use it as a context manager, or call
    :meth:`close` when done.

    Endpoints: ``POST /v1/chat/completions`` (scripted), ``GET /v1/models`` and
    ``GET /v1/models/{id}``, and any ``routes`` given ("METHOD /path" -> a function of the request);
    anything else answers 404. With ``require_api_key`` set, every
    endpoint answers 401 unless the request carries ``Authorization: Bearer <key>``.
    """

    def __init__(
        self,
        *,
        responder: Responder | None = None,
        models: Sequence[str] = ("fake-model",),
        require_api_key: str | None = None,
        routes: dict[str, Route] | None = None,
    ) -> None:
        self._responder = responder
        self._routes = dict(routes or {})
        self._models = list(models)
        self._required_key = require_api_key
        self._lock = threading.Lock()
        self._queue: deque[FakeReply] = deque()
        self._requests: list[RecordedRequest] = []
        self._unscripted = 0
        self._completion_ids = 0
        self._stopping = threading.Event()
        self._closed = False
        self._connections: dict[socket.socket, threading.Thread] = {}
        self._httpd = _HTTPServer(self)
        self._port: int = self._httpd.server_address[1]
        self._wake_reader, self._wake_writer = socket.socketpair()
        self._thread = threading.Thread(
            target=self._serve,
            name=f"FakeOpenAIServer:{self._port}",
            daemon=True,
        )
        self._thread.start()

    # --- public API -------------------------------------------------------------------------

    @property
    def port(self) -> int:
        """The TCP port the server listens on."""
        return self._port

    @property
    def base_url(self) -> str:
        """The URL to give the SDK as ``base_url``, e.g. ``http://127.0.0.1:54321/v1``."""
        return f"http://{HOST}:{self._port}/v1"

    def enqueue(self, *replies: FakeReply) -> None:
        """Add replies to the end of the queue; chat completion requests consume them in order."""
        for reply in replies:
            if not isinstance(reply, _REPLY_TYPES):
                raise TypeError(f"not a fake reply: {reply!r}")
        with self._lock:
            self._queue.extend(replies)

    @property
    def pending(self) -> int:
        """How many scripted replies have not been consumed yet."""
        with self._lock:
            return len(self._queue)

    @property
    def unscripted(self) -> int:
        """How many chat completion requests found the queue empty and had no responder to fall back on."""
        with self._lock:
            return self._unscripted

    @property
    def requests(self) -> list[RecordedRequest]:
        """A copy of every request received so far, oldest first."""
        with self._lock:
            return list(self._requests)

    def close(self) -> None:
        """Stop serving, cut open connections (ending any delay or hang) and release the port."""
        with self._lock:
            if self._closed:
                return
            self._closed = True
        self._stopping.set()
        self._wake_writer.send(b"x")
        self._thread.join(timeout=2.0)
        with self._lock:
            connections = dict(self._connections)
        for conn in connections:
            with contextlib.suppress(OSError):
                conn.shutdown(socket.SHUT_RDWR)
        deadline = time.monotonic() + 2.0
        for thread in connections.values():
            thread.join(timeout=max(0.0, deadline - time.monotonic()))
        self._httpd.server_close()
        self._wake_reader.close()
        self._wake_writer.close()

    def __enter__(self) -> FakeOpenAIServer:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def __repr__(self) -> str:
        state = "closed" if self._closed else "open"
        return f"<FakeOpenAIServer {self.base_url} {state}, {self.pending} pending>"

    # --- serving -------------------------------------------------------------------------------

    def _serve(self) -> None:
        """Accept connections until :meth:`close`, which wakes the loop at once through a socket pair.

        (``serve_forever`` would make every close wait for its poll interval.)
        """
        # Non-blocking, so a client that gives up between select() and accept() cannot stall the loop.
        self._httpd.socket.setblocking(False)
        with selectors.DefaultSelector() as selector:
            selector.register(self._httpd.socket, selectors.EVENT_READ)
            selector.register(self._wake_reader, selectors.EVENT_READ)
            while not self._stopping.is_set():
                for key, _ in selector.select():
                    if key.fileobj is self._httpd.socket and not self._stopping.is_set():
                        self._httpd.handle_request()

    # --- used by the request handler -------------------------------------------------------

    def _record(self, request: RecordedRequest) -> None:
        with self._lock:
            self._requests.append(request)

    def _next_reply(self, request_body: dict[str, Any]) -> FakeReply | str:
        """The next reply, or an error message saying why there is none."""
        with self._lock:
            if self._queue:
                return self._queue.popleft()
            if self._responder is None:
                self._unscripted += 1
                return NO_REPLY_LEFT
        try:
            reply = self._responder(request_body)
        except Exception as exc:
            return f"FakeOpenAIServer: responder raised {type(exc).__name__}: {exc}"
        if not isinstance(reply, _REPLY_TYPES):
            return f"FakeOpenAIServer: responder returned {type(reply).__name__}, not a fake reply"
        return reply

    def _new_completion_id(self) -> str:
        with self._lock:
            self._completion_ids += 1
            return f"chatcmpl-fake-{self._completion_ids}"

    def _wait(self, seconds: float) -> bool:
        """Sleep unless the server is closing; False means it is closing and the caller should give up."""
        if seconds > 0:
            return not self._stopping.wait(seconds)
        return not self._stopping.is_set()

    def _track(self, conn: socket.socket) -> None:
        with self._lock:
            self._connections[conn] = threading.current_thread()

    def _untrack(self, conn: socket.socket) -> None:
        with self._lock:
            self._connections.pop(conn, None)


class _HTTPServer(ThreadingHTTPServer):
    """The listening socket; quiet about clients that go away."""

    daemon_threads = True

    def __init__(self, owner: FakeOpenAIServer) -> None:
        self.owner = owner
        super().__init__((HOST, 0), _Handler)

    def server_bind(self) -> None:
        # HTTPServer.server_bind does a reverse DNS lookup (socket.getfqdn), which can be slow; skip it.
        self.socket.bind(self.server_address)
        self.server_address = self.socket.getsockname()
        self.server_name = HOST
        self.server_port = self.server_address[1]

    def handle_error(self, request: Any, client_address: Any) -> None:
        exc = sys.exc_info()[1]
        if isinstance(exc, ConnectionError | TimeoutError) or self.owner._stopping.is_set():
            return
        super().handle_error(request, client_address)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    # Headers and body go out in separate writes; with Nagle's algorithm on, the second one waits for
    # the client's delayed ACK (about 40 ms on Linux) and every request looks slow.
    disable_nagle_algorithm = True
    server: _HTTPServer
    server_version = "FakeOpenAIServer/1"

    # --- plumbing ----------------------------------------------------------------------------

    @property
    def owner(self) -> FakeOpenAIServer:
        return self.server.owner

    def setup(self) -> None:
        self.request.setblocking(True)  # accepted from a non-blocking listener
        super().setup()
        self.owner._track(self.connection)

    def finish(self) -> None:
        try:
            super().finish()
        finally:
            self.owner._untrack(self.connection)

    def log_message(self, format: str, *args: Any) -> None:
        """Say nothing: tests and benchmarks read stderr."""

    def do_GET(self) -> None:
        self._dispatch()

    def do_POST(self) -> None:
        self._dispatch()

    def do_PUT(self) -> None:
        self._dispatch()

    def do_PATCH(self) -> None:
        self._dispatch()

    def do_DELETE(self) -> None:
        self._dispatch()

    def _dispatch(self) -> None:
        try:
            self._route()
        except (ConnectionError, TimeoutError):
            self.close_connection = True

    # --- routing -----------------------------------------------------------------------------

    def _route(self) -> None:
        raw = self._read_body()
        try:
            body = json.loads(raw) if raw else None
        except ValueError:
            body = None
        request = RecordedRequest(self.command, self.path, self._redacted_headers(), body, raw)
        self.owner._record(request)

        key = self.owner._required_key
        if key is not None and self.headers.get("Authorization") != f"Bearer {key}":
            self._send_error(401, "Incorrect API key provided.")
            return

        path = urlsplit(self.path).path.rstrip("/")
        if self.command == "POST" and path == "/v1/chat/completions":
            self._chat_completion(body)
        elif self.command == "GET" and path == "/v1/models":
            data = [self._model_object(name) for name in self.owner._models]
            self._send_json(200, {"object": "list", "data": data})
        elif self.command == "GET" and path.startswith("/v1/models/"):
            name = path.removeprefix("/v1/models/")
            if name in self.owner._models:
                self._send_json(200, self._model_object(name))
            else:
                self._send_error(404, f"The model '{name}' does not exist", code="model_not_found")
        elif route := self.owner._routes.get(f"{self.command} {path}"):
            reply = route(request)
            if self._delay(reply.delay):
                self._send_bytes(reply.status, reply.body, reply.content_type)
        else:
            self._send_error(404, f"FakeOpenAIServer: no route for {self.command} {path or '/'}")

    def _read_body(self) -> bytes:
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length > 0 else b""

    def _redacted_headers(self) -> dict[str, str]:
        headers: dict[str, str] = {}
        for name, value in self.headers.items():
            lowered = name.lower()
            if lowered in REDACTED_HEADERS:
                value = "Bearer ***" if value.lower().startswith("bearer ") else "***"
            headers[lowered] = value
        return headers

    @staticmethod
    def _model_object(name: str) -> dict[str, Any]:
        return {"id": name, "object": "model", "created": 0, "owned_by": "fake"}

    # --- chat completions --------------------------------------------------------------------

    def _chat_completion(self, body: Any) -> None:
        if not isinstance(body, dict):
            self._send_error(400, "FakeOpenAIServer: the request body is not a JSON object")
            return
        reply = self.owner._next_reply(body)
        if isinstance(reply, str):
            self._send_error(500, reply)
            return

        wants_stream = body.get("stream") is True
        stream_options = body.get("stream_options")
        wants_usage = isinstance(stream_options, dict) and stream_options.get("include_usage") is True
        requested_model = body.get("model")
        if isinstance(requested_model, str) and requested_model:
            model = requested_model
        else:
            model = self.owner._models[0] if self.owner._models else "fake-model"

        match reply:
            case Hang(seconds=seconds):
                self.owner._wait(seconds)
                self.close_connection = True
            case ErrorReply():
                if self._delay(reply.delay):
                    self._send_error(reply.status, reply.message, reply.error_type, reply.code, reply.headers)
            case RawReply():
                if self._delay(reply.delay):
                    self._send_bytes(reply.status, reply.body.encode(), reply.content_type)
            case Reply() if wants_stream:
                if self._delay(reply.delay):
                    stream = StreamReply(
                        chunks=_split(reply.content),
                        prompt_tokens=reply.prompt_tokens,
                        completion_tokens=reply.completion_tokens,
                        model=reply.model,
                        finish_reason=reply.finish_reason,
                    )
                    self._stream(stream, reply.model or model, wants_usage)
            case Reply():
                if self._delay(reply.delay):
                    self._send_json(200, self._completion(reply, reply.model or model))
            case StreamReply():
                self._stream(reply, reply.model or model, wants_usage)

    def _completion(self, reply: Reply, model: str) -> dict[str, Any]:
        return {
            "id": self.owner._new_completion_id(),
            "object": "chat.completion",
            "created": int(time.time()),
            "model": model,
            "choices": [
                {
                    "index": 0,
                    "message": {"role": "assistant", "content": reply.content, "refusal": None},
                    "logprobs": None,
                    "finish_reason": reply.finish_reason,
                }
            ],
            "usage": _usage(reply.prompt_tokens, reply.completion_tokens),
        }

    def _stream(self, reply: StreamReply, model: str, wants_usage: bool) -> None:
        send_usage = reply.include_usage and wants_usage
        completion_id = self.owner._new_completion_id()
        created = int(time.time())

        def chunk(delta: dict[str, Any], finish_reason: str | None) -> dict[str, Any]:
            payload: dict[str, Any] = {
                "id": completion_id,
                "object": "chat.completion.chunk",
                "created": created,
                "model": model,
                "choices": [{"index": 0, "delta": delta, "logprobs": None, "finish_reason": finish_reason}],
            }
            if send_usage:
                payload["usage"] = None
            return payload

        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream; charset=utf-8")
        self.send_header("Cache-Control", "no-cache")
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()

        limit = len(reply.chunks) if reply.truncate_after is None else max(0, reply.truncate_after)
        for index, text in enumerate(reply.chunks):
            if index >= limit:
                break
            if index > 0 and not self._delay(reply.delay_between):
                return
            delta = {"role": "assistant", "content": text} if index == 0 else {"content": text}
            self._send_event(chunk(delta, None))
        if reply.truncate_after is not None:
            # Drop the connection mid-body: no final chunk, no [DONE], no chunked-encoding terminator.
            self.close_connection = True
            return

        self._send_event(chunk({}, reply.finish_reason))
        if send_usage:
            usage_chunk = chunk({}, None)
            usage_chunk["choices"] = []
            usage_chunk["usage"] = _usage(reply.prompt_tokens, reply.completion_tokens)
            self._send_event(usage_chunk)
        self._write_chunk(b"data: [DONE]\n\n")
        self.wfile.write(b"0\r\n\r\n")

    # --- low-level responses -----------------------------------------------------------------

    def _delay(self, seconds: float) -> bool:
        """Wait before answering; if the server is closing meanwhile, drop the connection instead."""
        if self.owner._wait(seconds):
            return True
        self.close_connection = True
        return False

    def _send_event(self, payload: dict[str, Any]) -> None:
        self._write_chunk(b"data: " + json.dumps(payload).encode() + b"\n\n")

    def _write_chunk(self, data: bytes) -> None:
        self.wfile.write(b"%x\r\n%s\r\n" % (len(data), data))
        self.wfile.flush()

    def _send_bytes(self, status: int, data: bytes, content_type: str, headers: Iterable[tuple[str, str]] = ()) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        for name, value in headers:
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(data)

    def _send_json(self, status: int, payload: Any, headers: Iterable[tuple[str, str]] = ()) -> None:
        self._send_bytes(status, json.dumps(payload).encode(), "application/json", headers)

    def _send_error(
        self,
        status: int,
        message: str,
        error_type: str | None = None,
        code: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        default_type, default_code = _error_defaults(status)
        error = {
            "message": message,
            "type": error_type or default_type,
            "param": None,
            "code": code if code is not None else default_code,
        }
        self._send_json(status, {"error": error}, (headers or {}).items())


def _usage(prompt_tokens: int, completion_tokens: int) -> dict[str, int]:
    return {
        "prompt_tokens": prompt_tokens,
        "completion_tokens": completion_tokens,
        "total_tokens": prompt_tokens + completion_tokens,
    }


def _split(text: str, parts: int = 3) -> list[str]:
    """Cut ``text`` into at most ``parts`` consecutive pieces (none for empty text)."""
    if not text:
        return []
    size = math.ceil(len(text) / parts)
    return [text[start : start + size] for start in range(0, len(text), size)]


def _error_defaults(status: int) -> tuple[str, str | None]:
    """The error ``type`` and ``code`` the OpenAI API uses for a status."""
    if status == 401:
        return "invalid_request_error", "invalid_api_key"
    if status == 429:
        return "requests", "rate_limit_exceeded"
    if status >= 500:
        return "server_error", None
    return "invalid_request_error", None
