"""Concept quizzes: YAML files in ``quizzes/`` (schema in docs/content.md), loading and grading.

Question kinds: ``single`` (one letter), ``multiple`` (a set of letters), ``numeric`` (a
number within ``tolerance``) and ``text`` (matched against ``accepted`` answers,
case- and space-insensitively).
"""

from __future__ import annotations

import math
import re
import string
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from grader.yamlio import ContentError, line_of, load_yaml

FORMAT_VERSION = 1
KINDS = ("single", "multiple", "numeric", "text")
LETTERS = string.ascii_lowercase


@dataclass(frozen=True)
class Question:
    """One quiz question; ``answer`` is a letter, a tuple of letters, a float or None (text)."""

    id: str
    kind: str
    prompt: str
    explanation: str
    choices: tuple[str, ...] = ()
    answer: Any = None
    tolerance: float = 1e-9
    accepted: tuple[str, ...] = ()
    prompt_zh: str = ""
    explanation_zh: str = ""

    def correct_text(self) -> str:
        """The right answer, as shown after a wrong one."""
        if self.kind == "single":
            return f"{self.answer}) {self.choices[LETTERS.index(self.answer)]}"
        if self.kind == "multiple":
            return ", ".join(self.answer)
        if self.kind == "numeric":
            return f"{self.answer:g}"
        return self.accepted[0]


@dataclass(frozen=True)
class Quiz:
    exercise: str
    path: Path
    questions: tuple[Question, ...]

    def get(self, question_id: str) -> Question | None:
        return next((q for q in self.questions if q.id == question_id), None)


def _normal_text(text: str) -> str:
    return re.sub(r"\s+", " ", text.strip().lower())


def parse_quiz(path: Path) -> Quiz:
    """Load and validate a quiz file; every error names the file and line."""
    data = load_yaml(path)
    if not isinstance(data, dict):
        raise ContentError(path, line_of(data), "a quiz must be a mapping with 'questions'")
    version = data.get("format_version")
    if version != FORMAT_VERSION:
        hint = (" (this file is newer than your learn; upgrade with `pip install -U learn-d2l`)"
                if isinstance(version, int) and version > FORMAT_VERSION else "")
        raise ContentError(path, line_of(data, "format_version"),
                           f"format_version must be {FORMAT_VERSION}{hint}")
    exercise = data.get("exercise")
    if not isinstance(exercise, str):
        raise ContentError(path, line_of(data, "exercise"), "'exercise' must be the exercise id")
    raw = data.get("questions")
    if not isinstance(raw, list) or not raw:
        raise ContentError(path, line_of(data, "questions"), "'questions' must be a non-empty list")
    questions: list[Question] = []
    for item in raw:
        questions.append(_parse_question(path, item, {q.id for q in questions}))
    return Quiz(exercise=exercise, path=path, questions=tuple(questions))


def _parse_question(path: Path, item: Any, seen: set[str]) -> Question:
    if not isinstance(item, dict):
        raise ContentError(path, line_of(item), "each question must be a mapping")

    def err(key: str | None, message: str) -> ContentError:
        return ContentError(path, line_of(item, key), message)

    known = {"id", "kind", "prompt", "prompt_zh", "choices", "answer", "tolerance", "accepted",
             "explanation", "explanation_zh"}
    for key in item:
        if key not in known:
            raise err(str(key), f"unknown key {key!r} in question")
    for key in ("id", "kind", "prompt", "explanation"):
        if not isinstance(item.get(key), str) or not item[key].strip():
            raise err(key if key in item else None, f"question needs a non-empty string {key!r}")
    qid, kind = item["id"], item["kind"]
    if qid in seen:
        raise err("id", f"duplicate question id {qid!r}")
    if kind not in KINDS:
        raise err("kind", f"kind must be one of {', '.join(KINDS)}, not {kind!r}")
    common = dict(id=qid, kind=kind, prompt=item["prompt"], explanation=item["explanation"],
                  prompt_zh=str(item.get("prompt_zh", "")),
                  explanation_zh=str(item.get("explanation_zh", "")))
    if kind in ("single", "multiple"):
        choices = item.get("choices")
        if not isinstance(choices, list) or not 2 <= len(choices) <= len(LETTERS) or not all(
                isinstance(c, str) and c.strip() for c in choices):
            raise err("choices", "choices must be a list of at least 2 non-empty strings")
        valid = LETTERS[: len(choices)]
        answer = item.get("answer")
        if kind == "single":
            if not isinstance(answer, str) or answer not in valid:
                raise err("answer", f"answer must be one letter from {valid[0]} to {valid[-1]}")
            return Question(choices=tuple(choices), answer=answer, **common)
        if not isinstance(answer, list) or not answer or not all(
                isinstance(a, str) and a in valid for a in answer) or len(set(answer)) != len(answer):
            raise err("answer", f"answer must be a list of distinct letters from {valid[0]} to {valid[-1]}")
        return Question(choices=tuple(choices), answer=tuple(sorted(answer)), **common)
    if kind == "numeric":
        answer = item.get("answer")
        if isinstance(answer, bool) or not isinstance(answer, (int, float)) or not math.isfinite(answer):
            raise err("answer", "a numeric question needs a number as answer")
        tolerance = item.get("tolerance", 1e-9)
        if isinstance(tolerance, bool) or not isinstance(tolerance, (int, float)) or tolerance < 0:
            raise err("tolerance", "tolerance must be a non-negative number")
        return Question(answer=float(answer), tolerance=float(tolerance), **common)
    accepted = item.get("accepted")
    if not isinstance(accepted, list) or not accepted or not all(
            isinstance(a, str) and a.strip() for a in accepted):
        raise err("accepted", "a text question needs 'accepted': a list of accepted answers")
    return Question(accepted=tuple(accepted), **common)


def parse_answer(question: Question, raw: Any) -> Any:
    """Normalise a learner's answer; ValueError with a learner-facing message if malformed."""
    if question.kind == "single":
        text = str(raw).strip().lower().rstrip(")")
        valid = LETTERS[: len(question.choices)]
        if len(text) != 1 or text not in valid:
            raise ValueError(f"answer with one letter from {valid[0]} to {valid[-1]}")
        return text
    if question.kind == "multiple":
        items = raw if isinstance(raw, list) else re.split(r"[\s,]+", str(raw).strip())
        letters = [str(i).strip().lower().rstrip(")") for i in items if str(i).strip()]
        valid = LETTERS[: len(question.choices)]
        if not letters or any(len(x) != 1 or x not in valid for x in letters):
            raise ValueError(f"answer with letters from {valid[0]} to {valid[-1]}, e.g. a,c")
        return tuple(sorted(set(letters)))
    if question.kind == "numeric":
        if isinstance(raw, bool):
            raise ValueError("answer with a number")
        try:
            value = float(str(raw).strip())
        except ValueError:
            raise ValueError("answer with a number, e.g. 0.25") from None
        if not math.isfinite(value):
            raise ValueError("answer with a finite number")
        return value
    if raw is None or not str(raw).strip():
        raise ValueError("answer with a word or a short phrase")
    return str(raw)


def is_correct(question: Question, answer: Any) -> bool:
    """Grade an answer already normalised by :func:`parse_answer`."""
    if question.kind in ("single", "multiple"):
        return bool(answer == question.answer)
    if question.kind == "numeric":
        return abs(float(answer) - float(question.answer)) <= question.tolerance + 1e-12
    return _normal_text(str(answer)) in {_normal_text(a) for a in question.accepted}


@dataclass(frozen=True)
class AnswerResult:
    question: Question
    given: Any
    correct: bool
    problem: str = ""


def grade_answers(quiz: Quiz, answers: dict[str, Any]) -> list[AnswerResult]:
    """Grade a mapping question id -> answer; unanswered or malformed answers are wrong."""
    results = []
    for question in quiz.questions:
        if question.id not in answers:
            results.append(AnswerResult(question, None, False, "not answered"))
            continue
        try:
            given = parse_answer(question, answers[question.id])
        except ValueError as exc:
            results.append(AnswerResult(question, answers[question.id], False, str(exc)))
            continue
        results.append(AnswerResult(question, given, is_correct(question, given)))
    return results
