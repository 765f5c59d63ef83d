"""Measure learn's start-up and check times (a script, not a timed test).

Usage (from the repository root, in the README's environment):

    python benchmarks/speed.py [--repeat 5] [--exercise ID ...]

Reports the median wall time of:

* ``learn --help`` and ``learn exercise list`` (must stay under 0.2 s: no torch import);
* a bare ``python -c "import torch, pytest"`` (the floor every check pays once);
* ``learn check ID --submission <reference>`` for every exercise (each under 10 s; the
  foundation target is at most 1.3 times the bare import for one exercise).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from grader.catalog import load_catalog, paths_for  # noqa: E402


def timed(cmd: list[str], repeat: int, env: dict[str, str]) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env,
                       check=False)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--exercise", action="append", help="only these exercises")
    args = parser.parse_args()
    learn = [sys.executable, "-m", "grader.cli"]
    env = dict(os.environ, LEARN_HOME=tempfile.mkdtemp(prefix="learn-bench-"))
    print(f"python {sys.version.split()[0]}, {os.cpu_count()} cpu(s), median of {args.repeat} runs")
    help_s = timed(learn + ["--help"], args.repeat, env)
    list_s = timed(learn + ["exercise", "list"], args.repeat, env)
    bare_s = timed([sys.executable, "-c", "import torch, pytest"], args.repeat, env)
    print(f"learn --help                        {help_s:6.3f} s")
    print(f"learn exercise list                 {list_s:6.3f} s")
    print(f'python -c "import torch, pytest"    {bare_s:6.3f} s')
    ids = args.exercise or load_catalog().ids
    for exercise_id in ids:
        ref = paths_for(exercise_id).solution
        check_s = timed(learn + ["check", exercise_id, "--submission", str(ref), "--device",
                                 "cpu", "--seed", "1"], args.repeat, env)
        print(f"learn check {exercise_id:<24}{check_s:6.3f} s  ({check_s / bare_s:4.2f}x the bare import)")


if __name__ == "__main__":
    main()
