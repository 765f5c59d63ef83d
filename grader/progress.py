"""The learner's progress: a small SQLite store in the user's data directory.

``LEARN_HOME`` overrides the directory (default: platformdirs' user data dir for "learn").
Every write is one transaction, so an interrupted command loses at most its own write. A
file that is not a readable database is moved aside (its new name is reported) and a
fresh store is started: progress is never a reason for a command to crash.

:meth:`Progress.export` writes the store to a versioned JSON file (``learn progress --export``)
and :meth:`Progress.import_file` merges one back (``--import``): the histories are united, so
for each exercise the newest result wins.
"""

from __future__ import annotations

import json
import math
import os
import sqlite3
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

SCHEMA_VERSION = 1

EXPORT_FORMAT = "learn-progress"
"""The ``format`` field of an exported progress file."""
EXPORT_VERSION = 1
"""The ``format_version`` this learn writes and the newest it reads."""

STATUS_NOT_STARTED = "not started"
STATUS_NOT_ATTEMPTED = "not attempted"
STATUS_FAILING = "failing"
STATUS_PASSED = "passed"

_SCHEMA = """
CREATE TABLE IF NOT EXISTS checks (
    exercise TEXT NOT NULL, outcome TEXT NOT NULL, score INTEGER NOT NULL,
    max_score INTEGER NOT NULL, seed INTEGER NOT NULL, at REAL NOT NULL);
CREATE INDEX IF NOT EXISTS checks_exercise ON checks (exercise);
CREATE TABLE IF NOT EXISTS hints (exercise TEXT PRIMARY KEY, shown INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS quizzes (
    exercise TEXT NOT NULL, correct INTEGER NOT NULL, total INTEGER NOT NULL, at REAL NOT NULL);
CREATE TABLE IF NOT EXISTS quiz_answers (
    topic TEXT NOT NULL, question TEXT NOT NULL, correct INTEGER NOT NULL, at REAL NOT NULL);
CREATE INDEX IF NOT EXISTS quiz_answers_question ON quiz_answers (topic, question);
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
"""


def home_dir() -> Path:
    """Where learn keeps its data (``LEARN_HOME`` or the platform's user data directory)."""
    env = os.environ.get("LEARN_HOME")
    if env:
        return Path(env).expanduser()
    from platformdirs import user_data_dir

    return Path(user_data_dir("learn", appauthor=False))


@dataclass(frozen=True)
class ExerciseProgress:
    """What the store knows about one exercise."""

    status: str = STATUS_NOT_STARTED
    last_score: int = 0
    max_score: int = 0
    ever_passed: bool = False
    attempts: int = 0
    hints_shown: int = 0
    quiz_correct: int | None = None
    quiz_total: int | None = None


class Progress:
    """Open with :meth:`open`; every method commits its own transaction."""

    def __init__(self, conn: sqlite3.Connection, path: Path, notice: str = "") -> None:
        self.conn = conn
        self.path = path
        self.notice = notice
        """Set when the store had to be recovered: what happened and where the backup is."""

    @classmethod
    def open(cls, home: Path | None = None) -> "Progress":
        home = home or home_dir()
        home.mkdir(parents=True, exist_ok=True)
        path = home / "progress.sqlite3"
        try:
            return cls(_connect(path), path)
        except sqlite3.DatabaseError as exc:
            backup = path.with_name(f"progress.sqlite3.corrupt-{time.strftime('%Y%m%d-%H%M%S')}")
            os.replace(path, backup)
            for suffix in ("-wal", "-shm", "-journal"):
                Path(str(path) + suffix).unlink(missing_ok=True)
            notice = (f"your progress store could not be read ({exc}); it was moved to {backup} "
                      "and a new one was started.")
            return cls(_connect(path), path, notice)

    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> "Progress":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def record_check(self, exercise: str, outcome: str, score: int, max_score: int,
                     seed: int) -> None:
        with self.conn:
            self.conn.execute("INSERT INTO checks VALUES (?, ?, ?, ?, ?, ?)",
                              (exercise, outcome, score, max_score, seed, time.time()))

    def record_quiz(self, exercise: str, correct: int, total: int) -> None:
        with self.conn:
            self.conn.execute("INSERT INTO quizzes VALUES (?, ?, ?, ?)",
                              (exercise, correct, total, time.time()))

    def record_answer(self, topic: str, question: str, correct: bool) -> None:
        """One answer to one quiz question (what ``learn quiz --review`` works from)."""
        with self.conn:
            self.conn.execute("INSERT INTO quiz_answers VALUES (?, ?, ?, ?)",
                              (topic, question, int(bool(correct)), time.time()))

    def review_due(self) -> list[tuple[str, str, int]]:
        """The questions to review: (topic, question, misses) for every question whose last
        answer was wrong, most misses first (then the most recent miss first)."""
        rows = self.conn.execute(
            "SELECT topic, question, SUM(correct = 0), MAX(at), MAX(rowid) FROM quiz_answers a "
            "GROUP BY topic, question HAVING (SELECT correct FROM quiz_answers b WHERE "
            "b.topic = a.topic AND b.question = a.question ORDER BY at DESC, rowid DESC "
            "LIMIT 1) = 0 ORDER BY SUM(correct = 0) DESC, MAX(at) DESC, MAX(rowid) DESC").fetchall()
        return [(topic, question, int(misses)) for topic, question, misses, _, _ in rows]

    def learner_id(self) -> str:
        """A random id made once per store: it seeds the stable shuffle of quiz options."""
        row = self.conn.execute("SELECT value FROM meta WHERE key = 'learner'").fetchone()
        if row:
            return str(row[0])
        import secrets

        with self.conn:
            self.conn.execute("INSERT OR IGNORE INTO meta VALUES ('learner', ?)",
                              (secrets.token_hex(8),))
        return str(self.conn.execute("SELECT value FROM meta WHERE key = 'learner'").fetchone()[0])

    def hints_shown(self, exercise: str) -> int:
        row = self.conn.execute("SELECT shown FROM hints WHERE exercise = ?", (exercise,)).fetchone()
        return int(row[0]) if row else 0

    def take_hint(self, exercise: str, available: int) -> int:
        """The index of the next hint to show (the last one again once all were shown)."""
        with self.conn:
            shown = self.hints_shown(exercise)
            index = min(shown, available - 1)
            self.conn.execute("INSERT INTO hints VALUES (?, ?) ON CONFLICT(exercise) DO UPDATE "
                              "SET shown = excluded.shown", (exercise, min(shown + 1, available)))
        return index

    def ever_passed(self, exercise: str) -> bool:
        row = self.conn.execute("SELECT 1 FROM checks WHERE exercise = ? AND outcome = 'passed' "
                                "LIMIT 1", (exercise,)).fetchone()
        return row is not None

    def summary(self) -> dict[str, ExerciseProgress]:
        """Progress of every exercise that has any record."""
        out: dict[str, dict[str, object]] = {}
        for exercise, outcome, score, max_score, attempts, passed in self.conn.execute(
                "SELECT c.exercise, c.outcome, c.score, c.max_score, "
                "(SELECT COUNT(*) FROM checks d WHERE d.exercise = c.exercise), "
                "(SELECT COUNT(*) FROM checks d WHERE d.exercise = c.exercise AND d.outcome = 'passed') "
                "FROM checks c WHERE c.rowid = (SELECT e.rowid FROM checks e "
                "WHERE e.exercise = c.exercise ORDER BY e.at DESC, e.rowid DESC LIMIT 1)"):
            status = {"passed": STATUS_PASSED, "not_attempted": STATUS_NOT_ATTEMPTED}.get(
                outcome, STATUS_FAILING)
            out[exercise] = dict(status=status, last_score=score, max_score=max_score,
                                 attempts=attempts, ever_passed=passed > 0)
        for exercise, shown in self.conn.execute("SELECT exercise, shown FROM hints"):
            out.setdefault(exercise, {})["hints_shown"] = shown
        for exercise, correct, total in self.conn.execute(
                "SELECT exercise, correct, total FROM quizzes q WHERE rowid = "
                "(SELECT rowid FROM quizzes r WHERE r.exercise = q.exercise "
                "ORDER BY CAST(correct AS REAL) / total DESC, rowid DESC LIMIT 1)"):
            out.setdefault(exercise, {}).update(quiz_correct=correct, quiz_total=total)
        return {k: ExerciseProgress(**v) for k, v in out.items()}  # type: ignore[arg-type]


    def export_data(self) -> dict[str, Any]:
        """The whole store as the data of a progress file (format :data:`EXPORT_VERSION`).

        ``summary`` (each exercise's status, score, attempts, hints and best quiz score) is
        for people reading the file; an import recomputes it from the histories.
        """
        from grader import __version__

        learner = self.learner_id()
        checks = [{"exercise": e, "outcome": o, "score": s, "max_score": m, "seed": seed,
                   "at": at} for e, o, s, m, seed, at in self.conn.execute(
                      "SELECT exercise, outcome, score, max_score, seed, at FROM checks "
                      "ORDER BY at, rowid")]
        quizzes = [{"exercise": e, "correct": c, "total": t, "at": at} for e, c, t, at in
                   self.conn.execute("SELECT exercise, correct, total, at FROM quizzes "
                                     "ORDER BY at, rowid")]
        answers = [{"topic": t, "question": q, "correct": bool(c), "at": at} for t, q, c, at in
                   self.conn.execute("SELECT topic, question, correct, at FROM quiz_answers "
                                     "ORDER BY at, rowid")]
        hints = {e: n for e, n in self.conn.execute(
            "SELECT exercise, shown FROM hints ORDER BY exercise")}
        summary = {e: {"status": p.status, "last_score": p.last_score, "max_score": p.max_score,
                       "attempts": p.attempts, "ever_passed": p.ever_passed,
                       "hints_shown": p.hints_shown, "quiz_correct": p.quiz_correct,
                       "quiz_total": p.quiz_total}
                   for e, p in sorted(self.summary().items())}
        return {"format": EXPORT_FORMAT, "format_version": EXPORT_VERSION,
                "exported_at": time.time(), "learn_version": __version__, "learner": learner,
                "summary": summary, "checks": checks, "quizzes": quizzes,
                "quiz_answers": answers, "hints": hints}

    def export(self, path: Path) -> Path:
        """Write :meth:`export_data` to ``path`` (a temporary file renamed into place, so an
        interrupted export never leaves a half-written file); returns the path.

        Raises:
            ProgressFileError: the file cannot be written.
        """
        text = json.dumps(self.export_data(), indent=2, ensure_ascii=False) + "\n"
        _write_atomically(path, text)
        return path

    def import_file(self, path: Path) -> ImportReport:
        """Merge a progress file into this store, in one transaction.

        Check results, quiz scores and quiz answers are united with the local history (a
        record already here is not added twice, so importing a file again changes nothing),
        and each exercise's status comes from its newest result, wherever it was made. Hints
        shown keep the larger count. The file's learner id is adopted only when this store
        has none yet. The file is read and validated completely before anything is written.

        Raises:
            ProgressFileError: the file is missing, malformed, or from a newer learn; the
                store is unchanged.
        """
        data = read_progress_file(path)
        added = {"checks": 0, "quizzes": 0, "quiz_answers": 0}
        known = 0
        hints_raised = 0
        with self.conn:
            for row in data["checks"]:
                key = (row["exercise"], row["outcome"], row["score"], row["max_score"],
                       row["seed"], row["at"])
                if self.conn.execute("SELECT 1 FROM checks WHERE exercise = ? AND outcome = ? "
                                     "AND score = ? AND max_score = ? AND seed = ? AND at = ?",
                                     key).fetchone():
                    known += 1
                    continue
                self.conn.execute("INSERT INTO checks VALUES (?, ?, ?, ?, ?, ?)", key)
                added["checks"] += 1
            for row in data["quizzes"]:
                score = (row["exercise"], row["correct"], row["total"], row["at"])
                if not self.conn.execute("SELECT 1 FROM quizzes WHERE exercise = ? AND "
                                         "correct = ? AND total = ? AND at = ?", score).fetchone():
                    self.conn.execute("INSERT INTO quizzes VALUES (?, ?, ?, ?)", score)
                    added["quizzes"] += 1
            for row in data["quiz_answers"]:
                answer = (row["topic"], row["question"], int(row["correct"]), row["at"])
                if not self.conn.execute("SELECT 1 FROM quiz_answers WHERE topic = ? AND "
                                         "question = ? AND correct = ? AND at = ?",
                                         answer).fetchone():
                    self.conn.execute("INSERT INTO quiz_answers VALUES (?, ?, ?, ?)", answer)
                    added["quiz_answers"] += 1
            for exercise, shown in data["hints"].items():
                row = self.conn.execute("SELECT shown FROM hints WHERE exercise = ?",
                                        (exercise,)).fetchone()
                if row is None or int(row[0]) < shown:
                    hints_raised += 1
                    self.conn.execute("INSERT INTO hints VALUES (?, ?) ON CONFLICT(exercise) "
                                      "DO UPDATE SET shown = excluded.shown", (exercise, shown))
            row = self.conn.execute("SELECT value FROM meta WHERE key = 'learner'").fetchone()
            adopted = row is None and bool(data["learner"])
            if adopted:
                self.conn.execute("INSERT INTO meta VALUES ('learner', ?)", (data["learner"],))
            learner = data["learner"] if adopted else (str(row[0]) if row else "")
        return ImportReport(path=path, store=self.path, checks_added=added["checks"],
                            checks_known=known, quizzes_added=added["quizzes"],
                            answers_added=added["quiz_answers"], hints_raised=hints_raised,
                            learner=learner, file_learner=data["learner"],
                            learner_adopted=adopted)


@dataclass(frozen=True)
class ImportReport:
    """What ``learn progress --import`` merged.

    Attributes:
        path: the file imported.
        store: the local store it was merged into.
        checks_added: check results new to this store.
        checks_known: check results it already had (skipped).
        quizzes_added: quiz scores new to this store.
        answers_added: quiz answers new to this store (what ``learn quiz --review`` uses).
        hints_raised: exercises whose count of hints shown went up.
        learner: the learner id the store has now.
        file_learner: the learner id in the file.
        learner_adopted: the store had no learner id and took the file's.
    """

    path: Path
    store: Path
    checks_added: int
    checks_known: int
    quizzes_added: int
    answers_added: int
    hints_raised: int
    learner: str
    file_learner: str
    learner_adopted: bool


class ProgressFileError(Exception):
    """A progress file that cannot be written or imported; the message names the file and the
    command to run next."""


_EXPORT_HINT = "(`learn progress --export FILE` writes a valid one)"

_ROWS: dict[str, dict[str, tuple[type, ...]]] = {
    "checks": {"exercise": (str,), "outcome": (str,), "score": (int,), "max_score": (int,),
               "seed": (int,), "at": (int, float)},
    "quizzes": {"exercise": (str,), "correct": (int,), "total": (int,), "at": (int, float)},
    "quiz_answers": {"topic": (str,), "question": (str,), "correct": (bool, int),
                     "at": (int, float)},
}


def read_progress_file(path: Path) -> dict[str, Any]:
    """Read and validate a progress file written by :meth:`Progress.export`.

    Returns:
        The file's data, every field checked (``checks``, ``quizzes``, ``quiz_answers``,
        ``hints``, ``learner``).

    Raises:
        ProgressFileError: missing, unreadable, not JSON, not a progress file, a newer
            ``format_version`` than :data:`EXPORT_VERSION`, or a field of the wrong type.
    """
    def bad(problem: str) -> ProgressFileError:
        return ProgressFileError(f"{path}: {problem}; nothing was imported {_EXPORT_HINT}")

    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ProgressFileError(f"{path}: no such file (write one on the other machine with "
                                f"`learn progress --export {path.name}`)") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise bad(f"cannot be read ({exc})") from None
    try:
        data = json.loads(text)
    except ValueError as exc:
        raise bad(f"not valid JSON ({exc})") from None
    if not isinstance(data, dict) or data.get("format") != EXPORT_FORMAT:
        raise bad(f"not a learn progress file (no \"format\": \"{EXPORT_FORMAT}\")")
    version = data.get("format_version")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise bad(f"format_version must be a whole number from 1, not {version!r}")
    if version > EXPORT_VERSION:
        raise ProgressFileError(
            f"{path}: written by a newer learn (progress format {version}; this learn reads "
            f"up to {EXPORT_VERSION}); nothing was imported. Upgrade with "
            f"`pip install -U learn-d2l`, then run `learn progress --import {path}` again")
    for table, fields in _ROWS.items():
        rows = data.get(table, [])
        if not isinstance(rows, list):
            raise bad(f"{table} must be a list")
        for i, row in enumerate(rows):
            if not isinstance(row, dict):
                raise bad(f"{table}[{i}] must be an object")
            for name, types in fields.items():
                value = row.get(name)
                ok = isinstance(value, types) and (bool in types or not isinstance(value, bool))
                if ok and name == "at" and isinstance(value, (int, float)):
                    ok = math.isfinite(value)
                if not ok:
                    want = " or ".join(t.__name__ for t in types)
                    raise bad(f"{table}[{i}].{name} must be {want}, not {value!r}")
    hints = data.get("hints", {})
    if not isinstance(hints, dict) or not all(
            isinstance(k, str) and isinstance(v, int) and not isinstance(v, bool) and v >= 0
            for k, v in hints.items()):
        raise bad("hints must map exercise ids to counts")
    learner = data.get("learner", "")
    if not isinstance(learner, str):
        raise bad(f"learner must be a string, not {learner!r}")
    return {"checks": data.get("checks", []), "quizzes": data.get("quizzes", []),
            "quiz_answers": data.get("quiz_answers", []), "hints": hints, "learner": learner}


def _write_atomically(path: Path, text: str) -> None:
    """Write ``text`` to a temporary file beside ``path`` and rename it over ``path``."""
    if not path.parent.is_dir():
        raise ProgressFileError(f"{path}: the folder {path.parent} does not exist (create it "
                                f"with `mkdir -p {path.parent}`, or choose another FILE)")
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        with open(tmp, "w", encoding="utf-8") as f:
            f.write(text)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise ProgressFileError(f"{path}: cannot be written ({exc.strerror or exc}); "
                                "choose another FILE for `learn progress --export FILE`") from None


def _connect(path: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(path, timeout=10.0)
    try:
        conn.execute("PRAGMA journal_mode=WAL")
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        if version > SCHEMA_VERSION:
            conn.close()
            raise RuntimeError(f"the progress store at {path} was written by a newer learn; "
                               "upgrade with `pip install -U learn-d2l`")
        conn.executescript(_SCHEMA)
        conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
        check = conn.execute("PRAGMA quick_check").fetchone()[0]
        if check != "ok":
            raise sqlite3.DatabaseError(f"integrity check failed: {check}")
        return conn
    except sqlite3.DatabaseError:
        conn.close()
        raise
