"""Tamper detection inside the grading child (the process that runs learner code).

The learner's code and the checks share a process, so the guards here make cheating visible
rather than impossible to attempt:

* an audit hook (PEP 578; it cannot be removed once added) refuses, when called from the
  submission's file, opening or deleting files under protected folders (the reference
  solutions, the hidden checks, the grader's output, the progress store) and importing the
  grader or the solutions;
* a snapshot of the functions of torch, numpy, pytest, builtins and the grader's own modules
  is compared after every check, so a monkeypatched ``torch.allclose`` or assertion helper
  is reported by name;
* the reference module's functions refuse to run on behalf of the submission.

Anything detected is recorded in :data:`events` and turns the result into an ``error``
whose message names the tampering, never into points.
"""

from __future__ import annotations

import builtins
import os
import sys
import types
from typing import Any

events: list[str] = []
"""What tampering was detected, in order (learner-facing sentences)."""

_WATCHED = ("builtins", "math", "random", "numpy", "numpy.testing", "torch", "torch.nn",
            "torch.nn.functional", "torch.testing", "pytest", "grader.asserts", "grader.plugin",
            "grader.forbid", "grader.guard", "grader.results")
_CLASSES = ("torch.Tensor", "torch.nn.Module", "torch.nn.Parameter")
_snapshot: dict[tuple[str, str], Any] = {}
_class_keys: dict[str, frozenset[str]] = {}
# Bound now, so a submission that replaces builtins cannot blind the guard.
_isinstance = builtins.isinstance
_vars = builtins.vars
_id = builtins.id
_callable = builtins.callable
_setattr = builtins.setattr
_list = builtins.list


def _note(message: str) -> None:
    if message not in events:
        events.append(message)


class TamperError(BaseException):
    """Raised when the submission does something only a cheat would do."""


def _submission_frame(filename: str) -> bool:
    frame = sys._getframe(2)
    while frame is not None:
        if frame.f_code.co_filename == filename:
            return True
        frame = frame.f_back  # type: ignore[assignment]
    return False


_STDLIB = os.path.dirname(os.path.realpath(os.__file__)) + os.sep


def _caller_is_submission(filename: str) -> bool:
    """Whether the code asking for an operation is the submission's own.

    The innermost frame outside the standard library decides: the submission calling
    ``open`` or ``pathlib`` directly counts; torch reading a traceback's source file while a
    submission's function is on the stack does not.
    """
    frame = sys._getframe(2)
    while frame is not None:
        name = frame.f_code.co_filename
        if name == filename:
            return True
        stdlib = name.startswith(_STDLIB) and "-packages" + os.sep not in name
        if not stdlib and not name.startswith("<frozen"):
            return False
        frame = frame.f_back  # type: ignore[assignment]
    return False


def install_audit_hook(filename: str, protected: list[str], forbidden_modules: tuple[str, ...]) -> None:
    """Refuse protected file access and grader imports made from ``filename``'s code."""
    roots = tuple(os.path.realpath(p) + os.sep for p in protected if p)
    file_events = {"open", "os.remove", "os.rename", "os.unlink", "os.rmdir", "shutil.rmtree",
                   "shutil.move", "os.truncate", "os.chmod", "os.symlink", "os.link"}

    def hook(event: str, args: tuple[Any, ...]) -> None:
        if event in file_events:
            path = args[0] if args else None
            if isinstance(path, (str, bytes, os.PathLike)):
                try:
                    real = os.path.realpath(os.fsdecode(path))
                except (TypeError, ValueError):
                    return
                if (real + os.sep).startswith(roots) and _caller_is_submission(filename):
                    _note(f"it tried to access {real}, which belongs to the grader")
                    raise TamperError("access to the grader's files is not allowed")
        elif event == "import":
            name = str(args[0]) if args else ""
            if (name.split(".")[0] in forbidden_modules and not name.startswith("grader.pretrained")
                    and _caller_is_submission(filename)):
                _note(f"it imported {name}, part of the grader")
                raise TamperError("importing the grader is not allowed")

    sys.addaudithook(hook)


def _targets() -> list[tuple[str, Any]]:
    found = list(_EXTRA)
    for name in _WATCHED:
        module = sys.modules.get(name)
        if module is not None:
            found.append((name, module))
    for dotted in _CLASSES:
        module_name, _, attr = dotted.rpartition(".")
        module = sys.modules.get(module_name)
        cls = getattr(module, attr, None) if module else None
        if cls is not None:
            found.append((dotted, cls))
    return found


def take_snapshot() -> None:
    """Remember every attribute of the watched modules and classes (before learner code)."""
    _snapshot.clear()
    for name, obj in _targets():
        namespace = _vars(obj)
        for attr, value in _list(namespace.items()):
            if _callable(value) or _isinstance(value, (types.ModuleType, type)):
                _snapshot[(name, attr)] = value
        if _isinstance(obj, type):
            _class_keys[name] = frozenset(namespace)


def verify_snapshot() -> None:
    """Record any watched attribute replaced or deleted since :func:`take_snapshot`, and put
    the original back so that the grader can go on to report it."""
    current: dict[str, Any] = dict(_targets())
    for name, keys in _class_keys.items():
        cls = current.get(name)
        for attr in (set(_vars(cls)) - keys) if cls is not None else ():
            _note(f"it added {name}.{attr}")
            try:
                delattr(cls, attr)
            except (AttributeError, TypeError):
                pass
    for (name, attr), original in _snapshot.items():
        obj = current.get(name)
        if obj is None:
            continue
        value = _vars(obj).get(attr, _MISSING)
        if value is original:
            continue
        if _torch_own(value, original):
            _snapshot[(name, attr)] = value  # torch's lazy imports rewrap some functions
            continue
        _note(f"it deleted {name}.{attr}" if value is _MISSING else f"it replaced {name}.{attr}")
        try:
            _setattr(obj, attr, original)
        except (AttributeError, TypeError):
            pass


_MISSING = object()


def _torch_own(value: Any, original: Any) -> bool:
    """True when torch itself replaced ``original`` (e.g. ``torch._dynamo`` wraps
    ``torch.manual_seed`` when it is first imported): a wrapper of the original whose code
    lives in torch's own files."""
    torch = sys.modules.get("torch")
    code = getattr(value, "__code__", None)
    if torch is None or code is None or getattr(value, "__wrapped__", None) is not original:
        return False
    root = os.path.dirname(os.path.realpath(torch.__file__)) + os.sep
    return os.path.realpath(code.co_filename).startswith(root)


GUARD_NAME = "_learn_reference_guard"


def load_guarded_module(name: str, path: str, filename: str) -> types.ModuleType:
    """Load ``path`` (the reference) so that every function in it starts by refusing to run
    on behalf of code from ``filename``.

    The check is compiled into each function's own code, so it holds however the
    submission reaches the function (``gc``, closures, the plugin's fixtures).
    """
    import ast

    source = open(path, encoding="utf-8").read()  # noqa: SIM115 - read before any hook
    tree = ast.parse(source)
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            call = ast.Expr(ast.Call(ast.Name(GUARD_NAME, ast.Load()), [], []))
            body = node.body
            keep = 1 if body and isinstance(body[0], ast.Expr) and isinstance(
                getattr(body[0], "value", None), ast.Constant) else 0
            node.body = body[:keep] + [call] + body[keep:]
    ast.fix_missing_locations(tree)
    module = types.ModuleType(name)
    module.__file__ = path

    def guard() -> None:
        if _submission_frame(filename):
            _note(f"it called the reference solution ({name})")
            raise TamperError("calling the reference solution is not allowed")

    module.__dict__[GUARD_NAME] = guard
    exec(compile(tree, path, "exec"), module.__dict__)
    _EXTRA.append((f"{name} (reference)", module))
    return module


_EXTRA: list[tuple[str, Any]] = []


_ = builtins  # watched by name above


def static_scan(source: str) -> list[str]:
    """Reasons to treat the source as tampering: it reaches into the grader or the solutions.

    ``grader.pretrained`` (models and data the exercises use) is allowed.
    """
    import ast

    reasons: list[str] = []

    def note(text: str) -> None:
        if text not in reasons:
            reasons.append(text)

    def grader_name(name: str) -> bool:
        head = name.split(".")
        return head[0] in ("grader", "solutions") and not name.startswith("grader.pretrained")

    tree = ast.parse(source)
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if grader_name(alias.name):
                    note(f"it imports {alias.name}, part of the grader")
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            full = [f"{node.module}.{a.name}" for a in node.names]
            if grader_name(node.module) and not all(f.startswith("grader.pretrained") for f in full):
                note(f"it imports from {node.module}, part of the grader")
        elif isinstance(node, ast.Attribute) and node.attr == "modules" and isinstance(
                node.value, ast.Name) and node.value.id == "sys":
            note("it reads sys.modules (used to reach the grader's internals)")
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            text = node.value.strip()
            if (grader_name(text) and "." in text) or text in ("grader", "solutions"):
                note(f"it names the module {text!r}")
    return reasons
