"""Bad submissions give a clear result, never a hung or crashed grader.

All fixture submissions are graded for mlp/dropout in one worker process, so one torch
import serves them all.
"""

from __future__ import annotations

import functools
import subprocess
from pathlib import Path

import pytest

from grader.catalog import load_catalog
from grader.results import ExerciseResult
from grader.runner import Job, grade

FIXTURES = Path(__file__).parent / "fixtures" / "submissions"
pytestmark = pytest.mark.slow


@functools.lru_cache(maxsize=None)
def _results() -> dict[str, ExerciseResult]:
    exercise = load_catalog().get("mlp/dropout")
    files = sorted(FIXTURES.glob("*.py"))
    jobs = [Job(exercise, path, 1234, device="cpu", timeout=8.0) for path in files]
    return {path.stem: result for path, result in zip(files, grade(jobs))}


def result(name: str) -> ExerciseResult:
    return _results()[name]


def test_good_submission_passes() -> None:
    assert result("good").outcome == "passed"


def test_syntax_error_names_file_and_line() -> None:
    r = result("syntax_error")
    assert r.outcome == "error"
    assert "syntax error" in r.message and "syntax_error.py:3" in r.message
    assert r.score == 0 and r.max_score == 24


def test_missing_name_is_named() -> None:
    r = result("missing_name")
    assert r.outcome == "error"
    assert "does not define 'Dropout'" in r.message


def test_wrong_signature_is_shown_against_the_contract() -> None:
    # Graded, not refused: only the checks whose calls cannot bind fail, naming the stub's
    # signature (issue "Fair checks").
    r = result("wrong_signature")
    assert r.outcome == "failed"
    bind = [c for c in r.checks if "cannot be called that way" in c.message]
    assert bind and all(c.outcome == "failed" for c in bind)
    assert all("dropout_layer(X, p, training=True)" in c.message and "training" in c.message
               for c in bind)
    assert any(c.outcome == "passed" for c in r.checks)


def test_returning_none_is_explained() -> None:
    r = result("returns_none")
    assert r.outcome == "failed"
    messages = " ".join(c.message for c in r.checks)
    assert "None" in messages and "return" in messages


def test_wrong_shape_is_reported_as_shape() -> None:
    r = result("wrong_shape")
    assert r.outcome == "failed"
    assert any("shape" in c.message for c in r.checks if c.outcome == "failed")


def test_hang_is_a_timeout_not_a_hung_terminal() -> None:
    r = result("hangs")
    assert r.outcome == "error"
    assert "timed out after 8 s" in r.message
    assert r.duration < 30


def test_hang_at_import_is_a_timeout() -> None:
    r = result("hangs_at_import")
    assert r.outcome == "error" and "timed out" in r.message


def test_sys_exit_at_import() -> None:
    r = result("exit_at_import")
    assert r.outcome == "error" and "sys.exit(0)" in r.message and "imported" in r.message


def test_sys_exit_inside_a_function() -> None:
    r = result("exit_in_function")
    assert r.outcome == "error" and "sys.exit(0)" in r.message
    assert r.score < r.max_score


@pytest.mark.parametrize("name", ["os_exit_in_function", "kills_itself", "segfault"])
def test_process_killers_are_errors_naming_the_check(name: str) -> None:
    r = result(name)
    assert r.outcome == "error", r
    assert "during check" in r.message
    assert r.score < r.max_score


def test_segfault_is_named() -> None:
    assert "segmentation fault" in result("segfault").message


def test_megabytes_of_output_do_not_fake_or_break_the_result() -> None:
    r = result("prints_megabytes")
    assert r.outcome == "passed"  # the code is right; its printing is contained
    assert len(r.message) < 1000


def test_exception_in_learner_code_names_the_line() -> None:
    r = result("raises_type_error")
    assert r.outcome == "failed"
    failed = [c for c in r.checks if c.outcome == "failed"]
    assert failed and all("TypeError: oops" in c.message and "line" in c.message for c in failed)


def test_spawned_processes_do_not_outlive_grading() -> None:
    # It starts a 10-minute process on every call: it passes, or (once it holds more than
    # the sandbox's process limit) it is stopped with an error saying so. Either way nothing
    # it started survives.
    r = result("spawns_process")
    assert r.outcome == "passed" or (r.outcome == "error" and "processes" in r.message), r
    leftover = subprocess.run(["pgrep", "-f", "600.4242"], capture_output=True, text=True)
    assert leftover.stdout.strip() == ""
