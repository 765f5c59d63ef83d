"""``learn watch``: re-check the exercise you are working on every time you save it.

rustlings' flow: the exercise to work on is shown and checked; every save of its file checks
it again in a warm checker (:class:`grader.runner.WarmChecker`: torch, pytest and the
sandbox zygote started once); when it passes, the next exercise not yet passed comes up.
Keys: ``n`` next, ``h`` hint, ``l`` list, ``c`` check again, ``q`` quit. With
``manual_run`` (for folders where file events do not arrive: network drives, WSL) a line
typed at the prompt is the key and Enter alone checks.
"""

from __future__ import annotations

import os
import queue
import select
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from grader.catalog import Catalog, Exercise

KEYS = "n next · h hint · l list · c check again · q quit"


class NotInteractive(Exception):
    """``learn watch`` needs a terminal to read keys from."""


@dataclass
class WatchState:
    """Where the learner is: the exercise on screen, and what the loop has done."""

    exercise: Exercise
    checks: int = 0
    history: list[tuple[str, str]] = field(default_factory=list)


def first_unpassed(catalog: Catalog, passed: Callable[[str], bool],
                   after: str | None = None) -> Exercise | None:
    """The first exercise not yet passed (after ``after`` when given, wrapping around)."""
    order = list(catalog.exercises)
    if after is not None:
        ids = [e.id for e in order]
        start = ids.index(after) + 1 if after in ids else 0
        order = order[start:] + order[:start]
        order = [e for e in order if e.id != after] or order
    return next((e for e in order if not passed(e.id)), None)


class FileEvents:
    """Changes to the watched files, from watchfiles in a background thread."""

    def __init__(self, folder: Path) -> None:
        self.events: queue.Queue[set[str]] = queue.Queue()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, args=(folder,), daemon=True)
        self._thread.start()

    def _run(self, folder: Path) -> None:
        import watchfiles

        # step: how long to wait for more changes after the first (an editor's save is often
        # a write and a rename); debounce caps the wait for a burst.
        for changes in watchfiles.watch(folder, stop_event=self._stop, step=30, debounce=400,
                                        yield_on_timeout=False, raise_interrupt=False):
            self.events.put({os.path.realpath(path) for _, path in changes})

    def changed(self, path: Path, timeout: float) -> bool:
        """Whether ``path`` changed within ``timeout`` seconds (other files are skipped)."""
        target = os.path.realpath(path)
        deadline = time.monotonic() + timeout
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                return False
            try:
                paths = self.events.get(timeout=left)
            except queue.Empty:
                return False
            if target in paths:
                return True

    def close(self) -> None:
        self._stop.set()


@contextmanager
def single_keys() -> Iterator[Callable[[float], str | None]]:
    """Read single key presses (the terminal in cbreak mode, restored afterwards)."""
    import termios
    import tty

    fd = sys.stdin.fileno()
    saved = termios.tcgetattr(fd)
    tty.setcbreak(fd)

    def read(timeout: float) -> str | None:
        ready, _, _ = select.select([fd], [], [], timeout)
        return os.read(fd, 1).decode("utf-8", "replace") if ready else None

    try:
        yield read
    finally:
        termios.tcsetattr(fd, termios.TCSADRAIN, saved)


def run(catalog: Catalog, workspace: Path, *, start: str | None, manual_run: bool,
        device: str, out: Any, check: Callable[[Exercise], Any],
        show_result: Callable[[Any, Exercise], None], show_hint: Callable[[Exercise], None],
        show_list: Callable[[], None], passed: Callable[[str], bool],
        file_of: Callable[[Exercise], Path]) -> int:
    """The watch loop; every effect goes through the callables (the CLI supplies them)."""
    if not sys.stdin.isatty():
        raise NotInteractive()
    exercise = catalog.get(start) if start else first_unpassed(catalog, passed)
    if exercise is None:
        out.print("[bold green]Every exercise has passed.[/] `learn watch ID` re-checks one.")
        return 0
    events = None if manual_run else FileEvents(workspace)
    try:
        with (_lines() if manual_run else single_keys()) as read_key:
            while True:
                path = file_of(exercise)
                out.rule(f"{exercise.id}: {exercise.title}")
                out.print(f"Edit [bold]{path}[/]; every save checks it. {KEYS}"
                          + (" (type a key, then Enter; Enter alone checks)" if manual_run else ""))
                result = check(exercise)
                show_result(result, exercise)
                action = _wait(read_key, events, path, passed_now=bool(result.passed),
                               manual_run=manual_run)
                while action in ("h", "l"):
                    show_hint(exercise) if action == "h" else show_list()
                    action = _wait(read_key, events, path, passed_now=bool(result.passed),
                                   manual_run=manual_run)
                if action == "q":
                    return 0
                if action in ("n", "passed"):
                    nxt = first_unpassed(catalog, passed, after=exercise.id)
                    if nxt is None:
                        out.print("[bold green]Every exercise has passed.[/] Well done!")
                        return 0
                    if action == "passed":
                        out.print(f"[green]{exercise.id} passed.[/] Next: {nxt.id}")
                    exercise = nxt
    finally:
        if events is not None:
            events.close()


def _wait(read_key: Callable[[float], str | None], events: FileEvents | None, path: Path,
          *, passed_now: bool, manual_run: bool) -> str:
    """The next thing to do: a key, a save ("check"), or "passed" (move on)."""
    if passed_now:
        return "passed"
    while True:
        key = read_key(0.05 if events is not None else 3600.0)
        if key is not None:
            key = key.strip().lower()[:1]
            if key in ("n", "h", "l", "q"):
                return key
            if key in ("c", "") and (manual_run or key == "c"):
                return "check"
        if events is not None and events.changed(path, 0.05):
            return "check"


@contextmanager
def _lines() -> Iterator[Callable[[float], str | None]]:
    """``--manual-run``: a line at a time (Enter alone is an empty key: check)."""
    def read(timeout: float) -> str | None:
        ready, _, _ = select.select([sys.stdin], [], [], timeout)
        if not ready:
            return None
        line = sys.stdin.readline()
        if not line:
            return "q"
        return line.strip() or ""

    yield read
