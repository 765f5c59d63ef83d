"""The pytest plugin that runs hidden checks inside the grading worker.

Fixtures given to every check:

* ``sub``: the learner's submission, a :class:`grader.sandbox.host.Remote`: its functions and
  classes run in the sandbox, arguments and results cross by value, objects stay there as
  handles (see :mod:`grader.sandbox.host` and ``docs/content.md``);
* ``ref``: the reference solution, loaded as a module in this (the checker's) process;
* ``device``: the ``torch.device`` the checks run on (the reference runs there too);
* ``seed``: this check's seed (derived from the run's seed and the check's name);
* ``rng``: a CPU ``torch.Generator`` seeded with ``seed``; make inputs with it and move
  them to ``device``, so a run is replayed exactly by ``learn check --seed N``.

Markers: ``@pytest.mark.points(n)`` (default 1).

Each check's outcome is classified here (passed, failed, not attempted, error) and written
as a JSON event by the worker's ``emit`` function, with a message in the learner's terms.
"""

from __future__ import annotations

import zlib
from typing import Any, Callable, Iterator

import pytest

from grader.asserts import CheckFailure
from grader.results import ERROR, FAILED, NOT_ATTEMPTED, PASSED
from grader.sandbox.host import (CheckAuthoringError, ForbiddenAPIError, LearnerError,
                                 RemoteInterrupt, RemoteSystemExit, SandboxFailure)

CONTEXT: dict[str, Any] = {}
"""Set by the checker before pytest runs: sub, ref, device, seed, session, emit."""


def _emit(event: dict[str, Any]) -> None:
    emit: Callable[[dict[str, Any]], None] | None = CONTEXT.get("emit")
    if emit is not None:
        emit(event)


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "points(n): points this check is worth (default 1)")
    # The learner's messages come from the checks' own exceptions, never from pytest's
    # report; its default "long" traceback re-parses the check file for every failure.
    config.option.tbstyle = "native"


def _points(item: pytest.Item) -> int:
    marker = item.get_closest_marker("points")
    return int(marker.args[0]) if marker and marker.args else 1


def _name(item: pytest.Item) -> str:
    name = item.name
    return name[5:] if name.startswith("test_") else name


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    _emit({"type": "collected", "checks": [[_name(i), _points(i)] for i in items]})


def pytest_runtest_logstart(nodeid: str, location: tuple[str, int | None, str]) -> None:
    name = location[2].split(".")[-1]
    _emit({"type": "start", "name": name[5:] if name.startswith("test_") else name})


@pytest.fixture
def sub() -> Any:
    return CONTEXT["sub"]


@pytest.fixture
def ref() -> Any:
    return CONTEXT["ref"]


@pytest.fixture
def device() -> Any:
    import torch

    return torch.device(CONTEXT.get("device", "cpu"))


@pytest.fixture
def seed(request: pytest.FixtureRequest) -> int:
    return _check_seed(request.node)


def _check_seed(item: pytest.Item) -> int:
    base = int(CONTEXT.get("seed", 0))
    return (base ^ zlib.crc32(item.name.encode())) & 0x7FFFFFFF


@pytest.fixture
def rng(seed: int) -> Any:
    import torch

    gen = torch.Generator()
    gen.manual_seed(seed)
    return gen


@pytest.fixture(autouse=True)
def _seed_global_rngs(request: pytest.FixtureRequest) -> None:
    """Learner code that draws from torch's global RNG is replayable with --seed too.

    The sandbox's generators are seeded for every check (a fresh submission process is
    started first if the previous check ended the last one); so are the checker's.
    """
    import torch

    from grader.sandbox.server import _seed_all

    value = _check_seed(request.node)
    _seed_all(value, torch.device(CONTEXT.get("device", "cpu")))
    session = CONTEXT.get("session")
    if session is not None:
        session.ensure()
        session.seed(value)


def _short(text: str, limit: int = 400) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _forbidden_used() -> list[str]:
    session = CONTEXT.get("session")
    return list(session.forbidden_used) if session is not None else []


def classify(excinfo: pytest.ExceptionInfo[BaseException] | None) -> tuple[str, str]:
    """(outcome, message) for a check that raised ``excinfo`` (None: it passed)."""
    used = _forbidden_used()
    if used:
        return FAILED, (f"your code called {', '.join(used)}, which this exercise forbids; "
                        "the point of the exercise is to write it yourself.")
    if excinfo is None:
        return PASSED, ""
    exc = excinfo.value
    line = getattr(exc, "line", None) if isinstance(exc, LearnerError) else None
    where = f" (line {line} of your file)" if line else ""
    if isinstance(exc, ForbiddenAPIError):
        return FAILED, f"your code called a forbidden API: {exc}."
    if isinstance(exc, SandboxFailure):
        return ERROR, _short(str(exc))
    if isinstance(exc, CheckAuthoringError):
        return ERROR, f"the grader itself failed on this check ({_short(str(exc), 200)}); please report this"
    if isinstance(exc, NotImplementedError) and isinstance(exc, LearnerError):
        return NOT_ATTEMPTED, f"still raises NotImplementedError{where}: fill in this part."
    if isinstance(exc, CheckFailure):
        return FAILED, _short(str(exc), 1000)
    if isinstance(exc, RemoteSystemExit):
        return ERROR, f"your code called sys.exit({exc}){where}; return a value instead."
    if isinstance(exc, (RemoteInterrupt, KeyboardInterrupt)):
        return ERROR, "interrupted"
    if isinstance(exc, LearnerError):
        if isinstance(exc, RecursionError):
            return FAILED, f"your code recursed without end{where}."
        if isinstance(exc, MemoryError):
            return ERROR, f"your code ran out of memory{where}."
        return FAILED, f"your code raised {_short(f'{exc.remote_type}: {exc}')}{where}."
    text = _short(f"{type(exc).__name__}: {exc}")
    if isinstance(exc, pytest.fail.Exception):
        return FAILED, _short(str(exc))
    if isinstance(exc, AssertionError):
        return FAILED, _short(str(exc)) or "a check on your result failed."
    return FAILED, f"the check could not use your result: {text}."


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Iterator[None]:
    yield
    if call.when == "teardown":
        return
    if call.when == "setup" and call.excinfo is None:
        return
    if getattr(item, "_learn_reported", False):
        return
    item._learn_reported = True  # type: ignore[attr-defined]
    outcome, message = classify(call.excinfo)
    points = _points(item)
    _emit({"type": "check", "name": _name(item), "outcome": outcome,
           "points": points if outcome == PASSED else 0, "max_points": points,
           "message": message})
    if _forbidden_used():
        _emit({"type": "forbidden", "apis": _forbidden_used()})
