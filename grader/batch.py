"""Batch grading for instructors: ``learn grade SUBMISSIONS``.

SUBMISSIONS holds one folder per student, each mirroring the ``exercises/`` tree (a learner's
workspace, with or without its ``exercises/`` level); a folder that itself holds the tree is
graded as a single submission (Gradescope's layout). Every result is written to
``OUT/results/<student>/<exercise>.json`` as soon as it is known, so an interrupted run resumes
where it stopped; the tables (CSV, JSON, JUnit, Gradescope) are rebuilt from those files.
"""

from __future__ import annotations

import csv
import fcntl
import json
import os
import re
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ET
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterator

from grader.catalog import Exercise
from grader.results import ERROR, ExerciseResult, from_json

NOT_SUBMITTED = "not_submitted"
FORMATS = ("csv", "json", "gradescope", "junit")


class GradeError(Exception):
    """The grader itself cannot do its job (bad arguments, a locked output folder)."""


@dataclass(frozen=True)
class Task:
    student: str
    exercise: Exercise
    path: Path | None  # None: not submitted
    result_file: Path


@dataclass
class Summary:
    results: list[tuple[str, ExerciseResult]] = field(default_factory=list)
    graded_now: int = 0
    resumed: int = 0
    infrastructure_errors: int = 0
    outputs: list[Path] = field(default_factory=list)

    def counts(self) -> Counter[str]:
        counter: Counter[str] = Counter()
        for _, r in self.results:
            counter[r.outcome] += 1
            if r.outcome == ERROR and "timed out" in r.message:
                counter["timeout"] += 1
        return counter


def _slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", text)


def students(submissions: Path, catalog_chapters: set[str]) -> list[tuple[str, Path]]:
    """(student, folder holding the exercise tree) for each submission folder."""
    def tree_root(folder: Path) -> Path | None:
        if (folder / "exercises").is_dir():
            return folder / "exercises"
        if any((folder / chapter).is_dir() for chapter in catalog_chapters):
            return folder
        return None

    single = tree_root(submissions)
    if single is not None:
        return [(submissions.resolve().name, single)]
    found = []
    for folder in sorted(p for p in submissions.iterdir() if p.is_dir() and not p.name.startswith(".")):
        found.append((folder.name, tree_root(folder) or folder))
    return found


def plan(submissions: Path, exercises: list[Exercise], out: Path) -> list[Task]:
    chapters = {e.id.split("/")[0] for e in exercises}
    tasks = []
    for student, root in students(submissions, chapters):
        for exercise in exercises:
            path = root / exercise.file
            result_file = out / "results" / _slug(student) / f"{_slug(exercise.id.replace('/', '__'))}.json"
            tasks.append(Task(student, exercise, path if path.is_file() else None, result_file))
    return tasks


class _Lock:
    def __init__(self, out: Path) -> None:
        self.path = out / ".learn-grade.lock"

    def __enter__(self) -> "_Lock":
        self.handle = open(self.path, "w")  # noqa: SIM115 - held for the whole run
        try:
            fcntl.flock(self.handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            self.handle.close()
            raise GradeError(f"another `learn grade` is writing {self.path.parent}; wait for it "
                             "or choose another --out") from None
        return self

    def __exit__(self, *exc: object) -> None:
        fcntl.flock(self.handle, fcntl.LOCK_UN)
        self.handle.close()


def _check_run_file(out: Path, settings: dict[str, Any], seed: int | None) -> int:
    """The run's seed; a folder holding another run's results is refused."""
    from grader.runner import new_seed

    path = out / "run.json"
    if path.is_file():
        stored = json.loads(path.read_text(encoding="utf-8"))
        if stored.get("settings") != settings or (seed is not None and seed != stored.get("seed")):
            raise GradeError(f"{out} holds results of a run with other arguments "
                             f"({stored.get('settings')}, seed {stored.get('seed')}); use another "
                             "--out, or delete the folder to start over")
        return int(stored["seed"])
    chosen = seed if seed is not None else new_seed()
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps({"settings": settings, "seed": chosen}, indent=1), encoding="utf-8")
    os.replace(tmp, path)
    return chosen


def _write_json(path: Path, data: Any) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(json.dumps(data, indent=1, ensure_ascii=False), encoding="utf-8")
    os.replace(tmp, path)


def _not_submitted(task: Task, seed: int) -> dict[str, Any]:
    return ExerciseResult(exercise=task.exercise.id, outcome=NOT_SUBMITTED, score=0,
                          max_score=task.exercise.points, device="-", seed=seed,
                          message=f"no file {task.exercise.file} in the submission").to_json()


def grade_class(submissions: Path, exercises: list[Exercise], out: Path, *, jobs: int = 1,
                timeout: float | None = None, seed: int | None = None, formats: tuple[str, ...] = ("csv", "json", "junit"),
                memory_mb: int = 4096, on_progress: Callable[[int, int], None] | None = None,
                allow_unisolated: bool = False) -> Summary:
    """Grade every (student, exercise); resume from ``out``; write the requested tables."""
    if not submissions.is_dir():
        raise GradeError(f"{submissions} is not a folder of submissions")
    if not allow_unisolated:
        from grader.sandbox.host import bwrap_available

        why = bwrap_available()
        if why is not None:
            raise GradeError(f"cannot isolate submissions here ({why}): install bubblewrap "
                             "(Debian/Ubuntu: apt-get install bubblewrap) or, for trusted code "
                             "only, pass --allow-unisolated")
    out.mkdir(parents=True, exist_ok=True)
    summary = Summary()
    with _Lock(out):
        settings = {"exercises": [e.id for e in exercises], "timeout": timeout}
        run_seed = _check_run_file(out, settings, seed)
        tasks = plan(submissions, exercises, out)
        if "gradescope" in formats and len({t.student for t in tasks}) != 1:
            raise GradeError("--format gradescope grades a single submission folder (the one "
                             "Gradescope gives the autograder)")
        pending = [t for t in tasks if not t.result_file.is_file()]
        summary.resumed = len(tasks) - len(pending)
        for task in pending:
            if task.path is None:
                _write_json(task.result_file, _not_submitted(task, run_seed))
        runnable = [t for t in pending if t.path is not None]
        total, done = len(tasks), len(tasks) - len(runnable)
        if on_progress:
            on_progress(done, total)
        if runnable:
            done = _run_workers(runnable, run_seed, jobs, timeout, memory_mb,
                                isolation="auto" if allow_unisolated else "required",
                                on_progress=on_progress, done=done, total=total)
        summary.graded_now = len(runnable)
        for task in tasks:
            if task.result_file.is_file():
                data = json.loads(task.result_file.read_text(encoding="utf-8"))
                summary.results.append((task.student, from_json(data)))
            else:
                summary.infrastructure_errors += 1
        summary.outputs = write_tables(out, summary.results, formats)
    return summary


def _run_workers(tasks: list[Task], seed: int, jobs: int, timeout: float | None, memory_mb: int, *,
                 isolation: str, on_progress: Callable[[int, int], None] | None,
                 done: int, total: int) -> int:
    """Grade ``tasks`` in ``jobs`` checker processes; relaunch for what a dead checker left.

    A checker that died on its own (not killed by us) while grading a submission leaves that
    submission's ``.started`` marker: it gets an error result (so a rerun never loops on it)
    and the rest of its chunk is graded by a fresh checker.
    """
    pending = list(tasks)
    for _ in range(len(tasks) + 1):
        pending = [t for t in pending if not t.result_file.is_file()]
        if not pending:
            break
        died = _run_round(pending, seed, jobs, timeout, memory_mb, isolation, on_progress,
                          done, total, len(tasks))
        if not died:
            break
        for task in died:
            _write_json(task.result_file, ExerciseResult(
                exercise=task.exercise.id, outcome=ERROR, score=0, max_score=task.exercise.points,
                device="-", seed=seed, message="this submission could not be graded: the grading "
                "process stopped while grading it; it was not retried (rerun after deleting "
                f"{task.result_file.name} to try again)").to_json())
    return done + sum(t.result_file.is_file() for t in tasks)


def _run_round(tasks: list[Task], seed: int, jobs: int, timeout: float | None, memory_mb: int,
               isolation: str, on_progress: Callable[[int, int], None] | None, done: int,
               total: int, planned: int) -> list[Task]:
    """One round of checkers; the tasks a checker was grading when it died on its own."""
    from grader.runner import STARTUP_ALLOWANCE, Job, _job_data, worker_env

    env = worker_env()
    jobs = max(1, min(jobs, len(tasks)))
    died: list[Task] = []
    with tempfile.TemporaryDirectory(prefix="learn-grade-") as tmp:
        procs = []
        for w in range(jobs):
            chunk = tasks[w::jobs]
            data = []
            for i, task in enumerate(chunk):
                assert task.path is not None
                d = _job_data(Job(task.exercise, task.path, seed, "auto", timeout, memory_mb,
                                  isolation), Path(tmp) / f"w{w}", i)
                d["result"] = str(task.result_file)
                data.append(d)
                task.result_file.parent.mkdir(parents=True, exist_ok=True)
                Path(str(task.result_file) + ".started").unlink(missing_ok=True)
            jobs_file = Path(tmp) / f"w{w}.json"
            jobs_file.write_text(json.dumps(data), encoding="utf-8")
            budget = STARTUP_ALLOWANCE + sum(float(d["timeout"]) * 2 + 10 for d in data)
            procs.append([subprocess.Popen([sys.executable, "-m", "grader.worker", str(jobs_file)],
                                           stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                           stderr=subprocess.DEVNULL, env=env, cwd=tmp,
                                           start_new_session=True), time.monotonic() + budget,
                          chunk, False])
        try:
            while True:
                alive = [entry for entry in procs if entry[0].poll() is None]
                finished = sum(t.result_file.is_file() for t in tasks)
                if on_progress:
                    on_progress(done + (planned - len(tasks)) + finished, total)
                if not alive:
                    break
                for entry in alive:
                    if time.monotonic() > entry[1]:
                        entry[3] = True
                        _kill(entry[0])
                time.sleep(0.1)
        finally:
            for entry in procs:
                if entry[0].poll() is None:
                    _kill(entry[0])
        for proc, _, chunk, killed in procs:
            for task in chunk:
                marker = Path(str(task.result_file) + ".started")
                if marker.is_file() and not task.result_file.is_file() and not killed:
                    died.append(task)
                marker.unlink(missing_ok=True)
    return died


def _kill(proc: subprocess.Popen[bytes]) -> None:
    try:
        os.killpg(proc.pid, 9)
    except ProcessLookupError:
        pass
    proc.wait()


def _rows(results: list[tuple[str, ExerciseResult]]) -> Iterator[list[Any]]:
    for student, r in results:
        yield [student, r.exercise, r.score, r.max_score, r.outcome]


def write_tables(out: Path, results: list[tuple[str, ExerciseResult]],
                 formats: tuple[str, ...]) -> list[Path]:
    written = []
    if "csv" in formats:
        path = out / "grades.csv"
        tmp = path.with_suffix(".csv.tmp")
        with open(tmp, "w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(["student", "exercise", "score", "max_score", "outcome"])
            writer.writerows(_rows(results))
        os.replace(tmp, path)
        written.append(path)
    if "json" in formats:
        path = out / "results.json"
        _write_json(path, [{"student": s, **r.to_json()} for s, r in results])
        written.append(path)
    if "junit" in formats:
        path = out / "junit.xml"
        _write_junit(path, results)
        written.append(path)
    if "gradescope" in formats:
        path = out / "gradescope" / "results.json"
        _write_json(path, gradescope_results(results))
        written.append(path)
    return written


def gradescope_results(results: list[tuple[str, ExerciseResult]]) -> dict[str, Any]:
    """Gradescope's results.json: score, max_score, tests (name, score, max_score, output,
    visibility) and an overall output."""
    tests = []
    for _, r in results:
        if not r.checks:
            tests.append({"name": r.exercise, "score": 0.0, "max_score": float(r.max_score),
                          "output": f"{r.outcome}: {r.message}", "visibility": "visible"})
            continue
        for c in r.checks:
            tests.append({"name": f"{r.exercise}: {c.name.replace('_', ' ')}",
                          "score": float(c.points), "max_score": float(c.max_points),
                          "output": c.message or c.outcome.replace("_", " "),
                          "visibility": "visible"})
    score = float(sum(r.score for _, r in results))
    maximum = float(sum(r.max_score for _, r in results))
    lines = [f"{r.exercise}: {r.outcome} ({r.score}/{r.max_score})" + (f" - {r.message}" if r.message else "")
             for _, r in results]
    return {"score": score, "max_score": maximum, "output": "\n".join(lines),
            "visibility": "visible", "stdout_visibility": "hidden", "tests": tests}


def _write_junit(path: Path, results: list[tuple[str, ExerciseResult]]) -> None:
    suites = ET.Element("testsuites", name="learn grade")
    for student, r in results:
        checks = r.checks or ()
        failures = sum(c.outcome in ("failed", "not_attempted") for c in checks)
        errors = sum(c.outcome == ERROR for c in checks) + (0 if checks else 1)
        suite = ET.SubElement(suites, "testsuite", name=f"{student}/{r.exercise}",
                              tests=str(max(len(checks), 1)), failures=str(failures),
                              errors=str(errors), time=f"{r.duration:.3f}")
        if not checks:
            case = ET.SubElement(suite, "testcase", classname=f"{student}.{r.exercise}", name="load")
            ET.SubElement(case, "error", message=f"{r.outcome}: {r.message}")
            continue
        for c in checks:
            case = ET.SubElement(suite, "testcase", classname=f"{student}.{r.exercise}", name=c.name)
            if c.outcome in ("failed", "not_attempted"):
                ET.SubElement(case, "failure", message=c.message or c.outcome)
            elif c.outcome == ERROR:
                ET.SubElement(case, "error", message=c.message or "error")
    tmp = path.with_suffix(".xml.tmp")
    ET.ElementTree(suites).write(tmp, encoding="utf-8", xml_declaration=True)
    os.replace(tmp, path)

