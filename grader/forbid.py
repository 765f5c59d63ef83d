"""Detect forbidden APIs (e.g. torch's own pooling inside the pooling exercise).

Two layers: a static scan of the submission's source (in the checker) that resolves import
aliases and ``getattr`` strings, and runtime tripwires (in the sandbox) that replace each
forbidden function with a wrapper that refuses every call, however it was reached (an
alias, ``getattr``, ``importlib``, another thread).
"""

from __future__ import annotations

import ast
import importlib
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, Callable


used: list[str] = []
"""Forbidden APIs the submission called at run time, in order (filled by the tripwires)."""


class ForbiddenAPIError(BaseException):
    """Raised when the submission calls a forbidden API.

    A BaseException, so that ``except Exception`` in learner code does not hide it.
    """


def _tails(forbidden: tuple[str, ...]) -> set[str]:
    return {name.rsplit(".", 1)[-1] for name in forbidden}


def _dotted(node: ast.AST) -> str | None:
    parts: list[str] = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if isinstance(node, ast.Name):
        parts.append(node.id)
        return ".".join(reversed(parts))
    return None


def static_scan(source: str, forbidden: tuple[str, ...]) -> list[str]:
    """Forbidden names the source refers to (after resolving ``import ... as`` aliases)."""
    if not forbidden:
        return []
    tree = ast.parse(source)
    aliases: dict[str, str] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                aliases[alias.asname or alias.name.split(".")[0]] = (
                    alias.name if alias.asname else alias.name.split(".")[0])
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            for alias in node.names:
                aliases[alias.asname or alias.name] = f"{node.module}.{alias.name}"
    wanted = set(forbidden)
    tails = _tails(forbidden)
    hits: list[str] = []

    def note(name: str) -> None:
        if name not in hits:
            hits.append(name)

    def under(full: str) -> str | None:
        """The forbidden name ``full`` is, or lies under (a forbidden module covers all of
        its contents: ``sklearn.metrics`` covers ``sklearn.metrics.f1_score``)."""
        parts = full.split(".")
        for cut in range(len(parts), 0, -1):
            prefix = ".".join(parts[:cut])
            if prefix in wanted:
                return prefix
        return None

    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                found = under(alias.name)
                if found:
                    note(found)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            for alias in node.names:
                found = under(f"{node.module}.{alias.name}")
                if found:
                    note(found)
        elif isinstance(node, (ast.Attribute, ast.Name)):
            dotted = _dotted(node)
            if dotted is None:
                continue
            head, _, rest = dotted.partition(".")
            found = under(aliases.get(head, head) + ("." + rest if rest else ""))
            if found:
                note(found)
        elif isinstance(node, ast.Call):
            func = _dotted(node.func) or ""
            if func.rsplit(".", 1)[-1] in {"getattr", "__getattribute__", "import_module",
                                           "__import__", "eval", "exec"}:
                for arg in node.args:
                    if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                        text = arg.value
                        if text in wanted or text in tails:
                            note(next(n for n in forbidden if n == text or n.endswith("." + text)))
    return hits


def _resolve(dotted: str) -> tuple[Any, str] | None:
    """(owner object, attribute name) for a dotted path, importing modules as needed."""
    parts = dotted.split(".")
    for cut in range(len(parts) - 1, 0, -1):
        try:
            owner: Any = importlib.import_module(".".join(parts[:cut]))
        except ImportError:
            continue
        try:
            for attr in parts[cut:-1]:
                owner = getattr(owner, attr)
        except AttributeError:
            return None
        if hasattr(owner, parts[-1]):
            return owner, parts[-1]
        return None
    return None


suspended = 0
"""While positive (the sandbox building a public fixture), the tripwires let calls through."""

_arming: list[Callable[[bool], None]] = []
"""Set by the sandbox server: arms (True) or disarms (False) the dispatcher's tripwires."""


@contextmanager
def learner_code() -> Iterator[None]:
    """Every tripwire armed again while learner code runs inside a fixture factory.

    The sandbox suspends the tripwires while a factory builds its objects; learner functions
    and classes passed to a factory are wrapped in this (``server.Server.make``), and a
    factory that calls a learner object some other way must do it inside this block.
    """
    global suspended
    saved = suspended
    suspended = 0
    for hook in _arming:
        hook(True)
    try:
        yield
    finally:
        suspended = saved
        if saved:
            for hook in _arming:
                hook(False)


def install_tripwires(forbidden: tuple[str, ...]) -> None:
    """Wrap each forbidden callable so any call is recorded and refused.

    This runs only inside the sandbox, where every call comes from the learner's code (or
    from fixtures the learner's code calls), so there is no caller to inspect: a call on any
    thread, from any file name or from rebuilt code objects trips. Functions that cannot be
    replaced (those of ``torch._C``) are still caught by name: a ``TorchFunctionMode`` sees
    every torch call. The checker's static scan is the other, independent layer.
    """
    if any(name.startswith("torch.") for name in forbidden):
        _install_torch_mode(forbidden)
    # A forbidden name that is a module (``sklearn.metrics``) cannot be imported at all.
    sys.meta_path.insert(0, _ForbiddenModules(tuple(forbidden)))
    for dotted in forbidden:
        found = _resolve(dotted)
        if found is None:
            continue
        owner, attr = found
        original = getattr(owner, attr)
        if isinstance(original, type):
            _wrap_class(original, dotted)
            continue
        if not callable(original):
            continue
        try:
            setattr(owner, attr, _wrapper(original, dotted))
        except (AttributeError, TypeError):
            continue


class _ForbiddenModules:
    """A meta path finder that refuses to import a forbidden module or anything under it."""

    def __init__(self, names: tuple[str, ...]) -> None:
        self.names = names

    def find_spec(self, fullname: str, path: Any = None, target: Any = None) -> Any:
        if suspended:
            return None
        name = next((n for n in self.names
                     if fullname == n or fullname.startswith(n + ".")), None)
        if name is None:
            return None
        # Only a module that exists is refused, and only when it is loaded: libraries probe
        # for optional modules (find_spec) without importing them, and an absent one stays
        # an ordinary ModuleNotFoundError.
        for finder in sys.meta_path:
            if finder is self or not hasattr(finder, "find_spec"):
                continue
            if finder.find_spec(fullname, path, target) is not None:
                import importlib.machinery

                return importlib.machinery.ModuleSpec(fullname, _RefusingLoader(name))
        return None


class _RefusingLoader:
    """Loads nothing: creating the module trips the forbidden name."""

    def __init__(self, name: str) -> None:
        self.name = name

    def create_module(self, spec: Any) -> Any:
        _trip(self.name)

    def exec_module(self, module: Any) -> None:
        _trip(self.name)


def _install_torch_mode(forbidden: tuple[str, ...]) -> None:
    import torch
    from torch.overrides import TorchFunctionMode

    by_name: dict[str, str] = {}
    for dotted in forbidden:
        if dotted.startswith("torch.") and not dotted.rsplit(".", 1)[-1][:1].isupper():
            by_name.setdefault(dotted.rsplit(".", 1)[-1], dotted)

    class _Tripwire(TorchFunctionMode):
        def __torch_function__(self, func: Any, types: Any, args: Any = (),
                               kwargs: Any = None) -> Any:
            name = getattr(func, "__name__", "")
            if name in by_name and not suspended:
                _trip(by_name[name])
            return func(*args, **(kwargs or {}))

    if by_name:
        _Tripwire().__enter__()
        _ = torch  # the mode stays active for the rest of this (sandbox) process


def _trip(dotted: str) -> None:
    if dotted not in used:
        used.append(dotted)
    raise ForbiddenAPIError(f"{dotted} is forbidden in this exercise")


def _wrapper(original: Callable[..., Any], dotted: str) -> Callable[..., Any]:
    def tripwire(*args: Any, **kwargs: Any) -> Any:
        if not suspended:
            _trip(dotted)
        return original(*args, **kwargs)

    tripwire.__name__ = getattr(original, "__name__", "tripwire")
    tripwire.__doc__ = getattr(original, "__doc__", None)
    return tripwire


def _wrap_class(cls: type, dotted: str) -> None:
    original_init = cls.__init__

    def __init__(self: Any, *args: Any, **kwargs: Any) -> None:
        if not suspended:
            _trip(dotted)
        original_init(self, *args, **kwargs)

    try:
        cls.__init__ = __init__  # type: ignore[misc]
    except (AttributeError, TypeError):
        pass
