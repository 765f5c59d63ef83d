"""Hostile submissions: the grader survives, and none of them earns points it did not earn.

Every file in fixtures/hostile/ is a wrong (or non-)solution of mlp/dropout that tries to
cheat; each must come back as ``error`` naming tampering, or as ``failed``, with a score
below the maximum, and must leave the grader's files alone.
"""

from __future__ import annotations

import functools
import subprocess
from pathlib import Path

import pytest

from grader.catalog import load_catalog
from grader.results import ExerciseResult
from grader.runner import Job, grade

HOSTILE = Path(__file__).parent / "fixtures" / "hostile"
pytestmark = pytest.mark.slow

EXPECTED = {  # file -> (outcome, words the message must contain)
    "patches_torch_comparisons": ("error", "tampering detected: it replaced torch."),
    "patches_tensor_methods": ("error", "added torch.Tensor.__ne__"),
    "patches_grader_helpers": ("error", "it imports grader.asserts"),
    "patches_grader_helpers_obfuscated": ("error", "replaced grader.asserts."),
    "patches_builtins": ("error", "replaced builtins."),
    "patches_pytest_numpy": ("error", "replaced pytest.raises"),
    "prints_fake_results": ("failed", "1/(1-p)"),
    "returns_lying_tensor": ("failed", "subclass of torch.Tensor"),
    "calls_reference_via_gc": ("error", "it called the reference solution"),
    "reads_reference_file": ("error", "belongs to the grader"),
    "writes_progress_store": ("error", "belongs to the grader"),
    "uses_sys_modules": ("error", "sys.modules"),
    "daemon_escapes_group": ("failed", ""),
    "allocates_without_bound": ("error", "ran out of memory"),
}


@functools.lru_cache(maxsize=None)
def _results(home: str) -> dict[str, ExerciseResult]:
    exercise = load_catalog().get("mlp/dropout")
    files = sorted(HOSTILE.glob("*.py"))
    jobs = [Job(exercise, f, 99, device="cpu", timeout=20, memory_mb=1024,
                protected=(Path(home),)) for f in files]
    return {f.stem: r for f, r in zip(files, grade(jobs))}


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory, request) -> Path:
    path = tmp_path_factory.mktemp("home")
    (path / "progress.sqlite3").write_bytes(b"original")
    mp = pytest.MonkeyPatch()
    mp.setenv("LEARN_HOME", str(path))
    request.addfinalizer(mp.undo)
    return path


def test_every_hostile_file_has_an_expectation() -> None:
    assert {p.stem for p in HOSTILE.glob("*.py")} == set(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_hostile_submission_earns_nothing_it_did_not_earn(name: str, home: Path) -> None:
    result = _results(str(home))[name]
    outcome, words = EXPECTED[name]
    assert result.outcome == outcome, (result.outcome, result.message,
                                       [(c.name, c.outcome, c.message) for c in result.checks])
    text = result.message + " ".join(c.message for c in result.checks)
    assert words in text
    assert result.score < result.max_score
    if outcome == "error" and "tampering" in result.message:
        assert result.score == 0


def test_grader_files_were_not_touched(home: Path) -> None:
    _results(str(home))
    assert (home / "progress.sqlite3").read_bytes() == b"original"


def test_no_process_outlives_grading(home: Path) -> None:
    _results(str(home))
    leftover = subprocess.run(["pgrep", "-f", "600.5151"], capture_output=True, text=True)
    assert leftover.stdout.strip() == ""
