"""The grading worker: a separate process that runs learner code, never the ``learn`` process.

``python -m grader.worker JOBS.json`` imports torch and pytest once, then grades each job in
a forked child: the child loads the submission, checks its names and signatures, installs
the forbidden-API tripwires and runs the hidden checks with :mod:`grader.plugin`, writing
JSON events to the job's event file as it goes. The parent enforces the job's timeout
(killing the child's whole process group), notices crashes, and writes the composed result
(:func:`grader.results.compose`) to the job's result file.

A job is a mapping with: exercise, submission, reference, checks, names, forbidden, seed,
device (auto|cpu|cuda), timeout, max_score, events, result.
"""

from __future__ import annotations

import inspect
import json
import os
import resource
import shutil
import signal
import sys
import tempfile
import threading
import time
import types
from pathlib import Path
from typing import Any

from grader.results import compose

FILE_LIMIT = 64 * 1024 * 1024
"""Largest file a submission may write (RLIMIT_FSIZE)."""
OUTPUT_KEEP = 16 * 1024
"""Bytes of the submission's printed output kept for the learner; the rest is discarded."""


def _load_module(name: str, path: str) -> types.ModuleType:
    source = Path(path).read_text(encoding="utf-8")
    code = compile(source, path, "exec")
    module = types.ModuleType(name)
    module.__file__ = path
    sys.modules[name] = module
    exec(code, module.__dict__)
    return module


def _signature_text(obj: Any) -> str:
    try:
        target = obj.__init__ if isinstance(obj, type) else obj
        sig = inspect.signature(target)
    except (TypeError, ValueError):
        return "?"
    params = [p for p in sig.parameters.values() if p.name != "self" or not isinstance(obj, type)]
    return "(" + ", ".join(
        p.name if p.default is inspect.Parameter.empty else f"{p.name}={p.default!r}"
        for p in params) + ")"


def _param_shape(obj: Any) -> list[tuple[str, Any, str]] | None:
    try:
        target = obj.__init__ if isinstance(obj, type) else obj
        sig = inspect.signature(target)
    except (TypeError, ValueError):
        return None
    shape = []
    for p in sig.parameters.values():
        default = "-" if p.default is inspect.Parameter.empty else repr(p.default)
        shape.append((p.name, p.kind, default))
    return shape


def check_names(sub: types.ModuleType, ref: types.ModuleType, names: list[str]) -> str | None:
    """A message if a required name is missing, of the wrong kind, or has another signature."""
    for name in names:
        if not hasattr(sub, name):
            return (f"your file does not define {name!r}; keep the name and signature from the "
                    f"stub: {name}{_signature_text(getattr(ref, name, None))}")
        got, want = getattr(sub, name), getattr(ref, name)
        if isinstance(want, type) and not isinstance(got, type):
            return f"{name!r} must be a class, but your file defines a {type(got).__name__}"
        if not isinstance(want, type) and not callable(got):
            return f"{name!r} must be a function, but your file defines a {type(got).__name__}"
        if isinstance(want, type):
            bases = [b for b in want.__mro__[1:] if b.__module__ != ref.__name__ and b is not object]
            if bases and not issubclass(got, bases[0]):
                return f"class {name} must subclass {bases[0].__module__}.{bases[0].__qualname__}"
        got_shape, want_shape = _param_shape(got), _param_shape(want)
        if got_shape is not None and want_shape is not None and got_shape != want_shape:
            return (f"{name} has signature {name}{_signature_text(got)}, but the exercise "
                    f"needs {name}{_signature_text(want)}")
    return None


def _load_error_message(exc: BaseException, path: str) -> str:
    if isinstance(exc, SyntaxError):
        where = f"{exc.filename or path}:{exc.lineno}" if exc.lineno else path
        return f"syntax error at {where}: {exc.msg}"
    line = None
    tb = exc.__traceback__
    while tb is not None:
        if tb.tb_frame.f_code.co_filename == path:
            line = tb.tb_lineno
        tb = tb.tb_next
    where = f" at {path}:{line}" if line else ""
    if isinstance(exc, SystemExit):
        return f"your file called sys.exit({exc.code!r}) while being imported{where}"
    if isinstance(exc, NotImplementedError):
        return f"your file raised NotImplementedError while being imported{where}"
    text = " ".join(f"{type(exc).__name__}: {exc}".split())[:400]
    return f"your file could not be imported{where}: {text}"


# pytest plugins the checks do not need; skipping them halves pytest's start-up.
PYTEST_LEAN = ["--assert=plain", "-p", "no:cacheprovider", "-p", "no:doctest", "-p", "no:junitxml",
               "-p", "no:pastebin", "-p", "no:legacypath", "-p", "no:unittest", "-p", "no:debugging",
               "-p", "no:faulthandler", "-p", "no:setuponly", "-p", "no:setupplan",
               "-p", "no:stepwise", "-p", "no:lfplugin", "-p", "no:nfplugin", "-p", "no:logging",
               "-p", "no:terminal", "-p", "no:unraisableexception", "-p", "no:threadexception",
               "--noconftest", "-c", os.devnull, "-o", "python_files=test_*.py"]


def _run_child(job: dict[str, Any], events_fd: int, output_fd: int) -> None:
    """Everything that touches learner code. Runs in the forked child."""
    os.setsid()
    os.chdir(job["workdir"])
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (FILE_LIMIT, FILE_LIMIT))
    devnull = os.open(os.devnull, os.O_RDONLY)
    os.dup2(devnull, 0)
    os.dup2(output_fd, 1)
    os.dup2(output_fd, 2)
    os.close(output_fd)
    events = os.fdopen(events_fd, "w", buffering=1, encoding="utf-8")

    def emit(event: dict[str, Any]) -> None:
        try:
            events.write(json.dumps(event) + "\n")
            events.flush()
        except (OSError, ValueError):
            pass

    import pytest
    import torch

    from grader import forbid, guard, plugin

    device = job.get("device", "auto")
    if device == "auto":
        device = "cuda" if torch.cuda.is_available() else "cpu"
    elif device == "cuda" and not torch.cuda.is_available():
        emit({"type": "load_error", "message": "--device cuda was asked for, but torch sees no "
                                               "CUDA device here; use --device cpu"})
        return
    emit({"type": "device", "device": device})
    memory = job.get("memory_mb")
    if memory and device == "cpu":
        # The cap is on top of what the grader itself has mapped (torch maps a lot).
        limit = _address_space() + int(memory) * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))

    path = job["submission"]
    try:
        if os.path.realpath(job["reference"]) == os.path.realpath(path):
            ref = _load_module("reference", job["reference"])  # grading the reference itself
        else:
            ref = guard.load_guarded_module("reference", job["reference"], path)
    except BaseException as exc:  # noqa: BLE001 - the reference is ours; report, don't crash
        emit({"type": "load_error", "message": f"the grader's reference could not be loaded "
                                               f"({type(exc).__name__}: {exc}); please report this"})
        return
    # The reference is reachable only through the plugin's fixtures, and its functions
    # refuse to run for the submission's code.
    try:
        source = Path(path).read_text(encoding="utf-8")
        compile(source, path, "exec")
        hits = forbid.static_scan(source, tuple(job.get("forbidden", ())))
        tampering = guard.static_scan(source)
    except SyntaxError as exc:
        emit({"type": "load_error", "message": _load_error_message(exc, path)})
        return
    except (OSError, UnicodeDecodeError) as exc:
        emit({"type": "load_error", "message": f"cannot read {path}: {exc}"})
        return
    if tampering:
        emit({"type": "tamper", "reasons": tampering})
        return
    forbid.install_tripwires(tuple(job.get("forbidden", ())), path)
    guard.take_snapshot()
    guard.install_audit_hook(path, [str(Path(job["reference"]).parent.parent),
                                    str(Path(job["checks"]).parent.parent),
                                    *job.get("protected", [])], ("grader", "solutions"))
    try:
        sub = _load_module("submission", path)
    except BaseException as exc:  # noqa: BLE001 - any failure of learner code is reported
        guard.verify_snapshot()
        if guard.events:
            emit({"type": "tamper", "reasons": list(guard.events)})
            return
        if isinstance(exc, forbid.ForbiddenAPIError):
            emit({"type": "forbidden", "apis": list(forbid.used)})
        emit({"type": "load_error", "message": _load_error_message(exc, path)})
        return
    guard.verify_snapshot()
    if guard.events:
        emit({"type": "tamper", "reasons": list(guard.events)})
        return
    problem = check_names(sub, ref, list(job.get("names", ())))
    if problem:
        emit({"type": "load_error", "message": problem})
        return
    if hits:
        forbid.used.extend(h for h in hits if h not in forbid.used)
    plugin.CONTEXT.update(sub=sub, ref=ref, device=device, seed=job["seed"], filename=path,
                          emit=emit)
    checks = Path(job["checks"])
    args = [str(checks), "-p", "grader.plugin", "--rootdir", str(checks.parent), "-s",
            "-W", "default", *PYTEST_LEAN]
    pytest.main(args)
    guard.verify_snapshot()
    if guard.events:
        emit({"type": "tamper", "reasons": list(guard.events)})
    emit({"type": "done"})


def _address_space() -> int:
    try:
        with open("/proc/self/status", encoding="ascii") as handle:
            for line in handle:
                if line.startswith("VmSize:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def _become_subreaper() -> None:
    """Orphans of a submission (even ones that left its process group) become our children."""
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(36, 1, 0, 0, 0)  # PR_SET_CHILD_SUBREAPER
    except (OSError, AttributeError):
        pass


def _kill_descendants() -> None:
    """Kill and reap every remaining child (processes a submission left behind)."""
    me = str(os.getpid())
    for _ in range(20):
        found = False
        try:
            entries = os.listdir("/proc")
        except OSError:
            return
        for entry in entries:
            if not entry.isdigit():
                continue
            try:
                with open(f"/proc/{entry}/stat", encoding="ascii", errors="replace") as handle:
                    fields = handle.read().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if fields[1] == me:
                found = True
                try:
                    os.kill(int(entry), signal.SIGKILL)
                    os.waitpid(int(entry), 0)
                except (ProcessLookupError, ChildProcessError, PermissionError):
                    pass
        if not found:
            return
        time.sleep(0.01)


def _wait(pid: int, timeout: float) -> tuple[int | None, bool]:
    """Wait for ``pid``; kill its process group after ``timeout`` s. (status, timed_out)."""
    deadline = time.monotonic() + timeout
    delay = 0.002
    while True:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            return status, False
        if time.monotonic() >= deadline:
            break
        time.sleep(delay)
        delay = min(delay * 1.5, 0.05)
    _kill_group(pid)
    _, status = os.waitpid(pid, 0)
    return status, True


def _kill_group(pid: int) -> None:
    for target in (lambda: os.killpg(pid, signal.SIGKILL), lambda: os.kill(pid, signal.SIGKILL)):
        try:
            target()
        except (ProcessLookupError, PermissionError):
            pass


def _describe_status(status: int | None) -> str | None:
    if status is None:
        return "the grading process was lost"
    if os.WIFSIGNALED(status):
        sig = os.WTERMSIG(status)
        name = signal.Signals(sig).name if sig in signal.Signals._value2member_map_ else str(sig)
        meaning = {"SIGSEGV": "a segmentation fault", "SIGKILL": "killed (out of memory?)",
                   "SIGABRT": "aborted", "SIGXCPU": "CPU time limit"}.get(name, name)
        return f"your code crashed the grading process ({meaning})"
    code = os.WEXITSTATUS(status)
    return None if code == 0 else f"your code ended the grading process (exit code {code})"


def grade_job(job: dict[str, Any]) -> dict[str, Any]:
    """Grade one job in a forked child and return the composed result as JSON data."""
    events_path = job["events"]
    Path(events_path).parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(events_path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    out_r, out_w = os.pipe()
    job = dict(job, workdir=tempfile.mkdtemp(prefix="learn-submission-"))
    start = time.monotonic()
    sys.stdout.flush()
    sys.stderr.flush()
    pid = os.fork()
    if pid == 0:
        code = 0
        try:
            os.close(out_r)
            _run_child(job, fd, out_w)
        except BaseException:  # noqa: BLE001 - the child must never return into the parent's loop
            code = 70
        finally:
            os._exit(code)
    os.close(fd)
    os.close(out_w)
    output = _Drain(out_r)
    status, timed_out = _wait(pid, float(job["timeout"]))
    _kill_group(pid)  # anything the submission forked and left behind
    _kill_descendants()
    shutil.rmtree(job["workdir"], ignore_errors=True)
    duration = time.monotonic() - start
    printed = output.finish()
    events = _read_events(events_path)
    ended: str | None
    if timed_out:
        ended = (f"timed out after {float(job['timeout']):g} s (an endless loop, or far too slow)")
    else:
        ended = _describe_status(status)
        if ended is None and not any(e.get("type") in ("done", "load_error") for e in events):
            ended = "your code ended the grading process early (sys.exit or os._exit?)"
    result = compose(job["exercise"], events, max_score=int(job.get("max_score", 0)),
                     seed=int(job["seed"]), submission=job["submission"], ended=ended,
                     duration=duration, output=printed)
    return result.to_json()


class _Drain:
    """Reads the child's stdout and stderr so it never blocks; keeps only the head."""

    def __init__(self, fd: int) -> None:
        self.fd = fd
        self.head = bytearray()
        self.total = 0
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self) -> None:
        while True:
            try:
                chunk = os.read(self.fd, 65536)
            except OSError:
                break
            if not chunk:
                break
            self.total += len(chunk)
            if len(self.head) < OUTPUT_KEEP:
                self.head += chunk[: OUTPUT_KEEP - len(self.head)]

    def finish(self) -> str:
        self.thread.join(timeout=2.0)
        try:
            os.close(self.fd)
        except OSError:
            pass
        text = self.head.decode("utf-8", "replace")
        if self.total > len(self.head):
            text += f"\n[... {self.total - len(self.head)} more bytes of output not shown]"
        return text


def _read_events(path: str) -> list[dict[str, Any]]:
    events = []
    try:
        with open(path, encoding="utf-8", errors="replace") as handle:
            for line in handle:
                try:
                    event = json.loads(line)
                except ValueError:
                    continue
                if isinstance(event, dict):
                    events.append(event)
    except OSError:
        pass
    return events


def collect(checks: str) -> list[tuple[str, int]]:
    """The names and points of the checks in ``checks`` (pytest collection only)."""
    import pytest

    from grader import plugin

    found: list[tuple[str, int]] = []
    plugin.CONTEXT["emit"] = lambda event: found.extend(
        (str(n), int(p)) for n, p in event.get("checks", []) if event.get("type") == "collected")
    path = Path(checks)
    pytest.main([str(path), "-p", "grader.plugin", "--rootdir", str(path.parent),
                 "--collect-only", *PYTEST_LEAN])
    return found


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv and argv[0] == "--collect":
        print(json.dumps({path: collect(path) for path in argv[1:]}))
        return 0
    jobs = json.loads(Path(argv[0]).read_text(encoding="utf-8"))
    import pytest  # noqa: F401 - imported once here, inherited by every forked child
    import torch  # noqa: F401

    import grader.asserts  # noqa: F401
    import grader.plugin  # noqa: F401

    _become_subreaper()
    checks_text = {Path(job["checks"]).read_text(encoding="utf-8") for job in jobs}
    if len(jobs) > 1 and any("optim" in text for text in checks_text):
        # A first torch optimizer imports torch._dynamo (1-2 s): do it once here, not once per
        # submission. Importing is safe before fork; running autograd here is not (the
        # child's autograd engine could hang).
        import torch._dynamo  # noqa: F401
        import torch.optim  # noqa: F401

    for job in jobs:
        result = grade_job(job)
        tmp = job["result"] + ".tmp"
        Path(tmp).write_text(json.dumps(result), encoding="utf-8")
        os.replace(tmp, job["result"])
    return 0


if __name__ == "__main__":
    sys.exit(main())
