"""The program that runs inside the sandbox: loads the candidate's code and calls it, one test at a time.

This file is copied into the sandbox's working directory and run by a bare interpreter (``-s -S -B -P``), so it
uses the standard library only. It never sees what a test expects: the parent sends it one call at a time, and
it answers with what the call did, as plain data (``encode``: a type-tagged form of the returned value, or the
exception's type names and text, and the output). The parent judges. Nothing this program reports can make a
test pass that the code did not pass, because the candidate's code shares this process and could rewrite any
of it.

Protocol. Standard input: one JSON line with the job, then (test mode) one JSON line per test,
``{"index": i, "call": "f(1)"}``, sent after the answer to the one before. The results descriptor: one JSON
object per line (``ready``, ``loaded``, ``start``, ``result``, ``done``).
"""

from __future__ import annotations

import builtins
import collections
import io
import json
import linecache
import os
import reprlib
import signal
import sys
import time
import traceback

TYPE_CHECKING = False  # typing costs milliseconds at every sandbox start; the annotations are for checkers only
if TYPE_CHECKING:
    from collections.abc import Callable
    from types import FrameType, TracebackType
    from typing import Any, TextIO

SOLUTION = "solution.py"
SNIPPET = "<snippet>"
MAX_DEPTH = 64  # nesting of a returned value that is encoded; deeper parts become opaque
MAX_NODES = 2_000_000  # items of a returned value that are encoded in all
MAX_INT_DIGITS = 4000


class Timeout(BaseException):
    """Raised by the alarm when a call runs past its time limit."""


def _on_alarm(signum: int, frame: FrameType | None) -> None:
    raise Timeout()


_shown = reprlib.Repr()
_shown.maxlevel, _shown.maxlist, _shown.maxtuple, _shown.maxset, _shown.maxfrozenset = 6, 40, 40, 40, 40
_shown.maxdict, _shown.maxdeque, _shown.maxarray = 30, 40, 40
_shown.maxstring, _shown.maxlong, _shown.maxother = 300, 120, 300


def trim(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[:limit] + f"... [{len(text) - limit} more characters]"


def safe_repr(value: object, limit: int = 300) -> str:
    try:
        return trim(_shown.repr(value), limit)
    except BaseException as exc:  # the candidate's __repr__ may raise anything
        return f"<repr failed: {type(exc).__name__}>"


# ---------------------------------------------------------------------------------------------------- values


class _Budget:
    def __init__(self) -> None:
        self.nodes = 0


def encode(value: object, depth: int = 0, budget: _Budget | None = None) -> Any:
    """A JSON form of a value that says what it is: JSON scalars for None, bools, small ints and strings; a
    one-key object for everything else (``{"tuple": [...]}``, ``{"float": "0.1"}``, ``{"object": ...}``).

    Built-in containers and their subclasses are read through the built-in type's own methods, so an
    overridden ``__eq__``, ``__iter__`` or ``__repr__`` changes nothing; any other object is opaque and equals
    nothing but itself.
    """
    budget = budget or _Budget()
    budget.nodes += 1
    if depth > MAX_DEPTH or budget.nodes > MAX_NODES:
        return {"object": type(value).__name__, "repr": "<too large to compare>"}
    kind = type(value)
    if value is None or kind is bool:
        return value
    if isinstance(value, bool):  # a bool subclass cannot exist; kept for the type checker
        return bool(value)
    if isinstance(value, int):
        number = int.__index__(value)
        if abs(number) < 2**53:
            return number
        text = int.__repr__(number) if number.bit_length() < MAX_INT_DIGITS * 3 else None
        return {"int": text} if text is not None else {"object": "int", "repr": "<an int too large to compare>"}
    if isinstance(value, float):
        return {"float": float.__repr__(value)}
    if isinstance(value, complex):
        return {"complex": [float.__repr__(value.real), float.__repr__(value.imag)]}
    if isinstance(value, str):
        return str.__str__(value)
    if isinstance(value, bytes):
        return {"bytes": bytes.hex(value)}
    if isinstance(value, bytearray):
        return {"bytearray": bytearray.hex(value)}
    if isinstance(value, list):
        return [encode(item, depth + 1, budget) for item in list.__iter__(value)]
    if isinstance(value, tuple):
        return {"tuple": [encode(item, depth + 1, budget) for item in tuple.__iter__(value)]}
    if isinstance(value, dict):
        pairs = dict.items(value)
        return {"dict": [[encode(k, depth + 1, budget), encode(v, depth + 1, budget)] for k, v in pairs]}
    if isinstance(value, frozenset):
        return {"frozenset": [encode(item, depth + 1, budget) for item in frozenset.__iter__(value)]}
    if isinstance(value, set):
        return {"set": [encode(item, depth + 1, budget) for item in set.__iter__(value)]}
    if isinstance(value, collections.deque):
        return {"deque": [encode(item, depth + 1, budget) for item in collections.deque.__iter__(value)]}
    if kind is range:
        return {"range": [value.start, value.stop, value.step]}  # type: ignore[attr-defined]
    return {"object": f"{kind.__module__}.{kind.__qualname__}", "repr": safe_repr(value)}


# ---------------------------------------------------------------------------------------------------- output


class Capture(io.TextIOBase):
    """A stdout/stderr that keeps the first ``limit`` characters and counts the rest."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.parts: list[str] = []
        self.kept = 0
        self.dropped = 0

    def writable(self) -> bool:
        return True

    def write(self, text: str) -> int:
        text = str(text)
        room = self.limit - self.kept
        if room > 0:
            self.parts.append(text[:room])
            self.kept += min(room, len(text))
        self.dropped += max(0, len(text) - max(room, 0))
        return len(text)

    def take(self) -> str:
        text = "".join(self.parts)
        if self.dropped:
            text += f"\n[... {self.dropped} more characters not shown]"
        self.parts, self.kept, self.dropped = [], 0, 0
        return text


def describe(exc: BaseException) -> str:
    try:
        return trim("".join(traceback.format_exception_only(type(exc), exc)).strip(), 1000)
    except BaseException:
        return type(exc).__name__


def own_traceback(exc: BaseException, filename: str) -> str | None:
    """The traceback with only the frames of ``filename``: its last lines."""
    try:
        frames = [f for f in traceback.extract_tb(exc.__traceback__) if f.filename == filename]
        if not frames:
            return None
        lines = "".join(traceback.StackSummary.from_list(frames).format()).rstrip("\n").splitlines()
        return trim("\n".join(["Traceback (most recent call last):", *lines[-7:], describe(exc)]), 3000)
    except BaseException:
        return None


def syntax_message(exc: SyntaxError) -> str:
    where = f" on line {exc.lineno}" + (f", column {exc.offset}" if exc.offset else "") if exc.lineno else ""
    text = f"{type(exc).__name__}{where}: {exc.msg}"
    if exc.text:
        text += "\n    " + exc.text.rstrip("\n").strip()
    return text


def exception_names(exc: BaseException) -> list[str]:
    """The exception's classes, each as module.qualname ("builtins.ValueError"): a look-alike class named
    ValueError in the candidate's module is "solution.ValueError"."""
    return [f"{klass.__module__}.{klass.__qualname__}" for klass in type(exc).__mro__]


# ---------------------------------------------------------------------------------------------------- guard


def install_guard(workdir: str) -> None:
    """Defence in depth: the OS isolation is the boundary; this makes escapes fail loudly and early."""
    readable_roots = {workdir, "/dev/null", "/dev/urandom", "/usr/share/zoneinfo", "/etc/localtime"}
    for entry in [sys.prefix, sys.base_prefix, sys.exec_prefix, *sys.path]:
        if entry:
            readable_roots.add(os.path.realpath(entry))
    readable = tuple(readable_roots)
    writable = (workdir, "/dev/null")
    denied = {
        "os.system", "os.exec", "os.posix_spawn", "os.spawn", "os.fork", "os.forkpty", "os.kill", "os.killpg",
        "subprocess.Popen", "pty.spawn", "resource.setrlimit", "resource.prlimit", "gc.get_objects",
        "gc.get_referrers", "gc.get_referents", "sys.setrecursionlimit", "os.setuid", "os.setgid",
    }  # fmt: skip
    denied_modules = {"ctypes", "_ctypes", "cffi", "_cffi_backend", "_posixsubprocess"}
    write_flags = os.O_WRONLY | os.O_RDWR | os.O_APPEND | os.O_CREAT | os.O_TRUNC
    mutations: dict[str, tuple[tuple[int, ...], int | None]] = {  # event: (indices of paths, index of dir_fd)
        "os.remove": ((0,), 1), "os.rmdir": ((0,), 1), "os.mkdir": ((0,), 2), "os.chmod": ((0,), 2),
        "os.chown": ((0,), 3), "os.utime": ((0,), 3), "os.truncate": ((0,), None), "os.link": ((0, 1), None),
        "os.symlink": ((1,), 2), "os.rename": ((0, 1), None), "shutil.rmtree": ((0,), None),
        "os.chdir": ((0,), None), "os.mkfifo": ((0,), 2), "os.mknod": ((0,), 3), "os.setxattr": ((0,), None),
        "os.removexattr": ((0,), None),
    }  # fmt: skip
    realpath, readlink, fsdecode, join, isabs = (
        os.path.realpath,
        os.readlink,
        os.fsdecode,
        os.path.join,
        os.path.isabs,
    )  # bound now: the candidate's code can rebind the module attributes, not these

    def resolve(path: object, dir_fd: object = None) -> str:
        if isinstance(path, int):
            return readlink(f"/proc/self/fd/{path}") if path > 2 else "/dev/null"
        text = fsdecode(path)  # type: ignore[arg-type]
        if isinstance(dir_fd, int) and not isabs(text):
            text = join(readlink(f"/proc/self/fd/{dir_fd}"), text)
        return realpath(text)

    def inside(path: str, roots: tuple[str, ...]) -> bool:
        return any(path == root or path.startswith(root.rstrip("/") + "/") for root in roots)

    def refuse(what: str) -> None:
        raise PermissionError(f"sandbox: {what} is not allowed")

    def hook(event: str, args: tuple[Any, ...]) -> None:
        if event == "open":
            path, mode, flags = args
            if isinstance(path, int):
                if path > 2:
                    refuse(f"opening file descriptor {path}")
                return
            writing = bool(flags & write_flags) or (isinstance(mode, str) and any(c in mode for c in "wax+"))
            where = resolve(path)
            if writing and not inside(where, writable):
                refuse(f"writing {where}")
            if not writing and not inside(where, readable):
                refuse(f"reading {where}")
        elif event in ("os.listdir", "os.scandir"):
            target = args[0]
            if not isinstance(target, int) and not inside(resolve("." if target is None else target), readable):
                refuse(f"listing {target}")
        elif event == "import":
            if args[0].partition(".")[0] in denied_modules:
                raise ImportError(f"sandbox: importing {args[0]} is not allowed")
        elif event in mutations:
            indices, fd_index = mutations[event]
            dir_fd = args[fd_index] if fd_index is not None and fd_index < len(args) else None
            for index in indices:
                where = resolve(args[index], dir_fd)
                if not inside(where, writable):
                    refuse(f"{event} on {where}")
        elif (
            event in denied
            or event.startswith("ctypes.")
            or (event.startswith("socket.") and event != "socket.__new__")
        ):
            refuse(event)

    import _posixsubprocess  # imported now so the hook can refuse a fresh import; its one door is shut below

    def no_processes(*args: object, **kwargs: object) -> None:
        raise PermissionError("sandbox: starting processes is not allowed")

    _posixsubprocess.fork_exec = no_processes  # type: ignore[attr-defined]
    sys.addaudithook(hook)


# ---------------------------------------------------------------------------------------------------- running


class Runner:
    """One sandboxed process: its job, where it reports, and the candidate's namespace."""

    def __init__(self, job: dict[str, Any], results: TextIO, requests: io.BufferedReader) -> None:
        self.job = job
        self.results = results
        self.requests = requests
        self.limit = float(job["time_limit"])
        self.trim = int(job["trim"])
        self.workdir = os.path.realpath(os.getcwd())
        self.reserve: bytearray | None = bytearray(4 << 20)  # given back on MemoryError so we can still report

    def emit(self, **event: Any) -> None:
        self.results.write(json.dumps(event) + "\n")
        self.results.flush()

    def free_memory(self, traceback_: TracebackType | None) -> None:
        self.reserve = None
        traceback.clear_frames(traceback_)

    def timed(self, action: Callable[[], Any]) -> Any:
        signal.setitimer(signal.ITIMER_REAL, self.limit)
        try:
            return action()
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)

    def snippet(self, code: str) -> None:
        linecache.cache[SNIPPET] = (len(code), None, code.splitlines(True), SNIPPET)
        self.emit(event="ready")
        try:
            compiled = compile(code, SNIPPET, "exec", dont_inherit=True)
        except SyntaxError as exc:
            print(describe(exc), file=sys.stderr)
            self.emit(event="done", status="error", exception=syntax_message(exc))
            return
        if self.job["guard"]:
            install_guard(self.workdir)
        self.emit(event="start", index=0)
        status, exception = "ok", None
        try:
            self.timed(lambda: exec(compiled, {"__name__": "__main__", "__builtins__": builtins}))
        except Timeout:
            status, exception = "timeout", f"did not finish within {self.limit:g} s"
        except MemoryError as exc:
            self.free_memory(exc.__traceback__)
            status, exception = "memory", "MemoryError"
        except SystemExit as exc:
            if exc.code not in (None, 0):
                status, exception = "error", f"SystemExit: {exc.code}"
        except BaseException as exc:
            status, exception = "error", describe(exc)
            print(own_traceback(exc, SNIPPET) or exception, file=sys.stderr)
        try:
            sys.stdout.flush()
            sys.stderr.flush()
        except BaseException:
            pass
        self.emit(event="done", status=status, exception=exception)

    def tests(self, source: str, function: str) -> None:
        out, err = Capture(self.trim), Capture(self.trim)
        linecache.cache[SOLUTION] = (len(source), None, source.splitlines(True), SOLUTION)
        self.emit(event="ready")
        try:
            compiled = compile(source, SOLUTION, "exec", dont_inherit=True)
        except SyntaxError as exc:
            self.emit(event="loaded", error=syntax_message(exc), kind="error", stdout="", stderr="")
            return
        if self.job["guard"]:
            install_guard(self.workdir)
        namespace: dict[str, Any] = {"__name__": "solution", "__builtins__": builtins}
        sys.stdout, sys.stderr = out, err
        error, kind = self.load(compiled, namespace)
        if error is None and not callable(namespace.get(function)):
            error = f"the code does not define a function named {function!r}"
        self.emit(event="loaded", error=error, kind=kind, stdout=out.take(), stderr=err.take())
        if error is not None:
            return
        while True:
            line = self.requests.readline()
            if not line:
                break
            request = json.loads(line)
            index = request["index"]
            self.emit(event="start", index=index)
            started = time.perf_counter()
            answer = self.call(str(request["call"]), namespace, digest=bool(request.get("digest")))
            answer.update(index=index, seconds=round(time.perf_counter() - started, 4), stdout=out.take())
            err.take()
            self.emit(event="result", **answer)
        self.emit(event="done")

    def load(self, compiled: Any, namespace: dict[str, Any]) -> tuple[str | None, str]:
        """Run the module body: (an error message or None, what kind of failure)."""
        try:
            self.timed(lambda: exec(compiled, namespace))
        except Timeout:
            return f"loading the code did not finish within {self.limit:g} s", "timeout"
        except MemoryError as exc:
            self.free_memory(exc.__traceback__)
            return "loading the code ran out of memory (MemoryError)", "memory"
        except BaseException as exc:
            frames = [f for f in traceback.extract_tb(exc.__traceback__) if f.filename == SOLUTION]
            line = frames[-1].lineno if frames else None
            error = f"{describe(exc)} (line {line}, while loading)" if line else f"{describe(exc)} (while loading)"
            shown = own_traceback(exc, SOLUTION)
            return error + ("\n" + shown if shown else ""), "error"
        return None, "error"

    def call(self, call: str, namespace: dict[str, Any], *, digest: bool = False) -> dict[str, Any]:
        """What one call did: returned a value, raised, ran out of time or memory. No judgement.

        ``digest``: answer with a SHA-256 of the encoded value instead of the value (timing runs, where the
        value can be large and only has to match the reference solution's).
        """
        try:
            code = compile(call, "<test>", "eval", dont_inherit=True)
        except BaseException as exc:
            return {"outcome": "broken", "message": f"the test's call does not compile: {describe(exc)}"}
        try:
            value = self.timed(lambda: eval(code, namespace))
        except Timeout:
            return {"outcome": "timeout", "message": f"did not finish within {self.limit:g} s"}
        except MemoryError as exc:
            self.free_memory(exc.__traceback__)
            return {"outcome": "memory", "message": "ran out of memory (MemoryError)"}
        except BaseException as exc:
            return {
                "outcome": "raised",
                "exception": exception_names(exc),
                "message": describe(exc),
                "traceback": own_traceback(exc, SOLUTION),
            }
        try:
            encoded = self.timed(lambda: encode(value))
        except (Timeout, RecursionError, MemoryError):
            return {"outcome": "unreadable", "message": "the returned value could not be read"}
        if digest:
            import hashlib  # only timing runs need it

            text = json.dumps(encoded, sort_keys=True, separators=(",", ":"))
            return {"outcome": "returned", "digest": hashlib.sha256(text.encode()).hexdigest()}
        return {"outcome": "returned", "value": encoded}


def main() -> None:
    requests = sys.stdin.buffer
    job = json.loads(requests.readline())
    os.environ.pop("PWD", None)  # bwrap sets it; the environment should be exactly what the parent gave
    results = os.fdopen(job["result_fd"], "w", encoding="utf-8")
    if job["drop_to"] is not None and os.getuid() == 0:
        os.setgroups([])
        os.setgid(job["drop_to"])
        os.setuid(job["drop_to"])
    signal.signal(signal.SIGALRM, _on_alarm)
    runner = Runner(job, results, requests)  # type: ignore[arg-type]
    if job["mode"] == "snippet":
        runner.snippet(job["code"])
    else:
        runner.tests(job["solution"], job["function"])


if __name__ == "__main__":
    main()
