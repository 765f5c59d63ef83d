"""``learn progress`` (chapter bars, --export, --import) and ``learn reset --all``."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from grader import cli as cli_module
from grader.catalog import load_catalog
from grader.cli import cli
from grader.progress import EXPORT_VERSION, Progress, ProgressFileError


def run(*args: str, input: str | None = None) -> tuple[int, str]:
    result = CliRunner().invoke(cli, list(args), input=input, obj={}, catch_exceptions=False)
    return result.exit_code, result.output


def chapters() -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for ex in load_catalog().exercises:
        found.setdefault(ex.id.partition("/")[0], []).append(ex.id)
    return found


def rows(home: Path) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of the store at ``home``, table by table."""
    conn = sqlite3.connect(home / "progress.sqlite3")
    try:
        return {t: sorted(conn.execute(f"SELECT * FROM {t}").fetchall())
                for t in ("checks", "quizzes", "quiz_answers", "hints", "meta")}
    finally:
        conn.close()


# --- chapter bars ---------------------------------------------------------------------------


def test_progress_shows_a_bar_per_chapter_in_catalog_order(learn_home: Path) -> None:
    by_chapter = chapters()
    chapter, ids = next((c, i) for c, i in by_chapter.items() if len(i) >= 2)
    with Progress.open() as store:
        store.record_check(ids[0], "passed", 3, 3, 1)
        store.record_check(ids[1], "failed", 1, 3, 1)
    code, out = run("progress")
    assert code == 0
    assert "By chapter" in out
    lines = {line.split()[0]: line for line in out.splitlines()
             if line.startswith("  ") and line.split()[0] in by_chapter}
    assert list(lines) == list(by_chapter)  # catalog order of chapters
    assert lines[chapter].rstrip().endswith(f"1/{len(ids)}") and "█" in lines[chapter]
    others = [c for c in by_chapter if c != chapter]
    assert all(lines[c].rstrip().endswith(f"0/{len(by_chapter[c])}") and "█" not in lines[c]
               for c in others)
    assert f"{ids[0]}" in out and "attempts" in out  # what it showed before is still there
    code, out = run("progress", "--format", "json")
    data = json.loads(out)
    assert [c["chapter"] for c in data["chapters"]] == list(by_chapter)
    entry = next(c for c in data["chapters"] if c["chapter"] == chapter)
    assert entry == {"chapter": chapter, "passed": 1, "total": len(ids)}


# --- export and import ----------------------------------------------------------------------


def progress_file(tmp_path: Path, **changes: Any) -> Path:
    data: dict[str, Any] = {
        "format": "learn-progress", "format_version": 1, "learner": "abc123",
        "checks": [{"exercise": "mlp/dropout", "outcome": "passed", "score": 24, "max_score": 24,
                    "seed": 7, "at": 1000.5}],
        "quizzes": [{"exercise": "mlp/dropout", "correct": 5, "total": 6, "at": 1001.0}],
        "quiz_answers": [{"topic": "mlp/dropout", "question": "noise-idea", "correct": False,
                          "at": 1001.0}],
        "hints": {"mlp/dropout": 2}}
    data.update(changes)
    path = tmp_path / "progress.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def test_export_then_import_on_another_machine(learn_home: Path, tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    with Progress.open() as store:
        store.record_check("mlp/dropout", "failed", 10, 24, 3)
        store.record_check("mlp/dropout", "passed", 24, 24, 4)
        store.record_check("cnn/pooling", "failed", 2, 10, 5)
        store.record_quiz("mlp/dropout", 5, 6)
        store.record_answer("mlp/dropout", "noise-idea", False)
        store.take_hint("cnn/pooling", 3)
        learner = store.learner_id()
    out_file = tmp_path / "mine.json"
    code, out = run("progress", "--export", str(out_file))
    assert code == 0 and str(out_file) in out and "learn progress --import" in out
    data = json.loads(out_file.read_text(encoding="utf-8"))
    assert data["format"] == "learn-progress" and data["format_version"] == EXPORT_VERSION
    assert data["learner"] == learner and data["hints"] == {"cnn/pooling": 1}
    assert data["summary"]["mlp/dropout"]["status"] == "passed"
    assert data["summary"]["cnn/pooling"]["status"] == "failing"
    assert len(data["checks"]) == 3 and data["quizzes"][0]["correct"] == 5
    assert not list(tmp_path.glob(".*.tmp"))

    other = tmp_path / "other-home"
    monkeypatch.setenv("LEARN_HOME", str(other))
    code, out = run("progress", "--import", str(out_file))
    assert code == 0, out
    assert "3 check results added" in out and "took the file's learner id" in out
    code, out = run("progress", "--format", "json")
    statuses = {r["id"]: r for r in json.loads(out)["exercises"]}
    assert statuses["mlp/dropout"]["status"] == "passed"
    assert statuses["mlp/dropout"]["attempts"] == 2 and statuses["mlp/dropout"]["quiz"] == "5/6"
    assert statuses["cnn/pooling"]["status"] == "failing"
    assert statuses["cnn/pooling"]["hints_shown"] == 1
    with Progress.open() as store:
        assert store.learner_id() == learner
        assert store.review_due() == [("mlp/dropout", "noise-idea", 1)]
    before = rows(other)
    code, out = run("progress", "--import", str(out_file))  # again: nothing new
    assert code == 0 and "0 check results added (3 already here)" in out
    assert rows(other) == before


def test_import_newer_results_win_per_exercise(learn_home: Path, tmp_path: Path) -> None:
    with Progress.open() as store:
        store.record_check("mlp/dropout", "failed", 10, 24, 3)  # now: newer than the file's
        store.record_check("cnn/pooling", "passed", 10, 10, 3)
        store.conn.execute("UPDATE checks SET at = 500 WHERE exercise = 'cnn/pooling'")
        store.conn.commit()
        store.take_hint("mlp/dropout", 4)
        store.take_hint("mlp/dropout", 4)
        store.take_hint("mlp/dropout", 4)
        mine = store.learner_id()
    checks = [{"exercise": "mlp/dropout", "outcome": "passed", "score": 24, "max_score": 24,
               "seed": 7, "at": 1000.5},
              {"exercise": "cnn/pooling", "outcome": "failed", "score": 1, "max_score": 10,
               "seed": 7, "at": 900.0}]
    code, out = run("progress", "--import", str(progress_file(tmp_path, checks=checks)))
    assert code == 0, out
    assert "kept this machine's learner id" in out
    with Progress.open() as store:
        summary = store.summary()
        assert store.learner_id() == mine
    assert summary["mlp/dropout"].status == "failing"  # the local result is newer
    assert summary["mlp/dropout"].ever_passed and summary["mlp/dropout"].attempts == 2
    assert summary["cnn/pooling"].status == "failing"  # the file's result is newer
    assert summary["mlp/dropout"].hints_shown == 3  # the larger count stays


@pytest.mark.parametrize("content, message", [
    ("{not json", "not valid JSON"),
    ('["a list"]', "not a learn progress file"),
    ('{"format": "something-else", "format_version": 1}', "not a learn progress file"),
    ('{"format": "learn-progress", "format_version": "one"}', "format_version must be"),
    (('{"format": "learn-progress", "format_version": 1, "checks": [{"exercise": "mlp/dropout",'
      ' "outcome": "passed", "score": "24", "max_score": 24, "seed": 1, "at": 1.0}]}'),
     "checks[0].score must be int"),
    ('{"format": "learn-progress", "format_version": 1, "hints": {"mlp/dropout": -1}}',
     "hints must map"),
])
def test_a_malformed_file_is_refused_and_nothing_changes(learn_home: Path, tmp_path: Path,
                                                         content: str, message: str) -> None:
    with Progress.open() as store:
        store.record_check("mlp/dropout", "failed", 10, 24, 3)
    before = rows(learn_home)
    path = tmp_path / "bad.json"
    path.write_text(content, encoding="utf-8")
    code, out = run("progress", "--import", str(path))
    assert code == 2
    assert str(path) in out and message in out and "nothing was imported" in out
    assert "learn progress --export" in out
    assert rows(learn_home) == before


def test_a_file_from_a_newer_learn_is_refused(learn_home: Path, tmp_path: Path) -> None:
    path = progress_file(tmp_path, format_version=EXPORT_VERSION + 1)
    code, out = run("progress", "--import", str(path))
    assert code == 2 and str(path) in out and "newer learn" in out
    assert "pip install -U learn-d2l" in out and "nothing was imported" in out
    with Progress.open() as store:
        assert store.summary() == {}


def test_a_missing_file_names_the_export_command(learn_home: Path, tmp_path: Path) -> None:
    code, out = run("progress", "--import", str(tmp_path / "nope.json"))
    assert code == 2 and "nope.json: no such file" in out and "--export" in out


class _FailingConnection:
    """Delegates to a real connection but fails the third INSERT (an interrupted import)."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn, self.inserts = conn, 0

    def execute(self, sql: str, *args: Any) -> Any:
        if sql.startswith("INSERT"):
            self.inserts += 1
            if self.inserts == 3:
                raise KeyboardInterrupt
        return self.conn.execute(sql, *args)

    def __enter__(self) -> Any:
        return self.conn.__enter__()

    def __exit__(self, *exc: object) -> Any:
        return self.conn.__exit__(*exc)


def test_an_interrupted_import_changes_nothing(learn_home: Path, tmp_path: Path) -> None:
    with Progress.open() as store:
        store.record_check("mlp/dropout", "failed", 10, 24, 3)
    before = rows(learn_home)
    checks = [{"exercise": f"mlp/x{i}", "outcome": "passed", "score": 1, "max_score": 1,
               "seed": i, "at": float(i)} for i in range(5)]
    with Progress.open() as store:
        real = store.conn
        store.conn = _FailingConnection(real)  # type: ignore[assignment]
        with pytest.raises(KeyboardInterrupt):
            store.import_file(progress_file(tmp_path, checks=checks))
        store.conn = real
    assert rows(learn_home) == before


def test_export_is_atomic(learn_home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "progress.json"
    target.write_text("the previous export", encoding="utf-8")

    def fail(*args: Any) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("grader.progress.os.replace", fail)
    code, out = run("progress", "--export", str(target))
    assert code == 2 and "No space left on device" in out and str(target) in out
    assert target.read_text(encoding="utf-8") == "the previous export"
    assert not list(tmp_path.glob(".progress.json.*"))  # the temporary file is gone


def test_export_into_a_missing_folder_says_how_to_make_it(learn_home: Path, tmp_path: Path) -> None:
    code, out = run("progress", "--export", str(tmp_path / "no" / "such" / "p.json"))
    assert code == 2 and "does not exist" in out and "mkdir -p" in out


def test_export_and_import_together_is_a_usage_error(learn_home: Path, tmp_path: Path) -> None:
    code, out = run("progress", "--export", "a.json", "--import", "b.json")
    assert code == 2 and "one at a time" in out


def test_read_errors_are_progress_file_errors(tmp_path: Path) -> None:
    from grader.progress import read_progress_file

    with pytest.raises(ProgressFileError, match="no such file"):
        read_progress_file(tmp_path / "missing.json")
    assert read_progress_file(progress_file(tmp_path))["learner"] == "abc123"


# --- reset --all ----------------------------------------------------------------------------


@pytest.fixture
def workspace(learn_home: Path, tmp_path: Path) -> Path:
    ws = tmp_path / "ws"
    code, out = run("init", str(ws))
    assert code == 0, out
    return ws


def _mine(ws: Path) -> tuple[Path, Path, Path]:
    files = [ws / "exercises" / ex.file for ex in load_catalog().exercises[:3]]
    files[0].write_text("# my first try\n", encoding="utf-8")
    files[1].write_text("# my second try\n", encoding="utf-8")
    files[2].unlink()
    return files[0], files[1], files[2]


def test_reset_all_refuses_without_a_person_to_confirm(workspace: Path) -> None:
    first, _, gone = _mine(workspace)
    code, out = run("--workspace", str(workspace), "reset", "--all")
    assert code == 2 and "learn reset --all --yes" in out and "nothing was reset" in out
    assert first.read_text(encoding="utf-8") == "# my first try\n" and not gone.exists()
    assert not (workspace / ".learn-backups").exists()


def test_reset_all_asks_and_no_keeps_everything(workspace: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    _, second, _ = _mine(workspace)
    monkeypatch.setattr(cli_module, "_interactive", lambda: True)
    code, out = run("--workspace", str(workspace), "reset", "--all", input="n\n")
    assert code == 1 and "nothing was reset" in out
    assert second.read_text(encoding="utf-8") == "# my second try\n"


@pytest.mark.parametrize("how", ["prompt", "--yes"])
def test_reset_all_backs_up_every_changed_file(workspace: Path, monkeypatch: pytest.MonkeyPatch,
                                               how: str) -> None:
    first, second, gone = _mine(workspace)
    if how == "prompt":
        monkeypatch.setattr(cli_module, "_interactive", lambda: True)
        code, out = run("--workspace", str(workspace), "reset", "--all", input="y\n")
    else:
        code, out = run("--workspace", str(workspace), "reset", "--all", "--yes")
    assert code == 0, out
    for path in (first, second, gone):
        assert path.is_file() and "NotImplementedError" in path.read_text(encoding="utf-8")
    backups = {p.read_text(encoding="utf-8"): p for p in (workspace / ".learn-backups").rglob("*.py")}
    assert set(backups) >= {"# my first try\n", "# my second try\n"}
    for backup in backups.values():
        assert f"saved as {backup}" in out
    assert "(its file was missing)" in out and "backup(s) saved in" in out
    code, out = run("--workspace", str(workspace), "reset", "--all")  # nothing left to do
    assert code == 0 and "nothing to reset" in out


def test_reset_needs_an_id_or_all(workspace: Path) -> None:
    code, out = run("--workspace", str(workspace), "reset")
    assert code == 2 and "learn reset --all" in out
    code, out = run("--workspace", str(workspace), "reset", "mlp/dropout", "--all")
    assert code == 2 and "not both" in out
