"""The checker's side of the sandbox: start it, talk to it, and drive learner objects by handle.

The checker never executes learner code. It starts one sandbox *zygote* per batch
(:mod:`grader.sandbox.server`, under bubblewrap when the machine allows it), asks it for a
fresh submission process per submission (and again after a crash or a timeout, so one
failure costs one check), and reaches the learner's functions and objects only through
:class:`Handle` proxies whose calls cross by value (:mod:`grader.sandbox.wire`).

In a hidden check, ``sub`` is a :class:`Remote`::

    out = sub.dropout_layer(X, 0.5)          # X goes by value, out comes back by value
    layer = sub.Dropout(0.5)                 # an object stays in the sandbox: a Handle
    layer.train(); y = layer(X)              # method calls and calls, by value
    state = layer.state_dict()               # a dict of tensors, by value
    r = vjp(sub.dropout_layer, X, 0.5, wrt=[0], cotangent=G)   # r.out, r.grads[0]
    step = make(sub, "grader.sandbox.fixtures.beam:ScriptedStep", table)  # built in the sandbox
    is_instance(layer, "torch.nn.Module")
"""

from __future__ import annotations

import functools
import os
import select
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from grader.sandbox import wire

OUTPUT_KEEP = 16 * 1024
"""Bytes of a submission's printed output kept for the learner."""
REPLY_LIMIT = 512 * 1024 * 1024
"""Largest reply (tensor data) the checker accepts from one call."""
START_TIMEOUT = 120.0


# ---------------------------------------------------------------- failures


class SandboxFailure(Exception):
    """The submission's process ended, hung or sent something unreadable (an ``error``)."""


class SandboxTimeout(SandboxFailure):
    pass


class CheckAuthoringError(Exception):
    """A hidden check tried something the interface does not allow (a grader bug)."""


class LearnerError(Exception):
    """Base of the exceptions that stand for one the learner's code raised in the sandbox.

    Each concrete class also subclasses the builtin exception the learner's exception
    derives from, so ``except ValueError`` in a check works as it would in-process.
    """

    remote_type = "Exception"
    line: int | None = None


class ForbiddenAPIError(BaseException):
    """The learner's code called a forbidden API (reported by the sandbox's tripwires)."""


import builtins as _builtins

_BUILTIN_EXCEPTIONS = {
    name: obj for name, obj in vars(_builtins).items()
    if isinstance(obj, type) and issubclass(obj, Exception) and not name.startswith("_")
}


@functools.lru_cache(maxsize=256)
def _error_class(name: str, base_name: str) -> type[LearnerError]:
    base = _BUILTIN_EXCEPTIONS.get(base_name, Exception)
    bases: tuple[type, ...] = (LearnerError,) if base is Exception else (LearnerError, base)
    try:
        return type(name if name.isidentifier() else "LearnerException", bases,
                    {"remote_type": name, "__module__": "learner"})
    except TypeError:  # an incompatible layout (e.g. OSError subclasses)
        return type(name if name.isidentifier() else "LearnerException", (LearnerError,),
                    {"remote_type": name, "__module__": "learner"})


class RemoteSystemExit(LearnerError):
    remote_type = "SystemExit"


class RemoteInterrupt(LearnerError):
    remote_type = "KeyboardInterrupt"


import re as _re

_NOT_TEXT = _re.compile("[\ud800-\udfff\ufdd0-\ufdef\ufffe\uffff]")


def learner_text(value: Any, limit: int = 2000) -> str:
    """Text that came from the sandbox, fit to put in a message: a str, at most ``limit``
    characters, without what no text file or XML document may hold (lone surrogates,
    noncharacters such as U+FFFF). Control characters stay, for :func:`grader.results.clean`
    to show as escapes."""
    if not isinstance(value, str):
        return ""
    return _NOT_TEXT.sub("\ufffd", value[:limit])


def _raise_remote(info: Any) -> None:
    if not isinstance(info, dict):
        raise SandboxFailure("your code's process sent a malformed error report")
    name = learner_text(info.get("type"), 100) or "Exception"
    message = learner_text(info.get("message"), 2000)
    line = info.get("line") if type(info.get("line")) is int and 0 < info["line"] < 10**7 else None
    if info.get("forbidden") is True:
        raise ForbiddenAPIError(message)
    raw_bases = info.get("bases")
    bases = [b for b in raw_bases[:40] if isinstance(b, str)] if isinstance(raw_bases, list) else []
    if name == "SystemExit" or "SystemExit" in bases:
        exc: LearnerError = RemoteSystemExit(message)
    elif "KeyboardInterrupt" in bases:
        exc = RemoteInterrupt(message)
    else:
        exc = _learner_exception(name, [b for b in bases if b in _BUILTIN_EXCEPTIONS], message)
    exc.line = line
    raise exc


def _learner_exception(name: str, bases: list[str], message: str) -> LearnerError:
    """The checker-side stand-in: the first of ``bases`` (most derived first) whose class can
    be built from a message alone (not UnicodeDecodeError or ExceptionGroup, say)."""
    for base in bases + ["Exception"]:
        try:
            exc = _error_class(name, base)(message)
            str(exc)
        except Exception:  # noqa: BLE001 - a base that needs other arguments
            continue
        return exc
    return LearnerError(message)


# ---------------------------------------------------------------- starting the zygote


def _python_roots() -> list[str]:
    roots = {os.path.realpath(sys.base_prefix), os.path.realpath(sys.prefix),
             os.path.realpath(sys.exec_prefix)}
    return sorted(roots)


def _public_grader_paths() -> tuple[Path, list[Path]]:
    """The grader package, and the files of it the sandbox may see (all public)."""
    package = Path(__file__).resolve().parent.parent
    public = [package / "__init__.py", package / "forbid.py", package / "sandbox",
              package / "pretrained"]
    return package, [p for p in public if p.exists()]


def _hidden_paths(package: Path, bound: list[str]) -> list[str]:
    """Folders under the bound roots that the sandbox must not see: every other copy of the
    grader package (an editable install copies the reference solutions into
    ``site-packages/grader/_content``) and the course content that is not public (the
    reference solutions, the quizzes' answers), wherever they live."""
    import site

    candidates: list[Path] = []
    entries = set(sys.path) | set(site.getsitepackages())
    try:
        entries.add(site.getusersitepackages())
    except AttributeError:
        pass
    for entry in sorted(entries):
        if entry and os.path.isdir(os.path.join(entry, "grader")):
            candidates.append(Path(entry, "grader"))
    try:
        from grader.catalog import content_root

        root = content_root()
        candidates += [root / "solutions", root / "quizzes"]
    except Exception:  # noqa: BLE001 - no catalog: nothing more to hide
        pass
    candidates += [package.parent / "solutions", package.parent / "quizzes"]
    hidden = []
    for path in candidates:
        real = os.path.realpath(path)
        if real == str(package) or not os.path.isdir(real) or real in hidden:
            continue
        if any(real == b or real.startswith(b.rstrip("/") + "/") for b in bound):
            hidden.append(real)
    return hidden


@functools.lru_cache(maxsize=1)
def bwrap_available() -> str | None:
    """Why namespaces cannot be used here, or None when they can."""
    if os.environ.get("LEARN_NO_SANDBOX"):
        return "LEARN_NO_SANDBOX is set"
    if not sys.platform.startswith("linux"):
        return f"no Linux namespaces on {sys.platform}"
    bwrap = shutil.which("bwrap")
    if bwrap is None:
        return "bubblewrap (bwrap) is not installed"
    try:
        proc = subprocess.run([bwrap, "--ro-bind", "/", "/", "--unshare-all", "--die-with-parent",
                               "--proc", "/proc", "--dev", "/dev", "true"],
                              capture_output=True, timeout=20, check=False)
    except (OSError, subprocess.TimeoutExpired) as exc:
        return f"bubblewrap could not start ({exc})"
    if proc.returncode != 0:
        return "bubblewrap cannot create namespaces here (" + \
            proc.stderr.decode("utf-8", "replace").strip()[:200] + ")"
    return None


def _top_dirs_under_tmp(paths: list[str]) -> list[str]:
    """``/tmp/<name>`` for each path that lies under /tmp (the sandbox has its own /tmp)."""
    found = set()
    for path in paths:
        parts = Path(os.path.realpath(path)).parts
        if len(parts) > 2 and parts[:2] == ("/", "tmp"):
            found.add(f"/tmp/{parts[2]}")
    return sorted(found)


def _bwrap_command(ctl_fd: int, device: str, tmp_bytes: int, siblings: int = 0) -> list[str]:
    package, public = _public_grader_paths()
    cmd = ["bwrap", "--die-with-parent", "--unshare-all", "--new-session", "--proc", "/proc",
           "--dev", "/dev", "--size", str(tmp_bytes // 2), "--tmpfs", "/dev/shm",
           "--size", str(tmp_bytes), "--tmpfs", "/tmp"]
    # A checkout or a Python under /tmp (a CI clone, say) is bound back into the sandbox's
    # own /tmp; the folders that hold it are read-only tmpfs, so nothing can be planted next
    # to the package (its parent is on sys.path) for a later submission to import.
    under_tmp = _top_dirs_under_tmp([str(package)] + _python_roots())
    for path in under_tmp:
        cmd += ["--tmpfs", path]
    # Kernel knobs under /proc stay read-only even where the sandbox's user is root outside.
    for path in ("/proc/sys", "/proc/irq", "/proc/bus", "/proc/fs", "/proc/sysrq-trigger"):
        cmd += ["--ro-bind-try", path, path]
    system = ("/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32",
              "/etc/ld.so.cache", "/etc/ld.so.conf", "/etc/ld.so.conf.d", "/etc/alternatives",
              "/etc/localtime")
    for path in system:
        cmd += ["--ro-bind-try", path, path]
    for root in _python_roots():
        cmd += ["--ro-bind", root, root]
    bound = [os.path.realpath(p) for p in system if os.path.exists(p)] + _python_roots()
    for path in _hidden_paths(package, bound):
        cmd += ["--tmpfs", path, "--remount-ro", path]
    # The grader package: nothing of it but the public parts (no hidden checks, no reference,
    # no course content in an installed package).
    cmd += ["--tmpfs", str(package)]
    for path in public:
        cmd += ["--ro-bind", str(path), str(path)]
    cmd += ["--remount-ro", str(package)]
    for path in under_tmp:
        cmd += ["--remount-ro", path]
    cmd += ["--perms", "0700", "--dir", "/tmp/work"]
    # Scratch space for sibling zygotes (:meth:`Zygote.sibling`): each binds its own over
    # /tmp and /dev/shm and covers /.learn (server._private_scratch).
    for k in range(siblings):
        cmd += ["--size", str(tmp_bytes), "--tmpfs", f"/.learn/{k}/tmp",
                "--size", str(tmp_bytes // 2), "--tmpfs", f"/.learn/{k}/shm"]
    if device != "cpu":
        for entry in sorted(Path("/dev").glob("nvidia*")):
            cmd += ["--dev-bind", str(entry), str(entry)]
        for path in ("/dev/dri", "/sys", "/etc/nvidia", "/usr/share/nvidia"):
            if os.path.exists(path):
                cmd += ["--ro-bind-try" if path != "/dev/dri" else "--dev-bind-try", path, path]
    # Writable: /tmp and /dev/shm only, both of bounded size (tmpfs is memory that no
    # process's RSS shows) and wiped by the zygote between submissions. The root and /dev
    # (tmpfs of bubblewrap's, unbounded) are read-only.
    cmd += ["--remount-ro", "/dev", "--remount-ro", "/", "--chdir", "/tmp/work", "--clearenv"]
    env = _sandbox_env(str(package.parent), "/tmp/work")
    env["LEARN_SANDBOX_KEEP"] = os.pathsep.join(under_tmp)
    for key, value in env.items():
        cmd += ["--setenv", key, value]
    cmd += [sys.executable, "-s", "-B", "-m", "grader.sandbox.server", str(ctl_fd), "isolated"]
    return cmd


def _sandbox_env(pythonpath: str, home: str) -> dict[str, str]:
    env = {"PATH": "/usr/local/bin:/usr/bin:/bin", "HOME": home, "TMPDIR": home,
           "PYTHONPATH": pythonpath, "PYTHONDONTWRITEBYTECODE": "1", "LANG": "C.UTF-8",
           "LEARN_SANDBOX_TMP": home, "PYTHONHASHSEED": "0"}
    for key in ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "CUDA_VISIBLE_DEVICES",
                "LEARN_PREIMPORT_OPTIM", "LD_LIBRARY_PATH"):
        if key in os.environ:
            env[key] = os.environ[key]
    env.setdefault("OMP_NUM_THREADS", "1")
    return env


class Zygote:
    """One sandbox zygote (torch imported once); submissions are forked from it one at a time."""

    def __init__(self, device: str = "cpu", *, isolate: bool = True,
                 tmp_bytes: int = 512 * 1024 * 1024, siblings: int = 0) -> None:
        self.device = device
        self.tmp_bytes = tmp_bytes
        self.siblings = siblings
        self._is_sibling = False
        self.why_unisolated = None if isolate else "isolation was switched off"
        if isolate:
            self.why_unisolated = bwrap_available()
        self.isolation = ("namespaces (bubblewrap: user, pid, mount, net, ipc; only Python and "
                          "the public grader files visible)") if self.why_unisolated is None \
            else "none"
        self.proc: subprocess.Popen[bytes] | None = None
        self.ctl: socket.socket | None = None
        self._workdir: str | None = None
        self._ready = False
        self.start()

    def start(self) -> None:
        parent, child = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
        if self.why_unisolated is None:
            cmd = _bwrap_command(child.fileno(), self.device, self.tmp_bytes, self.siblings)
            env = None
            cwd = None
        else:
            self._workdir = tempfile.mkdtemp(prefix="learn-sandbox-")
            package, _ = _public_grader_paths()
            env = dict(os.environ, **_sandbox_env(str(package.parent), self._workdir))
            cmd = [sys.executable, "-s", "-B", "-m", "grader.sandbox.server", str(child.fileno())]
            cwd = self._workdir
        self.proc = subprocess.Popen(cmd, pass_fds=(child.fileno(),), stdin=subprocess.DEVNULL,
                                     stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env,
                                     cwd=cwd, start_new_session=True)
        child.close()
        self.ctl = parent
        self._ready = False

    def _wait_ready(self) -> None:
        if self._ready:
            return
        assert self.ctl is not None
        try:
            message, _, _ = wire.recv_frame(self.ctl, time.monotonic() + START_TIMEOUT)
        except wire.WireError as exc:
            detail = self._stderr_tail()
            raise RuntimeError(f"the sandbox did not start ({exc}): {detail}") from None
        if not isinstance(message, dict) or not message.get("ready"):
            raise RuntimeError("the sandbox sent a malformed greeting")
        self._ready = True

    def _stderr_tail(self) -> str:
        if self.proc is None or self.proc.stderr is None:
            return ""
        if self.proc.poll() is None:
            return "(still running)"
        return self.proc.stderr.read()[-500:].decode("utf-8", "replace").strip()

    def alive(self) -> bool:
        if self._is_sibling:
            return self.ctl is not None
        return self.proc is not None and self.proc.poll() is None

    def restart(self) -> None:
        self.close()
        # A broken sibling is replaced by a zygote of its own (a sandbox of its own).
        self._is_sibling = False
        self.siblings = 0
        self.start()

    def sibling(self, index: int) -> "Zygote":
        """A second zygote forked from this one (torch already imported) in the same
        sandbox, with its own /tmp and /dev/shm, for another checker to use at the same
        time. Only for an isolated zygote started with ``siblings`` > ``index``; the
        returned object belongs to the caller (a forked checker) and never to this one.
        """
        if self.why_unisolated is not None or not 0 <= index < self.siblings:
            raise ValueError("siblings need an isolated zygote started with enough of them")
        assert self.ctl is not None
        self._wait_ready()
        mine, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
        wire.send_frame(self.ctl, {"op": "fork", "index": index}, fds=[theirs.fileno()])
        theirs.close()
        other = Zygote.__new__(Zygote)
        other.__dict__.update(self.__dict__)
        other.proc, other.ctl, other._workdir, other._ready = None, mine, None, False
        other._is_sibling = True
        return other

    def spawn(self, config: dict[str, Any]) -> "Process":
        """A fresh submission process (restarting the zygote if a submission broke it)."""
        for attempt in range(2):
            try:
                if not self.alive():
                    raise wire.PeerClosed("zygote gone")
                self._wait_ready()
                assert self.ctl is not None
                conn, conn_child = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
                out, out_child = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
                wire.send_frame(self.ctl, {"op": "spawn", "config": config},
                                fds=[conn_child.fileno(), out_child.fileno()])
                conn_child.close()
                out_child.close()
                message, _, _ = wire.recv_frame(self.ctl, time.monotonic() + 30)
                if not isinstance(message, dict) or not message.get("spawned"):
                    raise wire.WireError("no spawn confirmation")
                return Process(self, conn, out)
            except (wire.WireError, OSError):
                if attempt:
                    raise
                self.restart()
        raise AssertionError("unreachable")

    def close(self) -> None:
        if self.ctl is not None:
            try:
                self.ctl.close()
            except OSError:
                pass
            self.ctl = None
        if self.proc is not None:
            if self.proc.poll() is None:
                try:
                    os.killpg(self.proc.pid, 9)
                except (ProcessLookupError, PermissionError):
                    self.proc.kill()
            self.proc.wait()
            if self.proc.stderr is not None:
                self.proc.stderr.close()
            self.proc = None
        if self._workdir:
            shutil.rmtree(self._workdir, ignore_errors=True)
            self._workdir = None


class _Drain:
    """Reads a submission's printed output so it never blocks; keeps only the head."""

    def __init__(self, sock: socket.socket) -> None:
        self.sock = sock
        self.head = bytearray()
        self.total = 0
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self) -> None:
        while True:
            try:
                chunk = self.sock.recv(65536)
            except OSError:
                break
            if not chunk:
                break
            self.total += len(chunk)
            if len(self.head) < OUTPUT_KEEP:
                self.head += chunk[: OUTPUT_KEEP - len(self.head)]

    def text(self) -> str:
        self.thread.join(timeout=1.0)
        text = learner_text(bytes(self.head).decode("utf-8", "replace"), OUTPUT_KEEP)
        if self.total > len(self.head):
            text += f"\n[... {self.total - len(self.head)} more bytes of output not shown]"
        return text


class Process:
    """One submission process in the zygote: requests, replies, and how it ended."""

    def __init__(self, zygote: Zygote, conn: socket.socket, out: socket.socket) -> None:
        self.zygote = zygote
        self.conn = conn
        self.out = _Drain(out)
        self.seq = 0
        self.ended: dict[str, Any] | None = None
        self.prepared_for: tuple[Any, ...] | None = None

    def post(self, message: dict[str, Any]) -> None:
        """Send a request whose reply nobody waits for (the next request skips it)."""
        self.seq += 1
        try:
            wire.send_frame(self.conn, dict(message, seq=self.seq))
        except OSError:
            self.kill()

    def request(self, message: dict[str, Any], blobs: list[bytes], deadline: float) -> Any:
        self.seq += 1
        message = dict(message, seq=self.seq)
        try:
            wire.send_frame(self.conn, message, blobs)
            while True:
                reply, data, _ = wire.recv_frame(self.conn, deadline, max_blobs=REPLY_LIMIT)
                if not isinstance(reply, dict):
                    raise wire.WireError("a reply that is not an object")
                if type(reply.get("seq")) is int and reply["seq"] == self.seq:
                    return reply, data
                if type(reply.get("seq")) is not int or reply["seq"] > self.seq:
                    raise wire.WireError("a reply to a request that was never made")
        except wire.PeerTimeout:
            self.kill()
            raise
        except (wire.WireError, OSError):
            self.kill()
            raise

    def kill(self) -> dict[str, Any]:
        """Stop the process tree (if still running) and return how it ended."""
        if self.ended is not None:
            return self.ended
        alive = self._alive_hint()
        try:
            self.conn.close()
        except OSError:
            pass
        report: dict[str, Any] = {"reason": "lost"}
        ctl = self.zygote.ctl
        if ctl is not None and self.zygote.alive():
            try:
                # A process that ended by itself has its report on the way: take it before
                # asking for a kill, so "exit code 0" is not reported as "killed".
                ready, _, _ = select.select([ctl], [], [], 0.0 if alive else 2.0)
                if not ready:
                    wire.send_frame(ctl, {"op": "kill"})
                deadline = time.monotonic() + 10
                while True:
                    message, _, _ = wire.recv_frame(ctl, deadline)
                    if isinstance(message, dict) and "exited" in message:
                        if isinstance(message["exited"], dict):
                            report = message["exited"]
                        break
            except (wire.WireError, OSError):
                self.zygote.restart()
        else:
            self.zygote.restart()
        self.ended = report
        return report

    def _alive_hint(self) -> bool:
        """True unless the request socket says the process has gone (EOF)."""
        try:
            ready, _, _ = select.select([self.conn], [], [], 0)
            if ready:
                return bool(self.conn.recv(1, socket.MSG_PEEK))
        except OSError:
            return False
        return True

    def describe_end(self, killed_by_us: bool = False) -> str:
        report = self.kill()
        if report.get("reason") == "memory":
            return "your code used more memory than the exercise allows"
        if report.get("reason") == "processes":
            return "your code started more processes than the exercise allows"
        if killed_by_us:
            return ""
        sig = report.get("signal")
        if type(sig) is int:
            import signal as _signal

            name = _signal.Signals(sig).name if sig in _signal.Signals._value2member_map_ else str(sig)
            meaning = {"SIGSEGV": "a segmentation fault", "SIGKILL": "killed (out of memory?)",
                       "SIGABRT": "aborted", "SIGXCPU": "CPU time limit", "SIGBUS": "a bus error",
                       "SIGFPE": "a floating-point exception"}.get(name, name)
            return f"your code crashed its process ({meaning})"
        code = report.get("code")
        if type(code) is int:
            return f"your code ended its process (exit code {code}: sys.exit or os._exit?)"
        return "your code's process was lost"


# ---------------------------------------------------------------- sessions and handles


@dataclass
class Session:
    """Grading one submission: its process (respawned after a failure) and deadline."""

    zygote: Zygote
    source: str
    filename: str
    names: list[str]
    forbidden: list[str]
    device: Any
    timeout: float
    memory_mb: int | None = 4096
    process: Process | None = None
    generation: int = 0
    deadline: float = 0.0
    forbidden_used: list[str] = field(default_factory=list)
    outputs: list[str] = field(default_factory=list)
    load_info: dict[str, Any] | None = None
    timed_out: bool = False
    modified_inputs: list[str] = field(default_factory=list)
    modified_ids: set[int] = field(default_factory=set)
    """One entry per request whose in-place changes were written back into the checker's
    tensors (what was called). A check that computes its expectation from an argument after
    the call would see the learner's change: compute it from a copy taken before."""

    spare: Process | None = None
    """A process from :meth:`prepare` with these settings: the first start uses it."""
    reseed: int | None = None
    """A seed for the sandbox's global generators, sent with the next request."""

    def __post_init__(self) -> None:
        self.deadline = time.monotonic() + self.timeout

    # -- lifecycle
    @staticmethod
    def _config(memory_mb: int | None, device: Any) -> dict[str, Any]:
        return {"memory_mb": memory_mb, "cuda": device.type == "cuda", "processes": 64}

    @classmethod
    def prepare(cls, zygote: Zygote, forbidden: list[str], device: Any,
                memory_mb: int | None = 4096) -> Process:
        """A submission process started ahead of time, its tripwires already armed, that
        has run no learner code: a later Session with the same settings gets it as its
        ``spare`` (``learn watch`` prepares the next save's process while the learner types).
        """
        process = zygote.spawn(cls._config(memory_mb, device))
        process.post({"op": "prepare", "forbidden": list(forbidden), "device": str(device)})
        process.prepared_for = (tuple(forbidden), str(device), memory_mb)
        return process

    def start(self) -> dict[str, Any]:
        """Spawn and load the submission; the names' descriptions, or raise what it raised."""
        spare, self.spare = self.spare, None
        settings = (tuple(self.forbidden), str(self.device), self.memory_mb)
        if (spare is not None and spare.ended is None and spare.zygote is self.zygote
                and spare.prepared_for == settings and spare._alive_hint()):
            self.process = spare
        else:
            if spare is not None:
                spare.kill()
            self.process = self.zygote.spawn(self._config(self.memory_mb, self.device))
        self.generation += 1
        reply = self._raw({"op": "load", "source": self.source, "filename": self.filename,
                           "names": self.names, "forbidden": self.forbidden,
                           "device": str(self.device)}, [])
        if not isinstance(reply, dict):
            self.process.kill()
            raise SandboxFailure("your code's process sent a malformed load report")
        info = {name: _name_info(reply.get(name)) for name in self.names}
        self.load_info = info
        return info

    def ensure(self) -> None:
        """Before a check: a live process (a fresh one if the last check killed it)."""
        if self.process is not None and self.process.ended is None:
            return
        if self.process is not None:
            self.outputs.append(self.process.out.text())
        if time.monotonic() >= self.deadline:
            raise SandboxTimeout(f"not run: the time limit of {self.timeout:g} s for the "
                                 "exercise was used up")
        self.start()

    def seed(self, value: int) -> None:
        """Seed the sandbox's global generators (torch, random, numpy) before the next
        request runs any learner code: the seed travels with that request, not in a round
        trip of its own (a check that never calls into the sandbox needs none)."""
        self.reseed = int(value)

    def close(self) -> str:
        """End the process; the head of everything it printed."""
        if self.process is not None:
            self.process.kill()
            self.outputs.append(self.process.out.text())
            self.process = None
        text = "".join(t for t in self.outputs if t)
        return text[:OUTPUT_KEEP * 2]

    # -- requests
    def _raw(self, message: dict[str, Any], blobs: list[bytes],
             write_back: Callable[[list[tuple[int, Any]]], None] | None = None,
             accept: Callable[[dict[str, Any], memoryview], Any] | None = None) -> Any:
        """Send one request; the reply's value, or raise what the learner's code raised.

        Whatever the reply holds, this raises nothing but :class:`SandboxFailure` (the reply
        was unreadable; the process is then killed), a :class:`LearnerError`,
        :class:`ForbiddenAPIError` or :class:`CheckAuthoringError`: a malformed reply never
        surfaces as a ``ValueError`` or ``TypeError`` a check could take for the learner's.
        """
        if self.process is None or self.process.ended is not None:
            raise SandboxFailure("your code's process is gone (an earlier call ended it)")
        process = self.process
        if self.reseed is not None:
            message = dict(message, reseed=self.reseed)
            self.reseed = None
        try:
            reply, data = process.request(message, blobs, self.deadline)
        except wire.PeerTimeout:
            self.timed_out = True
            end = process.describe_end(killed_by_us=True)
            raise SandboxTimeout(end or f"timed out after {self.timeout:g} s (an endless loop, "
                                        "or far too slow)") from None
        except wire.PeerClosed:
            raise SandboxFailure(process.describe_end()) from None
        except wire.WireError as exc:
            end = process.describe_end(killed_by_us=True)
            raise SandboxFailure(end or f"your code's process sent something the grader cannot "
                                        f"read ({exc})") from None
        try:
            if accept is not None:
                return accept(reply, data)
            return self._accept(reply, data, write_back)
        except LearnerError:
            raise
        except (SandboxFailure, CheckAuthoringError):
            process.kill()
            raise
        except (Exception, RecursionError) as exc:  # noqa: BLE001 - a hostile reply
            process.kill()
            detail = str(exc) if isinstance(exc, wire.WireError) else type(exc).__name__
            raise SandboxFailure(f"your code's process sent something the grader cannot read "
                                 f"({learner_text(detail, 200)})") from None

    def _accept(self, reply: dict[str, Any], data: memoryview,
                write_back: Callable[[list[tuple[int, Any]]], None] | None) -> Any:
        self._note_forbidden(reply)
        if reply.get("ok") is not True:
            _raise_remote(reply.get("exc"))
        decoder = wire.Decoder(data, on_handle=self._handle, device=self.device)
        value = decoder.decode(reply.get("value"))
        mutated = self._mutated(decoder, reply.get("mutated", []))
        if mutated and write_back is not None:
            write_back(mutated)
        return value

    def _note_forbidden(self, reply: dict[str, Any]) -> None:
        forbidden = reply.get("forbidden")
        for api in forbidden[:1000] if isinstance(forbidden, list) else []:
            if isinstance(api, str) and api in self.forbidden and api not in self.forbidden_used:
                self.forbidden_used.append(api)

    @staticmethod
    def _mutated(decoder: wire.Decoder, changes: Any) -> list[tuple[int, Any]]:
        import torch

        if not isinstance(changes, list):
            raise wire.WireError("a malformed report of changed arguments")
        mutated = []
        for change in changes:
            if not (isinstance(change, list) and len(change) == 2 and type(change[0]) is int):
                raise wire.WireError("a malformed report of changed arguments")
            new = decoder.decode(change[1])
            if type(new) is not torch.Tensor and type(new).__name__ != "ndarray":
                raise wire.WireError("a changed argument that is not a tensor or an array")
            mutated.append((change[0], new))
        return mutated

    def _handle(self, info: dict[str, Any]) -> "Handle":
        ident = info.get("id")
        if type(ident) is not int:
            raise wire.WireError("a malformed handle")
        mro = info.get("mro")
        clean: dict[str, Any] = {
            "id": ident, "type": learner_text(info.get("type"), 200),
            "mro": [learner_text(m, 200) for m in mro[:64] if isinstance(m, str)]
            if isinstance(mro, list) else [],
            "callable": info.get("callable") is True}
        if isinstance(info.get("class"), str):
            clean["class"] = learner_text(info["class"], 200)
        return Handle(self, {"$ref": ident}, clean, self.generation)

    def request(self, op: str, target: Any = None, *, sent: tuple[Any, ...] = (),
                **fields: Any) -> Any:
        encoder = wire.Encoder(self._encode_object)
        message: dict[str, Any] = {"op": op}
        if target is not None:
            message["target"] = encoder.encode(target)
        for key, value in fields.items():
            message[key] = encoder.encode(value) if key in ("args", "kwargs", "value", "key",
                                                            "cotangent") else value
        def write_back(mutated: list[tuple[int, Any]]) -> None:
            changed = self._changed_inputs(encoder, sent, mutated)
            if changed:
                name = target._learn_target.get("$name") if isinstance(target, Handle) else None
                self.modified_inputs.append(f"{op} {name or repr(target)}")
                self.modified_ids.update(id(obj) for obj in changed)

        return self._raw(message, encoder.blobs, write_back)

    def request_each(self, target: "Handle",
                     calls: list[tuple[tuple[Any, ...], dict[str, Any]]]) -> list["Outcome"]:
        """Several calls of ``target`` in one round trip (see :func:`call_each`)."""
        encoder = wire.Encoder(self._encode_object)
        message: dict[str, Any] = {
            "op": "calls", "target": encoder.encode(target),
            "calls": [[encoder.encode(args), encoder.encode(kwargs)] for args, kwargs in calls]}
        name = target._learn_target.get("$name")

        def accept(reply: dict[str, Any], data: memoryview) -> list[Outcome]:
            self._note_forbidden(reply)
            if reply.get("ok") is not True:
                _raise_remote(reply.get("exc"))
            items = reply.get("value")
            if not isinstance(items, list) or len(items) != len(calls):
                raise wire.WireError("a malformed reply to several calls")
            decoder = wire.Decoder(data, on_handle=self._handle, device=self.device)
            outcomes = []
            for item, sent in zip(items, calls):
                if not isinstance(item, dict):
                    raise wire.WireError("a malformed reply to several calls")
                if item.get("ok") is not True:
                    try:
                        _raise_remote(item.get("exc"))
                    except (LearnerError, ForbiddenAPIError) as exc:
                        outcomes.append(Outcome(error=exc))
                    continue
                value = decoder.decode(item.get("value"))
                mutated = self._mutated(decoder, item.get("mutated", []))
                changed = self._changed_inputs(encoder, sent, mutated) if mutated else []
                if changed:
                    self.modified_inputs.append(f"call {name or repr(target)}")
                    self.modified_ids.update(id(obj) for obj in changed)
                outcomes.append(Outcome(value))
            return outcomes

        return self._raw(message, encoder.blobs, accept=accept)

    @staticmethod
    def _changed_inputs(encoder: wire.Encoder, sent: tuple[Any, ...],
                        mutated: list[tuple[int, Any]]) -> list[Any]:
        """The checker's tensors whose sandbox copies the learner's code changed in place.

        They are recorded, never written back: the checker's inputs keep their values, so an
        expectation computed from an input after the call cannot be moved by the learner's
        code (``grader.asserts.assert_unchanged`` reads the record).
        """
        by_id = {wire_id: obj for obj in _tensors_in(sent)
                 for key, wire_id in encoder._seen.items() if key == id(obj)}
        return [by_id[wire_id] for wire_id, _ in mutated if wire_id in by_id]

    def was_modified(self, tensor: Any) -> bool:
        """Whether a call changed (its sandbox copy of) this checker tensor in place."""
        return id(tensor) in self.modified_ids

    def _encode_object(self, obj: Any) -> Any:
        if isinstance(obj, Handle):
            if obj._learn_generation not in (0, self.generation):
                raise SandboxFailure("a result from your code's earlier process was used after "
                                     "that process ended")
            return obj._learn_target
        raise CheckAuthoringError(f"a {type(obj).__name__} cannot be sent to the sandbox: only "
                                  "data crosses; build objects there with make()")


_NAME_KINDS = ("missing", "class", "function", "other")


def _name_info(entry: Any) -> dict[str, Any]:
    """What the sandbox said about one required name, reduced to the fields and types the
    checker reads (kind, type, bases, params), whatever else the reply held."""
    if not isinstance(entry, dict):
        return {"kind": "missing"}
    kind = entry.get("kind")
    info: dict[str, Any] = {"kind": kind if kind in _NAME_KINDS else "other",
                            "type": learner_text(entry.get("type"), 100)}
    bases = entry.get("bases")
    if isinstance(bases, list):
        info["bases"] = [learner_text(b, 300) for b in bases[:64] if isinstance(b, str)]
    params = entry.get("params")
    if (isinstance(params, list) and len(params) <= 256
            and all(isinstance(p, list) and len(p) == 3 and isinstance(p[0], str)
                    and isinstance(p[1], str) and (p[2] is None or isinstance(p[2], str))
                    for p in params)):
        info["params"] = [[learner_text(n, 200), learner_text(k, 40),
                           None if d is None else learner_text(d, 200)] for n, k, d in params]
    else:
        info["params"] = None
    return info


def _tensors_in(values: Any, depth: int = 0) -> list[Any]:
    import torch

    found = []
    if depth > 20:
        return found
    if isinstance(values, torch.Tensor) or type(values).__name__ == "ndarray":
        return [values]
    if isinstance(values, (list, tuple)):
        for v in values:
            found += _tensors_in(v, depth + 1)
    elif isinstance(values, dict):
        for v in values.values():
            found += _tensors_in(v, depth + 1)
    return found


_FORWARDED_DUNDERS = frozenset({"__name__", "__qualname__", "__doc__", "__module__", "__dict__"})
"""Special attributes a check may read from a handle (plain data, or handles)."""


def _check_bind(handle: "Handle", args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
    """A call of a required top-level name must bind to the learner's signature (checked
    here, in the checker, from the signature the sandbox reported)."""
    name = handle._learn_target.get("$name")
    contract = getattr(handle._learn_session, "call_contract", None)
    if name and contract and name in contract:
        from grader.sandbox.calls import check_bind

        params, stub = contract[name]
        check_bind(name, params, args, kwargs, stub)


class Handle:
    """A learner object (or top-level name) that stays in the sandbox.

    Calling it, calling its methods, reading and setting attributes, indexing and ``len``
    all cross by value. Attribute reads return plain values when the attribute is data, or
    another handle (a method, a submodule).
    """

    __slots__ = ("_learn_session", "_learn_target", "_learn_info", "_learn_generation")

    def __init__(self, session: Session, target: dict[str, Any], info: dict[str, Any] | None,
                 generation: int) -> None:
        object.__setattr__(self, "_learn_session", session)
        object.__setattr__(self, "_learn_target", target)
        object.__setattr__(self, "_learn_info", info)
        object.__setattr__(self, "_learn_generation", generation)

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        _check_bind(self, args, kwargs)
        return self._learn_session.request("call", self, args=args, kwargs=kwargs,
                                           sent=(args, kwargs))

    def __getattr__(self, name: str) -> Any:
        # Special names are protocol hooks (numpy's __array_interface__, torch's
        # __torch_function__, copy's __deepcopy__, os.fspath's __fspath__, ...): whatever the
        # sandbox answered would steer the checker's own code, so they are never forwarded.
        if name.startswith("_learn_") or (name.startswith("__") and name.endswith("__")
                                          and name not in _FORWARDED_DUNDERS):
            raise AttributeError(name)
        return self._learn_session.request("getattr", self, name=name)

    def __setattr__(self, name: str, value: Any) -> None:
        self._learn_session.request("setattr", self, name=name, value=value)

    def __getitem__(self, key: Any) -> Any:
        return self._learn_session.request("getitem", self, key=key)

    def __len__(self) -> int:
        value = self._learn_session.request("len", self)
        if type(value) is not int or value < 0:
            raise TypeError("len() of your object is not a non-negative integer")
        return value

    def __iter__(self) -> Any:
        value = self._learn_session.request("list", self)
        if not isinstance(value, list):
            raise TypeError("your object could not be iterated")
        return iter(value)

    def __repr__(self) -> str:
        info = self._learn_info or {}
        kind = info.get("type") or self._learn_target.get("$name", "object")
        return f"<your {str(kind).rsplit('.', 1)[-1]}>"

    def __bool__(self) -> bool:
        return True


class Remote:
    """The ``sub`` fixture: the learner's module, by name."""

    def __init__(self, session: Session) -> None:
        self._learn_session = session

    def __getattr__(self, name: str) -> Handle:
        if name.startswith("_"):
            raise AttributeError(name)
        return Handle(self._learn_session, {"$name": name}, None, 0)


def session_of(value: Any) -> Session:
    if isinstance(value, (Remote, Handle)):
        return value._learn_session
    raise CheckAuthoringError("expected the `sub` fixture or a handle from it")


def type_info(handle: Handle) -> dict[str, Any]:
    """What the sandbox says the object is (type, mro, callable)."""
    if handle._learn_info is None or "mro" not in handle._learn_info:
        value = handle._learn_session.request("getattr", handle, name="__class__")
        info = value._learn_info if isinstance(value, Handle) else {}
        mro = list(info.get("mro", [])) if info else []
        cls = str(info.get("class", "")) if info else ""
        object.__setattr__(handle, "_learn_info", {"type": cls, "mro": [cls] + mro[1:] if cls else mro})
    return handle._learn_info or {}


def is_instance(value: Any, qualname: str) -> bool:
    """Whether a handle's object is an instance of ``qualname`` (e.g. ``torch.nn.Module``)."""
    if not isinstance(value, Handle):
        return False
    aliases = {"torch.nn.Module": "torch.nn.modules.module.Module",
               "torch.optim.Optimizer": "torch.optim.optimizer.Optimizer"}
    wanted = aliases.get(qualname, qualname)
    info = type_info(value)
    return wanted in info.get("mro", [])


def make(sub: Any, factory: str, *args: Any, **kwargs: Any) -> Any:
    """Build an object in the sandbox with a public fixture, ``"module:function"``.

    The module must be under :mod:`grader.sandbox.fixtures` (or :mod:`grader.pretrained`);
    the checker can build the same object locally from the same code and seed to compare.
    """
    session = session_of(sub)
    return session.request("make", factory=factory, args=args, kwargs=kwargs)


@dataclass(frozen=True)
class VJP:
    out: Any
    grads: list[Any]
    params: dict[str, Any]


def vjp(fn: Handle, *args: Any, wrt: tuple[Any, ...] | list[Any] = (0,), cotangent: Any = None,
        cotangent_seed: int | None = None, params: bool = False, **kwargs: Any) -> VJP:
    """Call ``fn(*args, **kwargs)`` in the sandbox and backpropagate a cotangent.

    ``wrt``: positions (ints) or keyword names of the tensor arguments to differentiate.
    ``cotangent``: a tensor of the output's shape, or ``cotangent_seed`` to let both sides
    build :func:`grader.sandbox.wire.cotangent_like` of whatever shape the output has.
    ``params``: also return the gradients of a module's parameters (by name).
    ``out.requires_grad`` is False (and every gradient None) when the output is not
    connected to the autograd graph.
    """
    session = session_of(fn)
    extra: dict[str, Any] = {"wrt": list(wrt), "params": bool(params)}
    if cotangent is not None:
        extra["cotangent"] = cotangent
    elif cotangent_seed is not None:
        extra["cotangent_seed"] = int(cotangent_seed)
    else:
        raise CheckAuthoringError("vjp needs a cotangent or a cotangent_seed")
    if isinstance(fn, Handle):
        _check_bind(fn, args, kwargs)
    message = session.request("vjp", fn, args=args, kwargs=kwargs, sent=(args, kwargs), **extra)
    if not isinstance(message, dict) or not {"out", "grads", "params"} <= set(message):
        raise SandboxFailure("your code's process sent a malformed gradient report")
    grads = message["grads"] if isinstance(message["grads"], list) else []
    return VJP(message["out"], grads, message["params"] if isinstance(message["params"], dict) else {})


@dataclass(frozen=True)
class Outcome:
    """How one call of :func:`call_each` ended: its ``value``, or the ``error`` it raised."""

    value: Any = None
    error: BaseException | None = None

    def get(self) -> Any:
        """The value, or raise what the call raised (as a single call would have)."""
        if self.error is not None:
            raise self.error
        return self.value


def call_each(fn: Handle, calls: Any) -> list[Outcome]:
    """Make many calls of ``fn`` in few round trips; one :class:`Outcome` per call, in order.

    ``calls``: ``(args, kwargs)`` pairs. Each call runs in the sandbox exactly as a call of
    ``fn(*args, **kwargs)`` of its own would (its own copies of the arguments, its own record
    of in-place changes, its own exception), in the given order; only the round trips are
    shared. A check reads the outcomes in order with :meth:`Outcome.get`, so the first
    exception surfaces where the single call's would have. A call that cannot bind to the
    learner's signature raises before anything runs. Meant for many calls with small
    results: up to 256 calls share a reply, which must stay under ``REPLY_LIMIT`` as one
    call's reply must.
    """
    session = session_of(fn)
    if not isinstance(fn, Handle):
        raise CheckAuthoringError("call_each needs a handle: sub.name, or an object from it")
    pairs = []
    for entry in calls:
        args, kwargs = entry
        pairs.append((tuple(args), dict(kwargs)))
    for args, kwargs in pairs:
        _check_bind(fn, args, kwargs)
    outcomes: list[Outcome] = []
    step = 256  # a request's JSON stays far below the frame limit
    for start in range(0, len(pairs), step):
        outcomes += session.request_each(fn, pairs[start:start + step])
    return outcomes


def deepcopy(handle: Handle) -> Handle:
    """``copy.deepcopy`` of a learner object, in the sandbox."""
    return session_of(handle).request("deepcopy", handle)


def release(handle: Handle) -> None:
    """Let the sandbox drop an object the check no longer needs."""
    target = handle._learn_target
    if "$ref" in target:
        session_of(handle).request("release", None, id=target["$ref"])


def cotangent_like(out: Any, seed: int) -> Any:
    """The cotangent :func:`vjp` used for ``cotangent_seed=seed`` and this output."""
    return wire.cotangent_like(tuple(out.shape), out.dtype, out.device, seed)
