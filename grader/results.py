"""Outcomes of grading: per check and per exercise. No torch here.

Outcomes: ``passed``, ``failed``, ``not_attempted`` (the stub still raises
NotImplementedError) and ``error`` (the submission could not be loaded or run: syntax or
import error, missing name, timeout, crash, or the grader itself failed).
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass, field
from typing import Any

PASSED = "passed"
FAILED = "failed"
NOT_ATTEMPTED = "not_attempted"
ERROR = "error"
OUTCOMES = (PASSED, FAILED, NOT_ATTEMPTED, ERROR)


@dataclass(frozen=True)
class CheckResult:
    """One hidden check: its name (the test function), outcome, points earned, message."""

    name: str
    outcome: str
    points: int
    max_points: int
    message: str = ""


@dataclass(frozen=True)
class ExerciseResult:
    """The result of grading one submission for one exercise (the JSON of ``learn check``)."""

    exercise: str
    outcome: str
    score: int
    max_score: int
    device: str
    seed: int
    message: str = ""
    checks: tuple[CheckResult, ...] = field(default_factory=tuple)
    submission: str = ""
    duration: float = 0.0
    output: str = ""
    """The head of what the submission printed while it was graded."""
    isolation: str = ""
    """The sandbox this grade ran in (``none`` when learner code was not isolated)."""
    notes: tuple[str, ...] = ()
    """Harmless differences worth knowing (a renamed parameter the checks pass by position)."""

    @property
    def passed(self) -> bool:
        return self.outcome == PASSED

    def to_json(self) -> dict[str, Any]:
        """The documented JSON shape: exercise, outcome, passed, score, ... checks."""
        return {
            "exercise": self.exercise,
            "outcome": self.outcome,
            "passed": self.passed,
            "score": self.score,
            "max_score": self.max_score,
            "device": self.device,
            "seed": self.seed,
            "message": self.message,
            "submission": self.submission,
            "duration": round(self.duration, 3),
            "output": self.output,
            "isolation": self.isolation,
            "notes": list(self.notes),
            "checks": [
                {"name": c.name, "outcome": c.outcome, "points": c.points,
                 "max_points": c.max_points, "message": c.message}
                for c in self.checks
            ],
        }


def compose(
    exercise: str,
    events: list[dict[str, Any]],
    *,
    max_score: int,
    seed: int,
    submission: str = "",
    ended: str | None = None,
    duration: float = 0.0,
    output: str = "",
    isolation: str = "",
) -> ExerciseResult:
    """Build the exercise result from the worker's event stream.

    Args:
        exercise: the exercise id.
        events: JSON events written by the worker, in order (``load_error``, ``start``,
            ``check``, ``forbidden``, ``device``, ``done``).
        max_score: the exercise's points, used when no check could run.
        seed: the run's seed.
        submission: the graded file, for messages.
        ended: why the process ended early, if it did (``timeout after 30 s``, ``signal 11``);
            ``None`` when it finished normally.
        duration: wall time in seconds.
        output: the head of what the submission printed.
    """
    device = "cpu"
    checks: list[CheckResult] = []
    load_error: str | None = None
    forbidden: list[str] = []
    running: str | None = None
    collected: list[tuple[str, int]] = []
    done = False
    tampering: list[str] = []
    notes: list[str] = []
    for event in events:
        kind = event.get("type")
        if kind == "device":
            device = str(event.get("device", device))
        elif kind == "load_error":
            load_error = str(event.get("message", "could not load the submission"))
        elif kind == "collected":
            collected = [(str(n), int(p)) for n, p in event.get("checks", [])]
        elif kind == "start":
            running = str(event.get("name"))
        elif kind == "check":
            running = None
            checks.append(CheckResult(
                name=str(event["name"]), outcome=str(event["outcome"]),
                points=int(event.get("points", 0)), max_points=int(event.get("max_points", 0)),
                message=str(event.get("message", "")),
            ))
        elif kind == "forbidden":
            for api in event.get("apis", []):
                if api not in forbidden:
                    forbidden.append(str(api))
        elif kind == "tamper":
            tampering += [str(r) for r in event.get("reasons", []) if str(r) not in tampering]
        elif kind == "note":
            notes.append(str(event.get("message", "")))
        elif kind == "done":
            done = True
    total = sum(p for _, p in collected) or sum(c.max_points for c in checks) or max_score

    def result(outcome: str, message: str, score: int | None = None) -> ExerciseResult:
        earned = sum(c.points for c in checks) if score is None else score
        return ExerciseResult(exercise=exercise, outcome=outcome, score=earned, max_score=total,
                              device=device, seed=seed, message=message, checks=tuple(checks),
                              submission=submission, duration=duration, output=output,
                              isolation=isolation, notes=tuple(notes))

    if tampering:
        return result(ERROR, "tampering detected: " + "; ".join(tampering) +
                      ". Nothing was scored; write a submission that only solves the exercise.", 0)
    if load_error is not None:
        return result(ERROR, load_error, 0)
    if ended is not None or not done:
        why = ended or "the grading process stopped without a result"
        finished = {c.name for c in checks}
        if running is not None:
            checks.append(CheckResult(running, ERROR, 0, dict(collected).get(running, 0),
                                      f"your code stopped the check: {why}"))
            finished.add(running)
        for name, points in collected:
            if name not in finished:
                checks.append(CheckResult(name, ERROR, 0, points, "not run: an earlier check stopped"))
        where = f" during check {running!r}" if running else ""
        return result(ERROR, f"{why}{where}")
    if not checks:
        return result(ERROR, "no check ran: the grader found no hidden checks", 0)
    if forbidden:
        apis = ", ".join(forbidden)
        return result(FAILED, f"your code uses {apis}, which this exercise forbids: "
                              "the point of the exercise is to write it yourself", 0)
    outcomes = [c.outcome for c in checks]
    if all(o == PASSED for o in outcomes):
        return result(PASSED, "")
    if all(o == NOT_ATTEMPTED for o in outcomes):
        return result(NOT_ATTEMPTED, "every check hit NotImplementedError: the stub has not been "
                                     "filled in yet")
    if any(o == ERROR for o in outcomes):
        first = next(c for c in checks if c.outcome == ERROR)
        return result(ERROR, f"{first.message} (during check {first.name!r})")
    failed = sum(o == FAILED for o in outcomes)
    missing = sum(o == NOT_ATTEMPTED for o in outcomes)
    parts = []
    if failed:
        parts.append(f"{failed} check{'s' * (failed != 1)} failed")
    if missing:
        parts.append(f"{missing} not attempted (still NotImplementedError)")
    return result(FAILED, ", ".join(parts))


def error_result(exercise: str, message: str, *, max_score: int, seed: int,
                 device: str = "cpu", submission: str = "") -> ExerciseResult:
    """A result for when grading could not happen at all."""
    return ExerciseResult(exercise=exercise, outcome=ERROR, score=0, max_score=max_score,
                          device=device, seed=seed, message=message, submission=submission)


def from_json(data: dict[str, Any]) -> ExerciseResult:
    """Inverse of :meth:`ExerciseResult.to_json`."""
    checks = tuple(CheckResult(c["name"], c["outcome"], int(c["points"]),
                               int(c.get("max_points", 0)), c.get("message", ""))
                   for c in data.get("checks", []))
    return ExerciseResult(exercise=data["exercise"], outcome=data["outcome"],
                          score=int(data["score"]), max_score=int(data["max_score"]),
                          device=data.get("device", "cpu"), seed=int(data.get("seed", 0)),
                          message=data.get("message", ""), checks=checks,
                          submission=data.get("submission", ""),
                          duration=float(data.get("duration", 0.0)),
                          output=str(data.get("output", "")),
                          isolation=str(data.get("isolation", "")),
                          notes=tuple(str(n) for n in data.get("notes", [])))


_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")
MESSAGE_LIMIT = 1500


def clean(text: str, limit: int = MESSAGE_LIMIT) -> str:
    """Text fit to show a learner: control characters and terminal escapes (and bidi
    overrides) written as visible escapes, capped at ``limit`` characters."""
    text = _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}" if ord(m.group()) < 256
                        else f"\\u{ord(m.group()):04x}", str(text))
    return text if len(text) <= limit else text[: limit - 1] + "…"


def scrub_lines(result: ExerciseResult, secret: set[str]) -> ExerciseResult:
    """``result`` with its texts cleaned and every line of ``secret`` (hidden checks,
    reference) replaced by ``[hidden]``, wherever it appears."""
    needles = sorted(secret, key=len, reverse=True)

    def scrub(text: str, limit: int = MESSAGE_LIMIT) -> str:
        for needle in needles:
            if needle in text:
                text = text.replace(needle, "[hidden]")
        return clean(text, limit)

    checks = tuple(dataclasses.replace(c, message=scrub(c.message)) for c in result.checks)
    return dataclasses.replace(result, message=scrub(result.message), checks=checks,
                               output=scrub(result.output, 40_000),
                               notes=tuple(scrub(n) for n in result.notes))
