"""How fast `learn grade` grades a class, against nbgrader and against no isolation at all.

Usage (from the repository root, in the README's environment; nbgrader needs the
instructor extra):

    python benchmarks/grade_speed.py [--students 20] [--exercise mlp/dropout] [--jobs 2]
                                     [--nbgrader] [--throughput 200] [--class-size 1000]

It builds a class of STUDENTS submissions (half the reference, half a typical wrong
implementation) and reports the wall time of:

* ``learn grade`` (the checker, and every submission in its own sandboxed process forked
  from a warm zygote);
* the same checks for every submission in one plain pytest process, without isolation (the
  learner's code loaded in that process: :mod:`grader.sandbox.local`);
* with --nbgrader, ``nbgrader autograde`` of the equivalent exported notebooks, and
  ``learn grade COURSE`` of the same nbgrader course (the trusted pipeline: definitions
  extracted from the notebooks, nothing executed in a kernel, scores into the gradebook);
* with --throughput N, ``learn grade`` of N submissions (submissions per second);
* with --class-size N, ``learn grade`` of N students who each submit mlp/dropout and
  cnn/pooling (2N submissions; submissions per second).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from grader.catalog import load_catalog, paths_for  # noqa: E402

WRONG = {"mlp/dropout": "tests/variants/mlp/dropout/wrong_no_rescale.py",
         "cnn/pooling": "tests/variants/cnn/pooling/wrong_ignores_stride.py",
         "seq2seq/bleu": "tests/variants/seq2seq/bleu/wrong_no_clipping.py"}

PLAIN = r'''
import sys, json, types, os, time
start = time.perf_counter()
import torch, pytest
from grader import plugin
from grader.sandbox.host import Remote
from grader.sandbox.local import local_session
from grader.worker import PYTEST_LEAN, _reference
checks, ref_path, names, files = sys.argv[1], sys.argv[2], sys.argv[3].split(","), sys.argv[4:]
ref = _reference(ref_path)
results = []
for path in files:
    events = []
    session = local_session(open(path).read(), path, names, torch.device("cpu"))
    plugin.CONTEXT.update(sub=Remote(session), ref=ref, device="cpu", seed=1, session=session,
                          emit=events.append)
    pytest.main([checks, "-p", "grader.plugin", "--rootdir", os.path.dirname(checks), "-s", *PYTEST_LEAN])
    results.append(sum(e.get("points", 0) for e in events if e.get("type") == "check"))
print(json.dumps({"seconds": time.perf_counter() - start, "scores": results}))
'''


def make_class(folder: Path, exercise_id: str, students: int) -> list[Path]:
    exercise = load_catalog().get(exercise_id)
    files = []
    for i in range(students):
        source = paths_for(exercise_id).solution if i % 2 == 0 else ROOT / WRONG[exercise_id]
        target = folder / f"student{i:03d}" / exercise.file
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(source, target)
        files.append(target)
    return files


CPU: dict[str, float] = {}


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def timed(cmd: list[str], **kwargs: object) -> float:
    """Wall seconds of ``cmd``; its CPU seconds (whole process tree) go to ``CPU["last"]``."""
    cpu = _children_cpu()
    start = time.perf_counter()
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, **kwargs)  # type: ignore[arg-type]
    CPU["last"] = _children_cpu() - cpu
    return time.perf_counter() - start


def learn_grade(folder: Path, exercise_id: str, jobs: int, env: dict[str, str]) -> float:
    out = folder.parent / f"out-{folder.name}"
    shutil.rmtree(out, ignore_errors=True)
    return timed([sys.executable, "-m", "grader.cli", "grade", str(folder), "--exercise", exercise_id,
                  "--out", str(out), "--jobs", str(jobs), "--seed", "1"], env=env, cwd=ROOT)


def nbgrader(folder: Path, exercise_id: str, students: int, env: dict[str, str]) -> float:
    course = folder.parent / "course"
    subprocess.run([sys.executable, "-m", "grader.cli", "nbgrader", "export", "--course-dir",
                    str(course), exercise_id], check=True, env=env, cwd=ROOT,
                   stdout=subprocess.DEVNULL)
    env = dict(env, PATH=str(Path(sys.executable).parent) + os.pathsep + env["PATH"])
    subprocess.run([sys.executable, "-m", "nbgrader", "generate_assignment", "d2l", "--force"],
                   check=True, cwd=course, env=env, capture_output=True)
    name = next((course / "source" / "d2l").glob("*.ipynb")).name
    source = json.loads((course / "source" / "d2l" / name).read_text(encoding="utf-8"))
    release = json.loads((course / "release" / "d2l" / name).read_text(encoding="utf-8"))
    k = next(i for i, c in enumerate(release["cells"]) if c["metadata"].get("nbgrader", {}).get("solution"))
    wrong = (ROOT / WRONG[exercise_id]).read_text(encoding="utf-8")
    for i in range(students):
        nb = json.loads(json.dumps(release))
        nb["cells"][k]["source"] = source["cells"][k]["source"] if i % 2 == 0 else wrong
        target = course / "submitted" / f"student{i:03d}" / "d2l" / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(json.dumps(nb), encoding="utf-8")
    return timed([sys.executable, "-m", "nbgrader", "autograde", "d2l", "--force"], cwd=course, env=env)


def trusted_nbgrader(folder: Path, jobs: int, env: dict[str, str]) -> float:
    """``learn grade`` of the course :func:`nbgrader` built (run that first)."""
    course = folder.parent / "course"
    out = folder.parent / "out-course"
    shutil.rmtree(out, ignore_errors=True)
    return timed([sys.executable, "-m", "grader.cli", "grade", str(course), "--out", str(out),
                  "--jobs", str(jobs), "--seed", "1"], env=env, cwd=course)


def two_exercise_class(folder: Path, students: int, jobs: int, env: dict[str, str]) -> float:
    ids = ("mlp/dropout", "cnn/pooling")
    for exercise_id in ids:
        make_class(folder, exercise_id, students)
    out = folder.parent / f"out-{folder.name}"
    shutil.rmtree(out, ignore_errors=True)
    return timed([sys.executable, "-m", "grader.cli", "grade", str(folder), *[
        a for i in ids for a in ("--exercise", i)], "--out", str(out), "--jobs", str(jobs),
        "--seed", "1"], env=env, cwd=ROOT)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, default=20)
    parser.add_argument("--exercise", default="mlp/dropout", choices=sorted(WRONG))
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--nbgrader", action="store_true")
    parser.add_argument("--throughput", type=int, default=0)
    parser.add_argument("--class-size", type=int, default=0)
    args = parser.parse_args()
    env = dict(os.environ, LEARN_HOME=tempfile.mkdtemp(prefix="learn-bench-"))
    env["PYTHONPATH"] = str(ROOT)
    with tempfile.TemporaryDirectory(prefix="learn-grade-bench-") as tmp:
        folder = Path(tmp) / "class"
        files = make_class(folder, args.exercise, args.students)
        print(f"{args.students} submissions of {args.exercise} (half correct), {os.cpu_count()} cpu(s)")
        paths = paths_for(args.exercise)
        cpu = _children_cpu()
        start = time.perf_counter()
        names = ",".join(load_catalog().get(args.exercise).names)
        proc = subprocess.run([sys.executable, "-c", PLAIN, str(paths.checks), str(paths.solution),
                               names, *map(str, files)], capture_output=True, text=True, env=env,
                              check=True)
        plain = time.perf_counter() - start
        plain_cpu = _children_cpu() - cpu
        print(f"plain pytest, one process, no isolation   {plain:7.2f} s  (cpu {plain_cpu:.2f} s)")
        isolated = learn_grade(folder, args.exercise, args.jobs, env)
        print(f"learn grade --jobs {args.jobs}                       {isolated:7.2f} s  "
              f"({isolated / plain:.2f}x plain pytest; cpu {CPU['last']:.2f} s, "
              f"{CPU['last'] / plain_cpu:.2f}x)")
        if args.nbgrader:
            nb = nbgrader(folder, args.exercise, args.students, env)
            print(f"nbgrader autograde                        {nb:7.2f} s  "
                  f"(learn grade is {nb / isolated:.1f}x faster)")
            trusted = trusted_nbgrader(folder, args.jobs, env)
            print(f"learn grade COURSE (the same notebooks)   {trusted:7.2f} s  "
                  f"({nb / trusted:.1f}x faster than nbgrader autograde)")
        if args.throughput:
            big = Path(tmp) / "big"
            make_class(big, args.exercise, args.throughput)
            seconds = learn_grade(big, args.exercise, args.jobs, env)
            print(f"learn grade, {args.throughput} submissions            {seconds:7.2f} s  "
                  f"({args.throughput / seconds:.1f} submissions/s)")
        if args.class_size:
            seconds = two_exercise_class(Path(tmp) / "two", args.class_size, args.jobs, env)
            print(f"learn grade, {args.class_size} students x 2 exercises   {seconds:7.2f} s  "
                  f"({2 * args.class_size / seconds:.1f} submissions/s)")
        scores = json.loads(proc.stdout.strip().splitlines()[-1])["scores"]
        print(f"(plain pytest scores: {scores})")


if __name__ == "__main__":
    main()
