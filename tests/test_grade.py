"""`learn grade`: a class of submissions graded end to end through the CLI.

Each of issue 11's numbered bugs has a test here (or in test_gradescope.py,
test_nbgrader_export.py, test_grade_nbgrader.py), named after what it proves.
"""

from __future__ import annotations

import csv
import fcntl
import json
import os
import shutil
import signal
import subprocess
import sys
import time
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from click.testing import CliRunner

from grader.catalog import load_catalog
from grader.cli import cli
from tests.conftest import ROOT

pytestmark = pytest.mark.slow
FIX = ROOT / "tests" / "fixtures"
REF = ROOT / "solutions" / "mlp" / "dropout.py"
STUB = ROOT / "exercises" / "mlp" / "dropout.py"
WRONG = ROOT / "tests/variants/mlp/dropout/wrong_no_rescale.py"
FULL = load_catalog().get("mlp/dropout").points

# student -> (file for mlp/dropout or None, expected outcome, the most it may score: "full",
# "wrong" (what ben's honest dropout without the 1/(1-p) rescale earns), or a number).
# The hostile ones earn at most what their honest behaviour earns: patching torch, printing
# fake results or writing the progress store cannot reach the checker.
CLASS = {
    "ada": (REF, "passed", "full"),
    "ben": (WRONG, "failed", "wrong"),
    "cy": (None, "not_submitted", 0),
    "dee": (FIX / "submissions/hangs.py", "error", FULL - 1),
    "eve": (FIX / "hostile/patches_torch_comparisons.py", "failed", "wrong"),
    "fay": (FIX / "hostile/prints_fake_results.py", "failed", "wrong"),
    "gus": (FIX / "submissions/os_exit_in_function.py", "error", FULL - 1),
    "hal": (FIX / "hostile/calls_reference_via_gc.py", None, FULL - 1),  # failed, or too slow
    "ivy": (FIX / "submissions/segfault.py", "error", FULL - 1),
    "jo": (FIX / "hostile/writes_progress_store.py", "failed", "wrong"),
}


def _make_class(root: Path, roster: dict[str, Path | None] | None = None) -> Path:
    roster = roster if roster is not None else {s: v[0] for s, v in CLASS.items()}
    for student, source in roster.items():
        folder = root / student / "mlp"
        folder.mkdir(parents=True)
        if source is not None:
            shutil.copy(source, folder / "dropout.py")
    return root


def _invoke(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, list(args), obj={})
    return result.exit_code, result.output


def _csv(path: Path) -> list[dict[str, str]]:
    with open(path, newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def _learn(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    return subprocess.run([sys.executable, "-m", "grader.cli", *args], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=600, check=False)


def test_class_with_hostile_submissions(tmp_path: Path, learn_home: Path) -> None:
    learn_home.mkdir(parents=True, exist_ok=True)
    (learn_home / "progress.sqlite3").write_bytes(b"keep me")
    subs = _make_class(tmp_path / "subs")
    out = tmp_path / "out"
    code, text = _invoke("grade", str(subs), "--exercise", "mlp/dropout", "--out", str(out),
                         "--jobs", "2", "--timeout", "6", "--seed", "3")
    assert code == 0, text
    assert "1 not submitted" in text and "seed 3" in text
    rows = {r["student"]: r for r in _csv(out / "grades.csv")}
    assert set(rows) == set(CLASS)
    wrong = int(rows["ben"]["score"])
    assert 0 < wrong < FULL
    for student, (_, outcome, most) in CLASS.items():
        bound = {"full": FULL, "wrong": wrong}.get(most, most)  # type: ignore[call-overload]
        assert rows[student]["outcome"] in ((outcome,) if outcome else ("failed", "error")), \
            (student, rows[student])
        assert int(rows[student]["score"]) <= bound, (student, rows[student])
    assert rows["ada"]["score"] == rows["ada"]["max_score"] == str(FULL)
    assert (learn_home / "progress.sqlite3").read_bytes() == b"keep me"
    full = json.loads((out / "results.json").read_text(encoding="utf-8"))
    assert {r["student"] for r in full} == set(CLASS)
    assert all(r["isolation"].startswith("namespaces") for r in full if r["outcome"] != "not_submitted")
    suites = ET.parse(out / "junit.xml").getroot()
    assert suites.tag == "testsuites" and len(suites.findall("testsuite")) == len(CLASS)
    ada = next(s for s in suites if s.get("name") == "ada/mlp/dropout")
    assert ada.get("failures") == "0" and len(ada.findall("testcase")) >= 10


# --------------------------------------------------------------------------- bugs 1 and 2

def test_relative_out_and_students_named_like_chapters(tmp_path: Path) -> None:
    """Bug 1: `--out grades/` (relative, as the docs say) grades the class. Bug 2: students
    called like a chapter or `exercises` stay students; files are found loose, in the
    workspace tree, or nested one folder down."""
    subs = tmp_path / "submissions"
    layout = {"mlp/mlp/dropout.py": REF,                    # student "mlp": the tree
              "bert/dropout.py": WRONG,                     # student "bert": loose
              "exercises/exercises/mlp/dropout.py": REF,    # student "exercises": a workspace
              "cnn/my-work/mlp/dropout.py": STUB}           # student "cnn": nested
    for rel, source in layout.items():
        (subs / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(source, subs / rel)
    proc = _learn("grade", "submissions", "--exercise", "mlp/dropout", "--out", "grades/",
                  "--jobs", "2", cwd=tmp_path)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    rows = {r["student"]: r for r in _csv(tmp_path / "grades" / "grades.csv")}
    assert set(rows) == {"mlp", "bert", "exercises", "cnn"}
    assert rows["mlp"]["outcome"] == rows["exercises"]["outcome"] == "passed"
    assert rows["bert"]["outcome"] == "failed" and rows["cnn"]["outcome"] == "not_attempted"


def test_a_single_workspace_is_not_taken_for_a_class(tmp_path: Path, learn_home: Path) -> None:
    one = tmp_path / "one"
    one.mkdir()
    shutil.copy(REF, one / "dropout.py")
    code, text = _invoke("grade", str(one), "--exercise", "mlp/dropout", "--out",
                         str(tmp_path / "o"))
    assert code == 2 and "--single" in text


# --------------------------------------------------------------------------- bug 4

@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM])
def test_interrupt_leaves_no_student_code_running(tmp_path: Path, sig: int) -> None:
    """Bug 4: Ctrl-C (or a scheduler's SIGTERM) on `learn grade` kills every sandbox."""
    subs = _make_class(tmp_path / "subs", {"dee": FIX / "submissions/hangs.py"})
    out = tmp_path / "out"
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    proc = subprocess.Popen([sys.executable, "-m", "grader.cli", "grade", str(subs), "--exercise",
                             "mlp/dropout", "--out", str(out), "--jobs", "1", "--timeout", "300"],
                            cwd=tmp_path, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            start_new_session=True)
    try:
        deadline = time.monotonic() + 240
        while time.monotonic() < deadline and not list(out.glob("results/*/*.started")):
            time.sleep(0.2)
        assert list(out.glob("results/*/*.started")), "the grading never started"
        time.sleep(3)  # the submission is now spinning in its sandbox
        tree = _descendants(proc.pid)
        assert len(tree) >= 3, tree  # the checker, bubblewrap, the submission
        os.kill(proc.pid, sig)
        proc.wait(timeout=30)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and _alive(tree):
            time.sleep(0.2)
        assert not _alive(tree), f"still running after {sig!r}: {_alive(tree)}"
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


def _descendants(pid: int) -> set[int]:
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(ppid, []).append(int(entry.name))
    found, todo = set(), [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            found.add(child)
            todo.append(child)
    return found


def _alive(pids: set[int]) -> set[int]:
    alive = set()
    for pid in pids:
        try:
            state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            continue
        if state != "Z":
            alive.add(pid)
    return alive


# --------------------------------------------------------------------------- bugs 7, 8 and reproducibility

@pytest.fixture(scope="module")
def graded(tmp_path_factory: pytest.TempPathFactory) -> dict:
    """A small class graded once with seed 11: ada (reference), ben (wrong), cy (stub), dan
    (nothing). Module scope: several tests read it, none changes it."""
    root = tmp_path_factory.mktemp("class")
    subs = _make_class(root / "subs", {"ada": REF, "ben": WRONG, "cy": STUB, "dan": None})
    out = root / "out"
    proc = _learn("grade", str(subs), "--exercise", "mlp/dropout", "--out", str(out), "--jobs",
                  "2", "--seed", "11", cwd=root)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return {"root": root, "subs": subs, "out": out, "stdout": proc.stdout}


def test_every_output_records_the_seed(graded: dict) -> None:
    out = graded["out"]
    assert json.loads((out / "run.json").read_text(encoding="utf-8"))["seed"] == 11
    assert all(r["seed"] == "11" for r in _csv(out / "grades.csv"))
    assert all(r["seed"] == "11" for r in _csv(out / "totals.csv"))
    assert all(r["seed"] == 11 for r in json.loads((out / "results.json").read_text(encoding="utf-8")))
    props = ET.parse(out / "junit.xml").getroot().iter("property")
    assert {p.get("value") for p in props if p.get("name") == "seed"} == {"11"}
    assert "seed 11" in (out / "feedback" / "ben.md").read_text(encoding="utf-8")
    assert "seed 11" in (out / "report.html").read_text(encoding="utf-8")
    assert "seed 11" in graded["stdout"]


def test_seed_replays_a_class_and_a_rerun_regrades_only_changes(graded: dict, tmp_path: Path) -> None:
    """Bug 7: same code and --seed, same scores; a changed file is regraded (by its hash),
    nothing else; --regrade STUDENT forces one."""
    subs = tmp_path / "subs"
    shutil.copytree(graded["subs"], subs)
    out = tmp_path / "out"
    args = ["grade", str(subs), "--exercise", "mlp/dropout", "--out", str(out), "--jobs", "2",
            "--seed", "11"]
    first = _learn(*args, cwd=tmp_path)
    assert first.returncode == 0, first.stderr
    before = _csv(out / "grades.csv")
    assert before == _csv(graded["out"] / "grades.csv"), "the same seed gave other scores"

    again = _learn(*args, cwd=tmp_path)
    assert "(0 now, 4 already done)" in again.stdout, again.stdout

    shutil.copy(REF, subs / "ben" / "mlp" / "dropout.py")  # ben fixes his dropout
    mtimes = {p: p.stat().st_mtime_ns for p in (out / "results").glob("*/*.json")}
    changed = _learn(*args, cwd=tmp_path)
    assert "(1 now, 3 already done)" in changed.stdout, changed.stdout
    rows = {r["student"]: r for r in _csv(out / "grades.csv")}
    assert rows["ben"]["outcome"] == "passed" and rows["ben"]["score"] == str(FULL)
    assert len(list((out / "results" / "ben").glob("*.json"))) == 1, "the old result stayed"
    for path, mtime in mtimes.items():
        if path.parent.name != "ben":
            assert path.stat().st_mtime_ns == mtime, f"{path} was regraded"

    forced = _learn(*args, "--regrade", "cy", cwd=tmp_path)
    assert "(1 now, 3 already done)" in forced.stdout, forced.stdout
    unknown = _learn(*args, "--regrade", "bne", cwd=tmp_path)
    assert unknown.returncode == 2 and "ben" in unknown.stderr


def test_summary_counts_each_result_once() -> None:
    """Bug 8: a timeout is an error, counted once (the line says how many errors timed out)."""
    from grader.batch import Summary
    from grader.results import ExerciseResult

    def r(outcome: str, message: str = "") -> ExerciseResult:
        return ExerciseResult("mlp/dropout", outcome, 0, FULL, "cpu", 5, message)

    summary = Summary(results=[("a", r("passed")), ("b", r("error", "timed out after 6 s")),
                               ("c", r("error", "crashed")), ("d", r("not_submitted"))], seed=5)
    line = summary.line()
    assert "2 error (1 of them timed out)" in line and "1 passed" in line
    assert "1 not submitted" in line and "graded 4 submissions of 4 student(s)" in line


def test_docs_say_what_the_commands_do() -> None:
    """Bug 8: the docs' install line works from a clone, exit 3 is documented, the timing
    section is filled in, and students are told what to install."""
    docs = (ROOT / "docs" / "instructors.md").read_text(encoding="utf-8")
    assert 'pip install "learn-d2l[instructor]"' not in docs
    assert "**Exit status**" in docs and "3 when some submissions" in docs
    section = docs.split("## How long it takes", 1)[1].split("\n## ", 1)[0]
    assert any(ch.isdigit() for ch in section), "the timing section is empty"
    assert "What students install" in docs
    batch = docs.split("Batch grading", 1)[1].split("### Gradescope")[0]
    assert "--format gradescope" not in batch, "a class cannot be graded --format gradescope"


# --------------------------------------------------------------------------- item 4: reports

def test_what_an_instructor_reads(graded: dict) -> None:
    out = graded["out"]
    totals = _csv(out / "totals.csv")
    assert [r["student"] for r in totals] == ["ada", "ben", "cy", "dan"]
    assert set(totals[0]) == {"student", "total", "max_score", "mlp/dropout", "seed"}
    assert totals[0]["total"] == str(FULL) and totals[3]["total"] == "0"
    ben = (out / "feedback" / "ben.md").read_text(encoding="utf-8")
    assert ben.startswith("# Feedback for ben") and "| ✗ |" in ben and "| ✓ |" in ben
    assert "survivors are scaled" in ben
    assert sorted(p.name for p in (out / "feedback").iterdir()) == ["ada.md", "ben.md", "cy.md", "dan.md"]
    page = (out / "report.html").read_text(encoding="utf-8")
    assert "<script" not in page and page.count("<svg") == 2  # one histogram, one check chart
    assert "pass rate" in page.lower() and "4 student(s)" in page
    assert "least passed" in graded["stdout"]


def test_report_statistics() -> None:
    from grader.report import class_stats, report_html
    from grader.results import CheckResult, ExerciseResult

    def r(points: list[int]) -> ExerciseResult:
        checks = tuple(CheckResult(f"c{i}", "passed" if p else "failed", p * 5, 5)
                       for i, p in enumerate(points))
        return ExerciseResult("x/y", "failed", sum(c.points for c in checks), 10, "cpu", 1,
                              checks=checks)

    [s] = class_stats([("a", r([1, 1])), ("b", r([1, 0])), ("c", r([0, 0]))])
    assert s.scores == [10, 5, 0] and s.histogram(2) == [1, 2]
    assert s.checks == {"c0": [2, 3, 5], "c1": [1, 3, 5]}
    assert "67%" in report_html([("a", r([1, 1])), ("b", r([1, 0])), ("c", r([0, 0]))], 1)


# --------------------------------------------------------------------------- item 6: shards

def test_shards_merge_into_what_one_run_writes(graded: dict, tmp_path: Path) -> None:
    subs, whole = graded["subs"], graded["out"]
    base = ["grade", str(subs), "--exercise", "mlp/dropout", "--jobs", "1", "--seed", "11"]
    assert _learn(*base[:-2], "--shard", "1/2", "--out", "x", cwd=tmp_path).returncode == 2
    for k in (1, 2):
        proc = _learn(*base, "--shard", f"{k}/2", "--out", str(tmp_path / f"s{k}"), cwd=tmp_path)
        assert proc.returncode == 0, proc.stdout + proc.stderr
    sizes = [len(_csv(tmp_path / f"s{k}" / "grades.csv")) for k in (1, 2)]
    assert sizes == [2, 2]
    merged = tmp_path / "merged"
    proc = _learn("grade", "merge", str(tmp_path / "s1"), str(tmp_path / "s2"), "--out",
                  str(merged), cwd=tmp_path)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    for name in ("grades.csv", "totals.csv"):
        assert (merged / name).read_text() == (whole / name).read_text(), name

    def strip(path: Path) -> list[dict]:
        return [{k: v for k, v in r.items() if k not in ("duration", "submission", "output")}
                for r in json.loads(path.read_text(encoding="utf-8"))]

    assert strip(merged / "results.json") == strip(whole / "results.json")
    assert sorted(p.name for p in (merged / "feedback").iterdir()) == \
        sorted(p.name for p in (whole / "feedback").iterdir())
    other = tmp_path / "other"
    (other / "results").mkdir(parents=True)
    run = json.loads((tmp_path / "s1" / "run.json").read_text(encoding="utf-8"))
    (other / "run.json").write_text(json.dumps({**run, "seed": 12}), encoding="utf-8")
    proc = _learn("grade", "merge", str(tmp_path / "s1"), str(other), "--out",
                  str(tmp_path / "m2"), cwd=tmp_path)
    assert proc.returncode == 2 and "different seeds" in proc.stderr


# --------------------------------------------------------------------------- resume, locks

def test_resume_after_kill_regrades_nothing_twice(tmp_path: Path, learn_home: Path) -> None:
    subs = tmp_path / "subs"
    for i in range(8):
        (subs / f"s{i}" / "mlp").mkdir(parents=True)
        shutil.copy(REF, subs / f"s{i}" / "mlp" / "dropout.py")
    out = tmp_path / "out"
    args = [sys.executable, "-m", "grader.cli", "grade", str(subs), "--exercise", "mlp/dropout",
            "--out", str(out), "--jobs", "1"]
    proc = subprocess.Popen(args, cwd=ROOT, start_new_session=True, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE)
    deadline = time.monotonic() + 240
    while time.monotonic() < deadline:
        done = list((out / "results").rglob("*.json")) if (out / "results").is_dir() else []
        if len(done) >= 2:
            break
        time.sleep(0.1)
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    time.sleep(1)  # the checker dies with `learn` (PR_SET_PDEATHSIG), its sandbox with it
    before = {p: p.stat().st_mtime_ns for p in (out / "results").rglob("*.json")}
    assert 2 <= len(before) < 8
    code, text = _invoke("grade", str(subs), "--exercise", "mlp/dropout", "--out", str(out),
                         "--jobs", "1")
    assert code == 0, text
    assert f"{8 - len(before)} now, {len(before)} already done" in text
    for path, mtime in before.items():
        assert path.stat().st_mtime_ns == mtime, "a finished submission was graded again"
    rows = _csv(out / "grades.csv")
    assert sorted(r["student"] for r in rows) == [f"s{i}" for i in range(8)]
    assert all(r["outcome"] == "passed" for r in rows)


def test_two_graders_on_one_out_refuse(tmp_path: Path, learn_home: Path) -> None:
    subs = _make_class(tmp_path / "subs")
    out = tmp_path / "out"
    out.mkdir()
    with open(out / ".learn-grade.lock", "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        code, text = _invoke("grade", str(subs), "--exercise", "mlp/dropout", "--out", str(out))
    assert code == 2 and "another `learn grade`" in text


def test_other_arguments_on_the_same_out_refuse(tmp_path: Path, learn_home: Path) -> None:
    subs = tmp_path / "subs"
    (subs / "a" / "mlp").mkdir(parents=True)
    shutil.copy(REF, subs / "a" / "mlp" / "dropout.py")
    out = tmp_path / "out"
    assert _invoke("grade", str(subs), "--exercise", "mlp/dropout", "--out", str(out))[0] == 0
    code, text = _invoke("grade", str(subs), "--exercise", "cnn/pooling", "--out", str(out))
    assert code == 2 and "other arguments" in text
