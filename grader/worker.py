"""The checker: runs the hidden checks and decides every point. It never runs learner code.

``python -m grader.worker JOBS.json`` starts a sandbox zygote (:mod:`grader.sandbox.server`,
under bubblewrap where the machine allows it) while it imports torch and pytest itself, then
grades each job: it reads the submission's source (as text: a syntax check and the static
forbidden-API scan, nothing is executed here), asks the zygote for a fresh submission process
that loads it, compares the names and signatures it reports with the reference's, and runs
the hidden checks with :mod:`grader.plugin`, whose ``sub`` fixture reaches the learner's code
only through by-value calls (:mod:`grader.sandbox.host`). The check names and points come
from this process's own pytest collection. The composed result
(:func:`grader.results.compose`) goes to the job's result file.

A job is a mapping with: exercise, submission, reference, checks, stub, names, forbidden,
seed, device (auto|cpu|cuda), timeout, memory_mb, max_score, isolation (auto|required|off),
result.
"""

from __future__ import annotations

import functools
import inspect
import json
import os
import re
import sys
import time
import types
from pathlib import Path
from typing import Any

from grader.results import compose, error_result, scrub_lines

# pytest plugins the checks do not need; skipping them halves pytest's start-up.
PYTEST_LEAN = ["--assert=plain", "-p", "no:cacheprovider", "-p", "no:doctest", "-p", "no:junitxml",
               "-p", "no:pastebin", "-p", "no:legacypath", "-p", "no:unittest", "-p", "no:debugging",
               "-p", "no:faulthandler", "-p", "no:setuponly", "-p", "no:setupplan",
               "-p", "no:stepwise", "-p", "no:lfplugin", "-p", "no:nfplugin", "-p", "no:logging",
               "-p", "no:terminal", "-p", "no:unraisableexception", "-p", "no:threadexception",
               "--noconftest", "-c", os.devnull, "-o", "python_files=test_*.py"]


@functools.lru_cache(maxsize=None)
def _reference(path: str) -> types.ModuleType:
    """The reference solution, imported once (it is ours: it runs here, never in the sandbox)."""
    source = Path(path).read_text(encoding="utf-8")
    module = types.ModuleType(f"reference_{abs(hash(path))}")
    module.__file__ = path
    sys.modules[module.__name__] = module
    exec(compile(source, path, "exec"), module.__dict__)  # noqa: S102 - the grader's own code
    return module


def _param_shape(obj: Any) -> list[list[Any]] | None:
    try:
        target = obj.__init__ if isinstance(obj, type) else obj
        sig = inspect.signature(target)
    except (TypeError, ValueError):
        return None
    return [[p.name, p.kind.name, None if p.default is inspect.Parameter.empty else repr(p.default)]
            for p in sig.parameters.values() if not (isinstance(obj, type) and p.name == "self")]


def _signature_text(params: list[list[Any]] | None) -> str:
    if params is None:
        return "(...)"
    return "(" + ", ".join(name if default is None else f"{name}={default}"
                           for name, _, default in params) + ")"


def check_names(info: dict[str, Any], ref: types.ModuleType, names: list[str]) -> str | None:
    """A message if a required name is missing, or of the wrong kind or base class.

    ``info`` is what the sandbox reported about each name (kind, bases, parameters): data
    only; the reference's side is computed here. Signatures are not compared: a call that
    cannot bind fails the checks that make it (:mod:`grader.sandbox.calls`).
    """
    for name in names:
        want = getattr(ref, name)
        got = info.get(name) if isinstance(info.get(name), dict) else {"kind": "missing"}
        if got.get("kind") == "missing":
            return (f"your file does not define {name!r}; keep the name and signature from the "
                    f"stub: {name}{_signature_text(_param_shape(want))}")
        if isinstance(want, type) and got.get("kind") != "class":
            return f"{name!r} must be a class, but your file defines a {got.get('type', '?')}"
        if not isinstance(want, type) and got.get("kind") not in ("function", "class"):
            return f"{name!r} must be a function, but your file defines a {got.get('type', '?')}"
        if isinstance(want, type):
            bases = [b for b in want.__mro__[1:] if b.__module__ != ref.__name__ and b is not object]
            if bases:
                qualname = f"{bases[0].__module__}.{bases[0].__qualname__}"
                if qualname not in (got.get("bases") or []):
                    return f"class {name} must subclass {qualname}"
    return None


def call_contract(info: dict[str, Any], ref: types.ModuleType,
                  names: list[str]) -> tuple[dict[str, Any], list[str]]:
    """For each required name: (the learner's reported parameters, the stub's signature),
    and notes on harmless differences."""
    from grader.sandbox import calls

    contract: dict[str, Any] = {}
    notes: list[str] = []
    for name in names:
        want = getattr(ref, name)
        try:
            stub = inspect.signature(want)
        except (TypeError, ValueError):
            stub = None
        params = (info.get(name) or {}).get("params")
        contract[name] = (params, stub)
        notes += calls.notes(name, params, stub)
    return contract, notes


def _load_error_message(exc: BaseException, path: str) -> str:
    from grader.sandbox.host import LearnerError, RemoteSystemExit

    line = getattr(exc, "line", None)
    where = f" at {path}:{line}" if line else ""
    if isinstance(exc, RemoteSystemExit):
        return f"your file called sys.exit({exc}) while being imported{where}"
    if isinstance(exc, NotImplementedError):
        return f"your file raised NotImplementedError while being imported{where}"
    name = exc.remote_type if isinstance(exc, LearnerError) else type(exc).__name__
    text = " ".join(f"{name}: {exc}".split())[:400]
    return f"your file could not be imported{where}: {text}"


def _resolve_device(wanted: str) -> str:
    import torch

    if wanted == "auto":
        return "cuda" if torch.cuda.is_available() else "cpu"
    return wanted


def _secret_lines(job: dict[str, Any]) -> set[str]:
    """Lines of the hidden checks and the reference that are not in the public stub."""
    def lines(path: str | None) -> set[str]:
        if not path:
            return set()
        try:
            return {line.strip() for line in Path(path).read_text(encoding="utf-8").splitlines()}
        except OSError:
            return set()

    public = lines(job.get("stub"))
    secret = (lines(job["checks"]) | lines(job["reference"])) - public
    return {line for line in secret if len(line) >= 16}


def grade_job(zygote: Any, job: dict[str, Any], spare: Any = None) -> dict[str, Any]:
    """Grade one job and return the composed result as JSON data.

    ``spare``: a process from :meth:`grader.sandbox.host.Session.prepare`, used when it was
    prepared with this job's settings (and ended otherwise).
    """
    import pytest
    import torch

    from grader import forbid, plugin
    from grader.sandbox.host import ForbiddenAPIError, LearnerError, Remote, SandboxFailure, Session

    start = time.monotonic()
    events: list[dict[str, Any]] = []
    emit = events.append
    path = job["submission"]
    secret = _secret_lines(job)

    def finish(output: str = "") -> dict[str, Any]:
        result = compose(job["exercise"], events, max_score=int(job.get("max_score", 0)),
                         seed=int(job["seed"]), submission=path, ended=None,
                         duration=time.monotonic() - start, output=output,
                         isolation=zygote.isolation)
        return scrub_lines(result, secret).to_json()

    device = _resolve_device(job.get("device", "auto"))
    if device == "cuda" and not torch.cuda.is_available():
        emit({"type": "load_error", "message": "--device cuda was asked for, but torch sees no "
                                               "CUDA device here; use --device cpu"})
        return finish()
    emit({"type": "device", "device": device})
    try:
        source = Path(path).read_text(encoding="utf-8")
        compile(source, path, "exec")  # a syntax check only: nothing is executed here
        hits = forbid.static_scan(source, tuple(job.get("forbidden", ())))
    except SyntaxError as exc:
        where = f"{path}:{exc.lineno}" if exc.lineno else path
        emit({"type": "load_error", "message": f"syntax error at {where}: {exc.msg}"})
        return finish()
    except (RecursionError, MemoryError):
        emit({"type": "load_error", "message": f"{path} is nested too deeply (or is too large) "
                                               "for Python to compile it"})
        return finish()
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        emit({"type": "load_error", "message": f"cannot read {path}: {exc}"})
        return finish()
    try:
        ref = _reference(job["reference"])
    except BaseException as exc:  # noqa: BLE001 - the reference is ours; report, don't crash
        emit({"type": "load_error", "message": f"the grader itself failed: its reference could "
                                               f"not be loaded ({type(exc).__name__}); please "
                                               "report this"})
        return finish()

    session = Session(zygote, source, path, list(job.get("names", ())),
                      list(job.get("forbidden", ())), torch.device(device),
                      float(job["timeout"]), job.get("memory_mb"), spare=spare)
    try:
        info = session.start()
    except ForbiddenAPIError:
        emit({"type": "forbidden", "apis": list(session.forbidden_used)})
        emit({"type": "load_error", "message": "your file calls a forbidden API while being "
                                               "imported: " + ", ".join(session.forbidden_used)})
        return finish(session.close())
    except SandboxFailure as exc:
        emit({"type": "load_error", "message": f"{exc} while your file was being imported"
              if "timed out" not in str(exc) else f"{exc} while your file was being imported"})
        return finish(session.close())
    except LearnerError as exc:
        emit({"type": "load_error", "message": _load_error_message(exc, path)})
        return finish(session.close())
    problem = check_names(info, ref, list(job.get("names", ())))
    if problem:
        emit({"type": "load_error", "message": problem})
        return finish(session.close())
    session.call_contract, notes = call_contract(info, ref, list(job.get("names", ())))
    for note in notes:
        emit({"type": "note", "message": note})
    for hit in hits:
        if hit not in session.forbidden_used:
            session.forbidden_used.append(hit)
    plugin.CONTEXT.clear()
    plugin.CONTEXT.update(sub=Remote(session), ref=ref, device=device, seed=job["seed"],
                          session=session, emit=emit)
    checks = Path(job["checks"])
    args = [str(checks), "-p", "grader.plugin", "--rootdir", str(checks.parent), "-s",
            "-W", "default", *PYTEST_LEAN]
    try:
        pytest.main(args)
    finally:
        output = session.close()
        plugin.CONTEXT.clear()
    emit({"type": "done"})
    return finish(output)


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


def _write(path: str, data: dict[str, Any]) -> None:
    tmp = path + ".tmp"
    Path(tmp).write_text(json.dumps(data), encoding="utf-8")
    os.replace(tmp, path)


def _grade_all(zygote: Any, jobs: list[dict[str, Any]], spare: Any = None) -> None:
    """Grade ``jobs`` in order, each result written as soon as it is known."""
    for job in jobs:
        if job.get("isolation") == "required" and zygote.why_unisolated is not None:
            result = error_result(
                job["exercise"], "not graded: this grade needs the sandbox's isolation, "
                f"which is not available here ({zygote.why_unisolated}); install bubblewrap, "
                "or pass --allow-unisolated to grade trusted code without it",
                max_score=int(job.get("max_score", 0)), seed=int(job["seed"]),
                submission=job["submission"]).to_json()
            result["isolation"] = "none"
            result["infrastructure"] = True
        else:
            marker = Path(job["result"] + ".started")
            marker.write_text(str(os.getpid()), encoding="utf-8")
            try:
                result = grade_job(zygote, job, spare)
            except Exception as exc:  # noqa: BLE001 - one job's failure never ends the batch
                result = error_result(
                    job["exercise"], f"the grader itself failed on this submission "
                    f"({type(exc).__name__}); please report this", max_score=int(
                        job.get("max_score", 0)), seed=int(job["seed"]),
                    submission=job["submission"]).to_json()
                result["isolation"] = zygote.isolation
                result["infrastructure"] = True
        if spare is not None:
            # Used by the job's session (and ended with it), or left: either way gone now,
            # so the zygote is free for the next submission.
            if spare.ended is None:
                spare.kill()
            spare = None
        _write(job["result"], result)
        Path(job["result"] + ".started").unlink(missing_ok=True)


def _die_with_parent() -> None:
    """A forked checker dies with the process that forked it (Linux; elsewhere a no-op)."""
    import ctypes
    import signal

    try:
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL, 0, 0, 0)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


def _preimport() -> None:
    """What every check needs, imported once (while the zygote imports torch)."""
    import pytest  # noqa: F401
    import torch  # noqa: F401

    import grader.asserts  # noqa: F401
    import grader.plugin  # noqa: F401


def _prepare(zygote: Any, job: dict[str, Any]) -> Any:
    """A spare submission process with ``job``'s settings, or None if none can start."""
    import torch

    from grader.sandbox.host import Session

    device = _resolve_device(job.get("device", "auto"))
    if device == "cuda" and not torch.cuda.is_available():
        return None
    try:
        return Session.prepare(zygote, list(job.get("forbidden", ())), torch.device(device),
                               job.get("memory_mb"))
    except Exception:  # noqa: BLE001 - the next job spawns its own process instead
        return None


def serve(reply_fd: int, device: str = "auto") -> int:
    """A warm checker (``learn watch``): jobs arrive one JSON line at a time on stdin.

    torch, pytest and the sandbox zygote are started once; each job is graded like any other
    (a fresh submission process forked from the zygote) and answered by one line, its
    result file's path, on ``reply_fd``. Ends when stdin closes.
    """
    from grader.sandbox.host import Zygote

    # Any exercise may come next: the zygote imports torch.optim's torch._dynamo up front
    # (in the background, while the learner reads) so no re-check pays for it.
    os.environ["LEARN_PREIMPORT_OPTIM"] = "1"
    zygote = Zygote("cpu" if device == "cpu" else "gpu")
    replies = os.fdopen(reply_fd, "w", encoding="utf-8")
    try:
        _preimport()
        zygote._wait_ready()
        replies.write(json.dumps({"ready": True}) + "\n")
        replies.flush()
        spare = None
        for line in sys.stdin:
            job = json.loads(line)
            _grade_all(zygote, [job], spare)
            replies.write(json.dumps({"done": job["result"]}) + "\n")
            replies.flush()
            # The next save is most likely of the same exercise: its process is started and
            # its tripwires armed now, while the learner types.
            spare = _prepare(zygote, job)
    finally:
        zygote.close()
    return 0


def main(argv: list[str] | None = None) -> int:
    """``python -m grader.worker JOBS.json [JOBS.json ...]``.

    With several job lists, torch and pytest are imported once here and one checker is
    forked per list; their submissions come from sibling zygotes of one sandbox (torch
    imported once there too), each sibling with its own /tmp and /dev/shm.
    """
    argv = sys.argv[1:] if argv is None else argv
    if argv and argv[0] == "--collect":
        print(json.dumps({path: collect(path) for path in argv[1:]}))
        return 0
    if argv and argv[0] == "--serve":
        return serve(int(argv[1]), argv[2] if len(argv) > 2 else "auto")
    lists = [json.loads(Path(arg).read_text(encoding="utf-8")) for arg in argv]
    lists = [jobs for jobs in lists if jobs]
    if not lists:
        return 0
    every = [job for jobs in lists for job in jobs]
    checks_text = {Path(job["checks"]).read_text(encoding="utf-8") for job in every}
    if any(re.search(r'torch\.optim|"optimizer"|make_optimizer|fixtures\.training', text)
           for text in checks_text):
        # A first torch optimizer imports torch._dynamo (1-2 s): once in the zygote, not once
        # per submission.
        os.environ["LEARN_PREIMPORT_OPTIM"] = "1"
    from grader.sandbox.host import Zygote, bwrap_available

    wanted = {job.get("device", "auto") for job in every}
    isolate = "off" not in {job.get("isolation", "auto") for job in every}
    kind = "cpu" if wanted == {"cpu"} else "gpu"
    siblings = len(lists) if len(lists) > 1 and isolate and bwrap_available() is None else 0
    zygote = Zygote(kind, isolate=isolate, siblings=siblings)
    try:
        _preimport()
        if len(lists) == 1:
            _grade_all(zygote, lists[0])
            return 0
        children = []
        for index, jobs in enumerate(lists):
            own = zygote.sibling(index) if siblings else None
            pid = os.fork()
            if pid == 0:
                code = 1
                try:
                    _die_with_parent()
                    # The parent's zygote is the parent's: never closed (killed) from here.
                    zygote.proc = None
                    if own is None:
                        own = Zygote(kind, isolate=isolate)
                    try:
                        _grade_all(own, jobs)
                    finally:
                        own.close()
                    code = 0
                finally:
                    os._exit(code)
            if own is not None:
                own.close()
            children.append(pid)
        for pid in children:
            try:
                os.waitpid(pid, 0)
            except ChildProcessError:
                pass
    finally:
        zygote.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
