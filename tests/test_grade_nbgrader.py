"""`learn grade COURSE_DIR`: an nbgrader class graded by the trusted pipeline.

A real nbgrader course (export, ``generate_assignment``), five students' notebooks in
``submitted/`` (the reference, the stub, a wrong dropout, a solution cell that calls
``os._exit(0)``, one with an endless loop at the top level), graded by ``learn grade`` without
running a notebook; the scores land in nbgrader's gradebook and ``nbgrader export`` lists every
student (bug 5: nbgrader itself drops the ``os._exit`` student and spends minutes on the loop).
"""

from __future__ import annotations

import copy
import csv
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

nbgrader_api = pytest.importorskip("nbgrader.api", reason="install the instructor extra")

from grader.catalog import load_catalog, paths_for
from grader.quiz import parse_quiz
from tests.conftest import ROOT

pytestmark = pytest.mark.slow
NAME = "mlp-dropout.ipynb"
WRONG = ROOT / "tests" / "variants" / "mlp" / "dropout" / "wrong_no_rescale.py"


def _run(args: list[str], cwd: Path, check: bool = True) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    env["PATH"] = str(Path(sys.executable).parent) + os.pathsep + env.get("PATH", "")
    proc = subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, timeout=900, check=False)
    if check:
        assert proc.returncode == 0, f"{args} failed:\n{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}"
    return proc


def _source(cell: dict) -> str:
    src = cell["source"]
    return src if isinstance(src, str) else "".join(src)


@pytest.fixture(scope="module")
def course(tmp_path_factory: pytest.TempPathFactory) -> dict:
    course = tmp_path_factory.mktemp("course")
    _run([sys.executable, "-m", "grader.cli", "nbgrader", "export", "--course-dir", str(course),
          "--assignment", "week3", "mlp/dropout"], ROOT)
    _run([sys.executable, "-m", "nbgrader", "generate_assignment", "week3", "--force"], course)
    release = json.loads((course / "release" / "week3" / NAME).read_text(encoding="utf-8"))
    source = json.loads((course / "source" / "week3" / NAME).read_text(encoding="utf-8"))
    k = next(i for i, c in enumerate(release["cells"])
             if c.get("metadata", {}).get("nbgrader", {}).get("solution") and c["cell_type"] == "code")
    reference = _source(source["cells"][k])
    quiz = parse_quiz(paths_for("mlp/dropout").quiz)
    first = next(q for q in quiz.questions if q.kind in ("single", "multiple", "numeric"))
    answer = list(first.answer) if first.kind == "multiple" else first.answer
    var = "answer_" + first.id.replace("-", "_")
    solutions = {"alice": reference, "bob": None, "carol": WRONG.read_text(encoding="utf-8"),
                 # Top-level statements are not part of a submission (only imports,
                 # definitions and the assignments they need): the hostile code sits in
                 # the class body, which is.
                 "dan": reference.replace("class Dropout(nn.Module):",
                                          "class Dropout(nn.Module):\n    import os\n    os._exit(0)"),
                 "eve": reference.replace("class Dropout(nn.Module):",
                                          "class Dropout(nn.Module):\n    while True:\n        pass")}
    for student, code in solutions.items():
        nb = copy.deepcopy(release)
        if code is not None:
            nb["cells"][k]["source"] = code
        if student == "alice":
            for cell in nb["cells"]:
                if cell["cell_type"] == "code" and _source(cell).startswith(f"{var} = None"):
                    cell["source"] = f"{var} = {answer!r}\n"
        folder = course / "submitted" / student / "week3"
        folder.mkdir(parents=True)
        (folder / NAME).write_text(json.dumps(nb), encoding="utf-8")
    start = time.monotonic()
    proc = _run([sys.executable, "-m", "grader.cli", "grade", str(course), "--out",
                 str(course / "learn-grades"), "--jobs", "2", "--timeout", "10"], course)
    return {"dir": course, "stdout": proc.stdout, "seconds": time.monotonic() - start,
            "question": first}


def test_every_student_is_graded_and_in_the_gradebook(course: dict) -> None:
    folder = course["dir"]
    with open(folder / "learn-grades" / "grades.csv", newline="", encoding="utf-8") as handle:
        rows = {r["student"]: r for r in csv.DictReader(handle)}
    assert set(rows) == {"alice", "bob", "carol", "dan", "eve"}
    full = load_catalog().get("mlp/dropout").points
    assert rows["alice"]["outcome"] == "passed" and rows["alice"]["score"] == str(full)
    assert rows["bob"]["outcome"] == "not_attempted"
    assert rows["carol"]["outcome"] == "failed" and 0 < int(rows["carol"]["score"]) < full
    assert rows["dan"]["outcome"] == "error" and rows["eve"]["outcome"] == "error"
    assert course["seconds"] < 240, "the endless loop cost more than its timeout"
    assert "gradebook.db" in course["stdout"]
    with nbgrader_api.Gradebook(f"sqlite:///{folder / 'gradebook.db'}") as gb:
        scores = {}
        for student in rows:
            nb = gb.find_submission_notebook("mlp-dropout", "week3", student)
            checks = [g for g in nb.grades if "-check-" in g.name]
            scores[student] = sum(g.score for g in checks)
            quiz = [g for g in nb.grades if "-quiz-" in g.name and g.name.endswith("-check")]
            if student == "alice":
                assert sum(g.score for g in quiz) >= 1, "alice's quiz answer earned nothing"
    assert scores == {"alice": full, "bob": 0, "carol": int(rows["carol"]["score"]), "dan": 0,
                      "eve": 0}


def test_nbgrader_export_lists_every_student(course: dict) -> None:
    folder = course["dir"]
    _run([sys.executable, "-m", "nbgrader", "export"], folder)
    with open(folder / "grades.csv", newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert {r["student_id"] for r in rows} == {"alice", "bob", "carol", "dan", "eve"}
    alice = next(r for r in rows if r["student_id"] == "alice")
    assert float(alice["raw_score"]) >= load_catalog().get("mlp/dropout").points


def test_a_rerun_of_an_nbgrader_class_regrades_nothing(course: dict) -> None:
    folder = course["dir"]
    proc = _run([sys.executable, "-m", "grader.cli", "grade", str(folder), "--out",
                 str(folder / "learn-grades"), "--jobs", "2", "--timeout", "10"], folder)
    assert "(0 now, 5 already done)" in proc.stdout, proc.stdout
