"""The content linter, run over the real catalog: catalog and files agree, quizzes parse."""

from __future__ import annotations

import ast

import pytest

from grader.catalog import load_catalog, paths_for
from grader.quiz import parse_quiz

CATALOG = load_catalog()
IDS = CATALOG.ids


def _defined(path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return {n.name for n in tree.body if isinstance(n, (ast.FunctionDef, ast.ClassDef))}


@pytest.mark.parametrize("exercise_id", IDS)
def test_every_entry_has_its_files(exercise_id: str) -> None:
    paths = paths_for(exercise_id)
    for kind in ("stub", "solution", "checks", "quiz"):
        assert getattr(paths, kind).is_file(), f"{exercise_id}: missing {kind} {getattr(paths, kind)}"


@pytest.mark.parametrize("exercise_id", IDS)
def test_stub_and_solution_define_the_names(exercise_id: str) -> None:
    exercise = CATALOG.get(exercise_id)
    paths = paths_for(exercise_id)
    for path in (paths.stub, paths.solution):
        missing = set(exercise.names) - _defined(path)
        assert not missing, f"{path} does not define {sorted(missing)}"
    stub = paths.stub.read_text(encoding="utf-8")
    assert "NotImplementedError" in stub
    assert ast.get_docstring(ast.parse(stub)), f"{paths.stub}: the stub needs a module docstring"
    assert f"learn check {exercise_id}" in stub, "the stub should name the command that checks it"


@pytest.mark.parametrize("exercise_id", IDS)
def test_hints_and_points(exercise_id: str) -> None:
    exercise = CATALOG.get(exercise_id)
    assert len(exercise.hints) >= 2 and all("TODO" not in h for h in exercise.hints)
    assert exercise.points > 0


@pytest.mark.parametrize("exercise_id", IDS)
def test_quiz_parses_and_is_substantial(exercise_id: str) -> None:
    quiz = parse_quiz(paths_for(exercise_id).quiz)
    assert quiz.exercise == exercise_id
    assert len(quiz.questions) >= 5
    assert len({q.kind for q in quiz.questions}) >= 2, "mix question kinds"
    for question in quiz.questions:
        assert len(question.explanation) >= 40, f"{question.id}: explain the answer"


def test_forbidden_names_resolve_to_real_apis() -> None:
    """Each forbidden operator exists under at least one of its derived aliases, and each
    module class and each plain torch name exists (other libraries may not be installed)."""
    from grader.catalog import OP_ALIASES
    from grader.forbid import _resolve
    from grader.yamlio import load_yaml

    data = load_yaml(CATALOG.path)
    unresolved = []
    for entry in data["exercises"]:
        for item in entry.get("forbidden", []):
            family = item if isinstance(item, dict) else {"names": [item]}
            for op in family.get("ops", []):
                if not any(_resolve(p.format(op=op)) for p in OP_ALIASES):
                    unresolved.append((entry["id"], op))
            for module in family.get("modules", []):
                if _resolve(f"torch.nn.{module}") is None:
                    unresolved.append((entry["id"], module))
            for name in family.get("names", []):
                if name.split(".")[0] == "torch" and _resolve(name) is None:
                    unresolved.append((entry["id"], name))
    assert not unresolved, f"forbidden names that do not exist in this torch: {unresolved}"


def test_forbidden_families_expand_to_every_alias() -> None:
    pooling = CATALOG.get("cnn/pooling")
    for name in ("torch.nn.functional.max_pool2d", "torch.max_pool2d", "torch._VF.max_pool2d",
                 "torch._C._VariableFunctions.max_pool2d", "torch.ops.aten.max_pool2d",
                 "torch._C._nn.max_pool2d_with_indices", "torch.nn.MaxPool2d",
                 "torch.nn.functional.avg_pool2d", "torch._C._nn.avg_pool2d"):
        assert name in pooling.forbidden, name
    assert len(pooling.forbidden_summary) == 1 and "pooling" in pooling.forbidden_summary[0]
