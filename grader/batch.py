"""Batch grading for instructors: ``learn grade SUBMISSIONS``.

SUBMISSIONS holds one folder per student. Inside a student's folder the file of an exercise
is found wherever a student would put it: the workspace tree (``exercises/mlp/dropout.py`` or
``mlp/dropout.py``, at any depth) or loose (``dropout.py``, what dragging files into Gradescope
gives). With ``single=True`` SUBMISSIONS is one student's submission (Gradescope's
``/autograder/submission``); the class layout is never guessed from folder names, so a student
called ``mlp`` is a student.

One seed per class run, kept in ``OUT/run.json`` and written in every output. Every result is
written to ``OUT/results/<student>/<exercise>.<hash>.json`` as soon as it is known, where
``<hash>`` is the SHA-256 of the graded source: a rerun grades exactly what has no result for
its current content (new, changed, or left by an interrupted run), ``regrade`` forces some
students, and the tables (CSV, JSON, JUnit, Gradescope, the reports) are rebuilt from those
files. ``shard=(K, N)`` grades the K-th of N deterministic parts of the class; :func:`merge`
combines shard folders into what one run would have written.
"""

from __future__ import annotations

import csv
import fcntl
import hashlib
import json
import os
import re
import shutil
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
FORMATS = ("csv", "json", "gradescope", "junit", "report")
DEFAULT_FORMATS = ("csv", "json", "junit", "report")
VISIBILITIES = ("visible", "after_due_date", "after_published", "hidden")
NONE_DIGEST = "none"
STUDENT_FILE = "student.txt"
"""In each ``OUT/results/<slug>/``: the student's name as given (the folder name is a slug)."""


class GradeError(Exception):
    """The grader itself cannot do its job (bad arguments, a locked output folder)."""


@dataclass(frozen=True)
class Task:
    student: str
    exercise: Exercise
    path: Path | None  # None: not submitted
    digest: str  # SHA-256 of the graded source; NONE_DIGEST when not submitted
    result_file: Path


@dataclass
class Summary:
    results: list[tuple[str, ExerciseResult]] = field(default_factory=list)
    graded_now: int = 0
    resumed: int = 0
    infrastructure_errors: int = 0
    outputs: list[Path] = field(default_factory=list)
    seed: int = 0
    notes: list[str] = field(default_factory=list)

    def counts(self) -> Counter[str]:
        """Outcomes, each result counted once; ``timeout`` counts the errors that timed out."""
        counter: Counter[str] = Counter()
        for _, r in self.results:
            counter[r.outcome] += 1
            if r.outcome == ERROR and "timed out" in r.message:
                counter["timeout"] += 1
        return counter

    def line(self) -> str:
        c = self.counts()
        students = len({s for s, _ in self.results})
        errors = f"{c.get(ERROR, 0)} error" + (f" ({c['timeout']} of them timed out)"
                                              if c.get("timeout") else "")
        return (f"graded {len(self.results)} submissions of {students} student(s) "
                f"({self.graded_now} now, {self.resumed} already done), seed {self.seed}: "
                f"{c.get('passed', 0)} passed, {c.get('failed', 0)} failed, "
                f"{c.get('not_attempted', 0)} not attempted, {errors}, "
                f"{c.get(NOT_SUBMITTED, 0)} not submitted")


def _slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", text)


def digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


# --------------------------------------------------------------------------- finding files

def _files(folder: Path) -> list[Path]:
    found = []
    for dirpath, dirnames, filenames in os.walk(folder):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith((".", "__")))
        found += [Path(dirpath) / f for f in sorted(filenames) if f.endswith(".py")]
    return found


def locate(folder: Path, exercise: Exercise, exercises: list[Exercise]) -> Path | None:
    """The file of ``exercise`` in one student's ``folder``, wherever the student put it.

    In order: the workspace tree at any depth (``[.../][exercises/]mlp/dropout.py``, the
    shallowest first), then a loose file named like the exercise's (``dropout.py``) when no
    other chosen exercise has a file of that name.
    """
    files = _files(folder)
    tail = "/" + exercise.file
    tree = [p for p in files if ("/" + p.relative_to(folder).as_posix()).endswith(tail)]
    if tree:
        return min(tree, key=lambda p: (len(p.relative_to(folder).parts), p.as_posix()))
    base = Path(exercise.file).name
    if sum(Path(e.file).name == base for e in exercises) == 1:
        loose = [p for p in files if p.name == base]
        if loose:
            return min(loose, key=lambda p: (len(p.relative_to(folder).parts), p.as_posix()))
    return None


def students(submissions: Path, exercises: list[Exercise], *, single: bool = False) -> list[tuple[str, Path]]:
    """(student, folder) for each submission; ``single``: SUBMISSIONS is one submission."""
    if single:
        return [(submissions.resolve().name or "submission", submissions)]
    loose = [p.name for p in submissions.iterdir() if p.is_file() and p.suffix in (".py", ".ipynb")]
    if loose or (submissions / ".learn-workspace").is_file():
        what = ", ".join(sorted(loose)[:3]) or "a learn workspace marker"
        raise GradeError(f"{submissions} holds {what} at its top level: it looks like one "
                         "submission, not a class (one folder per student). Pass --single to "
                         "grade it as one submission")
    return [(p.name, p) for p in sorted(submissions.iterdir())
            if p.is_dir() and not p.name.startswith((".", "__"))]


def shard_of(names: list[str], shard: tuple[int, int] | None) -> list[str]:
    """The students of shard K of N: the i-th student in sorted order goes to shard i % N + 1."""
    if shard is None:
        return names
    k, n = shard
    return [name for i, name in enumerate(sorted(names)) if i % n == k - 1]


def result_name(exercise: Exercise, content_digest: str) -> str:
    return f"{_slug(exercise.id.replace('/', '__'))}.{content_digest}.json"


def plan(submissions: Path, exercises: list[Exercise], out: Path, *, single: bool = False,
         shard: tuple[int, int] | None = None,
         sources: dict[str, dict[str, Path | None]] | None = None) -> list[Task]:
    """Every (student, exercise) to report, with its file and content hash.

    ``sources`` (student -> exercise id -> file), when given, replaces the folder search
    (nbgrader classes, whose definitions are extracted from notebooks first).
    """
    if sources is None:
        found = students(submissions, exercises, single=single)
        sources = {s: {e.id: locate(folder, e, exercises) for e in exercises} for s, folder in found}
    keep = set(shard_of(list(sources), shard))
    slugs: dict[str, str] = {}
    tasks = []
    for student in sorted(sources):
        if student not in keep:
            continue
        slug = _slug(student)
        if slugs.setdefault(slug, student) != student:
            raise GradeError(f"students {slugs[slug]!r} and {student!r} share the results folder "
                             f"name {slug!r}; rename one of them")
        folder = out / "results" / slug
        if not (folder / STUDENT_FILE).is_file():
            folder.mkdir(parents=True, exist_ok=True)
            (folder / STUDENT_FILE).write_text(student, encoding="utf-8")
        for exercise in exercises:
            path = sources[student].get(exercise.id)
            content = digest(path.read_bytes()) if path is not None else NONE_DIGEST
            tasks.append(Task(student, exercise, path, content,
                              out / "results" / slug / result_name(exercise, content)))
    return tasks


# --------------------------------------------------------------------------- the run file

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


def versions() -> dict[str, str]:
    """The versions a grade depends on (without importing torch)."""
    from importlib import metadata

    from grader import __version__

    found = {"learn": __version__, "python": sys.version.split()[0]}
    for package in ("torch", "numpy"):
        try:
            found[package] = metadata.version(package)
        except metadata.PackageNotFoundError:
            found[package] = "?"
    return found


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
    _write_json(path, {"seed": chosen, "settings": settings, "versions": versions(),
                       "replay": f"learn grade ... --seed {chosen}"})
    return chosen


def _write_json(path: Path, data: Any) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(json.dumps(data, indent=1, ensure_ascii=False), encoding="utf-8")
    os.replace(tmp, path)


def _not_submitted(task: Task, seed: int) -> dict[str, Any]:
    return ExerciseResult(exercise=task.exercise.id, outcome=NOT_SUBMITTED, score=0,
                          max_score=task.exercise.points, device="-", seed=seed,
                          message=f"no file {task.exercise.file} (or {Path(task.exercise.file).name})"
                                  " in the submission").to_json()


def _done(task: Task) -> bool:
    """A usable result exists for this content (a grader failure is retried on a rerun)."""
    if not task.result_file.is_file():
        return False
    try:
        data = json.loads(task.result_file.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return not data.get("infrastructure")


def _forget_stale(task: Task) -> None:
    """Remove results of this student and exercise for other content (or the old layout)."""
    stem = _slug(task.exercise.id.replace("/", "__"))
    for old in task.result_file.parent.glob(f"{stem}.*json"):
        if old != task.result_file and re.fullmatch(re.escape(stem) + r"(\.[0-9a-f]{64}|\.none)?\.json",
                                                    old.name):
            old.unlink(missing_ok=True)


def grade_class(submissions: Path, exercises: list[Exercise], out: Path, *, jobs: int = 1,
                timeout: float | None = None, seed: int | None = None,
                formats: tuple[str, ...] = DEFAULT_FORMATS, memory_mb: int = 4096,
                on_progress: Callable[[int, int], None] | None = None,
                allow_unisolated: bool = False, single: bool = False,
                regrade: tuple[str, ...] = (), shard: tuple[int, int] | None = None,
                sources: dict[str, dict[str, Path | None]] | None = None,
                visibility: dict[str, str] | None = None) -> Summary:
    """Grade every (student, exercise); resume from ``out``; write the requested tables."""
    if not submissions.is_dir():
        raise GradeError(f"{submissions} is not a folder of submissions")
    if shard is not None and seed is None:
        raise GradeError("--shard needs --seed: every shard of a class must grade with the same "
                         "seed (pick any number and pass it to each shard)")
    if not allow_unisolated:
        from grader.sandbox.host import bwrap_available

        why = bwrap_available()
        if why is not None:
            raise GradeError(f"cannot isolate submissions here ({why}): install bubblewrap "
                             "(Debian/Ubuntu: apt-get install bubblewrap) or, for trusted code "
                             "only, pass --allow-unisolated")
    # The worker runs in a temporary folder: every path it is given must be absolute.
    submissions, out = submissions.resolve(), out.resolve()
    out.mkdir(parents=True, exist_ok=True)
    summary = Summary()
    with _Lock(out):
        settings: dict[str, Any] = {"exercises": [e.id for e in exercises], "timeout": timeout}
        if shard is not None:
            settings["shard"] = f"{shard[0]}/{shard[1]}"
        run_seed = _check_run_file(out, settings, seed)
        summary.seed = run_seed
        tasks = plan(submissions, exercises, out, single=single, shard=shard, sources=sources)
        known = {t.student for t in tasks}
        unknown = [s for s in regrade if s not in known]
        if unknown:
            from grader.catalog import suggest

            near = [n for s in unknown for n in suggest(s, sorted(known))]
            raise GradeError(f"--regrade: no student {', '.join(map(repr, unknown))} in "
                             f"{submissions}" + (f"; did you mean {' or '.join(near)}?" if near else ""))
        for task in tasks:
            if task.student in regrade:
                task.result_file.unlink(missing_ok=True)
        pending = [t for t in tasks if not _done(t)]
        summary.resumed = len(tasks) - len(pending)
        for task in pending:
            if task.path is None:
                _write_json(task.result_file, _not_submitted(task, run_seed))
        runnable = [t for t in pending if t.path is not None]
        for task in runnable:
            task.result_file.unlink(missing_ok=True)
        total, done = len(tasks), len(tasks) - len(runnable)
        if on_progress:
            on_progress(done, total)
        if runnable:
            _run_workers(runnable, run_seed, jobs, timeout, memory_mb,
                         isolation="auto" if allow_unisolated else "required",
                         on_progress=on_progress, done=done, total=total)
        summary.graded_now = len(runnable)
        for task in tasks:
            if task.result_file.is_file():
                _forget_stale(task)
                data = json.loads(task.result_file.read_text(encoding="utf-8"))
                if data.get("infrastructure"):
                    summary.infrastructure_errors += 1
                summary.results.append((task.student, from_json(data)))
            else:
                summary.infrastructure_errors += 1
        digests = {(t.student, t.exercise.id): t.digest for t in tasks}
        summary.outputs = write_tables(out, summary.results, formats, seed=run_seed,
                                       digests=digests, visibility=visibility,
                                       shard=settings.get("shard"))
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
                "process stopped while grading it; it was not retried (rerun with --regrade "
                f"{task.student} to try again)").to_json())
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
        files, budgets = [], []
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
            files.append(str(jobs_file))
            budgets.append(STARTUP_ALLOWANCE + sum(float(d["timeout"]) * 2 + 10 for d in data))
        # One checker process: it imports torch and pytest once and forks a checker per chunk
        # (grader.worker.main); they run in parallel, each with its own sibling zygote.
        procs = [[subprocess.Popen([sys.executable, "-m", "grader.worker", *files],
                                   stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                   stderr=subprocess.DEVNULL, env=env, cwd=tmp,
                                   start_new_session=True,
                                   preexec_fn=_die_with_parent),  # noqa: PLW1509 - no threads here
                  time.monotonic() + max(budgets), list(tasks), False]]
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
            # Ctrl-C, a kill of `learn`, or any error: the checkers die here, and with them
            # every sandbox (bubblewrap runs with --die-with-parent, each submission in its own
            # pid namespace), so no student code outlives the run.
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


def _die_with_parent() -> None:
    """In the checker, before exec: die when ``learn`` dies, even of SIGKILL (Linux).

    The sandboxes die with their checker (bubblewrap's --die-with-parent), so no student code
    outlives a ``learn grade`` that was interrupted, killed or cancelled by a scheduler.
    """
    try:
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(1, 9)  # PR_SET_PDEATHSIG, SIGKILL
    except (OSError, AttributeError):
        pass


def _kill(proc: subprocess.Popen[bytes]) -> None:
    try:
        os.killpg(proc.pid, 9)
    except ProcessLookupError:
        pass
    proc.wait()


# --------------------------------------------------------------------------- merging shards

def merge(folders: list[Path], out: Path, *, formats: tuple[str, ...] = DEFAULT_FORMATS,
          visibility: dict[str, str] | None = None) -> Summary:
    """Combine the output folders of ``--shard K/N`` runs into the files one run writes."""
    runs = []
    for folder in folders:
        path = folder / "run.json"
        if not path.is_file():
            raise GradeError(f"{folder} is not an output folder of `learn grade` (no run.json)")
        runs.append(json.loads(path.read_text(encoding="utf-8")))
    seeds = {r["seed"] for r in runs}
    if len(seeds) != 1:
        raise GradeError(f"the folders were graded with different seeds ({sorted(seeds)}): they "
                         "are not shards of one run")
    base = [{k: v for k, v in r["settings"].items() if k != "shard"} for r in runs]
    if any(b != base[0] for b in base):
        raise GradeError("the folders were graded with other arguments (exercises or timeout "
                         "differ): they are not shards of one run")
    shards = sorted({r["settings"].get("shard", "") for r in runs})
    notes = []
    counts = {s.split("/")[1] for s in shards if s}
    if len(counts) > 1:
        raise GradeError(f"the folders come from different --shard splits ({', '.join(shards)})")
    if counts:
        n = int(counts.pop())
        missing = sorted(set(range(1, n + 1)) - {int(s.split("/")[0]) for s in shards if s})
        if missing:
            notes.append(f"shard(s) {', '.join(f'{k}/{n}' for k in missing)} missing: their "
                         "students are not in the merged tables")
    seed = seeds.pop()
    out = out.resolve()
    out.mkdir(parents=True, exist_ok=True)
    summary = Summary(seed=seed, notes=notes)
    with _Lock(out):
        results: dict[tuple[str, str], tuple[Path, dict[str, Any]]] = {}
        digests: dict[tuple[str, str], str] = {}
        for folder in folders:
            listed = _listed_results(folder)
            for path in sorted((folder / "results").glob("*/*.json")):
                if listed is not None and path.name.split(".")[-2] not in listed.get(
                        path.parent.name, set()):
                    continue  # a result the shard's own tables do not use (stale)
                data = json.loads(path.read_text(encoding="utf-8"))
                name_file = path.parent / STUDENT_FILE
                student = (name_file.read_text(encoding="utf-8") if name_file.is_file()
                           else path.parent.name)
                key = (student, data["exercise"])
                if key in results and results[key][0].parent.parent != path.parent.parent:
                    raise GradeError(f"{student} / {data['exercise']} is graded in two folders "
                                     f"({results[key][0].parent.parent.parent} and {folder})")
                results[key] = (path, data)
                parts = path.name.split(".")
                digests[key] = parts[-2] if len(parts) >= 3 else ""
        for (student, _), (path, data) in sorted(results.items()):
            target = out / "results" / path.parent.name / path.name
            if target.resolve() != path.resolve():
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(path, target)
                if (path.parent / STUDENT_FILE).is_file():
                    shutil.copy2(path.parent / STUDENT_FILE, target.parent / STUDENT_FILE)
            summary.results.append((student, from_json(data)))
            summary.infrastructure_errors += bool(data.get("infrastructure"))
        summary.resumed = len(summary.results)
        _write_json(out / "run.json", {"seed": seed, "settings": base[0], "versions": runs[0].get(
            "versions", {}), "merged_from": [str(f) for f in folders], "shards": shards})
        summary.outputs = write_tables(out, summary.results, formats, seed=seed,
                                       digests=digests, visibility=visibility)
    return summary


def _listed_results(folder: Path) -> dict[str, set[str]] | None:
    """slug -> content hashes in the folder's results.json (None: no results.json)."""
    path = folder / "results.json"
    if not path.is_file():
        return None
    listed: dict[str, set[str]] = {}
    for entry in json.loads(path.read_text(encoding="utf-8")):
        listed.setdefault(_slug(str(entry.get("student", ""))), set()).add(
            str(entry.get("sha256") or NONE_DIGEST))
    return listed


# --------------------------------------------------------------------------- tables

def _rows(results: list[tuple[str, ExerciseResult]],
          digests: dict[tuple[str, str], str]) -> Iterator[list[Any]]:
    from grader.report import csv_text

    for student, r in results:
        yield [csv_text(student), r.exercise, r.score, r.max_score, r.outcome, r.seed,
               digests.get((student, r.exercise), "")]


def write_tables(out: Path, results: list[tuple[str, ExerciseResult]],
                 formats: tuple[str, ...], *, seed: int = 0,
                 digests: dict[tuple[str, str], str] | None = None,
                 visibility: dict[str, str] | None = None, shard: str | None = None) -> list[Path]:
    digests = digests or {}
    results = sorted(results, key=lambda sr: (sr[0], sr[1].exercise))
    written = []
    if "csv" in formats:
        path = out / "grades.csv"
        tmp = path.with_suffix(".csv.tmp")
        with open(tmp, "w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(["student", "exercise", "score", "max_score", "outcome", "seed", "sha256"])
            writer.writerows(_rows(results, digests))
        os.replace(tmp, path)
        written.append(path)
        from grader.report import write_totals

        written.append(write_totals(out / "totals.csv", results, seed))
    if "json" in formats:
        path = out / "results.json"
        _write_json(path, [{"student": s, "sha256": digests.get((s, r.exercise), ""), **r.to_json()}
                           for s, r in results])
        written.append(path)
    if "junit" in formats:
        path = out / "junit.xml"
        _write_junit(path, results, seed)
        written.append(path)
    if "gradescope" in formats:
        path = out / "gradescope" / "results.json"
        _write_json(path, gradescope_results(results, seed=seed, visibility=visibility))
        written.append(path)
    if "report" in formats:
        from grader.report import write_feedback, write_html

        written.append(write_feedback(out / "feedback", results, seed))
        written.append(write_html(out / "report.html", results, seed, shard=shard))
    return written


def check_visibility(visibility: dict[str, str] | None, exercise: str, check: str) -> str:
    """The Gradescope visibility of one check: ``exercise:check``, then ``exercise``, then ``*``."""
    visibility = visibility or {}
    for key in (f"{exercise}:{check}", exercise, "*"):
        if key in visibility:
            return visibility[key]
    return "visible"


def gradescope_results(results: list[tuple[str, ExerciseResult]], *, seed: int = 0,
                       visibility: dict[str, str] | None = None) -> dict[str, Any]:
    """Gradescope's results.json (https://gradescope-autograders.readthedocs.io/en/latest/specs/):
    score, execution_time, output, visibility, stdout_visibility, extra_data and one test per
    check (name, number, score, max_score, status, output, visibility)."""
    tests = []
    number = 0
    for _, r in results:
        if not r.checks:
            number += 1
            tests.append({"name": r.exercise, "number": str(number), "score": 0.0,
                          "max_score": float(r.max_score), "status": "failed",
                          "output": f"{r.outcome.replace('_', ' ')}: {r.message}",
                          "visibility": check_visibility(visibility, r.exercise, "")})
            continue
        for c in r.checks:
            number += 1
            tests.append({"name": f"{r.exercise}: {c.name.replace('_', ' ')}", "number": str(number),
                          "score": float(c.points), "max_score": float(c.max_points),
                          "status": "passed" if c.outcome == "passed" else "failed",
                          "output": c.message or c.outcome.replace("_", " "),
                          "visibility": check_visibility(visibility, r.exercise, c.name)})
    score = float(sum(r.score for _, r in results))
    lines = [f"{r.exercise}: {r.outcome.replace('_', ' ')} ({r.score}/{r.max_score})"
             + (f" - {r.message}" if r.message else "") for _, r in results]
    lines.append(f"(graded with seed {seed})")
    return {"score": score, "execution_time": round(sum(r.duration for _, r in results), 3),
            "output": "\n".join(lines), "visibility": "visible", "stdout_visibility": "hidden",
            "extra_data": {"seed": seed, "max_score": float(sum(r.max_score for _, r in results)),
                           "isolation": sorted({r.isolation for _, r in results if r.isolation})},
            "tests": tests}


def _write_junit(path: Path, results: list[tuple[str, ExerciseResult]], seed: int = 0) -> None:
    suites = ET.Element("testsuites", name="learn grade")
    for student, r in results:
        checks = r.checks or ()
        failures = sum(c.outcome in ("failed", "not_attempted") for c in checks)
        errors = sum(c.outcome == ERROR for c in checks) + (0 if checks else 1)
        suite = ET.SubElement(suites, "testsuite", name=f"{student}/{r.exercise}",
                              tests=str(max(len(checks), 1)), failures=str(failures),
                              errors=str(errors), time=f"{r.duration:.3f}")
        props = ET.SubElement(suite, "properties")
        ET.SubElement(props, "property", name="seed", value=str(r.seed or seed))
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
