"""The learner's progress: a small SQLite store in the user's data directory.

``LEARN_HOME`` overrides the directory (default: platformdirs' user data dir for "learn").
Every write is one transaction, so an interrupted command loses at most its own write. A
file that is not a readable database is moved aside (its new name is reported) and a
fresh store is started: progress is never a reason for a command to crash.
"""

from __future__ import annotations

import os
import sqlite3
import time
from dataclasses import dataclass
from pathlib import Path

SCHEMA_VERSION = 1

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
            "SELECT topic, question, SUM(correct = 0), MAX(rowid) FROM quiz_answers a "
            "GROUP BY topic, question HAVING (SELECT correct FROM quiz_answers b WHERE "
            "b.topic = a.topic AND b.question = a.question ORDER BY rowid DESC LIMIT 1) = 0 "
            "ORDER BY SUM(correct = 0) DESC, MAX(rowid) DESC").fetchall()
        return [(topic, question, int(misses)) for topic, question, misses, _ in rows]

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
                "FROM checks c WHERE c.rowid = (SELECT MAX(rowid) FROM checks e "
                "WHERE e.exercise = c.exercise)"):
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
