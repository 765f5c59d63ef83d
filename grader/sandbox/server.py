"""The sandbox side of grading: imports a learner's file and serves calls to it.

``python -m grader.sandbox.server FD`` is the *zygote*: it imports torch once, then waits on
the control socket ``FD`` (a Unix socket to the checker) for ``spawn`` requests. Each spawn
carries two sockets (requests, printed output); the zygote forks a *monitor*, which enters
fresh user, pid, mount and IPC namespaces (when isolation is on) and forks the *submission
process*: pid 1 of its own pid namespace, so it cannot see, signal or trace the zygote, the
checker or anything else, and when it ends every process it started ends with it. The
monitor enforces the memory and process limits over that whole tree and reports how it
ended.

The submission process holds nothing secret: the learner's source arrives as text, the
hidden checks and the reference never enter this process (nor its file system, under
bubblewrap). Everything it answers is data (:mod:`grader.sandbox.wire`); the checker decides
what the answers are worth.

Requests (JSON ``op`` and fields; every reply echoes ``seq``):
``load`` (source, filename, names, forbidden), ``call`` (target, args, kwargs),
``getattr``/``setattr``/``getitem``/``len``/``list``/``info``/``deepcopy``/``release``,
``make`` (a factory of :mod:`grader.sandbox.fixtures`), ``vjp`` (a vector-Jacobian
product), ``seed``.
"""

from __future__ import annotations

import ctypes
import importlib
import inspect
import json
import os
import random
import resource
import select
import shutil
import signal
import socket
import sys
import time
import traceback
import types
from typing import Any

from grader.sandbox import wire

CLONE_NEWNS = 0x00020000
CLONE_NEWIPC = 0x08000000
CLONE_NEWUSER = 0x10000000
CLONE_NEWPID = 0x20000000
PR_SET_PDEATHSIG = 1
PR_SET_DUMPABLE = 4
PR_SET_NO_NEW_PRIVS = 38
PR_SET_CHILD_SUBREAPER = 36
FIXTURE_PACKAGES = ("grader.sandbox.fixtures.", "grader.pretrained")
"""Modules whose functions ``make`` may call: a package prefix (ending in ``.``) or a module."""
MESSAGE_LIMIT = 2000

_libc: Any = None


def _prctl(option: int, value: int) -> None:
    global _libc
    try:
        if _libc is None:
            _libc = ctypes.CDLL(None, use_errno=True)
        _libc.prctl(option, value, 0, 0, 0)
    except (OSError, AttributeError):
        pass


# ---------------------------------------------------------------- the submission process


class Server:
    """Serves one submission over ``conn``."""

    def __init__(self, conn: socket.socket) -> None:
        self.conn = conn
        self.module: types.ModuleType | None = None
        self.filename = "<submission>"
        self.objects: dict[int, Any] = {}
        self.ids: dict[int, int] = {}
        self.next_id = 1
        self.forbidden: list[str] = []
        self.device: Any = None
        self.dispatch_tripwires: DispatchTripwires | None = None
        self.prepared: tuple[str, ...] | None = None

    # -- handles
    def register(self, obj: Any) -> dict[str, Any]:
        key = id(obj)
        ident = self.ids.get(key)
        if ident is None or self.objects.get(ident) is not obj:
            ident = self.next_id
            self.next_id += 1
            self.objects[ident] = obj
            self.ids[key] = ident
        cls = type(obj)
        mro = []
        for base in getattr(cls, "__mro__", (cls,)):
            mro.append(f"{getattr(base, '__module__', '?')}.{getattr(base, '__qualname__', '?')}")
        info = {"id": ident, "type": mro[0], "mro": mro[:32], "callable": callable(obj)}
        if isinstance(obj, type):
            info["class"] = f"{obj.__module__}.{obj.__qualname__}"
        return {"$handle": info}

    def lookup(self, ident: Any) -> Any:
        if type(ident) is not int or ident not in self.objects:
            raise wire.WireError("unknown handle")
        return self.objects[ident]

    def name(self, name: str) -> Any:
        if self.module is None or not hasattr(self.module, name):
            raise NameError(f"your file does not define {name!r}")
        return getattr(self.module, name)

    def decoder(self, blobs: memoryview) -> wire.Decoder:
        return wire.Decoder(blobs, on_ref=self.lookup, on_name=self.name, device=self.device)

    # -- the loop
    def serve(self) -> None:
        while True:
            try:
                message, blobs, _ = wire.recv_frame(self.conn)
            except wire.PeerClosed:
                return
            seq = message.get("seq") if isinstance(message, dict) else None
            try:
                value, mutated = self.dispatch(message, blobs)
                reply, encoder = self.ok(value, mutated)
            except BaseException as exc:  # noqa: BLE001 - every failure is reported as data
                reply, encoder = self.failure(exc), None
            reply["seq"] = seq
            reply["forbidden"] = list(_forbid().used) if "grader.forbid" in sys.modules else []
            try:
                wire.send_frame(self.conn, reply, encoder.blobs if encoder else None)
            except (OSError, ValueError, TypeError) as exc:
                wire.send_frame(self.conn, dict(self.failure(exc), seq=seq))

    def ok(self, value: Any, mutated: list[Any]) -> tuple[dict[str, Any], wire.Encoder]:
        encoder = wire.Encoder(self.register)
        if isinstance(value, _Each):
            return {"ok": True, "value": [self._outcome(encoder, item) for item in value.items],
                    "mutated": []}, encoder
        data = encoder.encode(value)
        changes = [[ident, encoder.encode(tensor)] for ident, tensor in mutated]
        return {"ok": True, "value": data, "mutated": changes}, encoder

    def _outcome(self, encoder: wire.Encoder, item: tuple[Any, ...]) -> dict[str, Any]:
        """One call of a "calls" request, as its own reply would have said it."""
        if item[0] == "exc":
            return self.failure(item[1])
        try:
            data = encoder.encode(item[1])
            changes = [[ident, encoder.encode(tensor)] for ident, tensor in item[2]]
        except BaseException as exc:  # noqa: BLE001 - reported like a single call's failure
            return self.failure(exc)
        return {"ok": True, "value": data, "mutated": changes}

    def failure(self, exc: BaseException) -> dict[str, Any]:
        line = None
        tb = exc.__traceback__
        while tb is not None:
            if tb.tb_frame.f_code.co_filename == self.filename:
                line = tb.tb_lineno
            tb = tb.tb_next
        bases = [c.__name__ for c in type(exc).__mro__ if c.__module__ == "builtins"]
        try:
            text = str(exc)
        except BaseException:  # noqa: BLE001 - a learner exception whose __str__ fails
            text = "(its message could not be shown)"
        info: dict[str, Any] = {"type": type(exc).__name__[:100], "bases": bases[:20],
                                "message": text[:MESSAGE_LIMIT], "line": line}
        if isinstance(exc, SystemExit):
            info["type"] = "SystemExit"
        if type(exc).__name__ == "ForbiddenAPIError":
            info["forbidden"] = True
        if isinstance(exc, SyntaxError):
            info["syntax"] = {"lineno": exc.lineno, "msg": str(exc.msg)[:300]}
        return {"ok": False, "exc": info}

    def dispatch(self, message: Any, blobs: memoryview) -> tuple[Any, list[Any]]:
        if not isinstance(message, dict) or not isinstance(message.get("op"), str):
            raise wire.WireError("malformed request")
        op = message["op"]
        dec = self.decoder(blobs)
        if "reseed" in message and self.module is not None:
            # A check's seed, sent with its first request (see host.Session.seed).
            _seed_all(int(message["reseed"]), self.device)
        if op == "load":
            return self.load(message), []
        if op == "prepare":
            self.prepare(message)
            return None, []
        target = dec.decode(message.get("target"))
        if op in ("call", "vjp"):
            args = dec.decode(message.get("args", {"$tuple": []}))
            kwargs = dec.decode(message.get("kwargs", {"$dict": []}))
            if not isinstance(args, tuple) or not isinstance(kwargs, dict):
                raise wire.WireError("malformed call")
            before = _snapshot(dec)
            if op == "call":
                value = target(*args, **kwargs)
            else:
                value = self.vjp(target, args, kwargs, message, dec)
            return value, _changed(before)
        if op == "calls":
            return self.calls(target, message, blobs), []
        if op == "getattr":
            return getattr(target, str(message["name"])), []
        if op == "setattr":
            setattr(target, str(message["name"]), dec.decode(message.get("value")))
            return None, []
        if op == "getitem":
            return target[dec.decode(message.get("key"))], []
        if op == "len":
            return len(target), []
        if op == "list":
            return list(target), []
        if op == "info":
            return self.describe(target), []
        if op == "deepcopy":
            import copy

            return copy.deepcopy(target), []
        if op == "release":
            self.objects.pop(message.get("id"), None)
            return None, []
        if op == "make":
            return self.make(message, dec), []
        raise wire.WireError(f"unknown request {op[:40]!r}")

    def calls(self, target: Any, message: dict[str, Any], blobs: memoryview) -> "_Each":
        """Several calls of ``target`` in one request, each as if it came on its own.

        Every call decodes its own copies of its arguments (a change one call makes in place
        never reaches the next), has its own record of changed arguments, and its own
        outcome: a value, or the exception it raised.
        """
        items = message.get("calls")
        if not isinstance(items, list) or len(items) > wire.MAX_CALLS:
            raise wire.WireError("malformed calls")
        outcomes: list[tuple[Any, ...]] = []
        earlier: dict[int, tuple[str, Any]] = {}
        for item in items:
            if not (isinstance(item, list) and len(item) == 2):
                raise wire.WireError("malformed call")
            dec = wire.Decoder(blobs, on_ref=self.lookup, on_name=self.name, device=self.device,
                               earlier=earlier)
            args, kwargs = dec.decode(item[0]), dec.decode(item[1])
            if not isinstance(args, tuple) or not isinstance(kwargs, dict):
                raise wire.WireError("malformed call")
            before = _snapshot(dec)
            try:
                value = target(*args, **kwargs)
            except BaseException as exc:  # noqa: BLE001 - this call's outcome, as data
                outcomes.append(("exc", exc))
                continue
            outcomes.append(("ok", value, _changed(before)))
        return _Each(outcomes)

    def prepare(self, message: dict[str, Any]) -> None:
        """Everything of a load that needs no learner code: the device and the tripwires
        (a spare process does this before its submission arrives)."""
        import torch

        if self.module is not None:
            raise wire.WireError("prepare after load")
        self.device = torch.device(str(message.get("device", "cpu")))
        forbidden = tuple(str(n) for n in message.get("forbidden", ()))
        if self.prepared is not None:
            if self.prepared != forbidden:
                raise wire.WireError("prepared for other forbidden APIs")
            return
        if forbidden:
            # The dispatcher's tripwires first: forbid's own replace some torch.ops names.
            self.dispatch_tripwires = DispatchTripwires(forbidden)
            self.dispatch_tripwires.arm()
            wires = self.dispatch_tripwires
            _forbid()._arming[:] = [lambda on: wires.arm() if on else wires.disarm()]
            _forbid().install_tripwires(forbidden)
        self.prepared = forbidden

    def load(self, message: dict[str, Any]) -> Any:
        self.prepare(message)
        self.filename = str(message["filename"])
        source = str(message["source"])
        module = types.ModuleType("submission")
        module.__file__ = self.filename
        sys.modules["submission"] = module
        self.module = module
        code = compile(source, self.filename, "exec")
        exec(code, module.__dict__)  # noqa: S102 - this process exists to run learner code
        return {name: self.describe_name(name) for name in message.get("names", ())}

    def describe_name(self, name: str) -> Any:
        if self.module is None or not hasattr(self.module, name):
            return {"kind": "missing"}
        return self.describe(getattr(self.module, name))

    @staticmethod
    def describe(obj: Any) -> dict[str, Any]:
        kind = "class" if isinstance(obj, type) else ("function" if callable(obj) else "other")
        info: dict[str, Any] = {"kind": kind, "type": type(obj).__name__[:100]}
        if isinstance(obj, type):
            info["bases"] = [f"{b.__module__}.{b.__qualname__}" for b in obj.__mro__[1:]][:32]
        try:
            target = obj.__init__ if isinstance(obj, type) else obj
            sig = inspect.signature(target)
            params = []
            for p in sig.parameters.values():
                if isinstance(obj, type) and p.name == "self":
                    continue
                default = None if p.default is inspect.Parameter.empty else repr(p.default)[:200]
                params.append([p.name, p.kind.name, default])
            info["params"] = params
        except (TypeError, ValueError):
            info["params"] = None
        return info

    def make(self, message: dict[str, Any], dec: wire.Decoder) -> Any:
        factory = str(message.get("factory", ""))
        module_name, _, attr = factory.partition(":")
        public = any(module_name.startswith(p) if p.endswith(".") else
                     module_name == p or module_name.startswith(p + ".") for p in FIXTURE_PACKAGES)
        if not public or not attr or attr.startswith("_"):
            raise wire.WireError(f"{factory!r} is not a public fixture")
        args = dec.decode(message.get("args", {"$tuple": []}))
        kwargs = dec.decode(message.get("kwargs", {"$dict": []}))
        function = getattr(importlib.import_module(module_name), attr)
        forbid = _forbid()
        # The learner's functions and classes a factory gets run with every tripwire armed.
        args = tuple(_armed(a, forbid) for a in args) if isinstance(args, tuple) else args
        if isinstance(kwargs, dict):
            kwargs = {k: _armed(v, forbid) for k, v in kwargs.items()}
        forbid.suspended += 1
        tripwires = self.dispatch_tripwires
        if tripwires is not None:
            tripwires.disarm()
        try:
            return function(*args, **kwargs)
        finally:
            forbid.suspended -= 1
            if tripwires is not None:
                tripwires.arm()

    def vjp(self, target: Any, args: tuple[Any, ...], kwargs: dict[str, Any],
            message: dict[str, Any], dec: wire.Decoder) -> Any:
        import torch

        wrt = message.get("wrt", [])
        inputs = []
        for key in wrt:
            value = args[key] if isinstance(key, int) else kwargs[str(key)]
            if not isinstance(value, torch.Tensor):
                raise wire.WireError("vjp with respect to a value that is not a tensor")
            if not value.requires_grad:
                value.requires_grad_(True)
            inputs.append(value)
        named: list[tuple[str, Any]] = []
        if message.get("params"):
            owner = getattr(target, "__self__", target)
            if isinstance(owner, torch.nn.Module):
                named = [(n, p) for n, p in owner.named_parameters() if p.requires_grad]
        out = target(*args, **kwargs)
        result: dict[str, Any] = {"out": out, "grads": [None] * len(inputs), "params": {}}
        if not isinstance(out, torch.Tensor) or not out.requires_grad:
            return result
        if message.get("cotangent_seed") is not None:
            cot = wire.cotangent_like(tuple(out.shape), out.dtype, out.device,
                                      int(message["cotangent_seed"]))
        else:
            cot = dec.decode(message.get("cotangent"))
            if not isinstance(cot, torch.Tensor) or tuple(cot.shape) != tuple(out.shape):
                return result  # no gradients: the check reports the output's shape itself
            cot = cot.to(out.dtype).to(out.device)
        leaves = inputs + [p for _, p in named]
        # A scalar backward (the same vector-Jacobian product) spares torch importing sympy.
        grads = torch.autograd.grad((out * cot).sum(), leaves, allow_unused=True)
        result["grads"] = list(grads[: len(inputs)])
        result["params"] = {n: g for (n, _), g in zip(named, grads[len(inputs):])}
        return result


class _Each:
    """The outcomes of a "calls" request; :meth:`Server.ok` encodes them one by one."""

    def __init__(self, items: list[tuple[Any, ...]]) -> None:
        self.items = items


class DispatchTripwires:
    """Forbidden torch operators refused in torch's dispatcher, not only by Python name.

    :func:`grader.forbid.install_tripwires` replaces Python attributes and watches torch
    calls with a ``TorchFunctionMode``; both are per name or per thread, so a call from
    another thread, under ``torch._C.DisableTorchFunction``, through ``torch.ops.aten.X.default``,
    TorchScript or a C++ extension would slip past them. Every one of those reaches the
    aten operator in the dispatcher, which is process-wide: a kernel registered here for each
    forbidden operator (at every dispatch key it has a kernel for) records the call in
    ``grader.forbid.used`` and refuses it. :meth:`disarm` restores torch's own kernels while
    a public fixture is being built.
    """

    KEYS = ("CompositeImplicitAutograd", "CompositeExplicitAutograd",
            "CompositeExplicitAutogradNonFunctional", "CPU", "CUDA", "Meta", "QuantizedCPU",
            "QuantizedCUDA", "MkldnnCPU", "SparseCPU", "SparseCUDA", "NestedTensorCPU",
            "NestedTensorCUDA")

    def __init__(self, forbidden: tuple[str, ...]) -> None:
        import torch

        self.library: Any = None
        self.targets: list[tuple[str, str, str]] = []  # (operator, dispatch key, reported name)
        names: dict[str, str] = {}
        for dotted in forbidden:
            tail = dotted.rsplit(".", 1)[-1]
            if dotted.startswith("torch.") and not tail[:1].isupper():
                if dotted.startswith("torch.ops.aten.") or tail not in names:
                    names[tail] = dotted
        for tail, dotted in names.items():
            try:
                packet = getattr(torch.ops.aten, tail)
            except (AttributeError, RuntimeError):
                continue
            if not isinstance(packet, torch._ops.OpOverloadPacket):
                continue
            for overload in packet.overloads():
                try:
                    qualified = getattr(packet, overload).name()  # aten::name[.overload]
                except (AttributeError, RuntimeError):
                    continue
                for key in self.KEYS:
                    # TorchScript-only overloads (aten::tanh.int, ...) have no dispatcher
                    # entry: asking about them raises; they have no kernel to refuse.
                    try:
                        found = torch._C._dispatch_has_kernel_for_dispatch_key(qualified, key)
                    except RuntimeError:
                        found = False
                    if found:
                        self.targets.append((qualified.split("::", 1)[1], key, dotted))

    def arm(self) -> None:
        import warnings

        import torch

        if self.library is not None or not self.targets:
            return
        forbid = _forbid()
        library = torch.library.Library("aten", "IMPL")
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # "overriding a previously registered kernel"
            for operator, key, dotted in self.targets:
                def refuse(*args: Any, _dotted: str = dotted, **kwargs: Any) -> Any:
                    forbid._trip(_dotted)

                try:
                    library.impl(operator, refuse, key)
                except (RuntimeError, ValueError, TypeError):
                    continue
        self.library = library

    def disarm(self) -> None:
        if self.library is not None:
            self.library._destroy()
            self.library = None


def _armed(value: Any, forbid: Any) -> Any:
    """A learner function or class (from the submission's module) wrapped so that it runs
    with the tripwires armed, even when a fixture factory calls it; anything else as is."""
    import functools
    import inspect

    if not (inspect.isfunction(value) or inspect.isclass(value) or inspect.ismethod(value)):
        return value
    if getattr(value, "__module__", None) != "submission":
        return value

    @functools.wraps(value)
    def call(*args: Any, **kwargs: Any) -> Any:
        with forbid.learner_code():
            return value(*args, **kwargs)

    return call


def _seed_all(value: int, device: Any) -> None:
    """Seed the global generators learner code may draw from: torch's, random's, numpy's."""
    import numpy

    _seed_torch(value, device)
    random.seed(value)
    numpy.random.seed(value)


def _seed_torch(value: int, device: Any) -> None:
    """Seed torch's generator for ``device``; ``torch.manual_seed`` would also queue lazy
    seeding calls (each formatting a stack trace) for every accelerator backend."""
    import torch

    torch.random.default_generator.manual_seed(value)
    if device is not None and getattr(device, "type", "cpu") == "cuda":
        torch.cuda.manual_seed_all(value)


def _snapshot(dec: wire.Decoder) -> list[Any]:
    """Copies of the tensors a call received, to report in-place changes back."""
    import torch

    kept = []
    budget = 256 * 1024 * 1024
    for ident, tensor in dec._tensors.items():
        if not isinstance(tensor, torch.Tensor):  # a numpy array
            if tensor.nbytes <= budget:
                budget -= tensor.nbytes
                kept.append((ident, tensor, None, tensor.copy()))
            continue
        size = tensor.numel() * tensor.element_size()
        if size > budget:
            continue
        budget -= size
        with torch.no_grad():
            kept.append((ident, tensor, tensor._version, tensor.detach().clone()))
    return kept


def _changed(kept: list[Any]) -> list[Any]:
    import torch

    changed = []
    for ident, tensor, version, copy in kept:
        if version is None:  # a numpy array: compared bit for bit
            if tensor.shape != copy.shape or tensor.dtype != copy.dtype or \
                    tensor.tobytes() != copy.tobytes():
                changed.append((ident, tensor))
            continue
        with torch.no_grad():
            same = (tensor._version == version and tensor.shape == copy.shape
                    and tensor.dtype == copy.dtype and _bits_equal(tensor, copy))
        if not same:
            changed.append((ident, tensor))
    return changed


def _bits_equal(a: Any, b: Any) -> bool:
    import torch

    if a.numel() == 0:
        return True
    a = a.detach().contiguous().reshape(-1)
    b = b.detach().contiguous().reshape(-1)
    if a.dtype == torch.bool:
        return bool(torch.equal(a, b))
    return bool(torch.equal(a.view(torch.uint8), b.view(torch.uint8)))


def _forbid() -> Any:
    from grader import forbid

    return forbid


# ---------------------------------------------------------------- zygote and monitor


def _limits(config: dict[str, Any]) -> None:
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    file_limit = int(config.get("file_bytes", 64 * 1024 * 1024))
    resource.setrlimit(resource.RLIMIT_FSIZE, (file_limit, file_limit))
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    procs = int(config.get("processes", 64))
    try:
        resource.setrlimit(resource.RLIMIT_NPROC, (procs, procs))
    except (ValueError, OSError):
        pass
    # Open files (each socket buffer is kernel memory no RSS shows).
    files = int(config.get("files", 1024))
    try:
        _, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
        limit = files if hard == resource.RLIM_INFINITY else min(files, hard)
        resource.setrlimit(resource.RLIMIT_NOFILE, (limit, limit))
    except (ValueError, OSError):
        pass
    memory = config.get("memory_mb")
    if memory and not config.get("cuda"):
        limit = _vm_size() + int(memory) * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))


# System calls the learner's process never needs, refused by a seccomp filter: new
# namespaces and mounts (a private tmpfs would be memory outside every limit), memory that no
# process's RSS shows (memfd, SysV shared memory), and kernel interfaces with a large attack
# surface. clone3 answers ENOSYS, so the C library falls back to clone, whose flags are
# checked.
_SECCOMP_DENY = ("unshare", "setns", "mount", "umount2", "pivot_root", "chroot", "open_tree",
                 "move_mount", "fsopen", "fsconfig", "fsmount", "fspick", "mount_setattr",
                 "memfd_create", "memfd_secret", "shmget", "io_uring_setup", "io_uring_enter",
                 "io_uring_register", "bpf", "userfaultfd", "perf_event_open", "keyctl",
                 "add_key", "request_key")
_SYSCALLS = {
    0xC000003E: {  # x86_64
        "unshare": 272, "setns": 308, "mount": 165, "umount2": 166, "pivot_root": 155,
        "chroot": 161, "open_tree": 428, "move_mount": 429, "fsopen": 430, "fsconfig": 431,
        "fsmount": 432, "fspick": 433, "mount_setattr": 442, "memfd_create": 319,
        "memfd_secret": 447, "shmget": 29, "io_uring_setup": 425, "io_uring_enter": 426,
        "io_uring_register": 427, "bpf": 321, "userfaultfd": 323, "perf_event_open": 298,
        "keyctl": 250, "add_key": 248, "request_key": 249, "clone": 56, "clone3": 435},
    0xC00000B7: {  # aarch64
        "unshare": 97, "setns": 268, "mount": 40, "umount2": 39, "pivot_root": 41,
        "chroot": 51, "open_tree": 428, "move_mount": 429, "fsopen": 430, "fsconfig": 431,
        "fsmount": 432, "fspick": 433, "mount_setattr": 442, "memfd_create": 279,
        "memfd_secret": 447, "shmget": 194, "io_uring_setup": 425, "io_uring_enter": 426,
        "io_uring_register": 427, "bpf": 280, "userfaultfd": 282, "perf_event_open": 241,
        "keyctl": 219, "add_key": 217, "request_key": 218, "clone": 220, "clone3": 435},
}
_CLONE_NAMESPACES = 0x7E020000  # CLONE_NEWNS | NEWCGROUP | NEWUTS | NEWIPC | NEWUSER | NEWPID | NEWNET


def _seccomp_program(arch: int, deny: tuple[str, ...] = _SECCOMP_DENY
                     ) -> list[tuple[int, int, int, int]]:
    """A classic BPF program (code, jt, jf, k) for the seccomp filter of ``arch``."""
    numbers = _SYSCALLS[arch]
    ld, jeq, jge, jset, ret = 0x20, 0x15, 0x35, 0x45, 0x06
    allow, eperm, enosys = 0x7FFF0000, 0x00050000 | 1, 0x00050000 | 38
    prog = [(ld, 0, 0, 4), (jeq, 1, 0, arch), (ret, 0, 0, enosys), (ld, 0, 0, 0)]
    if arch == 0xC000003E:
        prog += [(jge, 0, 1, 0x40000000), (ret, 0, 0, enosys)]  # the x32 ABI
    for name in deny:
        prog += [(jeq, 0, 1, numbers[name]), (ret, 0, 0, eperm)]
    prog += [(jeq, 0, 1, numbers["clone3"]), (ret, 0, 0, enosys)]
    prog += [(jeq, 0, 3, numbers["clone"]), (ld, 0, 0, 16), (jset, 0, 1, _CLONE_NAMESPACES),
             (ret, 0, 0, eperm), (ret, 0, 0, allow)]
    return prog


def _audit_arch() -> int | None:
    import platform

    return {"x86_64": 0xC000003E, "aarch64": 0xC00000B7}.get(platform.machine())


def _confine(cuda: bool = False) -> list[str]:
    """Last steps before learner code runs: no capabilities, a seccomp filter. What failed.

    With CUDA, memfd_create stays allowed (the driver may use it; CPU memory is not limited
    on GPU runs anyway)."""
    global _libc
    problems = []
    if _libc is None:
        _libc = ctypes.CDLL(None, use_errno=True)
    # Capabilities: those of the submission's user namespace are of no use to it (and CAP_SYS_ADMIN
    # there would allow mounts). Empty the bounding set, then every set.
    for cap in range(64):
        if _libc.prctl(24, cap, 0, 0, 0) != 0 and ctypes.get_errno() == 22:  # PR_CAPBSET_DROP
            break

    class _Header(ctypes.Structure):
        _fields_ = [("version", ctypes.c_uint32), ("pid", ctypes.c_int)]

    class _Data(ctypes.Structure):
        _fields_ = [("effective", ctypes.c_uint32), ("permitted", ctypes.c_uint32),
                    ("inheritable", ctypes.c_uint32)]

    header = _Header(0x20080522, 0)  # _LINUX_CAPABILITY_VERSION_3
    data = (_Data * 2)()
    if _libc.capset(ctypes.byref(header), data) != 0:
        problems.append("capabilities")
    _libc.prctl(47, 4, 0, 0, 0)  # PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL
    arch = _audit_arch()
    if arch is None:
        return problems + ["seccomp (unknown architecture)"]

    class _Filter(ctypes.Structure):
        _fields_ = [("code", ctypes.c_uint16), ("jt", ctypes.c_uint8), ("jf", ctypes.c_uint8),
                    ("k", ctypes.c_uint32)]

    class _Program(ctypes.Structure):
        _fields_ = [("len", ctypes.c_uint16), ("filter", ctypes.POINTER(_Filter))]

    deny = tuple(n for n in _SECCOMP_DENY if not (cuda and n == "memfd_create"))
    prog = _seccomp_program(arch, deny)
    filters = (_Filter * len(prog))(*[_Filter(*ins) for ins in prog])
    program = _Program(len(prog), filters)
    _libc.prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0)
    if _libc.prctl(22, 2, ctypes.byref(program), 0, 0) != 0:  # PR_SET_SECCOMP, MODE_FILTER
        problems.append(f"seccomp (errno {ctypes.get_errno()})")
    return problems


def _vm_size(pid: str = "self") -> int:
    return _status_field(pid, "VmSize:")


def _status_field(pid: str, field: str) -> int:
    try:
        with open(f"/proc/{pid}/status", encoding="ascii", errors="replace") as handle:
            for line in handle:
                if line.startswith(field):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    return 0


def _enter_namespaces() -> None:
    """New user, pid and IPC namespaces (the next child is pid 1 of the new pid ns).

    The mount namespace stays the sandbox's: bubblewrap's read-only mounts are locked for
    a less privileged user namespace, and no new mount namespace means no mounting at all.
    """
    global _libc
    if _libc is None:
        _libc = ctypes.CDLL(None, use_errno=True)
    uid, gid = os.getuid(), os.getgid()
    if _libc.unshare(CLONE_NEWUSER | CLONE_NEWPID | CLONE_NEWIPC) != 0:
        raise OSError(ctypes.get_errno(), "unshare failed")
    for path, text in (("/proc/self/setgroups", "deny"), ("/proc/self/uid_map", f"{uid} {uid} 1"),
                       ("/proc/self/gid_map", f"{gid} {gid} 1")):
        try:
            with open(path, "w", encoding="ascii") as handle:
                handle.write(text)
        except OSError:
            pass


def _tree(root: int) -> list[int]:
    """``root`` and every process below it."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", encoding="ascii", errors="replace") as handle:
                fields = handle.read().rsplit(")", 1)[1].split()
            children.setdefault(int(fields[1]), []).append(int(entry))
        except (OSError, IndexError, ValueError):
            continue
    found, todo = [], [root]
    while todo:
        pid = todo.pop()
        found.append(pid)
        todo.extend(children.get(pid, ()))
    return found


def _init(status_fd: int) -> None:
    """Be pid 1 of the submission's pid namespace: fork the server (which returns from this
    call), reap orphans, and report how the server ended. Pid 1 ignores signals it has no
    handler for, so the learner's code must not run as pid 1 (``os.kill(os.getpid(), ...)``
    would do nothing); when pid 1 exits, the kernel kills every process left in the
    namespace."""
    server = os.fork()
    if server == 0:
        _prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
        return
    # The learner's code may signal pid 1; the only handler Python installed is SIGINT's,
    # whose KeyboardInterrupt would end this init (and its traceback go to the zygote's stderr).
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    for fd in range(3, 1 << 10):
        if fd != status_fd:
            wire.close_quietly(fd) if _is_open(fd) else None
    report: dict[str, Any] = {"signal": signal.SIGKILL}
    while True:
        try:
            pid, status = os.waitpid(-1, 0)
        except ChildProcessError:
            break
        except InterruptedError:
            continue
        if pid == server:
            report = ({"signal": os.WTERMSIG(status)} if os.WIFSIGNALED(status)
                      else {"code": os.WEXITSTATUS(status)})
            break
    try:
        os.write(status_fd, (json.dumps({"inner": report}) + "\n").encode())
    except OSError:
        pass
    os._exit(0)


def _is_open(fd: int) -> bool:
    try:
        os.fstat(fd)
    except OSError:
        return False
    return True


def _monitor(config: dict[str, Any], conn_fd: int, out_fd: int, status_fd: int) -> None:
    """Runs in the forked monitor: starts the submission process and watches its tree."""
    _prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    isolate = bool(config.get("namespaces"))
    if isolate:
        _enter_namespaces()
    workdir = config["workdir"]
    pid = os.fork()
    if pid == 0:
        try:
            _prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
            _prctl(PR_SET_NO_NEW_PRIVS, 1)
            if isolate:
                _init(status_fd)  # returns in the server process, pid 2 of the namespace
            else:
                os.setsid()
            os.close(status_fd)
            devnull = os.open(os.devnull, os.O_RDONLY)
            os.dup2(devnull, 0)
            os.dup2(out_fd, 1)
            os.dup2(out_fd, 2)
            os.dup2(conn_fd, 3)
            os.closerange(4, 1 << 16)
            os.chdir(workdir)
            os.environ["HOME"] = workdir
            os.environ["TMPDIR"] = workdir
            sys.stdout = open(1, "w", buffering=1, encoding="utf-8", errors="replace", closefd=False)  # noqa: SIM115
            sys.stderr = open(2, "w", buffering=1, encoding="utf-8", errors="replace", closefd=False)  # noqa: SIM115
            sys.stdin = open(0, encoding="utf-8", closefd=False)  # noqa: SIM115
            _limits(config)
            _confine(bool(config.get("cuda")))
            Server(socket.socket(fileno=3)).serve()
            code = 0
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else 1
        except BaseException:  # noqa: BLE001
            traceback.print_exc()
            code = 70
        os._exit(code)
    os.close(conn_fd)
    os.close(out_fd)
    os.write(status_fd, (json.dumps({"pid": pid}) + "\n").encode())
    memory = int(config.get("memory_mb") or 0) * 1024 * 1024
    base = _status_field(str(pid), "VmRSS:")
    procs = int(config.get("processes", 64))
    reason = None
    status = 0
    while True:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            break
        tree = _tree(pid)
        if len(tree) > procs:
            reason = "processes"
        elif memory and sum(_status_field(str(p), "VmRSS:") for p in tree) > base + memory:
            reason = "memory"
        if reason:
            for p in tree:
                try:
                    os.kill(p, signal.SIGKILL)
                except OSError:
                    pass
            _, status = os.waitpid(pid, 0)
            break
        time.sleep(0.02)
    if not isolate:
        for p in _tree(pid)[1:]:
            try:
                os.kill(p, signal.SIGKILL)
            except OSError:
                pass
    report: dict[str, Any] = {"reason": reason}
    if os.WIFSIGNALED(status):
        report["signal"] = os.WTERMSIG(status)
    else:
        report["code"] = os.WEXITSTATUS(status)
    os.write(status_fd, (json.dumps(report) + "\n").encode())


def _kill_everything_but(keep: set[int]) -> None:
    """Kill every process this zygote can see except ``keep`` (leftovers of a submission)."""
    for _ in range(5):
        found = False
        for entry in os.listdir("/proc"):
            if entry.isdigit() and int(entry) not in keep:
                try:
                    with open(f"/proc/{entry}/stat", encoding="ascii", errors="replace") as handle:
                        ppid = int(handle.read().rsplit(")", 1)[1].split()[1])
                except (OSError, ValueError, IndexError):
                    continue
                if ppid == 0:
                    continue
                try:
                    os.kill(int(entry), signal.SIGKILL)
                    found = True
                except OSError:
                    pass
        _reap()
        if not found:
            return
        time.sleep(0.01)


def _wipe(folder: str, keep: set[str]) -> None:
    """Delete everything in ``folder`` (but the paths in ``keep``), whatever its modes."""
    def retry(function: Any, path: str, _exc: Any) -> None:
        try:
            os.chmod(os.path.dirname(path) or "/", 0o700)
            if os.path.isdir(path) and not os.path.islink(path):
                os.chmod(path, 0o700)
                shutil.rmtree(path, ignore_errors=True)
            else:
                os.unlink(path)
        except OSError:
            pass

    try:
        entries = list(os.scandir(folder))
    except OSError:
        return
    for entry in entries:
        if entry.path in keep:
            continue
        try:
            if entry.is_dir(follow_symlinks=False):
                os.chmod(entry.path, 0o700)
                shutil.rmtree(entry.path, onerror=retry)
            else:
                os.unlink(entry.path)
        except OSError:
            pass


def _reap() -> None:
    while True:
        try:
            done, _ = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if not done:
            return


def zygote(ctl_fd: int, sandboxed: bool) -> None:
    """Wait for spawn requests on ``ctl_fd`` and run one submission process at a time."""
    _prctl(PR_SET_DUMPABLE, 0)
    _prctl(PR_SET_PDEATHSIG, signal.SIGKILL)  # the checker gone: so is the sandbox
    ctl = socket.socket(fileno=ctl_fd)
    # ``-m`` put the working directory first on sys.path: a file a submission leaves there
    # (``sympy.py``) would be imported by a later one. Nothing is imported from it.
    cwd = os.getcwd()
    sys.path[:] = [p for p in sys.path if p not in ("", ".", cwd)]
    import numpy  # noqa: F401 - imported once here, inherited by every submission
    import torch  # noqa: F401

    import grader.forbid  # noqa: F401
    if os.environ.get("LEARN_PREIMPORT_OPTIM"):
        import torch._dynamo  # noqa: F401
        import torch.optim  # noqa: F401
    # Everything imported so far is shared with every submission process (copy-on-write):
    # frozen, the garbage collector never walks it there, so its pages stay shared instead
    # of being copied on a submission's first collections.
    import gc

    gc.collect()
    gc.freeze()
    wire.send_frame(ctl, {"ready": True, "pid": os.getpid(), "sandboxed": sandboxed})
    if not sandboxed:
        try:
            _libc_call = ctypes.CDLL(None, use_errno=True)
            _libc_call.prctl(36, 1, 0, 0, 0)  # PR_SET_CHILD_SUBREAPER: adopt escaped orphans
        except (OSError, AttributeError):
            pass
    root = os.environ.get("LEARN_SANDBOX_TMP", "/tmp")
    # Read-only folders under /tmp that hold the package or Python (see host._bwrap_command).
    kept = {p for p in os.environ.get("LEARN_SANDBOX_KEEP", "").split(os.pathsep) if p}
    siblings: list[int] = []
    while True:
        try:
            message, _, fds = wire.recv_frame(ctl, want_fds=True)
        except wire.WireError:
            return
        _reap_siblings(siblings)
        if isinstance(message, dict) and message.get("op") == "fork" and len(fds) == 1 \
                and sandboxed:
            pid = os.fork()
            if pid == 0:
                try:
                    ctl.close()
                    _private_scratch(int(message.get("index", 0)), kept)
                    sib = socket.socket(fileno=fds[0])
                    wire.send_frame(sib, {"ready": True, "pid": os.getpid(), "sandboxed": True})
                    _serve_spawns(sib, sandboxed, root, kept, sibling=True)
                except BaseException:  # noqa: BLE001
                    traceback.print_exc()
                os._exit(0)
            siblings.append(pid)
            os.close(fds[0])
            continue
        if not isinstance(message, dict) or message.get("op") != "spawn" or len(fds) != 2:
            for fd in fds:
                wire.close_quietly(fd)
            if isinstance(message, dict) and message.get("op") == "exit":
                return
            continue
        _spawn(ctl, message, fds, sandboxed, root, kept, sibling=False)


def _serve_spawns(ctl: socket.socket, sandboxed: bool, root: str, kept: set[str], *,
                  sibling: bool) -> None:
    """A sibling zygote's loop: spawn requests only, one submission at a time."""
    while True:
        try:
            message, _, fds = wire.recv_frame(ctl, want_fds=True)
        except wire.WireError:
            return
        if not isinstance(message, dict) or message.get("op") != "spawn" or len(fds) != 2:
            for fd in fds:
                wire.close_quietly(fd)
            if isinstance(message, dict) and message.get("op") == "exit":
                return
            continue
        _spawn(ctl, message, fds, sandboxed, root, kept, sibling=sibling)


_COUNT = [0]


def _spawn(ctl: socket.socket, message: dict[str, Any], fds: list[int], sandboxed: bool,
           root: str, kept: set[str], *, sibling: bool) -> None:
    """Run one submission process to its end, then remove everything it left."""
    _COUNT[0] += 1
    config = dict(message.get("config") or {})
    workdir = os.path.join(root, f"submission-{_COUNT[0]}-{os.urandom(8).hex()}")
    os.makedirs(workdir, mode=0o700, exist_ok=True)
    config["workdir"] = workdir
    config["namespaces"] = sandboxed
    status_r, status_w = os.pipe()
    monitor = os.fork()
    if monitor == 0:
        try:
            ctl.close()
            os.close(status_r)
            _monitor(config, fds[0], fds[1], status_w)
        except BaseException:  # noqa: BLE001
            traceback.print_exc()
        os._exit(0)
    for fd in fds:
        os.close(fd)
    os.close(status_w)
    _supervise(ctl, monitor, status_r)
    if sandboxed and not sibling:
        _kill_everything_but({os.getpid(), 1, os.getppid()})
    else:
        # A sibling shares the sandbox with other siblings: only its own tree is its to
        # kill (it is a subreaper, so a submission's orphans are in that tree too).
        _kill_tree()
    shutil.rmtree(workdir, ignore_errors=True)
    # Under bubblewrap these are the only writable places (the rest is read-only); each
    # submission finds them empty, so nothing one leaves can reach the next one.
    for folder in ([root, "/tmp", "/dev/shm"] if sandboxed else []):
        _wipe(folder, keep={root} | kept)


def _kill_tree() -> None:
    for _ in range(5):
        pids = _tree(os.getpid())[1:]
        if not pids:
            return
        for pid in pids:
            try:
                os.kill(pid, signal.SIGKILL)
            except OSError:
                pass
        _reap()
        time.sleep(0.005)
    _reap()


def _reap_siblings(siblings: list[int]) -> None:
    for pid in list(siblings):
        try:
            done, _ = os.waitpid(pid, os.WNOHANG)
        except ChildProcessError:
            done = pid
        if done:
            siblings.remove(pid)


MS_RDONLY, MS_BIND, MS_REC = 1, 4096, 16384


def _private_scratch(index: int, kept: set[str]) -> None:
    """Give this sibling zygote its own /tmp and /dev/shm (new user and mount namespaces).

    bubblewrap made an empty bounded tmpfs per sibling, ``/.learn/<index>/tmp`` and
    ``.../shm``. The read-only folders under /tmp that hold Python or the package are bound
    into this sibling's tmpfs (recursively, with their read-only mounts), which is then bound
    over /tmp; an empty read-only tmpfs covers /.learn, so no submission can reach another
    sibling's scratch space while both run.
    """
    global _libc
    if _libc is None:
        _libc = ctypes.CDLL(None, use_errno=True)
    mount = _libc.mount
    mount.argtypes = [ctypes.c_char_p, ctypes.c_char_p, ctypes.c_char_p, ctypes.c_ulong,
                      ctypes.c_char_p]
    uid, gid = os.getuid(), os.getgid()
    if _libc.unshare(CLONE_NEWUSER | CLONE_NEWNS) != 0:
        raise OSError(ctypes.get_errno(), "unshare failed")
    for path, text in (("/proc/self/setgroups", "deny"), ("/proc/self/uid_map", f"{uid} {uid} 1"),
                       ("/proc/self/gid_map", f"{gid} {gid} 1")):
        with open(path, "w", encoding="ascii") as handle:
            handle.write(text)
    base = f"/.learn/{index}"

    def bind(source: str, target: str) -> None:
        if mount(source.encode(), target.encode(), None, MS_BIND | MS_REC, None) != 0:
            raise OSError(ctypes.get_errno(), f"bind {source} -> {target} failed")

    for path in sorted(kept):
        inside = base + "/tmp/" + os.path.relpath(path, "/tmp")
        os.makedirs(inside, exist_ok=True)
        bind(path, inside)
    bind(base + "/tmp", "/tmp")
    bind(base + "/shm", "/dev/shm")
    if mount(b"none", b"/.learn", b"tmpfs", MS_RDONLY, b"size=4096,mode=0500") != 0:
        raise OSError(ctypes.get_errno(), "covering /.learn failed")
    os.makedirs("/tmp/work", mode=0o700, exist_ok=True)
    os.chdir("/tmp/work")
    _prctl(PR_SET_CHILD_SUBREAPER, 1)


def _supervise(ctl: socket.socket, monitor: int, status_r: int) -> None:
    lines = b""
    child = None
    wire.send_frame(ctl, {"spawned": True})
    while True:
        ready, _, _ = select.select([ctl, status_r], [], [], 0.05)
        if status_r in ready:
            chunk = os.read(status_r, 4096)
            lines += chunk
            for line in lines.split(b"\n")[:-1]:
                data = json.loads(line)
                if "pid" in data:
                    child = int(data["pid"])
            if not chunk:
                break
        if ctl in ready:
            try:
                message, _, _ = wire.recv_frame(ctl, time.monotonic() + 5)
            except wire.WireError:
                message = {"op": "kill"}
            if isinstance(message, dict) and message.get("op") == "kill":
                for pid in (child, monitor):
                    if pid:
                        try:
                            os.kill(pid, signal.SIGKILL)
                        except OSError:
                            pass
        done, _ = os.waitpid(monitor, os.WNOHANG)
        if done:
            ready, _, _ = select.select([status_r], [], [], 0.2)
            if ready:
                lines += os.read(status_r, 4096)
            break
    os.close(status_r)
    report: dict[str, Any] = {"signal": signal.SIGKILL}
    inner = None
    for line in lines.split(b"\n"):
        if line.strip():
            try:
                data = json.loads(line)
            except ValueError:
                continue
            if not isinstance(data, dict) or "pid" in data:
                continue
            if "inner" in data:
                inner = data["inner"]  # how the server (pid 2 of the namespace) ended
            else:
                report = data
    if isinstance(inner, dict) and not report.get("reason"):
        report = {"reason": None, **inner}
    wire.send_frame(ctl, {"exited": report})


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    zygote(int(argv[0]), sandboxed=len(argv) > 1 and argv[1] == "isolated")
    return 0


if __name__ == "__main__":
    sys.exit(main())
