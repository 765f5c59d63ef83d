"""The Gradescope autograder: the zip, and a simulated Gradescope run of it.

The simulation lays out ``/autograder`` under a temporary folder as Gradescope does
(https://gradescope-autograders.readthedocs.io/en/latest/specs/): the zip unpacked into
``source/``, ``run_autograder`` copied to the top, the student's upload in ``submission/``;
``setup.sh`` is read, not run (it installs system packages), and its venv is stubbed by a
``python`` that is this interpreter. Then ``run_autograder`` runs, and ``results/results.json``
is checked against Gradescope's documented fields.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import stat
import subprocess
import sys
import zipfile
from importlib import metadata
from pathlib import Path

import pytest
from click.testing import CliRunner

from grader.catalog import load_catalog
from grader.cli import cli
from tests.conftest import ROOT

pytestmark = pytest.mark.slow
WRONG = ROOT / "tests/variants/mlp/dropout/wrong_no_rescale.py"
POOLING = ROOT / "solutions" / "cnn" / "pooling.py"

# Gradescope's results.json, from its autograder specification.
TOP = {"score": (int, float), "execution_time": (int, float), "output": str, "output_format": str,
       "test_output_format": str, "test_name_format": str, "visibility": str,
       "stdout_visibility": str, "extra_data": dict, "tests": list, "leaderboard": list}
TEST = {"score": (int, float), "max_score": (int, float), "status": str, "name": str,
        "name_format": str, "number": str, "output": str, "output_format": str, "tags": list,
        "visibility": str, "extra_data": dict}
VISIBILITY = {"hidden", "after_due_date", "after_published", "visible"}


def _invoke(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, list(args), obj={})
    return result.exit_code, result.output


def validate(results: dict) -> None:
    """Fail unless ``results`` follows Gradescope's documented results.json."""
    assert set(results) <= set(TOP), set(results) - set(TOP)
    for key, kind in TOP.items():
        if key in results:
            assert isinstance(results[key], kind), (key, results[key])
    for key in ("visibility", "stdout_visibility"):
        if key in results:
            assert results[key] in VISIBILITY, (key, results[key])
    assert "score" in results or all("score" in t for t in results["tests"])
    for test in results.get("tests", []):
        assert set(test) <= set(TEST), set(test) - set(TEST)
        for key, kind in TEST.items():
            if key in test:
                assert isinstance(test[key], kind), (key, test[key])
        assert test.get("visibility", "visible") in VISIBILITY
        assert test.get("status", "passed") in ("passed", "failed")
        assert 0 <= test["score"] <= test["max_score"]


def test_gradescope_build_zip(tmp_path: Path, learn_home: Path) -> None:
    target = tmp_path / "autograder.zip"
    code, text = _invoke("gradescope", "build", "mlp/dropout", "--out", str(target), "--seed", "7",
                         "--visibility", "after_due_date", "--visibility",
                         "mlp/dropout:expectation_is_preserved=hidden")
    assert code == 0, text
    assert "seed 7" in text
    torch = metadata.version("torch").split("+")[0]
    with zipfile.ZipFile(target) as archive:
        names = set(archive.namelist())
        for script in ("setup.sh", "run_autograder"):
            assert script in names
            assert archive.getinfo(script).external_attr >> 16 & stat.S_IXUSR
        run = archive.read("run_autograder").decode()
        assert "--format gradescope" in run and "--exercise mlp/dropout" in run
        assert "--single" in run and "--seed 7" in run
        assert "/results/results.json" in run
        setup = archive.read("setup.sh").decode()
        assert f'"torch=={torch}"' in setup and "whl/cpu" in setup
        settings = json.loads(archive.read("learn-autograder.json"))
        assert settings["seed"] == 7 and settings["torch"] == torch
        assert settings["visibility"] == {"*": "after_due_date",
                                          "mlp/dropout:expectation_is_preserved": "hidden"}
        for needed in ("learn/pyproject.toml", "learn/grader/cli.py",
                       "learn/grader/checks/mlp/test_dropout.py", "learn/solutions/mlp/dropout.py",
                       "learn/exercises/catalog.yaml"):
            assert needed in names
    code, _ = _invoke("gradescope", "build", "mlp/dropout", "--out", str(target), "--cuda",
                      "cu121", "--torch", "2.5.1")
    with zipfile.ZipFile(target) as archive:
        setup = archive.read("setup.sh").decode()
    assert code == 0 and '"torch==2.5.1"' in setup and "whl/cu121" in setup
    assert _invoke("gradescope", "build", "mlp/droput", "--out", str(target))[0] == 2
    assert _invoke("gradescope", "build", "mlp/dropout", "--visibility", "secret")[0] == 2


def _autograder(tmp_path: Path, zip_path: Path) -> Path:
    root = tmp_path / "autograder"
    (root / "source").mkdir(parents=True)
    with zipfile.ZipFile(zip_path) as archive:
        archive.extractall(root / "source")
    shutil.copy(root / "source" / "run_autograder", root / "run_autograder")
    venv = root / "venv" / "bin"
    venv.mkdir(parents=True)
    # setup.sh's venv, stubbed: this interpreter, with this checkout's package standing in for
    # the zip's `pip install`ed copy (the sandbox mounts its own /tmp, so a package unpacked
    # under the test's temporary folder could not be seen from inside it).
    python = venv / "python"
    python.write_text(f'#!/bin/sh\nPYTHONPATH="{ROOT}" exec "{sys.executable}" "$@"\n',
                      encoding="utf-8")
    python.chmod(0o755)
    (root / "submission").mkdir()
    return root


def _run_autograder(root: Path, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["bash", str(root / "run_autograder")], cwd=root, capture_output=True,
                          text=True, timeout=600, check=False,
                          env={**os.environ, "AUTOGRADER_ROOT": str(root), **env})


def test_simulated_gradescope_run(tmp_path: Path, learn_home: Path) -> None:
    """Bug 3: loose files at the top of /autograder/submission (what dragging dropout.py into
    Gradescope gives) and a workspace tree both get graded; visibility and seed are the build's."""
    zip_path = tmp_path / "autograder.zip"
    code, text = _invoke("gradescope", "build", "mlp/dropout", "cnn/pooling", "--out",
                         str(zip_path), "--seed", "5", "--visibility",
                         "mlp/dropout:survivors_are_scaled_by_one_over_one_minus_p=hidden",
                         "--visibility", "cnn/pooling=after_due_date")
    assert code == 0, text
    root = _autograder(tmp_path, zip_path)
    setup = (root / "source" / "setup.sh").read_text(encoding="utf-8")
    assert re.search(r'"torch==[0-9][^"]*" --index-url https://download.pytorch.org/whl/cpu', setup)
    shutil.copy(WRONG, root / "submission" / "dropout.py")
    (root / "submission" / "d2l" / "exercises" / "cnn").mkdir(parents=True)
    shutil.copy(POOLING, root / "submission" / "d2l" / "exercises" / "cnn" / "pooling.py")
    proc = _run_autograder(root)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    results = json.loads((root / "results" / "results.json").read_text(encoding="utf-8"))
    validate(results)
    catalog = load_catalog()
    pooling = catalog.get("cnn/pooling").points
    assert results["extra_data"]["seed"] == 5 and "seed 5" in results["output"]
    assert results["extra_data"]["max_score"] == catalog.get("mlp/dropout").points + pooling
    assert pooling < results["score"] < results["extra_data"]["max_score"]
    assert sum(t["score"] for t in results["tests"]) == results["score"]
    by_name = {t["name"]: t for t in results["tests"]}
    hidden = by_name["mlp/dropout: survivors are scaled by one over one minus p"]
    assert hidden["visibility"] == "hidden" and hidden["status"] == "failed"
    assert all(t["visibility"] == "after_due_date" for n, t in by_name.items()
               if n.startswith("cnn/pooling"))
    assert all(t["visibility"] == "visible" for n, t in by_name.items()
               if n.startswith("mlp/dropout") and t is not hidden)
    assert results["stdout_visibility"] == "hidden"


def test_a_failed_autograder_still_writes_results(tmp_path: Path, learn_home: Path) -> None:
    zip_path = tmp_path / "autograder.zip"
    assert _invoke("gradescope", "build", "mlp/dropout", "--out", str(zip_path))[0] == 0
    root = _autograder(tmp_path, zip_path)
    proc = _run_autograder(root, LEARN_PYTHON="/bin/false")
    assert proc.returncode == 0, proc.stderr
    results = json.loads((root / "results" / "results.json").read_text(encoding="utf-8"))
    validate(results)
    assert results["score"] == 0 and "not a grade of your code" in results["output"]


def test_gradescope_format_needs_single(tmp_path: Path, learn_home: Path) -> None:
    subs = tmp_path / "subs"
    (subs / "a").mkdir(parents=True)
    shutil.copy(WRONG, subs / "a" / "dropout.py")
    code, text = _invoke("grade", str(subs), "--exercise", "mlp/dropout", "--out",
                         str(tmp_path / "o"), "--format", "gradescope")
    assert code == 2 and "--single" in text
