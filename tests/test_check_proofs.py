"""Proof that each exercise's hidden checks are strong.

For every exercise in the real catalog: the reference passes every check, the untouched
stub is *not attempted*, and every variant in ``tests/variants/<id>/`` gets the outcome its
first line declares:

* ``# expect: passed`` - a correct but differently written implementation;
* ``# expect: failed check_a, check_b`` - a typical wrong implementation; the outcome is
  ``failed`` and each named check fails (other checks may fail too);
* ``# expect: failed only check_a`` - one mistake: exactly the named checks fail, every other
  check passes (issue "Fair checks": one mistake costs the check of that idea).

All variants of one exercise are graded in one worker process (one torch import), which
forks two checkers on a machine with two or more cores.
"""

from __future__ import annotations

import functools
import os
from pathlib import Path

import pytest

from grader.catalog import load_catalog, paths_for
from grader.results import ExerciseResult
from grader.runner import Job, grade
from tests.conftest import PROOF_SEED

VARIANTS = Path(__file__).parent / "variants"
CATALOG = load_catalog()


def _variants(exercise_id: str) -> list[Path]:
    folder = VARIANTS / exercise_id
    return sorted(folder.glob("*.py")) if folder.is_dir() else []


def _expectation(path: Path) -> tuple[str, list[str]]:
    first = path.read_text(encoding="utf-8").splitlines()[0]
    if not first.startswith("# expect:"):
        raise AssertionError(f"{path}: first line must be '# expect: passed' or "
                             "'# expect: failed <check>, ...'")
    outcome, _, names = first[len("# expect:"):].strip().partition(" ")
    if outcome == "failed" and names.startswith("only "):
        return "failed-only", [n.strip() for n in names[5:].split(",") if n.strip()]
    return outcome, [n.strip() for n in names.split(",") if n.strip()]


@functools.lru_cache(maxsize=None)
def _results(exercise_id: str) -> dict[str, ExerciseResult]:
    exercise = CATALOG.get(exercise_id)
    paths = paths_for(exercise_id)
    files = {"<reference>": paths.solution, "<stub>": paths.stub}
    files.update({p.name: p for p in _variants(exercise_id)})
    results = grade([Job(exercise, path, PROOF_SEED, device="cpu") for path in files.values()],
                    parallel=min(2, os.cpu_count() or 1))
    return dict(zip(files, results))


def _describe(result: ExerciseResult) -> str:
    lines = [f"outcome={result.outcome} score={result.score}/{result.max_score} "
             f"seed={result.seed} message={result.message!r}"]
    lines += [f"  {c.name}: {c.outcome} {c.message}" for c in result.checks]
    return "\n".join(lines)


CASES = [(e.id, "<reference>") for e in CATALOG.exercises]
CASES += [(e.id, "<stub>") for e in CATALOG.exercises]
CASES += [(e.id, p.name) for e in CATALOG.exercises for p in _variants(e.id)]


@pytest.mark.slow
@pytest.mark.parametrize(("exercise_id", "variant"), CASES, ids=[f"{e}:{v}" for e, v in CASES])
def test_variant_gets_expected_outcome(exercise_id: str, variant: str) -> None:
    result = _results(exercise_id)[variant]
    if variant == "<reference>":
        assert result.outcome == "passed", _describe(result)
        assert result.score == result.max_score == CATALOG.get(exercise_id).points, _describe(result)
        return
    if variant == "<stub>":
        assert result.outcome == "not_attempted", _describe(result)
        assert result.score == 0
        return
    outcome, names = _expectation(VARIANTS / exercise_id / variant)
    only = outcome == "failed-only"
    if only:
        outcome = "failed"
        failed = sorted(c.name for c in result.checks if c.outcome != "passed")
        assert failed == sorted(names), f"{variant}: exactly {names} should fail\n" + _describe(result)
    assert result.outcome == outcome, _describe(result)
    if outcome == "failed":
        assert names, f"{variant}: name the check(s) it must fail"
        known = {c.name for c in result.checks}
        failed = {c.name for c in result.checks if c.outcome == "failed"}
        for name in names:
            assert name in known, f"{variant}: no check named {name!r}; checks: {sorted(known)}"
            assert name in failed, f"{variant}: check {name!r} should fail\n" + _describe(result)
        assert result.score < result.max_score


def test_every_exercise_has_enough_variants() -> None:
    for exercise in CATALOG.exercises:
        variants = [_expectation(p) for p in _variants(exercise.id)]
        correct = [v for v in variants if v[0] == "passed"]
        wrong = [v for v in variants if v[0] in ("failed", "failed-only")]
        assert len(correct) >= 2, \
            f"{exercise.id}: needs at least 2 correct but differently written variants"
        assert len(wrong) >= 8, f"{exercise.id}: needs at least 8 wrong variants, has {len(wrong)}"
