"""Running untrusted candidate code: coding-round tests and "what does this print?" snippets.

The code runs in a child interpreter that sees as little as possible of this machine:

* **bubblewrap** (when ``bwrap`` works here): new network, PID, IPC and UTS namespaces; only ``/usr``, the
  Python installation (read-only) and a fresh working directory (read-write) are mounted; a private ``/tmp``,
  ``/proc`` and ``/dev``. Started as root, the runner drops to ``nobody`` inside, so the process-count limit
  holds (Linux never applies it to root).
* **unshare**: new network, PID (with its own ``/proc``), IPC and UTS namespaces, but the host's files stay
  visible; the runner's audit hook is what keeps the code away from them.
* **rlimits**: a plain child process.

Always, as the floor: an empty environment (no keys, no ``INTERVIEWER_*``/``OPENAI_*``), a temporary working
directory deleted afterwards, resource limits (CPU, address space, file size, processes, open files, no core
dumps), a wall-clock deadline per test enforced from here (the whole process group is killed), capped reads of
every pipe, and inside the child an audit hook refusing processes, sockets, ctypes and file access outside the
working directory and the standard library. The hook is defence in depth, never the boundary.

The interpreter starts with ``-s -S -B -P`` rather than ``-I``: ``-I`` implies ``-E``, which would ignore
``PYTHONHASHSEED=0``; the environment is built from nothing, so no other ``PYTHON*`` variable can reach it.
"""

from __future__ import annotations

import contextlib
import functools
import json
import math
import os
import pwd
import resource
import selectors
import shutil
import signal
import subprocess
import sys
import sysconfig
import tempfile
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from interviewer.models import CaseResult, CodeTest, Isolation, SandboxReport, SandboxStatus, SnippetResult

Status = SandboxStatus
ISOLATION_ORDER: tuple[Isolation, ...] = ("bubblewrap", "unshare", "rlimits")

OUTPUT_CAP = 64 * 1024  # characters of stdout/stderr kept
PIPE_HARD_CAP = 4 * 1024 * 1024  # bytes on one pipe before the process is killed
MEMORY_LIMIT = 256 * 1024 * 1024
FILE_SIZE_LIMIT = 1024 * 1024
OPEN_FILES_LIMIT = 64
EXTRA_PROCESSES = 32
STARTUP_SECONDS = 5.0  # from spawn to the runner being ready
GRACE_SECONDS = 0.5  # past a test's time limit before it is killed from outside
BETWEEN_STEPS_SECONDS = 2.0
SANDBOX_ENV = {"PATH": "/usr/bin:/bin", "PYTHONHASHSEED": "0", "LANG": "C.UTF-8"}
RUNNER_NAME = "_sandbox_runner.py"
TEMP_ROOT: str | None = None  # parent of the working directories; None: the system's temporary directory


# --------------------------------------------------------------------------------------------------------------
# The runner: written into the working directory and executed by the sandboxed interpreter. Only the standard
# library; it reads its job from stdin and writes one JSON object per line to the results pipe.
# --------------------------------------------------------------------------------------------------------------

RUNNER_SOURCE = r'''
import builtins, io, json, linecache, os, reprlib, resource, signal, sys, time, traceback

SOLUTION = "solution.py"
SNIPPET = "<snippet>"
job = json.loads(sys.stdin.buffer.read())
os.environ.pop("PWD", None)  # bwrap sets it; the environment should be exactly what the parent gave
results = os.fdopen(job["result_fd"], "w", encoding="utf-8")


def emit(**event):
    results.write(json.dumps(event) + "\n")
    results.flush()


if job["drop_to"] is not None and os.getuid() == 0:
    os.setgroups([])
    os.setgid(job["drop_to"])
    os.setuid(job["drop_to"])

WORKDIR = os.path.realpath(os.getcwd())
TRIM = job["trim"]
LIMIT = job["time_limit"]
reserve = bytearray(4 << 20)  # given back on MemoryError so the runner can still report


class Timeout(BaseException):
    pass


def on_alarm(signum, frame):
    raise Timeout()


signal.signal(signal.SIGALRM, on_alarm)
shown = reprlib.Repr()
shown.maxlevel, shown.maxlist, shown.maxtuple, shown.maxset, shown.maxfrozenset = 6, 40, 40, 40, 40
shown.maxdict, shown.maxdeque, shown.maxarray = 30, 40, 40
shown.maxstring, shown.maxlong, shown.maxother = 300, 120, 300


def trim(text, limit=TRIM):
    return text if len(text) <= limit else text[:limit] + f"... [{len(text) - limit} more characters]"


def show(value):
    try:
        return trim(shown.repr(value), 1000)
    except BaseException as exc:
        return f"<repr failed: {type(exc).__name__}>"


def describe(exc):
    try:
        return trim("".join(traceback.format_exception_only(type(exc), exc)).strip(), 1000)
    except BaseException:
        return type(exc).__name__


def own_traceback(exc, filename):
    """The traceback with only the frames of `filename`, last ~8 lines."""
    try:
        frames = [f for f in traceback.extract_tb(exc.__traceback__) if f.filename == filename]
        if not frames:
            return None
        lines = "".join(traceback.StackSummary.from_list(frames).format()).rstrip("\n").splitlines()
        lines = ["Traceback (most recent call last):", *lines[-7:]] + [describe(exc)]
        return trim("\n".join(lines), 3000)
    except BaseException:
        return None


def syntax_message(exc):
    where = f"line {exc.lineno}" + (f", column {exc.offset}" if exc.offset else "")
    text = f"{type(exc).__name__} on {where}: {exc.msg}"
    if exc.text:
        text += "\n    " + exc.text.rstrip("\n").strip()
    return text


def free_memory(exc):
    global reserve
    reserve = None
    traceback.clear_frames(exc.__traceback__)


class Capture(io.TextIOBase):
    """A stdout/stderr that keeps the first TRIM characters and counts the rest."""

    def __init__(self):
        self.parts, self.kept, self.dropped = [], 0, 0

    def writable(self):
        return True

    def write(self, text):
        text = str(text)
        room = TRIM - self.kept
        if room > 0:
            self.parts.append(text[:room])
            self.kept += min(room, len(text))
        self.dropped += max(0, len(text) - max(room, 0))
        return len(text)

    def take(self):
        text = "".join(self.parts)
        if self.dropped:
            text += f"\n[... {self.dropped} more characters not shown]"
        self.parts, self.kept, self.dropped = [], 0, 0
        return text


def install_guard():
    """Defence in depth: the OS isolation is the boundary; this makes escapes fail loudly and early."""
    readable = {WORKDIR, "/dev/null", "/dev/urandom", "/usr/share/zoneinfo", "/etc/localtime"}
    for entry in [sys.prefix, sys.base_prefix, sys.exec_prefix, *sys.path]:
        if entry:
            readable.add(os.path.realpath(entry))
    readable = tuple(readable)
    writable = (WORKDIR, "/dev/null")
    denied = {
        "os.system", "os.exec", "os.posix_spawn", "os.spawn", "os.fork", "os.forkpty", "os.kill", "os.killpg",
        "subprocess.Popen", "pty.spawn", "resource.setrlimit", "resource.prlimit", "gc.get_objects",
        "gc.get_referrers", "gc.get_referents", "sys.setrecursionlimit", "os.setuid", "os.setgid",
    }
    denied_modules = {"ctypes", "_ctypes", "cffi", "_cffi_backend", "_posixsubprocess"}
    write_flags = os.O_WRONLY | os.O_RDWR | os.O_APPEND | os.O_CREAT | os.O_TRUNC
    mutations = {  # event: (indices of paths, index of dir_fd or None)
        "os.remove": ((0,), 1), "os.rmdir": ((0,), 1), "os.mkdir": ((0,), 2), "os.chmod": ((0,), 2),
        "os.chown": ((0,), 3), "os.utime": ((0,), 3), "os.truncate": ((0,), None), "os.link": ((0, 1), None),
        "os.symlink": ((1,), 2), "os.rename": ((0, 1), None), "shutil.rmtree": ((0,), None),
        "os.chdir": ((0,), None), "os.mkfifo": ((0,), 2), "os.mknod": ((0,), 3), "os.setxattr": ((0,), None),
        "os.removexattr": ((0,), None),
    }

    def resolve(path, dir_fd=None):
        if isinstance(path, int):
            return os.readlink(f"/proc/self/fd/{path}") if path > 2 else "/dev/null"
        text = os.fsdecode(path)
        if isinstance(dir_fd, int) and not os.path.isabs(text):
            text = os.path.join(os.readlink(f"/proc/self/fd/{dir_fd}"), text)
        return os.path.realpath(text)

    def inside(path, roots):
        return any(path == root or path.startswith(root.rstrip("/") + "/") for root in roots)

    def refuse(what):
        raise PermissionError(f"sandbox: {what} is not allowed")

    def hook(event, args):
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
        elif event in denied or event.startswith("ctypes."):
            refuse(event)
        elif event.startswith("socket.") and event != "socket.__new__":
            refuse(event)

    import _posixsubprocess  # imported now so the hook can refuse a fresh import; its one door is shut below

    def no_processes(*args, **kwargs):
        raise PermissionError("sandbox: starting processes is not allowed")

    _posixsubprocess.fork_exec = no_processes
    sys.addaudithook(hook)


def run_snippet():
    code = job["code"]
    linecache.cache[SNIPPET] = (len(code), None, code.splitlines(True), SNIPPET)
    emit(event="ready")
    try:
        compiled = compile(code, SNIPPET, "exec")
    except SyntaxError as exc:
        print(describe(exc), file=sys.stderr)
        emit(event="done", status="error", exception=syntax_message(exc))
        return
    if job["guard"]:
        install_guard()
    emit(event="start", index=0)
    status, exception = "ok", None
    signal.setitimer(signal.ITIMER_REAL, LIMIT)
    try:
        exec(compiled, {"__name__": "__main__", "__builtins__": builtins})
    except Timeout:
        status, exception = "timeout", f"did not finish within {LIMIT:g} s"
    except MemoryError as exc:
        free_memory(exc)
        status, exception = "memory", "MemoryError"
    except SystemExit as exc:
        if exc.code not in (None, 0):
            status, exception = "error", f"SystemExit: {exc.code}"
    except BaseException as exc:
        status, exception = "error", describe(exc)
        print(own_traceback(exc, SNIPPET) or exception, file=sys.stderr)
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except BaseException:
        pass
    emit(event="done", status=status, exception=exception)


def run_tests():
    out, err = Capture(), Capture()
    source = job["solution"]
    linecache.cache[SOLUTION] = (len(source), None, source.splitlines(True), SOLUTION)
    emit(event="ready")
    try:
        compiled = compile(source, SOLUTION, "exec")
    except SyntaxError as exc:
        emit(event="loaded", error=syntax_message(exc), kind="error", stdout="", stderr="")
        return
    if job["guard"]:
        install_guard()
    namespace = {"__name__": "solution", "__builtins__": builtins}
    sys.stdout, sys.stderr = out, err
    error, kind = None, "error"
    signal.setitimer(signal.ITIMER_REAL, LIMIT)
    try:
        exec(compiled, namespace)
        signal.setitimer(signal.ITIMER_REAL, 0)
    except Timeout:
        error, kind = f"loading the code did not finish within {LIMIT:g} s", "timeout"
    except MemoryError as exc:
        free_memory(exc)
        error, kind = "loading the code ran out of memory (MemoryError)", "memory"
    except BaseException as exc:
        signal.setitimer(signal.ITIMER_REAL, 0)
        frames = [f for f in traceback.extract_tb(exc.__traceback__) if f.filename == SOLUTION]
        line = frames[-1].lineno if frames else None
        error = f"{describe(exc)} (line {line}, while loading)" if line else f"{describe(exc)} (while loading)"
        tb = own_traceback(exc, SOLUTION)
        if tb:
            error += "\n" + tb
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
    if error is None and not callable(namespace.get(job["function"])):
        error = f"the code does not define a function named {job['function']!r}"
    emit(event="loaded", error=error, kind=kind, stdout=out.take(), stderr=err.take())
    if error is not None:
        return
    for index, test in enumerate(job["tests"], start=job["first"]):
        emit(event="start", index=index)
        started = time.perf_counter()
        result = run_one(test, namespace)
        result.update(index=index, seconds=round(time.perf_counter() - started, 4), stdout=out.take())
        err.take()
        emit(event="result", **result)
    emit(event="done")


def run_one(test, namespace):
    call, expected_text, raises = test["call"], test["expected"], test["raises"]
    result = {"call": call, "expected": None, "raises": raises, "actual": None, "message": "", "traceback": None}
    try:
        call_code = compile(call, "<test>", "eval")
        expected = None
        if expected_text is not None:
            try:
                expected = eval(compile(expected_text, "<expected>", "eval"), {"__builtins__": builtins})
            except NameError:
                expected = eval(compile(expected_text, "<expected>", "eval"), dict(namespace))
            result["expected"] = show(expected)
    except BaseException as exc:
        return {**result, "status": "error", "message": f"the test itself is broken: {describe(exc)}"}
    signal.setitimer(signal.ITIMER_REAL, LIMIT)
    try:
        try:
            actual = eval(call_code, namespace)
        except (Timeout, MemoryError):
            raise
        except BaseException as exc:
            tb = own_traceback(exc, SOLUTION)
            if raises is not None and raises in [k.__name__ for k in type(exc).__mro__]:
                return {**result, "status": "passed", "actual": describe(exc)}
            if raises is not None:
                message = f"expected {raises} to be raised, got {describe(exc)}"
                return {**result, "status": "failed", "actual": describe(exc), "message": message, "traceback": tb}
            return {**result, "status": "error", "message": describe(exc), "traceback": tb}
        result["actual"] = show(actual)
        if raises is not None:
            message = f"expected {raises} to be raised, but it returned {result['actual']}"
            return {**result, "status": "failed", "message": message}
        try:
            same = bool(expected == actual)
        except (Timeout, MemoryError):
            raise
        except BaseException as exc:
            return {**result, "status": "error", "message": f"comparing the result with == raised {describe(exc)}"}
        if same:
            return {**result, "status": "passed"}
        return {**result, "status": "failed", "message": f"expected {result['expected']}, got {result['actual']}"}
    except Timeout:
        return {**result, "status": "timeout", "message": f"did not finish within {LIMIT:g} s"}
    except MemoryError as exc:
        free_memory(exc)
        return {**result, "status": "memory", "message": "ran out of memory (MemoryError)"}
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)


if job["mode"] == "snippet":
    run_snippet()
else:
    run_tests()
'''


# --------------------------------------------------------------------------------------------------------------
# Which isolation works here
# --------------------------------------------------------------------------------------------------------------


def _python() -> str:
    """The real interpreter behind the venv: inside a sandbox only its installation is mounted."""
    return os.path.realpath(sys.executable)


def _python_roots() -> list[str]:
    """The directories the interpreter and its standard library live in, outside /usr."""
    paths = sysconfig.get_paths(vars={"base": sys.base_prefix, "platbase": sys.base_exec_prefix})  # not the venv
    candidates = {
        os.path.realpath(sys.base_prefix),
        os.path.realpath(sys.base_exec_prefix),
        os.path.dirname(os.path.dirname(_python())),
        os.path.realpath(paths["stdlib"]),
        os.path.realpath(paths["platstdlib"]),
    }
    roots = sorted(path for path in candidates if path != "/" and not path.startswith("/usr/"))
    return [root for root in roots if not any(root.startswith(other + "/") for other in roots if other != root)]


def _nobody() -> int | None:
    """The uid to drop to when started as root."""
    if os.getuid() != 0:
        return None
    try:
        return pwd.getpwnam("nobody").pw_uid
    except KeyError:
        return 65534


def _bwrap_prefix(workdir: str) -> list[str]:
    root = os.getuid() == 0
    argv = ["bwrap", "--unshare-ipc", "--unshare-pid", "--unshare-net", "--unshare-uts", "--unshare-cgroup-try"]
    argv += ["--die-with-parent", "--as-pid-1", "--cap-drop", "ALL"]
    if root:  # no user namespace: the runner setuid()s to nobody itself, then has no capabilities at all
        argv += ["--cap-add", "CAP_SETUID", "--cap-add", "CAP_SETGID"]
    else:
        argv += ["--unshare-user"]
    argv += ["--ro-bind", "/usr", "/usr"]
    for top in ("/bin", "/lib", "/lib64", "/lib32", "/libx32", "/sbin"):
        if os.path.islink(top):
            argv += ["--symlink", os.readlink(top), top]
        elif os.path.isdir(top):
            argv += ["--ro-bind", top, top]
    argv += ["--proc", "/proc", "--dev", "/dev", "--tmpfs", "/tmp"]
    for path in [*_python_roots(), workdir]:
        argv += _mkdirs(path)
    for path in _python_roots():
        argv += ["--ro-bind", path, path]
    argv += ["--bind", workdir, workdir, "--chdir", workdir]
    return argv


def _mkdirs(path: str) -> list[str]:
    """bwrap copies the modes of a bind's parents (/root is 0700): create them world-traversable instead."""
    argv: list[str] = []
    parts = path.strip("/").split("/")[:-1]
    for depth in range(1, len(parts) + 1):
        argv += ["--perms", "0755", "--dir", "/" + "/".join(parts[:depth])]
    return argv


def _unshare_prefix(workdir: str) -> list[str]:
    argv = ["unshare", "--net", "--pid", "--ipc", "--uts", "--fork", "--kill-child", "--mount", "--mount-proc"]
    if os.getuid() != 0:
        argv.insert(1, "--map-root-user")
    return argv


def _prefix(isolation: Isolation, workdir: str) -> list[str]:
    if isolation == "bubblewrap":
        return _bwrap_prefix(workdir)
    if isolation == "unshare":
        return _unshare_prefix(workdir)
    return []


def _drop_to(isolation: Isolation) -> int | None:
    return _nobody() if isolation == "bubblewrap" else None


@functools.cache
def isolation_works(isolation: Isolation) -> bool:
    """Whether a trivial program runs under this isolation here (checked once per process)."""
    if isolation == "rlimits":
        return True
    if shutil.which("bwrap" if isolation == "bubblewrap" else "unshare") is None:
        return False
    try:
        result = _execute({"mode": "snippet", "code": "print('ok')"}, isolation, time_limit=5.0, guard=True)
    except OSError:
        return False
    return result.stdout.text() == "ok\n" and result.exit_ok


@functools.cache
def best_isolation() -> Isolation:
    """The strongest isolation that works on this machine."""
    return next(isolation for isolation in ISOLATION_ORDER if isolation_works(isolation))


def available_isolations() -> list[Isolation]:
    return [isolation for isolation in ISOLATION_ORDER if isolation_works(isolation)]


# --------------------------------------------------------------------------------------------------------------
# Running one sandboxed process
# --------------------------------------------------------------------------------------------------------------


@dataclass
class _Pipe:
    kept: bytearray = field(default_factory=bytearray)
    total: int = 0

    def add(self, data: bytes) -> None:
        room = OUTPUT_CAP - len(self.kept)
        if room > 0:
            self.kept += data[:room]
        self.total += len(data)

    def text(self) -> str:
        text = self.kept.decode("utf-8", errors="replace")
        if self.total > len(self.kept):
            text += f"\n[... {self.total - len(self.kept)} more bytes not shown]"
        return text


@dataclass
class _Run:
    """What one sandboxed process did."""

    events: list[dict[str, Any]] = field(default_factory=list)
    stdout: _Pipe = field(default_factory=_Pipe)
    stderr: _Pipe = field(default_factory=_Pipe)
    killed: str | None = None  # "deadline" or "output"
    returncode: int | None = None
    current: int | None = None  # the test running when it ended, if any
    phase: str = "startup"  # startup, load, test, between, done

    @property
    def exit_ok(self) -> bool:
        return self.killed is None and self.returncode == 0


def _count_tasks(uid: int) -> int:
    """Processes and threads this uid already has: RLIMIT_NPROC counts them all."""
    count = 0
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                if os.stat(f"/proc/{entry}").st_uid == uid:
                    count += len(os.listdir(f"/proc/{entry}/task"))
            except OSError:
                continue
    return count


def _limits(cpu_seconds: int, processes: int) -> None:
    """In the child, before exec: the resource floor every isolation mode gets."""
    resource.setrlimit(resource.RLIMIT_CPU, (cpu_seconds, cpu_seconds))
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))
    resource.setrlimit(resource.RLIMIT_FSIZE, (FILE_SIZE_LIMIT, FILE_SIZE_LIMIT))
    resource.setrlimit(resource.RLIMIT_NOFILE, (OPEN_FILES_LIMIT, OPEN_FILES_LIMIT))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    resource.setrlimit(resource.RLIMIT_NPROC, (processes, processes))


def _kill_group(process: subprocess.Popen[bytes]) -> None:
    """SIGKILL the whole group, reap the leader and wait (briefly) until no live member is left."""
    pgid = process.pid
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pgid, signal.SIGKILL)
    process.wait()
    for _ in range(200):
        if not group_members(pgid):
            return
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(pgid, signal.SIGKILL)
        time.sleep(0.005)


def group_members(pgid: int) -> list[int]:
    """Live (non-zombie) processes in a process group; zombies wait for their reaper and hold nothing."""
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return []
    except PermissionError:
        pass
    members = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", "rb") as handle:
                fields = handle.read().rsplit(b")", 1)[1].split()
        except OSError:
            continue
        if int(fields[2]) == pgid and fields[0] not in (b"Z", b"X"):
            members.append(int(entry))
    return members


def _execute(job: dict[str, Any], isolation: Isolation, *, time_limit: float, guard: bool, tests: int = 0) -> _Run:
    """Run the runner once in a fresh working directory; always cleans up the directory and the processes."""
    workdir = tempfile.mkdtemp(prefix="interviewer-sandbox-", dir=TEMP_ROOT)
    run = _Run()
    try:
        drop_to = _drop_to(isolation)
        if drop_to is not None:
            os.chown(workdir, drop_to, drop_to)
            os.chmod(workdir, 0o711)
        runner = os.path.join(workdir, RUNNER_NAME)
        with open(runner, "w", encoding="utf-8") as handle:
            handle.write(RUNNER_SOURCE)
        os.chmod(runner, 0o444)
        result_read, result_write = os.pipe()
        job = {**job, "result_fd": result_write, "drop_to": drop_to, "guard": guard, "trim": OUTPUT_CAP}
        job.setdefault("time_limit", time_limit)
        cpu = math.ceil(time_limit * (tests + 1)) + 1
        owner = drop_to if drop_to is not None else os.getuid()
        processes = (_count_tasks(owner) if owner != 0 else 0) + EXTRA_PROCESSES
        argv = [*_prefix(isolation, workdir), _python(), "-s", "-S", "-B", "-P", runner]
        try:
            process = subprocess.Popen(
                argv,
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                pass_fds=(result_write,),
                cwd=workdir,
                env=dict(SANDBOX_ENV),
                start_new_session=True,
                preexec_fn=functools.partial(_limits, cpu, processes),
            )
        finally:
            os.close(result_write)
        try:
            _feed(process, json.dumps(job).encode())
            _watch(process, result_read, run, time_limit, tests)
        finally:
            _kill_group(process)
            run.returncode = process.returncode
            os.close(result_read)
            for stream in (process.stdout, process.stderr):
                if stream:
                    stream.close()
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    return run


def _feed(process: subprocess.Popen[bytes], data: bytes) -> None:
    """Write the job to stdin from a thread: a child that never reads it cannot block us."""

    def write() -> None:
        try:
            assert process.stdin is not None
            process.stdin.write(data)
            process.stdin.close()
        except (BrokenPipeError, OSError, ValueError):
            pass

    threading.Thread(target=write, daemon=True).start()


def _watch(process: subprocess.Popen[bytes], result_fd: int, run: _Run, time_limit: float, tests: int) -> None:
    """Read all three pipes with caps, follow the runner's progress and enforce the deadlines."""
    assert process.stdout is not None and process.stderr is not None
    started = time.monotonic()
    overall = started + STARTUP_SECONDS + (time_limit + GRACE_SECONDS) * (tests + 1) + BETWEEN_STEPS_SECONDS
    deadline = started + STARTUP_SECONDS
    pending = b""
    result_bytes = 0
    with selectors.DefaultSelector() as selector:
        selector.register(process.stdout.fileno(), selectors.EVENT_READ, run.stdout)
        selector.register(process.stderr.fileno(), selectors.EVENT_READ, run.stderr)
        selector.register(result_fd, selectors.EVENT_READ, None)
        while selector.get_map():
            now = time.monotonic()
            wait = min(deadline, overall) - now
            if wait <= 0:
                run.killed = "deadline"
                return
            for key, _ in selector.select(wait):
                data = os.read(key.fd, 65536)
                if not data:
                    selector.unregister(key.fd)
                    continue
                if key.data is not None:
                    key.data.add(data)
                    if key.data.total > PIPE_HARD_CAP:
                        run.killed = "output"
                        return
                    continue
                result_bytes += len(data)
                if result_bytes > PIPE_HARD_CAP:
                    run.killed = "output"
                    return
                pending += data
                *lines, pending = pending.split(b"\n")
                for line in lines:
                    try:
                        event = json.loads(line)
                    except ValueError:
                        continue
                    if not isinstance(event, dict):
                        continue
                    run.events.append(event)
                    now = time.monotonic()
                    kind = event.get("event")
                    if kind == "ready":
                        run.phase, deadline = "load", now + time_limit + GRACE_SECONDS
                    elif kind == "start":
                        run.phase, run.current = "test", event.get("index")
                        deadline = now + time_limit + GRACE_SECONDS
                    elif kind in ("loaded", "result"):
                        run.phase, run.current, deadline = "between", None, now + BETWEEN_STEPS_SECONDS
                    elif kind == "done":
                        run.phase, run.current, deadline = "done", None, now + BETWEEN_STEPS_SECONDS
        # every pipe closed: the process is ending on its own
        try:
            process.wait(timeout=max(0.1, min(deadline, overall) - time.monotonic()))
        except subprocess.TimeoutExpired:
            run.killed = "deadline"


# --------------------------------------------------------------------------------------------------------------
# Interpreting how a process ended
# --------------------------------------------------------------------------------------------------------------


def _crash(run: _Run, time_limit: float) -> tuple[Status, str]:
    """The status and message for a test (or load) the process did not live through."""
    if run.killed == "deadline":
        return "timeout", f"did not finish within {time_limit:g} s (killed)"
    if run.killed == "output":
        return "error", f"wrote more than {PIPE_HARD_CAP // (1024 * 1024)} MB of output (killed)"
    code = run.returncode
    stderr = run.stderr.text()
    if any(marker in stderr for marker in ("MemoryError", "Cannot allocate memory", "out of memory")):
        return "memory", "ran out of memory"
    if code is not None and (code < 0 or 128 < code < 128 + 65):  # a wrapper reports a signal as 128 + N
        number = -code if code < 0 else code - 128
        name = signal.Signals(number).name if number in signal.Signals._value2member_map_ else str(number)
        if number == signal.SIGXCPU:
            return "timeout", "used up its CPU time (killed by SIGXCPU)"
        if number == signal.SIGKILL:
            return "memory", "was killed by SIGKILL (most likely out of memory)"
        tail = "\n".join(stderr.strip().splitlines()[-3:])
        return "error", f"the interpreter crashed ({name})" + (f": {tail}" if tail else "")
    tail = "\n".join(stderr.strip().splitlines()[-3:])
    return "error", f"the interpreter exited with code {code} during this test" + (f": {tail}" if tail else "")


def _resolve(isolation: Isolation | None) -> Isolation:
    chosen = isolation or best_isolation()
    if not isolation_works(chosen):
        raise RuntimeError(f"isolation {chosen!r} does not work on this machine")
    return chosen


def _trimmed(text: str) -> tuple[str, bool]:
    if len(text) <= OUTPUT_CAP:
        return text, False
    return text[:OUTPUT_CAP] + f"\n[... {len(text) - OUTPUT_CAP} more characters not shown]", True


# --------------------------------------------------------------------------------------------------------------
# The public API
# --------------------------------------------------------------------------------------------------------------


def run_tests(
    solution: str,
    function: str,
    tests: Sequence[CodeTest],
    *,
    time_limit: float = 2.0,
    isolation: Isolation | None = None,
    _guard: bool = True,
) -> SandboxReport:
    """Load ``solution`` in a sandbox and run each test against ``function``.

    Every test gets ``time_limit`` seconds. A test that hangs, exhausts memory or crashes the interpreter is
    reported as such, and the remaining tests go on in a fresh sandbox. ``isolation`` forces a mode (the
    strongest available is the default); ``_guard=False`` leaves out the audit hook, to test the OS layer alone.
    """
    chosen = _resolve(isolation)
    started = time.perf_counter()
    specs = [{"call": t.call, "expected": t.expected, "raises": t.raises} for t in tests]
    results: dict[int, CaseResult] = {}
    stdout_parts: list[str] = []
    stderr_parts: list[str] = []
    truncated = False
    load_error: str | None = None
    budget_end = started + STARTUP_SECONDS + (time_limit + GRACE_SECONDS) * (len(specs) + 1) * 2
    first = 0
    while True:
        job = {"mode": "tests", "solution": solution, "function": function, "tests": specs[first:], "first": first}
        run = _execute(job, chosen, time_limit=time_limit, guard=_guard, tests=len(specs) - first)
        truncated = truncated or run.stdout.total > OUTPUT_CAP or run.stderr.total > OUTPUT_CAP
        loaded = False
        for event in run.events:
            if event.get("event") == "loaded":
                loaded = True
                stdout_parts.append(str(event.get("stdout", "")))
                stderr_parts.append(str(event.get("stderr", "")))
                if event.get("error") and load_error is None:
                    load_error = str(event["error"])
                    kind = event.get("kind") if event.get("kind") in ("timeout", "memory") else "error"
                    for index in range(first, len(specs)):
                        results[index] = _not_run(index, specs[index], kind, "not run: the code did not load")
            elif event.get("event") == "result":
                try:
                    result = CaseResult.model_validate({k: v for k, v in event.items() if k != "event"})
                except ValueError:
                    continue
                if first <= result.index < len(specs) and result.index not in results:
                    results[result.index] = result
                    stdout_parts.append(result.stdout)
        stdout_parts.append(run.stdout.text() if run.stdout.total else "")
        stderr_parts.append(run.stderr.text() if run.stderr.total else "")
        if load_error is not None or (run.phase == "done" and len(results) >= len(specs)):
            break
        if not loaded:
            status, message = _crash(run, time_limit)
            if run.phase == "startup":
                load_error = f"the sandbox did not start: {message}"
                status = "error"
            else:
                load_error = f"loading the code failed: {message}"
            for index in range(first, len(specs)):
                results.setdefault(index, _not_run(index, specs[index], status, "not run: the code did not load"))
            break
        missing = [index for index in range(first, len(specs)) if index not in results]
        if not missing:
            break
        crashed = run.current if run.current is not None and run.current in missing else missing[0]
        status, message = _crash(run, time_limit)
        results[crashed] = _not_run(crashed, specs[crashed], status, message)
        first = crashed + 1
        if first >= len(specs):
            break
        if time.perf_counter() > budget_end:
            for index in range(first, len(specs)):
                results[index] = _not_run(index, specs[index], "timeout", "not run: the time budget ran out")
            break
    stdout, cut_out = _trimmed("".join(stdout_parts))
    stderr, cut_err = _trimmed("".join(stderr_parts))
    return SandboxReport(
        isolation=chosen,
        load_error=load_error,
        results=[results[index] for index in sorted(results)],
        stdout=stdout,
        stderr=stderr,
        output_truncated=truncated or cut_out or cut_err,
        elapsed=round(time.perf_counter() - started, 4),
    )


def _not_run(index: int, spec: dict[str, Any], status: Status, message: str) -> CaseResult:
    return CaseResult(
        index=index,
        call=spec["call"],
        status=status,
        expected=spec["expected"],
        raises=spec["raises"],
        message=message,
    )


def run_snippet(
    code: str, *, time_limit: float = 2.0, isolation: Isolation | None = None, _guard: bool = True
) -> SnippetResult:
    """Run a "what does this print?" snippet and return exactly what it wrote (PYTHONHASHSEED=0)."""
    chosen = _resolve(isolation)
    started = time.perf_counter()
    run = _execute({"mode": "snippet", "code": code}, chosen, time_limit=time_limit, guard=_guard)
    done = next((event for event in run.events if event.get("event") == "done"), None)
    if done is not None and not run.killed:
        status = done.get("status") if done.get("status") in ("ok", "error", "timeout", "memory") else "error"
        exception = done.get("exception")
    else:
        status, exception = _crash(run, time_limit)
        if run.phase == "startup":
            exception = f"the sandbox did not start: {exception}"
    return SnippetResult(
        isolation=chosen,
        status=status,
        stdout=run.stdout.text(),
        stderr=run.stderr.text(),
        exception=exception,
        output_truncated=run.stdout.total > OUTPUT_CAP or run.stderr.total > OUTPUT_CAP,
        elapsed=round(time.perf_counter() - started, 4),
    )
