"""Can the learner's function be called the way a check calls it?

The sandbox reports each required name's parameters as data (name, kind, default's repr).
Before a check calls a learner function or class, the checker binds the call's arguments to
that signature here, in the checker: a renamed parameter that the check passes by position,
or an extra parameter with a default, binds fine; a call that cannot bind fails that check
only, with a message naming the parameter and the stub's signature.
"""

from __future__ import annotations

import inspect
from typing import Any

from grader.asserts import CheckFailure

_KINDS = {k.name: k for k in (inspect.Parameter.POSITIONAL_ONLY,
                              inspect.Parameter.POSITIONAL_OR_KEYWORD,
                              inspect.Parameter.VAR_POSITIONAL, inspect.Parameter.KEYWORD_ONLY,
                              inspect.Parameter.VAR_KEYWORD)}


class CallMismatch(CheckFailure):
    """The check's call cannot bind to the learner's signature (a failed check)."""


def signature_from(params: Any) -> inspect.Signature | None:
    """A signature rebuilt from the sandbox's report (None if it could not say)."""
    if not isinstance(params, list):
        return None
    built = []
    try:
        for entry in params:
            name, kind, default = entry
            if not isinstance(name, str) or kind not in _KINDS:
                return None
            value = inspect.Parameter.empty if default is None else _Default(str(default))
            built.append(inspect.Parameter(name, _KINDS[kind], default=value))
        return inspect.Signature(built)
    except (TypeError, ValueError):
        return None


class _Default:
    """Stands for a default value the sandbox described by its repr."""

    def __init__(self, text: str) -> None:
        self.text = text[:60]

    def __repr__(self) -> str:
        return self.text


def text(name: str, sig: inspect.Signature | None) -> str:
    if sig is None:
        return f"{name}(...)"
    parts = []
    for p in sig.parameters.values():
        prefix = "*" if p.kind is p.VAR_POSITIONAL else "**" if p.kind is p.VAR_KEYWORD else ""
        parts.append(prefix + p.name + ("" if p.default is p.empty else f"={p.default!r}"))
    return f"{name}({', '.join(parts)})"


def _describe_call(name: str, args: tuple[Any, ...], kwargs: dict[str, Any]) -> str:
    shown = [f"<{len(args)} positional argument{'s' * (len(args) != 1)}>"] if args else []
    shown += [f"{k}=..." for k in kwargs]
    return f"{name}({', '.join(shown)})"


def check_bind(name: str, params: Any, args: tuple[Any, ...], kwargs: dict[str, Any],
               stub: inspect.Signature | None) -> None:
    """Raise :class:`CallMismatch` if ``name(*args, **kwargs)`` cannot bind to ``params``."""
    sig = signature_from(params)
    if sig is None:
        return
    try:
        sig.bind(*args, **kwargs)
    except TypeError as exc:
        raise CallMismatch(
            f"the check calls {_describe_call(name, args, kwargs)}, but your {text(name, sig)} "
            f"cannot be called that way ({exc}). Keep the stub's signature: "
            f"{text(name, stub)}.") from None


def notes(name: str, params: Any, stub: inspect.Signature | None) -> list[str]:
    """Friendly notes on harmless differences (renamed or added parameters)."""
    sig = signature_from(params)
    if sig is None or stub is None:
        return []
    found = []
    mine = list(sig.parameters.values())
    theirs = list(stub.parameters.values())
    for i, (a, b) in enumerate(zip(mine, theirs)):
        if a.name != b.name and a.kind is not a.VAR_POSITIONAL:
            found.append(f"your {name} calls parameter {i + 1} {a.name!r} (the stub: {b.name!r}); "
                         "the checks pass it by position, so that is fine")
    for extra in mine[len(theirs):]:
        if extra.default is not extra.empty:
            found.append(f"your {name} adds the parameter {extra.name!r} with a default; "
                         "the checks leave it at its default")
    return found
