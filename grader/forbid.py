"""Detect forbidden APIs (e.g. torch's own pooling inside the pooling exercise).

Two layers: a static scan of the submission's source that resolves import aliases and
``getattr`` strings, and runtime tripwires that replace each forbidden function with a
wrapper that notices when it is called from the submission's file, however it was reached
(an alias, ``getattr``, ``importlib``).
"""

from __future__ import annotations

import ast
import importlib
from typing import Any, Callable

from grader.guard import _submission_frame as _from_submission

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

    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            for alias in node.names:
                full = f"{node.module}.{alias.name}"
                if full in wanted:
                    note(full)
        elif isinstance(node, (ast.Attribute, ast.Name)):
            dotted = _dotted(node)
            if dotted is None:
                continue
            head, _, rest = dotted.partition(".")
            full = aliases.get(head, head) + ("." + rest if rest else "")
            if full in wanted:
                note(full)
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


def install_tripwires(forbidden: tuple[str, ...], filename: str) -> None:
    """Wrap each forbidden callable so a call from ``filename`` is recorded and refused.

    Functions that cannot be replaced (those of ``torch._C``) are still caught for torch
    names: a ``TorchFunctionMode`` sees every torch call by its function name.
    """
    if any(name.startswith("torch.") for name in forbidden):
        _install_torch_mode(forbidden, filename)
    for dotted in forbidden:
        found = _resolve(dotted)
        if found is None:
            continue
        owner, attr = found
        original = getattr(owner, attr)
        if isinstance(original, type):
            _wrap_class(original, dotted, filename)
            continue
        if not callable(original):
            continue
        try:
            setattr(owner, attr, _wrapper(original, dotted, filename))
        except (AttributeError, TypeError):
            continue


def _install_torch_mode(forbidden: tuple[str, ...], filename: str) -> None:
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
            if name in by_name and _from_submission(filename):
                _trip(by_name[name])
            return func(*args, **(kwargs or {}))

    if by_name:
        _Tripwire().__enter__()
        _ = torch  # the mode stays active for the rest of this (child) process


def _trip(dotted: str) -> None:
    if dotted not in used:
        used.append(dotted)
    raise ForbiddenAPIError(f"{dotted} is forbidden in this exercise")


def _wrapper(original: Callable[..., Any], dotted: str, filename: str) -> Callable[..., Any]:
    def tripwire(*args: Any, **kwargs: Any) -> Any:
        if _from_submission(filename):
            _trip(dotted)
        return original(*args, **kwargs)

    tripwire.__name__ = getattr(original, "__name__", "tripwire")
    tripwire.__doc__ = getattr(original, "__doc__", None)
    return tripwire


def _wrap_class(cls: type, dotted: str, filename: str) -> None:
    original_init = cls.__init__

    def __init__(self: Any, *args: Any, **kwargs: Any) -> None:
        if _from_submission(filename):
            _trip(dotted)
        original_init(self, *args, **kwargs)

    try:
        cls.__init__ = __init__  # type: ignore[misc]
    except (AttributeError, TypeError):
        pass
