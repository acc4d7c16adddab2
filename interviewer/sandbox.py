"""Running untrusted candidate code: coding-round tests and "what does this print?" snippets.

The child runs ``sandbox_runner`` (copied into the sandbox, beside its working directory). It is sent the
code, then one test's call at a time, each after the answer to the one before; it never sees what a test
expects. It answers with what the call returned, as type-tagged data, or raised; ``sandbox_judge`` rebuilds
the value from built-in types and compares it here. Only an answer to the call just sent counts; anything else
the child writes is at most progress, so a child that rewrites the runner, walks its frames or writes to its
pipes passes nothing.

The code runs in a child interpreter that sees as little as possible of this machine:

* **bubblewrap** (when ``bwrap`` works here; the only mode used unless the operator opts into weaker ones with
  ``INTERVIEWER_ALLOW_WEAK_SANDBOX``): new network, PID, IPC and UTS namespaces; only ``/usr`` and the Python
  installation are mounted, read-only, with the runner; the working directory and ``/tmp`` are tmpfs mounts
  with a size (the disk quota); a private ``/proc`` and ``/dev``.
* **unshare** (opt-in): new network, PID (with its own ``/proc``), IPC and UTS namespaces, but the host's files
  stay visible; the runner's audit hook is what keeps the code away from them. No disk quota beyond the
  per-file limit.
* **rlimits** (opt-in): a plain child process.

In every mode the code never runs as root: started as root, the runner drops to ``nobody`` before it reads the
code, so the process-count limit holds (Linux never applies it to root). The weaker modes therefore need a
Python installation ``nobody`` can read; where they cannot start, they are not offered.

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
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from interviewer import sandbox_runner
from interviewer.models import (
    CaseResult,
    CodeTest,
    Isolation,
    SandboxAvailability,
    SandboxReport,
    SandboxStatus,
    SnippetResult,
    TimedCall,
    TimedRun,
)
from interviewer.sandbox_judge import expectation, judge, read_answer

Status = SandboxStatus
ISOLATION_ORDER: tuple[Isolation, ...] = ("bubblewrap", "unshare", "rlimits")

OUTPUT_CAP = 64 * 1024  # characters of stdout/stderr kept
PIPE_HARD_CAP = 4 * 1024 * 1024  # bytes on stdout or stderr before the process is killed
RESULT_HARD_CAP = 32 * 1024 * 1024  # bytes of answers (returned values) from one process
LINE_HARD_CAP = 4 * 1024 * 1024  # bytes in one answer
CONTAINERS_CAP = 200_000  # lists and objects in one answer: a decoded answer's size stays bounded
MEMORY_LIMIT = 256 * 1024 * 1024
FILE_SIZE_LIMIT = 1024 * 1024
OPEN_FILES_LIMIT = 64
EXTRA_PROCESSES = 8  # each may use MEMORY_LIMIT: together at most 2 GB
STARTUP_SECONDS = 5.0  # from spawn to the runner being ready
GRACE_SECONDS = 0.5  # past a test's time limit before it is killed from outside
BETWEEN_STEPS_SECONDS = 2.0
SANDBOX_ENV = {"PATH": "/usr/bin:/bin", "PYTHONHASHSEED": "0", "LANG": "C.UTF-8"}
RUNNER_NAME = "_sandbox_runner.py"
WORKDIR_QUOTA = 32 * 1024 * 1024  # bytes the code may keep in its working directory (bubblewrap: a sized tmpfs)
TMP_QUOTA = 8 * 1024 * 1024  # and in /tmp
INSIDE_WORKDIR = "/sandbox/work"  # under bubblewrap: where the code runs
INSIDE_RUNNER = "/sandbox/" + RUNNER_NAME
TEMP_ROOT: str | None = None  # parent of the working directories; None: the system's temporary directory
WEAK_SETTING = "INTERVIEWER_ALLOW_WEAK_SANDBOX"
ALLOW_WEAK: bool | None = None  # None: the setting decides (``allow_weak``); tests set it


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


def _bwrap_prefix(runner: str) -> list[str]:
    """bwrap's arguments: the system and Python read-only, the runner at ``INSIDE_RUNNER``, and a working
    directory and ``/tmp`` that are small memory file systems of their own (the disk quota)."""
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
    argv += ["--proc", "/proc", "--dev", "/dev", "--perms", "1777", "--size", str(TMP_QUOTA), "--tmpfs", "/tmp"]
    for path in _python_roots():
        argv += [*_mkdirs(path), "--ro-bind", path, path]
    argv += ["--perms", "0755", "--dir", os.path.dirname(INSIDE_WORKDIR), "--ro-bind", runner, INSIDE_RUNNER]
    argv += ["--perms", "0777", "--size", str(WORKDIR_QUOTA), "--tmpfs", INSIDE_WORKDIR, "--chdir", INSIDE_WORKDIR]
    return argv


def _mkdirs(path: str) -> list[str]:
    """bwrap copies the modes of a bind's parents (/root is 0700): create them world-traversable instead."""
    argv: list[str] = []
    parts = path.strip("/").split("/")[:-1]
    for depth in range(1, len(parts) + 1):
        argv += ["--perms", "0755", "--dir", "/" + "/".join(parts[:depth])]
    return argv


def _unshare_prefix() -> list[str]:
    argv = ["unshare", "--net", "--pid", "--ipc", "--uts", "--fork", "--kill-child", "--mount", "--mount-proc"]
    if os.getuid() != 0:
        argv.insert(1, "--map-root-user")
    return argv


def _command(isolation: Isolation, runner: str) -> list[str]:
    """The whole command line that starts the runner under this isolation."""
    interpreter = [_python(), "-s", "-S", "-B", "-P"]
    if isolation == "bubblewrap":
        return [*_bwrap_prefix(runner), *interpreter, INSIDE_RUNNER]
    if isolation == "unshare":
        return [*_unshare_prefix(), *interpreter, runner]
    return [*interpreter, runner]


def _drop_to(isolation: Isolation) -> int | None:
    """Whom the code runs as: never root, in any mode (the runner gives up root before reading the code)."""
    return _nobody()


@functools.cache
def isolation_works(isolation: Isolation) -> bool:
    """Whether a trivial program runs under this isolation here, as the user code runs as (checked once per
    process). The weaker modes need a Python installation that unprivileged user can read."""
    if isolation != "rlimits" and shutil.which("bwrap" if isolation == "bubblewrap" else "unshare") is None:
        return False
    try:
        result = _execute({"mode": "snippet", "code": "print('ok')"}, isolation, time_limit=5.0, guard=True)
    except OSError:
        return False
    return result.stdout.text() == "ok\n" and result.exit_ok


def available_isolations() -> list[Isolation]:
    return [isolation for isolation in ISOLATION_ORDER if isolation_works(isolation)]


class SandboxUnavailable(RuntimeError):
    """No isolation this app may use works here; the message says how to get one."""


def allow_weak() -> bool:
    """Whether the operator opted into weaker isolation (``ALLOW_WEAK``, else the setting)."""
    if ALLOW_WEAK is not None:
        return ALLOW_WEAK
    from interviewer.settings import Settings  # late: settings read the environment and .env

    return Settings().allow_weak_sandbox


def availability() -> SandboxAvailability:
    """What candidate code would run under here, and the sentence that says so (or why it cannot run)."""
    if isolation_works("bubblewrap"):
        return SandboxAvailability(isolation="bubblewrap", weak=False, message=ISOLATION_NOTES["bubblewrap"])
    weaker = [isolation for isolation in ISOLATION_ORDER[1:] if isolation_works(isolation)]
    if allow_weak() and weaker:
        return SandboxAvailability(isolation=weaker[0], weak=True, message=ISOLATION_NOTES[weaker[0]])
    if allow_weak():
        message = (
            "Coding rounds are off: bubblewrap does not work on this machine, and neither does the weaker isolation "
            f"{WEAK_SETTING} allows (the code runs as an unprivileged user, who must be able to read the Python "
            f"installation at {sys.base_prefix}). Install bubblewrap (apt-get install bubblewrap)."
        )
    else:
        message = (
            "Coding rounds are off: running candidate code needs bubblewrap, which does not work on this machine. "
            f"Install it (apt-get install bubblewrap), or set {WEAK_SETTING}=1 to run code with weaker isolation "
            "(not for a shared server)."
        )
    return SandboxAvailability(isolation=None, weak=False, message=message)


ISOLATION_NOTES: dict[Isolation, str] = {
    "bubblewrap": "Code runs in a bubblewrap sandbox: its own namespaces, no network, only the system and Python "
    "mounted read-only, a size-limited working directory, as an unprivileged user.",
    "unshare": "Code runs with weaker isolation (unshare, opted into with "
    f"{WEAK_SETTING}): no network and its own processes, but this machine's files are visible to it and there "
    "is no disk quota beyond 1 MB per file; it runs as an unprivileged user and only the runner's audit hook "
    "keeps it from the files.",
    "rlimits": "Code runs with the weakest isolation (resource limits only, opted into with "
    f"{WEAK_SETTING}): it shares this machine's network and files and has no disk quota beyond 1 MB per file; "
    "it runs as an unprivileged user when the app runs as root, and only the runner's audit hook stands in its "
    "way.",
}


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

    mode: str = "tests"  # or "snippet"
    calls: list[tuple[int, str]] = field(default_factory=list)  # (index, call) not sent yet
    events: list[dict[str, Any]] = field(default_factory=list)  # "loaded" and "done"
    answers: dict[int, bytes] = field(default_factory=dict)  # index -> the line that answered that call
    sent_at: dict[int, float] = field(default_factory=dict)
    elapsed: dict[int, float] = field(default_factory=dict)  # index -> seconds from call to answer
    stdout: _Pipe = field(default_factory=_Pipe)
    stderr: _Pipe = field(default_factory=_Pipe)
    digest: bool = False  # ask for a hash of each returned value instead of the value (timing runs)
    stop_after: float | None = None  # timing runs: send no more calls once one took longer than this
    killed: str | None = None  # "deadline", "output" or "protocol"
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


def _execute(
    job: dict[str, Any],
    isolation: Isolation,
    *,
    time_limit: float,
    guard: bool,
    calls: Sequence[tuple[int, str]] = (),
    digest: bool = False,
    stop_after: float | None = None,
) -> _Run:
    """Run the runner once in a fresh working directory; always cleans up the directory and the processes.

    ``calls``: (index, call) of the tests to run, sent one at a time, each after the answer to the one before.
    """
    host = tempfile.mkdtemp(prefix="interviewer-sandbox-", dir=TEMP_ROOT)
    run = _Run(mode=job["mode"], calls=list(calls), digest=digest, stop_after=stop_after)
    try:
        drop_to = _drop_to(isolation)
        os.chmod(host, 0o711)
        runner = os.path.join(host, RUNNER_NAME)
        with open(runner, "w", encoding="utf-8") as handle:
            handle.write(_runner_source())
        os.chmod(runner, 0o444)
        workdir = os.path.join(host, "work")  # the working directory of the weaker modes (bubblewrap has its own)
        os.mkdir(workdir, 0o700)
        if drop_to is not None:
            os.chown(workdir, drop_to, drop_to)
        result_read, result_write = os.pipe()
        job = {**job, "result_fd": result_write, "drop_to": drop_to, "guard": guard, "trim": OUTPUT_CAP}
        job.setdefault("time_limit", time_limit)
        cpu = math.ceil(time_limit * (len(calls) + 1)) + 1
        owner = drop_to if drop_to is not None else os.getuid()
        processes = (_count_tasks(owner) if owner != 0 else 0) + EXTRA_PROCESSES
        argv = _command(isolation, runner)
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
            assert process.stdin is not None
            os.set_blocking(process.stdin.fileno(), False)  # a child that stops reading cannot block us
            _send(process, run, json.dumps(job).encode() + b"\n", last=not calls)
            _watch(process, result_read, run, time_limit)
        finally:
            _kill_group(process)
            run.returncode = process.returncode
            os.close(result_read)
            for stream in (process.stdin, process.stdout, process.stderr):
                if stream:
                    with contextlib.suppress(OSError):
                        stream.close()
    finally:
        shutil.rmtree(host, ignore_errors=True)
    return run


@functools.cache
def _runner_source() -> str:
    """The runner module's text, copied into each working directory (the sandbox sees no site-packages)."""
    with open(sandbox_runner.__file__, encoding="utf-8") as handle:
        return handle.read()


def _send(process: subprocess.Popen[bytes], run: _Run, data: bytes, *, last: bool) -> None:
    """Write to the child's stdin; close it after the last line. A child that does not read is stopped."""
    assert process.stdin is not None
    try:
        written = os.write(process.stdin.fileno(), data)
        if written != len(data):
            run.killed = run.killed or "protocol"
        if last:
            process.stdin.close()
    except (BlockingIOError, BrokenPipeError, OSError, ValueError):
        run.killed = run.killed or "protocol"


def _next_call(process: subprocess.Popen[bytes], run: _Run, time_limit: float) -> float:
    """Send the next test's call (or close stdin when none is left); the deadline for what follows."""
    now = time.monotonic()
    if not run.calls:
        run.phase, run.current = "done", None
        _send(process, run, b"", last=True)
        return now + BETWEEN_STEPS_SECONDS
    index, call = run.calls.pop(0)
    run.phase, run.current = "test", index
    run.sent_at[index] = now
    request = {"index": index, "call": call, "digest": run.digest}
    _send(process, run, json.dumps(request).encode() + b"\n", last=False)
    return now + time_limit + GRACE_SECONDS


def _watch(process: subprocess.Popen[bytes], result_fd: int, run: _Run, time_limit: float) -> None:
    """Read all three pipes with caps, hand out the calls one by one and enforce the deadlines.

    Only an answer to the call just sent is kept; any other event from the child is progress at most.
    """
    assert process.stdout is not None and process.stderr is not None
    started = time.monotonic()
    tests = len(run.calls)
    overall = started + STARTUP_SECONDS + (time_limit + GRACE_SECONDS) * (tests + 1) + BETWEEN_STEPS_SECONDS
    deadline = started + STARTUP_SECONDS
    pending = bytearray()
    result_bytes = 0
    with selectors.DefaultSelector() as selector:
        selector.register(process.stdout.fileno(), selectors.EVENT_READ, run.stdout)
        selector.register(process.stderr.fileno(), selectors.EVENT_READ, run.stderr)
        selector.register(result_fd, selectors.EVENT_READ, None)
        while selector.get_map():
            if run.killed:
                return
            wait = min(deadline, overall) - time.monotonic()
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
                if result_bytes > RESULT_HARD_CAP:
                    run.killed = "output"
                    return
                pending += data
                if b"\n" not in data:  # only the new bytes can end a line: no re-scan of a long one
                    if len(pending) > LINE_HARD_CAP:
                        run.killed = "protocol"
                        return
                    continue
                *lines, rest = bytes(pending).split(b"\n")
                pending = bytearray(rest)
                for line in lines:
                    if len(line) > LINE_HARD_CAP:
                        run.killed = "protocol"
                        return
                    deadline = _on_event(process, run, line, time_limit, deadline)
        # every pipe closed: the process is ending on its own
        try:
            process.wait(timeout=max(0.1, min(deadline, overall) - time.monotonic()))
        except subprocess.TimeoutExpired:
            run.killed = "deadline"


def parse_line(line: bytes) -> dict[str, Any] | None:
    """One line from the runner as a JSON object, or None: not JSON, nested too deeply, or too many containers
    (counted before decoding, so a flood of ``[]`` is never built)."""
    if line.count(b"[") + line.count(b"{") > CONTAINERS_CAP:
        return None
    try:
        event = json.loads(line)
    except (ValueError, RecursionError):
        return None
    return event if isinstance(event, dict) else None


def _on_event(process: subprocess.Popen[bytes], run: _Run, line: bytes, time_limit: float, deadline: float) -> float:
    """Follow one line from the runner; the new deadline. An answer is kept as its raw line and decoded again
    only when it is judged, so the parent holds one decoded value at a time."""
    event = parse_line(line)
    if event is None:
        return deadline
    kind = event.get("event")
    now = time.monotonic()
    if kind == "ready" and run.phase == "startup":
        run.phase = "load"
        return now + time_limit + GRACE_SECONDS
    if kind == "loaded" and run.phase in ("startup", "load"):
        run.events.append(event)
        if event.get("error") is None and run.mode == "tests":
            return _next_call(process, run, time_limit)
        run.phase = "between"
        return now + BETWEEN_STEPS_SECONDS
    if kind == "result" and run.phase == "test" and event.get("index") == run.current:
        run.answers[run.current] = line
        run.elapsed[run.current] = now - run.sent_at.get(run.current, now)
        if run.stop_after is not None and run.elapsed[run.current] > run.stop_after:
            run.calls.clear()
        return _next_call(process, run, time_limit)
    if kind == "start" and run.mode == "snippet" and run.phase == "load":
        run.phase, run.current = "test", 0
        return now + time_limit + GRACE_SECONDS
    if kind == "done":
        run.events.append(event)
        if run.phase != "test" or run.mode == "snippet":  # mid-call, "done" is no answer: the call stays open
            run.phase = "done"
        return now + BETWEEN_STEPS_SECONDS
    return deadline


# --------------------------------------------------------------------------------------------------------------
# Interpreting how a process ended
# --------------------------------------------------------------------------------------------------------------


def _crash(run: _Run, time_limit: float) -> tuple[Status, str]:
    """The status and message for a test (or load) the process did not live through."""
    if run.killed == "deadline":
        return "timeout", f"did not finish within {time_limit:g} s (killed)"
    if run.killed == "output":
        return "error", f"wrote more than {PIPE_HARD_CAP // (1024 * 1024)} MB of output (killed)"
    if run.killed == "protocol":
        return "error", "stopped reading the tests it was sent (killed)"
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
    """The isolation to run under: the one asked for (tests), else what ``availability`` allows."""
    if isolation is None:
        status = availability()
        if status.isolation is None:
            raise SandboxUnavailable(status.message)
        return status.isolation
    if not isolation_works(isolation):
        raise SandboxUnavailable(f"isolation {isolation!r} does not work on this machine")
    return isolation


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
    """Load ``solution`` in a sandbox and run each test against ``function``; judge each result here.

    The sandbox gets the code and one test's call at a time; what each test expects stays in this process.
    Every test gets ``time_limit`` seconds. A test that hangs, exhausts memory or crashes the interpreter is
    reported as such, and the remaining tests go on in a fresh sandbox. ``isolation`` forces a mode (the
    strongest available is the default); ``_guard=False`` leaves out the audit hook, to test the OS layer alone.
    """
    chosen = _resolve(isolation)
    started = time.perf_counter()
    expected = [expectation(test) for test in tests]
    results: dict[int, CaseResult] = {}
    stdout_parts: list[str] = []
    stderr_parts: list[str] = []
    truncated = False
    load_error: str | None = None
    budget_end = started + STARTUP_SECONDS + (time_limit + GRACE_SECONDS) * (len(tests) + 1) * 2
    first = 0
    while True:
        job = {"mode": "tests", "solution": solution, "function": function}
        calls = [(index, tests[index].call) for index in range(first, len(tests))]
        run = _execute(job, chosen, time_limit=time_limit, guard=_guard, calls=calls)
        truncated = truncated or run.stdout.total > OUTPUT_CAP or run.stderr.total > OUTPUT_CAP
        loaded = next((event for event in run.events if event.get("event") == "loaded"), None)
        if loaded is not None:
            stdout_parts.append(str(loaded.get("stdout", "")))
            stderr_parts.append(str(loaded.get("stderr", "")))
            if loaded.get("error") is not None:
                load_error = str(loaded["error"])
                kind = loaded.get("kind") if loaded.get("kind") in ("timeout", "memory") else "error"
                for index in range(first, len(tests)):
                    results[index] = _not_run(index, tests[index], kind, "not run: the code did not load")
        for index, line in sorted(run.answers.items()):
            answer = read_answer(parse_line(line) or {})
            if answer is None or answer.index != index:
                results[index] = _not_run(index, tests[index], "error", "the sandbox's answer was malformed")
            else:
                results[index] = judge(index, tests[index], expected[index], answer, run.elapsed.get(index, 0.0))
            stdout_parts.append(results[index].stdout)
        stdout_parts.append(run.stdout.text() if run.stdout.total else "")
        stderr_parts.append(run.stderr.text() if run.stderr.total else "")
        if load_error is not None:
            break
        if loaded is None:
            status, message = _crash(run, time_limit)
            if run.phase == "startup":
                load_error = f"the sandbox did not start: {message}"
                status = "error"
            else:
                load_error = f"loading the code failed: {message}"
            for index in range(first, len(tests)):
                results.setdefault(index, _not_run(index, tests[index], status, "not run: the code did not load"))
            break
        missing = [index for index in range(first, len(tests)) if index not in results]
        if not missing:
            break
        crashed = run.current if run.current is not None and run.current in missing else missing[0]
        status, message = _crash(run, time_limit)
        results[crashed] = _not_run(crashed, tests[crashed], status, message)
        first = crashed + 1
        if first >= len(tests):
            break
        if time.perf_counter() > budget_end:
            for index in range(first, len(tests)):
                results[index] = _not_run(index, tests[index], "timeout", "not run: the time budget ran out")
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


def time_calls(
    solution: str,
    function: str,
    calls: Sequence[str],
    *,
    time_limit: float = 2.0,
    stop_after: float | None = None,
    isolation: Isolation | None = None,
) -> TimedRun:
    """Run calls one by one in one sandbox, each timed here from sending it to its answer (which the code cannot
    shorten: it cannot answer before it has the result, and a hash of that result comes back to be checked).

    Values come back as hashes. Once a call takes longer than ``stop_after`` seconds no more are sent; a call
    that fails ends the run.
    """
    chosen = _resolve(isolation)
    job = {"mode": "tests", "solution": solution, "function": function}
    run = _execute(
        job,
        chosen,
        time_limit=time_limit,
        guard=True,
        calls=list(enumerate(calls)),
        digest=True,
        stop_after=stop_after,
    )
    loaded = next((event for event in run.events if event.get("event") == "loaded"), None)
    if loaded is None or loaded.get("error") is not None:
        error = str(loaded.get("error")) if loaded is not None else _crash(run, time_limit)[1]
        return TimedRun(isolation=chosen, load_error=error)
    timed = []
    for index, call in enumerate(calls):
        answer = read_answer(parse_line(run.answers[index]) or {}) if index in run.answers else None
        if answer is None:
            break
        seconds = run.elapsed.get(index, 0.0)
        timed.append(
            TimedCall(call=call, outcome=answer.outcome, digest=answer.digest, seconds=seconds, message=answer.message)
        )
        if answer.outcome != "returned":
            break
    return TimedRun(isolation=chosen, calls=timed)


def _not_run(index: int, test: CodeTest, status: Status, message: str) -> CaseResult:
    return CaseResult(
        index=index,
        call=test.call,
        status=status,
        expected=test.expected,
        raises=test.raises,
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
