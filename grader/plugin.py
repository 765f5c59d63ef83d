"""The pytest plugin that runs hidden checks inside the grading worker.

Fixtures given to every check:

* ``sub``: the learner's submission, loaded as a module;
* ``ref``: the reference solution, loaded as a module;
* ``device``: the ``torch.device`` the checks run on (the reference runs there too);
* ``seed``: this check's seed (derived from the run's seed and the check's name);
* ``rng``: a CPU ``torch.Generator`` seeded with ``seed``; make inputs with it and move
  them to ``device``, so a run is replayed exactly by ``learn check --seed N``.

Markers: ``@pytest.mark.points(n)`` (default 1).

Each check's outcome is classified here (passed, failed, not attempted, error) and written
as a JSON event by the worker's ``emit`` function, with a message in the learner's terms.
"""

from __future__ import annotations

import random
import traceback
import zlib
from typing import Any, Callable, Iterator

import pytest

from grader import forbid, guard
from grader.asserts import CheckFailure
from grader.results import ERROR, FAILED, NOT_ATTEMPTED, PASSED

CONTEXT: dict[str, Any] = {}
"""Set by the worker before pytest runs: sub, ref, device, seed, filename, emit."""


def _emit(event: dict[str, Any]) -> None:
    emit: Callable[[dict[str, Any]], None] | None = CONTEXT.get("emit")
    if emit is not None:
        emit(event)


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "points(n): points this check is worth (default 1)")


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
    """Learner code that draws from torch's global RNG is replayable with --seed too."""
    import numpy
    import torch

    value = _check_seed(request.node)
    torch.manual_seed(value)
    random.seed(value)
    numpy.random.seed(value)


def _learner_frame(tb: Any, filename: str) -> int | None:
    line = None
    for frame, lineno in traceback.walk_tb(tb):
        if frame.f_code.co_filename == filename:
            line = lineno
    return line


def _short(text: str, limit: int = 400) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def classify(excinfo: pytest.ExceptionInfo[BaseException] | None) -> tuple[str, str]:
    """(outcome, message) for a check that raised ``excinfo`` (None: it passed)."""
    guard.verify_snapshot()
    if guard.events:
        return ERROR, "tampering detected: " + "; ".join(guard.events) + "."
    used = list(forbid.used)
    if used:
        return FAILED, (f"your code called {', '.join(used)}, which this exercise forbids; "
                        "the point of the exercise is to write it yourself.")
    if excinfo is None:
        return PASSED, ""
    exc = excinfo.value
    filename = CONTEXT.get("filename", "")
    line = _learner_frame(excinfo.tb, filename)
    where = f" (line {line} of your file)" if line else ""
    if isinstance(exc, forbid.ForbiddenAPIError):
        return FAILED, f"your code called a forbidden API: {exc}."
    if isinstance(exc, NotImplementedError):
        return NOT_ATTEMPTED, f"still raises NotImplementedError{where}: fill in this part."
    if isinstance(exc, CheckFailure):
        return FAILED, _short(str(exc), 1000)
    if isinstance(exc, SystemExit):
        return ERROR, f"your code called sys.exit({exc.code!r}){where}; return a value instead."
    if isinstance(exc, KeyboardInterrupt):
        return ERROR, "interrupted"
    if isinstance(exc, RecursionError):
        return FAILED, f"your code recursed without end{where}."
    if isinstance(exc, MemoryError):
        return ERROR, f"your code ran out of memory{where}."
    text = _short(f"{type(exc).__name__}: {exc}")
    if line is not None:
        return FAILED, f"your code raised {text}{where}."
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
    if forbid.used:
        _emit({"type": "forbidden", "apis": list(forbid.used)})
