"""`learn grade`: a class of submissions graded end to end through the CLI."""

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

from grader.cli import cli
from tests.conftest import ROOT

pytestmark = pytest.mark.slow
FIX = ROOT / "tests" / "fixtures"
REF = ROOT / "solutions" / "mlp" / "dropout.py"

# student -> (file for mlp/dropout or None, expected outcome, the most it may score).
# The hostile ones earn exactly what their honest behaviour earns: patching torch, printing
# fake results or writing the progress store cannot reach the checker, and a dropout without
# the 1/(1-p) rescale earns 14 of 22, as ben's does.
CLASS = {
    "ada": (REF, "passed", 22),
    "ben": (ROOT / "tests/variants/mlp/dropout/wrong_no_rescale.py", "failed", 14),
    "cy": (None, "not_submitted", 0),
    "dee": (FIX / "submissions/hangs.py", "error", 21),
    "eve": (FIX / "hostile/patches_torch_comparisons.py", "failed", 14),
    "fay": (FIX / "hostile/prints_fake_results.py", "failed", 14),
    "gus": (FIX / "submissions/os_exit_in_function.py", "error", 21),
    "hal": (FIX / "hostile/calls_reference_via_gc.py", None, 2),  # failed, or too slow
    "ivy": (FIX / "submissions/segfault.py", "error", 21),
    "jo": (FIX / "hostile/writes_progress_store.py", "failed", 14),
}


def _make_class(root: Path) -> Path:
    for student, (source, _, _) in CLASS.items():
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


def test_class_with_hostile_submissions(tmp_path: Path, learn_home: Path) -> None:
    learn_home.mkdir(parents=True, exist_ok=True)
    (learn_home / "progress.sqlite3").write_bytes(b"keep me")
    subs = _make_class(tmp_path / "subs")
    out = tmp_path / "out"
    code, text = _invoke("grade", str(subs), "--exercise", "mlp/dropout", "--out", str(out),
                         "--jobs", "2", "--timeout", "6", "--seed", "3")
    assert code == 0, text
    assert "1 not submitted" in text and " 0 timeout" not in text
    rows = {r["student"]: r for r in _csv(out / "grades.csv")}
    assert set(rows) == set(CLASS)
    for student, (_, outcome, most) in CLASS.items():
        assert rows[student]["outcome"] in ((outcome,) if outcome else ("failed", "error")), \
            (student, rows[student])
        assert int(rows[student]["score"]) <= most, (student, rows[student])
    assert rows["ada"]["score"] == rows["ada"]["max_score"] == "22"
    assert (learn_home / "progress.sqlite3").read_bytes() == b"keep me"
    full = json.loads((out / "results.json").read_text(encoding="utf-8"))
    assert {r["student"] for r in full} == set(CLASS)
    assert all(r["isolation"].startswith("namespaces") for r in full if r["outcome"] != "not_submitted")
    suites = ET.parse(out / "junit.xml").getroot()
    assert suites.tag == "testsuites" and len(suites.findall("testsuite")) == len(CLASS)
    ada = next(s for s in suites if s.get("name") == "ada/mlp/dropout")
    assert ada.get("failures") == "0" and len(ada.findall("testcase")) == 15


def test_gradescope_results_for_a_single_submission(tmp_path: Path, learn_home: Path) -> None:
    single = tmp_path / "submission"
    (single / "mlp").mkdir(parents=True)
    shutil.copy(ROOT / "tests/variants/mlp/dropout/wrong_no_rescale.py", single / "mlp" / "dropout.py")
    out = tmp_path / "out"
    code, text = _invoke("grade", str(single), "--exercise", "mlp/dropout", "--exercise",
                         "cnn/pooling", "--out", str(out), "--format", "gradescope,csv")
    assert code == 0, text
    data = json.loads((out / "gradescope" / "results.json").read_text(encoding="utf-8"))
    assert isinstance(data["score"], float) and data["score"] == 14.0
    assert data["max_score"] == 52.0
    for test in data["tests"]:
        assert set(test) == {"name", "score", "max_score", "output", "visibility"}
        assert isinstance(test["name"], str) and test["visibility"] in ("visible", "hidden",
                                                                       "after_due_date", "after_published")
        assert 0 <= test["score"] <= test["max_score"]
    assert sum(t["score"] for t in data["tests"]) == data["score"]
    assert any(t["name"] == "cnn/pooling" and "not_submitted" in t["output"] for t in data["tests"])


def test_gradescope_needs_one_submission(tmp_path: Path, learn_home: Path) -> None:
    subs = _make_class(tmp_path / "subs")
    code, text = _invoke("grade", str(subs), "--exercise", "mlp/dropout", "--out",
                         str(tmp_path / "o"), "--format", "gradescope")
    assert code == 2 and "single submission" in text


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


def test_gradescope_build_zip(tmp_path: Path, learn_home: Path) -> None:
    import stat
    import zipfile

    target = tmp_path / "autograder.zip"
    code, text = _invoke("gradescope", "build", "mlp/dropout", "--out", str(target))
    assert code == 0, text
    with zipfile.ZipFile(target) as archive:
        names = set(archive.namelist())
        for script in ("setup.sh", "run_autograder"):
            assert script in names
            assert archive.getinfo(script).external_attr >> 16 & stat.S_IXUSR
        run = archive.read("run_autograder").decode()
        assert "--format gradescope" in run and "--exercise mlp/dropout" in run
        assert "/autograder/results/results.json" in run
        for needed in ("learn/pyproject.toml", "learn/grader/cli.py",
                       "learn/grader/checks/mlp/test_dropout.py", "learn/solutions/mlp/dropout.py",
                       "learn/exercises/catalog.yaml"):
            assert needed in names
    assert _invoke("gradescope", "build", "mlp/droput", "--out", str(target))[0] == 2
