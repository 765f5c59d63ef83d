"""The CLI contract: commands, exit codes, JSON shapes and learner-facing errors."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from grader.catalog import content_root, load_catalog
from grader.cli import cli

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).parent / "fixtures" / "submissions"


def run(*args: str, input: str | None = None) -> tuple[int, str]:
    result = CliRunner().invoke(cli, list(args), input=input, obj={}, catch_exceptions=False)
    return result.exit_code, result.output


def test_version(learn_home: Path) -> None:
    code, out = run("--version")
    assert code == 0 and "learn" in out


def test_list_json_has_every_exercise_in_catalog_order(learn_home: Path) -> None:
    code, out = run("exercise", "list", "--format", "json")
    assert code == 0
    rows = json.loads(out)
    assert [r["id"] for r in rows] == load_catalog().ids
    assert all({"id", "title", "status"} <= set(r) for r in rows)
    assert {r["status"] for r in rows} == {"not started"}


def test_list_table(learn_home: Path) -> None:
    code, out = run("exercise", "list")
    assert code == 0 and "mlp/dropout" in out and "not started" in out


def test_show_gives_statement_file_and_names(learn_home: Path) -> None:
    code, out = run("exercise", "show", "mlp/dropout")
    assert code == 0
    assert "exercises/mlp/dropout.py" in out
    assert "def dropout_layer(X" in out and "class Dropout" in out
    assert "inverted dropout" in out.lower()


def test_show_names_forbidden_apis_in_one_line_and_all_with_verbose(learn_home: Path) -> None:
    code, out = run("exercise", "show", "cnn/pooling")
    assert code == 0
    allowed = [line for line in out.splitlines() if line.startswith("Not allowed:")]
    assert len(allowed) == 1 and "pooling" in allowed[0]
    assert "torch._VF" not in out and "--verbose" in out
    code, out = run("exercise", "show", "cnn/pooling", "--verbose")
    assert code == 0 and "torch._VF.max_pool2d" in out and "torch.ops.aten.avg_pool2d" in out


@pytest.mark.parametrize("args", [["check", "mlp/droput"], ["hint", "cnn/pool"],
                                  ["quiz", "dropout"], ["exercise", "show", "mlp/dropuot"],
                                  ["solution", "xx/dropout"], ["reset", "mlp/drop-out"]])
def test_unknown_id_exits_2_with_a_suggestion(learn_home: Path, args: list[str]) -> None:
    code, out = run(*args)
    assert code == 2
    assert "unknown exercise" in out and "did you mean" in out


def test_hints_advance_and_are_remembered(learn_home: Path) -> None:
    hints = load_catalog().get("mlp/dropout").hints
    code, first = run("hint", "mlp/dropout")
    assert code == 0 and "Hint 1 of" in first and hints[0] in first
    _, second = run("hint", "mlp/dropout")
    assert "Hint 2 of" in second and hints[1] in second
    for _ in range(len(hints) + 2):
        _, last = run("hint", "mlp/dropout")
    assert f"Hint {len(hints)} of {len(hints)}" in last
    code, out = run("progress", "--format", "json")
    row = next(r for r in json.loads(out)["exercises"] if r["id"] == "mlp/dropout")
    assert row["hints_shown"] == len(hints)


def _answers(tmp_path: Path, text: str) -> str:
    path = tmp_path / "answers.yaml"
    path.write_text(text, encoding="utf-8")
    return str(path)


RIGHT = """convention: letters   # the letters of the quiz file's own order
inference-identity: c
keep-expectation: 1.25
expected-zeros: 300
vs-weight-decay: [e, c, b]
noise-idea: a
mode-switch: " Eval() "
"""


def test_quiz_all_right_exits_0_and_shows_explanations(learn_home: Path, tmp_path: Path) -> None:
    code, out = run("quiz", "mlp/dropout", "--answers", _answers(tmp_path, RIGHT))
    assert code == 0, out
    assert "6/6 correct" in out and "model complexity" in out  # explanations are shown


def test_quiz_wrong_answer_exits_1_and_json_reports_each(learn_home: Path, tmp_path: Path) -> None:
    wrong = RIGHT.replace("keep-expectation: 1.25", "keep-expectation: 0.8")
    code, out = run("quiz", "mlp/dropout", "--answers", _answers(tmp_path, wrong), "--format", "json")
    assert code == 1
    data = json.loads(out)
    assert data["correct"] == 5 and data["total"] == 6
    bad = next(q for q in data["questions"] if q["id"] == "keep-expectation")
    assert bad["correct"] is False and bad["explanation"]
    code, out = run("exercise", "list", "--format", "json")
    assert next(r for r in json.loads(out) if r["id"] == "mlp/dropout")["quiz"] == "5/6"


def test_quiz_interactive(learn_home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from tests.test_quiz import shown_answers

    monkeypatch.setenv("LEARN_LANG", "en")
    answers = "\n".join(["z", *shown_answers("mlp/dropout")]) + "\n"
    code, out = run("quiz", "mlp/dropout", input=answers)
    assert code == 0, out
    assert "answer with one letter" in out  # "z" was refused, then asked again
    assert "6/6 correct" in out


def test_quiz_answers_file_malformed_yaml_names_line(learn_home: Path, tmp_path: Path) -> None:
    code, out = run("quiz", "mlp/dropout", "--answers", _answers(tmp_path, "a: b\nc: [d\n"))
    assert code == 2 and "answers.yaml:" in out and "invalid YAML" in out


def test_quiz_answers_unknown_question(learn_home: Path, tmp_path: Path) -> None:
    code, out = run("quiz", "mlp/dropout", "--answers", _answers(tmp_path, "inference-identty: b\n"))
    assert code == 2 and "did you mean inference-identity" in out


def _content_copy(tmp_path: Path) -> Path:
    root = tmp_path / "content"
    for part in ("exercises", "solutions", "quizzes"):
        shutil.copytree(content_root() / part, root / part)
    return root


def test_malformed_quiz_names_file_and_line(learn_home: Path, tmp_path: Path,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    root = _content_copy(tmp_path)
    quiz = root / "quizzes" / "mlp" / "dropout.yaml"
    quiz.write_text(quiz.read_text(encoding="utf-8").replace("kind: numeric", "kind: numerical", 1),
                    encoding="utf-8")
    monkeypatch.setenv("LEARN_CONTENT", str(root))
    code, out = run("quiz", "mlp/dropout", "--answers", _answers(tmp_path, "noise-idea: b\n"))
    assert code == 2
    assert "dropout.yaml:" in out and "kind must be one of" in out


def test_malformed_catalog_names_file_and_line(learn_home: Path, tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    root = _content_copy(tmp_path)
    catalog = root / "exercises" / "catalog.yaml"
    text = catalog.read_text(encoding="utf-8")
    catalog.write_text(text.replace("    names: [dropout_layer, Dropout]\n",
                                    "    names: [dropout_layer, Dropout\n", 1), encoding="utf-8")
    monkeypatch.setenv("LEARN_CONTENT", str(root))
    code, out = run("exercise", "list")
    assert code == 2 and "catalog.yaml:" in out and "invalid YAML" in out
    catalog.write_text(text.replace("    points: 24\n", "    points: many\n", 1), encoding="utf-8")
    code, out = run("exercise", "list")
    line = text.splitlines().index("    points: 24") + 1
    assert code == 2 and f"catalog.yaml:{line}: 'points' must be a int" in out


def test_corrupt_progress_store_is_backed_up_not_a_crash(learn_home: Path) -> None:
    learn_home.mkdir(parents=True)
    (learn_home / "progress.sqlite3").write_bytes(b"this is not a database" * 100)
    code, out = run("progress")
    assert code == 0
    assert "could not be read" in out and "progress.sqlite3.corrupt-" in out
    backups = list(learn_home.glob("progress.sqlite3.corrupt-*"))
    assert backups and backups[0].read_bytes().startswith(b"this is not a database")
    code, out = run("hint", "mlp/dropout")
    assert code == 0


def test_solution_is_locked_until_passed(learn_home: Path) -> None:
    code, out = run("solution", "mlp/dropout")
    assert code == 1 and "--force" in out
    code, out = run("solution", "mlp/dropout", "--force")
    assert code == 0 and "def dropout_layer" in out


def test_init_reset_keeps_a_backup(learn_home: Path, tmp_path: Path) -> None:
    ws = tmp_path / "ws"
    code, out = run("init", str(ws))
    assert code == 0
    mine = ws / "exercises" / "mlp" / "dropout.py"
    stub = mine.read_text(encoding="utf-8")
    assert "NotImplementedError" in stub
    mine.write_text("# my work\n", encoding="utf-8")
    code, out = run("init", str(ws))
    assert mine.read_text(encoding="utf-8") == "# my work\n"  # init never overwrites
    code, out = run("--workspace", str(ws), "reset", "mlp/dropout")
    assert code == 0 and "saved as" in out
    assert mine.read_text(encoding="utf-8") == stub
    backups = list((ws / ".learn-backups").rglob("*.py"))
    assert len(backups) == 1 and backups[0].read_text(encoding="utf-8") == "# my work\n"


def test_workspace_that_is_not_one_is_a_clear_error(learn_home: Path, tmp_path: Path) -> None:
    code, out = run("--workspace", str(tmp_path), "check", "mlp/dropout")
    assert code == 2 and "learn init" in out


@pytest.mark.slow
def test_check_json_contract_and_exit_codes(learn_home: Path, tmp_path: Path) -> None:
    code, out = run("check", "mlp/dropout", "--submission", str(FIXTURES / "good.py"),
                    "--format", "json", "--seed", "5", "--device", "cpu")
    assert code == 0, out
    data = json.loads(out)
    assert {"exercise", "outcome", "passed", "score", "max_score", "device", "seed", "message",
            "checks"} <= set(data)
    assert data["outcome"] == "passed" and data["passed"] is True and data["seed"] == 5
    assert data["score"] == data["max_score"] == 24 and data["device"] == "cpu"
    assert all({"name", "outcome", "points", "message"} <= set(c) for c in data["checks"])
    code, out = run("check", "mlp/dropout", "--submission", str(FIXTURES / "syntax_error.py"))
    assert code == 1 and "syntax error" in out and "syntax_error.py:3" in out
    assert "Traceback" not in out


@pytest.mark.slow
def test_learner_session_in_a_workspace(learn_home: Path, tmp_path: Path) -> None:
    ws = tmp_path / "ws"
    run("init", str(ws))
    code, out = run("--workspace", str(ws), "check", "mlp/dropout")
    assert code == 1 and "not attempted" in out
    shutil.copy(FIXTURES / "good.py", ws / "exercises" / "mlp" / "dropout.py")
    code, out = run("--workspace", str(ws), "check", "mlp/dropout")
    assert code == 0 and "passed: 24/24" in out
    code, out = run("exercise", "list", "--format", "json")
    assert next(r for r in json.loads(out) if r["id"] == "mlp/dropout")["status"] == "passed"
    code, out = run("solution", "mlp/dropout")
    assert code == 0 and "def dropout_layer" in out


@pytest.mark.parametrize("args", [["--help"], ["exercise", "list"], ["exercise", "list", "--format",
                                                                     "json"], ["progress"],
                                  ["quiz", "list"], ["quiz", "--review"]])
def test_fast_commands_never_import_torch(learn_home: Path, args: list[str]) -> None:
    code = ("import sys\nfrom grader import cli\nsys.argv = ['learn'] + %r\n"
            "try:\n    cli.main()\nexcept SystemExit:\n    pass\n"
            "assert 'torch' not in sys.modules, 'torch was imported'\n"
            "assert 'numpy' not in sys.modules, 'numpy was imported'\n" % args)
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          cwd=ROOT, timeout=60)
    assert proc.returncode == 0, proc.stderr


def test_completion_offers_exercise_ids(learn_home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("_LEARN_COMPLETE", "bash_complete")
    monkeypatch.setenv("COMP_WORDS", "learn check cnn/po")
    monkeypatch.setenv("COMP_CWORD", "2")
    result = CliRunner().invoke(cli, [], prog_name="learn", obj={}, complete_var="_LEARN_COMPLETE")
    assert "cnn/pooling" in result.output


def test_list_prints_whole_titles_when_piped(learn_home: Path) -> None:
    code, out = run("exercise", "list")
    assert code == 0 and "…" not in out
    for ex in load_catalog().exercises:
        assert ex.title in out


@pytest.mark.parametrize("width", [100, 200])
def test_list_uses_the_terminal_width_and_never_cuts_ids(width: int) -> None:
    import io

    from rich.console import Console

    from grader.render import exercise_table

    exercises = load_catalog().exercises
    rows = [{"id": e.id, "title": e.title, "status": "not started", "quiz": ""} for e in exercises]
    out = Console(file=io.StringIO(), force_terminal=True, color_system=None, width=width)
    exercise_table(out, rows)
    lines = out.file.getvalue().splitlines()  # type: ignore[attr-defined]
    assert max(len(line) for line in lines) <= width
    assert all(any(line.startswith(e.id + " ") for line in lines) for e in exercises)
    longest = max(len(e.title) for e in exercises)
    whole = [e.title for e in exercises if any(e.title in line for line in lines)]
    if width >= 30 + longest + 13 + 4 + 6:
        assert len(whole) == len(exercises)
    else:
        assert "…" in "".join(lines) and len(whole) < len(exercises)
        assert max(len(line) for line in lines) == width  # the full width, not 80
