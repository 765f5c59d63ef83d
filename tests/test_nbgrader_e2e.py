"""nbgrader end to end, with real nbgrader and a real Jupyter kernel.

Builds a course (mlp/dropout, cnn/pooling), releases it, autogrades three students
(reference filled in, stub untouched, a typical wrong implementation) and reads the
gradebook through nbgrader's API; then checks that the feedback reveals no hidden check.
"""

from __future__ import annotations

import copy
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

nbgrader_api = pytest.importorskip("nbgrader.api", reason="install the instructor extra")

from grader.catalog import load_catalog, paths_for  # noqa: E402
from grader.quiz import parse_quiz  # noqa: E402
from tests.conftest import ROOT  # noqa: E402

pytestmark = pytest.mark.slow
IDS = ["mlp/dropout", "cnn/pooling"]
NOTEBOOKS = {"mlp/dropout": "mlp-dropout.ipynb", "cnn/pooling": "cnn-pooling.ipynb"}
WRONG_DROPOUT = (ROOT / "tests" / "variants" / "mlp" / "dropout" / "wrong_no_rescale.py")


def _run(args: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ)
    env["PATH"] = str(Path(sys.executable).parent) + os.pathsep + env.get("PATH", "")
    proc = subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, timeout=900)
    assert proc.returncode == 0, f"{args} failed:\n{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}"
    return proc


def _source(cell: dict) -> str:
    src = cell["source"]
    return src if isinstance(src, str) else "".join(src)


def _solution_index(nb: dict) -> int:
    return next(i for i, c in enumerate(nb["cells"])
                if c.get("metadata", {}).get("nbgrader", {}).get("solution") and c["cell_type"] == "code")


def _answer(question) -> str:
    if question.kind == "numeric":
        return repr(question.answer)
    if question.kind == "multiple":
        return repr(list(question.answer))
    return repr(question.answer)


def _fill_quiz(nb: dict, exercise_id: str) -> None:
    quiz = parse_quiz(paths_for(exercise_id).quiz)
    for cell in nb["cells"]:
        src = _source(cell)
        for q in quiz.questions:
            var = "answer_" + q.id.replace("-", "_")
            if cell["cell_type"] == "code" and src.startswith(f"{var} = None") and q.kind != "text":
                cell["source"] = f"{var} = {_answer(q)}\n"


@pytest.fixture(scope="module")
def course(tmp_path_factory: pytest.TempPathFactory) -> Path:
    course = tmp_path_factory.mktemp("course")
    home = tmp_path_factory.mktemp("home")
    env = dict(os.environ, LEARN_HOME=str(home))
    proc = subprocess.run([sys.executable, "-m", "grader.cli", "nbgrader", "export", "--course-dir",
                           str(course), *IDS], capture_output=True, text=True, env=env, cwd=ROOT)
    assert proc.returncode == 0, proc.stderr
    _run([sys.executable, "-m", "nbgrader", "generate_assignment", "d2l", "--force"], course)
    for exercise_id, name in NOTEBOOKS.items():
        release = json.loads((course / "release" / "d2l" / name).read_text(encoding="utf-8"))
        source = json.loads((course / "source" / "d2l" / name).read_text(encoding="utf-8"))
        k = _solution_index(release)
        students = {"alice": copy.deepcopy(release), "bob": copy.deepcopy(release),
                    "carol": copy.deepcopy(release)}
        students["alice"]["cells"][k]["source"] = _source(source["cells"][k])
        _fill_quiz(students["alice"], exercise_id)
        if exercise_id == "mlp/dropout":
            students["carol"]["cells"][k]["source"] = WRONG_DROPOUT.read_text(encoding="utf-8")
        for student, nb in students.items():
            folder = course / "submitted" / student / "d2l"
            folder.mkdir(parents=True, exist_ok=True)
            (folder / name).write_text(json.dumps(nb), encoding="utf-8")
    _run([sys.executable, "-m", "nbgrader", "autograde", "d2l", "--force"], course)
    _run([sys.executable, "-m", "nbgrader", "generate_feedback", "d2l", "--force"], course)
    return course


def test_release_has_stubs_and_no_reference_or_hidden_checks(course: Path) -> None:
    for exercise_id, name in NOTEBOOKS.items():
        text = (course / "release" / "d2l" / name).read_text(encoding="utf-8")
        nb = json.loads(text)
        stub = _source(nb["cells"][_solution_index(nb)])
        assert "raise NotImplementedError" in stub
        for marker in ("BEGIN SOLUTION", "BEGIN HIDDEN TESTS", "nbgrader_check(", "nbgrader_quiz("):
            assert marker not in text, f"{name} leaks {marker}"
        reference = paths_for(exercise_id).solution.read_text(encoding="utf-8")
        body_lines = [line.strip() for line in reference.splitlines()
                      if len(line.strip()) > 25 and not line.strip().startswith(("#", "def ", "class ", '"""', "import", "from"))]
        leaked = [line for line in body_lines if line in text]
        assert not leaked, f"{name} contains reference code: {leaked[:3]}"


def _scores(course: Path) -> dict[tuple[str, str], tuple[float, float, float]]:
    """(student, notebook) -> (score, max_score, max) over the autograded test cells.

    Free-text quiz answers are manually graded cells; they are left out here.
    """
    out = {}
    with nbgrader_api.Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        for student in ("alice", "bob", "carol"):
            submission = gb.find_submission("d2l", student)
            for nb in submission.notebooks:
                tests = [g for g in nb.grades if not g.name.endswith("-answer")]
                out[(student, nb.name)] = (sum(g.score for g in tests),
                                           sum(g.max_score for g in tests), nb.max_score)
    return out


def test_gradebook_full_zero_and_partial_marks(course: Path) -> None:
    scores = _scores(course)
    for name in ("mlp-dropout", "cnn-pooling"):
        score, maximum, _ = scores[("alice", name)]
        assert maximum > 0 and score == maximum, f"alice {name}: {score}/{maximum} points"
        assert scores[("bob", name)][0] == 0, f"bob {name}"
    carol, _, _ = scores[("carol", "mlp-dropout")]
    points = load_catalog().get("mlp/dropout").points
    assert 0 < carol < points, f"carol's wrong dropout should earn partial marks, got {carol}"
    assert scores[("carol", "cnn-pooling")][0] == 0


def test_feedback_holds_no_hidden_check_code(course: Path) -> None:
    pages = list((course / "feedback").rglob("*.html"))
    assert len(pages) == 6
    for page in pages:
        text = page.read_text(encoding="utf-8")
        for marker in ("BEGIN HIDDEN TESTS", "nbgrader_check(", "nbgrader_quiz(", "assert_close"):
            assert marker not in text, f"{page} leaks {marker}"
