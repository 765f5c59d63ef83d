"""How fast `learn watch` shows a result after a save, next to a plain `learn check`.

Usage (from the repository root, in the README's environment):

    python benchmarks/watch_speed.py [--saves 20] [--exercise mlp/dropout ...]

For each exercise (default: mlp/dropout, cnn/pooling, seq2seq/bleu) it starts the machinery
`learn watch` uses (a warm checker, :class:`grader.runner.WarmChecker`, and the watchfiles
events of :class:`grader.watch.FileEvents`), saves the reference solution SAVES times into a
watched folder, and times each save until its result is there (the file event plus the
re-check in the sandbox). It prints the median and the 90th percentile, and the wall time of
one plain `learn check --submission` of the same file.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from grader.catalog import load_catalog, paths_for  # noqa: E402
from grader.runner import Job, WarmChecker  # noqa: E402
from grader.watch import FileEvents  # noqa: E402


def plain_check(exercise_id: str, path: Path) -> float:
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "grader.cli", "check", exercise_id, "--submission",
                    str(path), "--device", "cpu"], cwd=ROOT, capture_output=True, check=False)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--saves", type=int, default=20)
    parser.add_argument("--exercise", action="append")
    args = parser.parse_args()
    catalog = load_catalog()
    print(f"{'exercise':<16} {'re-check after a save: median':>30} {'p90':>8} "
          f"{'plain learn check':>18}")
    for exercise_id in args.exercise or ["mlp/dropout", "cnn/pooling", "seq2seq/bleu"]:
        exercise = catalog.get(exercise_id)
        source = paths_for(exercise_id).solution.read_text(encoding="utf-8")
        with tempfile.TemporaryDirectory(prefix="learn-watch-bench-") as tmp:
            path = Path(tmp) / Path(exercise.file).name
            path.write_text(source, encoding="utf-8")
            checker = WarmChecker("cpu")
            events = FileEvents(Path(tmp))
            try:
                first = checker.grade(Job(exercise, path, 1, "cpu"))   # warm up
                assert first.passed, first.message
                times = []
                for i in range(args.saves):
                    time.sleep(0.2)
                    start = time.perf_counter()
                    path.write_text(source + f"\n# save {i}\n", encoding="utf-8")
                    if not events.changed(path, 10.0):
                        raise SystemExit("no file event arrived within 10 s")
                    result = checker.grade(Job(exercise, path, 2 + i, "cpu"))
                    times.append(time.perf_counter() - start)
                    assert result.passed, result.message
            finally:
                events.close()
                checker.close()
            plain = plain_check(exercise_id, path)
        times.sort()
        p90 = times[min(len(times) - 1, int(0.9 * len(times)))]
        print(f"{exercise_id:<16} {statistics.median(times):>28.3f} s {p90:>6.3f} s "
              f"{plain:>16.2f} s")


if __name__ == "__main__":
    main()
