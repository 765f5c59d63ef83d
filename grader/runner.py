"""Grade submissions from the ``learn`` process by starting :mod:`grader.worker`.

The learner's code never runs in this process. This module does not import torch.
"""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from grader.catalog import Exercise, paths_for
from grader.results import ExerciseResult, error_result, from_json

STARTUP_ALLOWANCE = 120.0
"""Seconds the worker may take to import torch and pytest on a slow machine."""


@dataclass(frozen=True)
class Job:
    """One submission to grade for one exercise."""

    exercise: Exercise
    submission: Path
    seed: int
    device: str = "auto"
    timeout: float | None = None
    memory_mb: int | None = 4096
    """Memory the submission may allocate on top of the grader's own (CPU runs)."""
    isolation: str = "auto"
    """``auto`` (sandboxed where the machine allows), ``required`` (refuse to grade without
    the sandbox's namespaces) or ``off``."""


def new_seed() -> int:
    """A fresh seed for a run (shown to the learner, replayed with ``--seed``)."""
    return random.SystemRandom().randrange(1, 2**31 - 1)


def _job_data(job: Job, workdir: Path, index: int) -> dict[str, object]:
    paths = paths_for(job.exercise.id)
    return {
        "exercise": job.exercise.id,
        "submission": str(job.submission.resolve()),
        "reference": str(paths.solution),
        "checks": str(paths.checks),
        "stub": str(paths.stub),
        "names": list(job.exercise.names),
        "forbidden": list(job.exercise.forbidden),
        "seed": job.seed,
        "device": job.device,
        "timeout": job.timeout or job.exercise.timeout,
        "memory_mb": job.memory_mb,
        "max_score": job.exercise.points,
        "isolation": job.isolation,
        "result": str(workdir / f"{index}.json"),
    }


def worker_env() -> dict[str, str]:
    """The worker's environment: the grader importable, no stray pytest settings."""
    env = dict(os.environ)
    root = str(Path(__file__).resolve().parent.parent)
    env["PYTHONPATH"] = root + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    env["PYTEST_DISABLE_PLUGIN_AUTOLOAD"] = "1"
    env.pop("PYTEST_ADDOPTS", None)
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    env.setdefault("OMP_NUM_THREADS", "1")
    return env


def grade(jobs: list[Job], parallel: int = 1) -> list[ExerciseResult]:
    """Grade ``jobs`` in one worker process; one result per job, in order.

    With ``parallel`` > 1 the worker forks that many checkers (torch imported once) and
    deals the jobs out among them. Whatever the submissions do, a result comes back for
    each: a worker that cannot start or dies is reported as an ``error`` result naming the
    grader, never as a wrong answer.
    """
    with tempfile.TemporaryDirectory(prefix="learn-") as tmp:
        workdir = Path(tmp)
        data = [_job_data(job, workdir, i) for i, job in enumerate(jobs)]
        parallel = max(1, min(parallel, len(data)))
        lists = [data[k::parallel] for k in range(parallel)]
        files = []
        for k, part in enumerate(lists):
            files.append(str(workdir / f"jobs-{k}.json"))
            Path(files[-1]).write_text(json.dumps(part), encoding="utf-8")
        budget = STARTUP_ALLOWANCE + max(
            sum(float(d["timeout"]) + 10.0 for d in part) for part in lists)  # type: ignore[arg-type]
        stderr_path = workdir / "worker.stderr"
        with open(stderr_path, "wb") as stderr:
            proc = subprocess.Popen(
                [sys.executable, "-m", "grader.worker", *files],
                stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=stderr,
                env=worker_env(), cwd=tmp, start_new_session=True)
            try:
                proc.wait(timeout=budget)
            except subprocess.TimeoutExpired:
                pass
            except KeyboardInterrupt:
                _stop(proc)
                raise
            finally:
                _stop(proc)
        results = []
        for job, d in zip(jobs, data):
            path = Path(str(d["result"]))
            if path.is_file():
                results.append(from_json(json.loads(path.read_text(encoding="utf-8"))))
                continue
            detail = stderr_path.read_bytes()[-2000:].decode("utf-8", "replace").strip()
            last = detail.splitlines()[-1] if detail else f"exit status {proc.returncode}"
            results.append(error_result(
                job.exercise.id, f"the grader itself failed, not your code ({last}); "
                                 "please report this", max_score=job.exercise.points,
                seed=job.seed, submission=str(job.submission)))
        return results


class WarmChecker:
    """A checker kept running between gradings (``learn watch``).

    torch, pytest and the sandbox zygote are imported once, when it starts (in the
    background: :meth:`start` returns at once); each :meth:`grade` then costs only the
    checks themselves and a fresh submission process. A checker that dies or does not answer
    in time is replaced, and that grading comes back as an ``error`` naming the grader.
    """

    def __init__(self, device: str = "auto") -> None:
        self.device = device
        self.proc: subprocess.Popen[bytes] | None = None
        self._replies: Any = None
        self._tmp = Path(tempfile.mkdtemp(prefix="learn-watch-"))
        self._count = 0
        self._ready = False

    def start(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            return
        self.close(keep_folder=True)
        read_fd, write_fd = os.pipe()
        stderr = open(self._tmp / "worker.stderr", "wb")  # noqa: SIM115 - lives with the process
        try:
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "grader.worker", "--serve", str(write_fd), self.device],
                stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=stderr,
                env=worker_env(), cwd=self._tmp, start_new_session=True, pass_fds=(write_fd,))
        finally:
            os.close(write_fd)
            stderr.close()
        self._replies = os.fdopen(read_fd, "r", encoding="utf-8")
        self._ready = False

    def _reply(self, deadline: float) -> dict[str, Any] | None:
        import select
        import time

        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                return None
            ready, _, _ = select.select([self._replies], [], [], left)
            if ready:
                line = self._replies.readline()
                if not line:
                    return None
                try:
                    data = json.loads(line)
                except ValueError:
                    return None
                return data if isinstance(data, dict) else None

    def grade(self, job: Job) -> ExerciseResult:
        """Grade one submission in the warm checker (starting it if needed)."""
        import time

        self.start()
        assert self.proc is not None and self.proc.stdin is not None
        if not self._ready:
            if self._reply(time.monotonic() + STARTUP_ALLOWANCE) is None:
                return self._failed(job, "the checker did not start")
            self._ready = True
        self._count += 1
        data = _job_data(job, self._tmp, self._count)
        result_file = Path(str(data["result"]))
        result_file.unlink(missing_ok=True)
        try:
            self.proc.stdin.write((json.dumps(data) + "\n").encode())
            self.proc.stdin.flush()
        except OSError:
            return self._failed(job, "the checker stopped")
        reply = self._reply(time.monotonic() + float(data["timeout"]) * 2 + 30)  # type: ignore[arg-type]
        if reply is None or not result_file.is_file():
            return self._failed(job, "the checker stopped or did not answer in time")
        result = from_json(json.loads(result_file.read_text(encoding="utf-8")))
        result_file.unlink(missing_ok=True)
        return result

    def _failed(self, job: Job, what: str) -> ExerciseResult:
        detail = ""
        path = self._tmp / "worker.stderr"
        if path.is_file():
            tail = path.read_bytes()[-2000:].decode("utf-8", "replace").strip().splitlines()
            detail = f": {tail[-1]}" if tail else ""
        self.close(keep_folder=True)
        return error_result(job.exercise.id, f"the grader itself failed, not your code ({what}"
                            f"{detail}); it restarts for the next check",
                            max_score=job.exercise.points, seed=job.seed,
                            submission=str(job.submission))

    def close(self, keep_folder: bool = False) -> None:
        if self.proc is not None:
            if self.proc.stdin is not None:
                try:
                    self.proc.stdin.close()
                except OSError:
                    pass
            _stop(self.proc)
            self.proc = None
        if self._replies is not None:
            self._replies.close()
            self._replies = None
        if not keep_folder:
            import shutil

            shutil.rmtree(self._tmp, ignore_errors=True)


def _stop(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is None:
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            proc.kill()
        proc.wait()


def grade_one(job: Job) -> ExerciseResult:
    """Grade a single submission."""
    return grade([job])[0]


def collect_checks(exercises: list[Exercise]) -> dict[str, list[tuple[str, int]]]:
    """Each exercise's check names and points, from pytest's collection (in a subprocess)."""
    paths = {e.id: str(paths_for(e.id).checks) for e in exercises}
    proc = subprocess.run([sys.executable, "-m", "grader.worker", "--collect", *paths.values()],
                          capture_output=True, text=True, env=worker_env(), timeout=STARTUP_ALLOWANCE,
                          check=False)
    if proc.returncode != 0:
        raise RuntimeError(f"could not collect the checks: {proc.stderr.strip()[-500:]}")
    found = json.loads(proc.stdout.strip().splitlines()[-1])
    return {exercise_id: [(n, int(p)) for n, p in found[path]] for exercise_id, path in paths.items()}
