"""The nbgrader export pipeline, step by step (no notebook execution here)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from grader.catalog import load_catalog, paths_for
from grader.cli import cli
from grader.export.nbgrader import build_notebook, solution_cell, write_course
from grader.notebook import submission_source
from grader.runner import Job, collect_checks, grade

CATALOG = load_catalog()


@pytest.fixture(scope="module")
def checks() -> dict[str, list[tuple[str, int]]]:
    return collect_checks(list(CATALOG.exercises))


def test_collected_points_match_the_catalog(checks) -> None:
    for exercise in CATALOG.exercises:
        assert sum(p for _, p in checks[exercise.id]) == exercise.points, exercise.id


def test_metadata_is_valid_nbgrader_schema_3(checks) -> None:
    validator_mod = pytest.importorskip("nbgrader.nbgraderformat.v3")
    nbformat = pytest.importorskip("nbformat")
    validator = validator_mod.MetadataValidatorV3()
    ids = set()
    for exercise in CATALOG.exercises:
        nb = nbformat.from_dict(build_notebook(exercise, checks[exercise.id]))
        nbformat.validate(nb)
        for cell in nb.cells:
            if "nbgrader" in cell.metadata:
                validator.validate_cell(cell)
                grade_id = cell.metadata.nbgrader.grade_id
                assert grade_id not in ids, f"duplicate grade_id {grade_id}"
                ids.add(grade_id)
        graded = [c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade")
                  and c.cell_type == "code" and "nbgrader_check" in c.source]
        assert sum(c.metadata.nbgrader.points for c in graded) == exercise.points


@pytest.mark.slow
def test_every_solution_cell_is_a_passing_submission(tmp_path: Path) -> None:
    jobs = []
    for exercise in CATALOG.exercises:
        path = tmp_path / f"{exercise.id.replace('/', '_')}.py"
        path.write_text(solution_cell(exercise)["source"], encoding="utf-8")
        jobs.append(Job(exercise, path, 7, device="cpu"))
    for exercise, result in zip(CATALOG.exercises, grade(jobs)):
        assert result.outcome == "passed", (exercise.id, result.message,
                                            [(c.name, c.message) for c in result.checks
                                             if c.outcome != "passed"])


def test_release_stub_has_no_top_level_raise() -> None:
    for exercise in CATALOG.exercises:
        source = solution_cell(exercise)["source"]
        for line in source.splitlines():
            assert not line.startswith("### BEGIN SOLUTION"), (
                f"{exercise.id}: a top-level solution region would become a top-level raise")


def test_existing_edited_notebook_is_refused_then_backed_up(tmp_path: Path, checks) -> None:
    exercise = CATALOG.get("mlp/dropout")
    first = write_course(tmp_path, "a1", [exercise], checks)
    [path] = first.written
    assert first.config and first.config.is_file()
    again = write_course(tmp_path, "a1", [exercise], checks)
    assert again.unchanged == [path] and not again.written
    path.write_text(path.read_text(encoding="utf-8").replace("Dropout", "Dropout!"), encoding="utf-8")
    edited = path.read_text(encoding="utf-8")
    refused = write_course(tmp_path, "a1", [exercise], checks)
    assert refused.refused == [path] and path.read_text(encoding="utf-8") == edited
    forced = write_course(tmp_path, "a1", [exercise], checks, force=True)
    assert forced.written == [path] and forced.backups
    assert forced.backups[0].read_text(encoding="utf-8") == edited
    # Bug 6: nbgrader releases every notebook under source/<assignment>/: the backup is not there.
    assert not forced.backups[0].is_relative_to(tmp_path / "source")
    assert sorted(p.name for p in (tmp_path / "source" / "a1").iterdir()) == [path.name]
    config = tmp_path / "nbgrader_config.py"
    config.write_text("# mine\n", encoding="utf-8")
    write_course(tmp_path, "a1", [exercise], checks, force=True)
    assert config.read_text(encoding="utf-8") == "# mine\n"


def test_cli_export_unknown_id_and_refusal(tmp_path: Path, learn_home: Path) -> None:
    runner = CliRunner()
    result = runner.invoke(cli, ["nbgrader", "export", "--course-dir", str(tmp_path), "cnn/pool"],
                           obj={})
    assert result.exit_code == 2 and "did you mean cnn/pooling" in result.output
    result = runner.invoke(cli, ["nbgrader", "export", "--course-dir", str(tmp_path),
                                 "mlp/dropout"], obj={})
    assert result.exit_code == 0, result.output
    nb = tmp_path / "source" / "d2l" / "mlp-dropout.ipynb"
    nb.write_text(nb.read_text(encoding="utf-8") + " ", encoding="utf-8")
    result = runner.invoke(cli, ["nbgrader", "export", "--course-dir", str(tmp_path),
                                 "mlp/dropout"], obj={})
    assert result.exit_code == 1 and "refused to overwrite" in result.output and "--force" in result.output


def test_submission_source_takes_defining_cells_and_imports() -> None:
    exercise = CATALOG.get("mlp/dropout")
    cells = ["import torch\nx = torch.ones(3)\nprint(x)",
             "from grader.notebook import nbgrader_check\nnbgrader_check('mlp/dropout', 'a')",
             "%matplotlib inline\nfrom torch import nn",
             "def dropout_layer(X, p, training=True):\n    return X",
             "dropout_layer(torch.ones(2), 0.5)",
             "class Dropout(nn.Module):\n    pass",
             "def dropout_layer(X, p, training=True):\n    return X * 2"]
    source = submission_source(exercise, cells)
    assert "import torch" in source and "from torch import nn" in source
    assert "print(x)" not in source and "%matplotlib" not in source and "grader" not in source
    assert "dropout_layer(torch.ones(2), 0.5)" not in source
    # later definitions win, as they did in the kernel
    assert source.index("return X\n") < source.index("return X * 2")
    compile(source, "nb", "exec")


def test_notebook_json_roundtrip(tmp_path: Path, checks) -> None:
    exercise = CATALOG.get("cnn/pooling")
    nb = build_notebook(exercise, checks[exercise.id])
    text = json.dumps(nb)
    assert "BEGIN HIDDEN TESTS" in text and paths_for(exercise.id).quiz.is_file()


def test_released_statement_does_not_promise_checks_it_cannot_run() -> None:
    """Bug 8: in a released notebook the hidden test cells are empty; the statement says so and
    tells the student how to run the checks themselves."""
    from grader.export.nbgrader import statement_cell

    for exercise in CATALOG.exercises:
        text = statement_cell(exercise)["source"]
        assert "the hidden checks grade your code" not in text
        assert f"check({exercise.id!r})" in text and "pip install" in text
