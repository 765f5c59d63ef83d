"""Hostile submissions: the grader survives, and none of them earns points it did not earn.

Every file in fixtures/hostile/ is a wrong (or non-)solution of mlp/dropout that tries to
cheat. Under the two-process design none of the tampering reaches the checker: what was
"tampering detected" when learner code ran beside the checks is now either harmless (it
patches the sandbox's own torch, prints fake results, writes a progress store it cannot
see) or an import error (grader.asserts, grader.plugin and the reference do not exist in the
sandbox). Each result must be one of the expected outcomes, with the expected words, and
score at most what the file's honest behaviour earns: most of them use a dropout without the
1/(1-p) rescale, whose attack-free twin (tests/hostile/twins/no_rescale.py) is graded in the
same batch, so the bound follows the checks when they change. The grader's files stay
untouched and no process outlives the grading. (tests/test_hostile_class.py grades a whole class of newer attacks.)
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
TWINS = Path(__file__).parent / "hostile" / "twins"
pytestmark = pytest.mark.slow

NO_RESCALE = "no_rescale"  # the score of that twin
EXPECTED = {  # file -> (outcomes, words the messages must contain, the most it may score)
    "patches_torch_comparisons": (("failed",), "1/(1-p)", NO_RESCALE),
    "patches_tensor_methods": (("failed",), "1/(1-p)", NO_RESCALE),
    "patches_grader_helpers": (("error",), "No module named 'grader.asserts'", 0),
    "patches_grader_helpers_obfuscated": (("error",), "No module named", 0),
    "patches_builtins": (("error", "failed"), "", 0),  # it breaks its own process
    "patches_pytest_numpy": (("failed",), "1/(1-p)", NO_RESCALE),
    "prints_fake_results": (("failed",), "1/(1-p)", NO_RESCALE),
    "returns_lying_tensor": (("failed",), "", "checked_x_times_two"),  # by value: no lies
    "calls_reference_via_gc": (("failed", "error"), "", 0),  # no reference in the sandbox
    "reads_reference_file": (("error",), "No such file or directory", 0),
    "writes_progress_store": (("failed",), "1/(1-p)", NO_RESCALE),
    "uses_sys_modules": (("error",), "grader.plugin", 0),
    "daemon_escapes_group": (("failed",), "", NO_RESCALE),
    "allocates_without_bound": (("error",), "ran out of memory", NO_RESCALE),
}
TWIN_FILES = ("no_rescale", "checked_x_times_two")


@functools.lru_cache(maxsize=None)
def _results(home: str) -> dict[str, ExerciseResult]:
    exercise = load_catalog().get("mlp/dropout")
    files = sorted(HOSTILE.glob("*.py")) + [TWINS / f"{name}.py" for name in TWIN_FILES]
    jobs = [Job(exercise, f, 99, device="cpu", timeout=20, memory_mb=1024) for f in files]
    return {f.stem: r for f, r in zip(files, grade(jobs))}


def _most(home: Path, bound: int | str) -> int:
    return bound if isinstance(bound, int) else _results(str(home))[bound].score


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
    outcomes, words, most = EXPECTED[name]
    assert result.outcome in outcomes, (result.outcome, result.message,
                                        [(c.name, c.outcome, c.message) for c in result.checks])
    text = result.message + " ".join(c.message for c in result.checks)
    assert words in text
    assert result.score <= _most(home, most) < result.max_score


def test_twins_earn_some_but_not_all(home: Path) -> None:
    for name in TWIN_FILES:
        twin = _results(str(home))[name]
        assert twin.outcome == "failed" and 0 < twin.score < twin.max_score, twin


def test_grader_files_were_not_touched(home: Path) -> None:
    _results(str(home))
    assert (home / "progress.sqlite3").read_bytes() == b"original"


def test_no_process_outlives_grading(home: Path) -> None:
    _results(str(home))
    leftover = subprocess.run(["pgrep", "-f", "600.5151"], capture_output=True, text=True)
    assert leftover.stdout.strip() == ""
