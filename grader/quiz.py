"""Concept quizzes: YAML files in ``quizzes/`` (schema in docs/content.md), loading and grading.

Question kinds: ``single`` (one letter), ``multiple`` (a set of letters), ``numeric`` (a
number within ``tolerance``) and ``text`` (matched against ``accepted`` answers,
case- and space-insensitively).

A quiz file belongs either to an exercise (``exercise: cnn/pooling``) or is a quiz-only topic
(``topic: basics/overfitting`` with a ``title`` and the seed ``sections`` it covers).
Letters in a file, in ``answer`` and in ``--answers`` files with ``convention: letters``,
always refer to the order of the options *in the file*; learners see the options shuffled
(:func:`display_order`, stable per learner and question) and answer with the letters shown.
"""

from __future__ import annotations

import hashlib
import locale
import math
import os
import random
import re
import string
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from grader.yamlio import ContentError, line_of, load_yaml

FORMAT_VERSION = 1
KINDS = ("single", "multiple", "numeric", "text")
LETTERS = string.ascii_lowercase
LANGS = ("en", "zh", "both")
CONVENTIONS = ("letters", "text")


@dataclass(frozen=True)
class Question:
    """One quiz question; ``answer`` is a letter, a tuple of letters, a float or None (text).

    Letters are those of the file's order of ``choices``.
    """

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
    choices_zh: tuple[str, ...] = ()
    section: str = ""

    def choice_text(self, index: int, lang: str = "en") -> str:
        """Option ``index`` (file order) in ``lang`` (``both``: English, then Chinese)."""
        en = self.choices[index]
        zh = self.choices_zh[index] if self.choices_zh else ""
        return _pick(en, zh, lang, " / ")

    def prompt_text(self, lang: str = "en") -> str:
        return _pick(self.prompt, self.prompt_zh, lang, "\n    ")

    def explanation_text(self, lang: str = "en") -> str:
        return _pick(self.explanation, self.explanation_zh, lang, "\n  ")

    def correct_text(self, order: list[int] | None = None, lang: str = "en") -> str:
        """The right answer, as shown after a wrong one, with the letters of ``order``
        (the display order: ``order[k]`` is the file index shown as letter k)."""
        order = list(range(len(self.choices))) if order is None else order
        if self.kind == "single":
            index = LETTERS.index(self.answer)
            return f"{LETTERS[order.index(index)]}) {self.choice_text(index, lang)}"
        if self.kind == "multiple":
            shown = sorted(order.index(LETTERS.index(a)) for a in self.answer)
            return ", ".join(LETTERS[k] for k in shown)
        if self.kind == "numeric":
            return f"{self.answer:g}"
        return self.accepted[0]


def _pick(en: str, zh: str, lang: str, sep: str) -> str:
    if lang == "zh" and zh:
        return zh
    if lang == "both" and zh and zh != en:
        return f"{en}{sep}{zh}"
    return en


@dataclass(frozen=True)
class Quiz:
    exercise: str
    """The exercise id, or for a quiz-only topic the topic id."""
    path: Path
    questions: tuple[Question, ...]
    title: str = ""
    title_zh: str = ""
    sections: tuple[str, ...] = ()
    quiz_only: bool = False
    order: int = 0

    @property
    def id(self) -> str:
        return self.exercise

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
    known = {"format_version", "exercise", "topic", "title", "title_zh", "sections", "order",
             "questions"}
    for key in data:
        if key not in known:
            raise ContentError(path, line_of(data, str(key)), f"unknown key {key!r} in quiz")
    quiz_only = "topic" in data
    if quiz_only == ("exercise" in data):
        raise ContentError(path, line_of(data), "a quiz needs exactly one of 'exercise' (the "
                           "exercise id) or 'topic' (a quiz-only topic id)")
    key = "topic" if quiz_only else "exercise"
    exercise = data.get(key)
    if not isinstance(exercise, str) or not re.fullmatch(r"[a-z0-9-]+/[a-z0-9-]+", exercise):
        raise ContentError(path, line_of(data, key), f"'{key}' must be an id like chapter/name")
    title, title_zh = data.get("title", ""), data.get("title_zh", "")
    sections = data.get("sections", [])
    if not isinstance(sections, list) or not all(isinstance(s, str) and s.strip()
                                                 for s in sections):
        raise ContentError(path, line_of(data, "sections"), "'sections' must be a list of strings")
    if quiz_only and (not isinstance(title, str) or not title.strip()):
        raise ContentError(path, line_of(data, "title"), "a quiz-only topic needs a 'title'")
    order = data.get("order", 0)
    if isinstance(order, bool) or not isinstance(order, int):
        raise ContentError(path, line_of(data, "order"), "'order' must be an integer")
    raw = data.get("questions")
    if not isinstance(raw, list) or not raw:
        raise ContentError(path, line_of(data, "questions"), "'questions' must be a non-empty list")
    questions: list[Question] = []
    for item in raw:
        questions.append(_parse_question(path, item, {q.id for q in questions}, tuple(sections)))
    return Quiz(exercise=exercise, path=path, questions=tuple(questions), title=str(title),
                title_zh=str(title_zh), sections=tuple(sections), quiz_only=quiz_only, order=order)


def _parse_question(path: Path, item: Any, seen: set[str], sections: tuple[str, ...]) -> Question:
    if not isinstance(item, dict):
        raise ContentError(path, line_of(item), "each question must be a mapping")

    def err(key: str | None, message: str) -> ContentError:
        return ContentError(path, line_of(item, key), message)

    known = {"id", "kind", "prompt", "prompt_zh", "choices", "choices_zh", "answer", "tolerance",
             "accepted", "explanation", "explanation_zh", "section"}
    for key in item:
        if key not in known:
            raise err(str(key), f"unknown key {key!r} in question")
    for key in ("id", "kind", "prompt", "explanation"):
        if not isinstance(item.get(key), str) or not item[key].strip():
            raise err(key if key in item else None, f"question needs a non-empty string {key!r}")
    for key in ("prompt_zh", "explanation_zh", "section"):
        if key in item and (not isinstance(item[key], str) or not item[key].strip()):
            raise err(key, f"{key!r} must be a non-empty string when given")
    qid, kind = item["id"], item["kind"]
    if qid in seen:
        raise err("id", f"duplicate question id {qid!r}")
    if qid == "convention":
        raise err("id", "'convention' is reserved (answers files use it)")
    if kind not in KINDS:
        raise err("kind", f"kind must be one of {', '.join(KINDS)}, not {kind!r}")
    section = str(item.get("section", ""))
    if section and section not in sections:
        raise err("section", f"section {section!r} is not in the quiz's 'sections'")
    common = dict(id=qid, kind=kind, prompt=item["prompt"], explanation=item["explanation"],
                  prompt_zh=str(item.get("prompt_zh", "")),
                  explanation_zh=str(item.get("explanation_zh", "")), section=section)
    if kind in ("single", "multiple"):
        choices = item.get("choices")
        if not isinstance(choices, list) or not 2 <= len(choices) <= len(LETTERS) or not all(
                isinstance(c, str) and c.strip() for c in choices):
            raise err("choices", "choices must be a list of at least 2 non-empty strings")
        if len({_normal_text(c) for c in choices}) != len(choices):
            raise err("choices", "two choices have the same text")
        choices_zh = item.get("choices_zh", [])
        if "choices_zh" in item and (not isinstance(choices_zh, list) or len(choices_zh) != len(
                choices) or not all(isinstance(c, str) and c.strip() for c in choices_zh)):
            raise err("choices_zh", f"choices_zh must list {len(choices)} non-empty strings, "
                      "one per choice, in the same order")
        common["choices_zh"] = tuple(choices_zh)
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
    for key in ("choices", "choices_zh"):
        if key in item:
            raise err(key, f"a {kind} question has no {key}")
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


# --- the bank -------------------------------------------------------------------------------


def quiz_files(root: Path | None = None) -> list[Path]:
    from grader.catalog import content_root

    folder = (root or content_root()) / "quizzes"
    return sorted(folder.glob("*/*.yaml"))


def load_bank(root: Path | None = None, catalog_ids: list[str] | None = None) -> list[Quiz]:
    """Every quiz: the exercises' quizzes in ``catalog_ids`` order, then the quiz-only topics
    (by their ``order``). Raises ContentError for the first malformed file."""
    quizzes = [parse_quiz(path) for path in quiz_files(root)]
    ids = catalog_ids or []
    rank = {i: n for n, i in enumerate(ids)}
    exercise = sorted((q for q in quizzes if not q.quiz_only),
                      key=lambda q: (rank.get(q.id, len(rank)), q.id))
    topics = sorted((q for q in quizzes if q.quiz_only), key=lambda q: (q.order, q.id))
    return exercise + topics


# --- languages ------------------------------------------------------------------------------


def default_lang(environ: dict[str, str] | None = None) -> str:
    """``LEARN_LANG`` if set, else from the locale: zh_* -> zh, en_* -> en, otherwise both."""
    env = os.environ if environ is None else environ
    explicit = env.get("LEARN_LANG", "").strip().lower()
    if explicit in LANGS:
        return explicit
    value = ""
    for key in ("LC_ALL", "LC_MESSAGES", "LANG", "LANGUAGE"):
        if env.get(key):
            value = env[key]
            break
    if not value and environ is None:
        try:
            value = locale.getlocale()[0] or ""
        except ValueError:
            value = ""
    value = value.split(":")[0].lower()
    if value.startswith("zh"):
        return "zh"
    if value.startswith("en"):
        return "en"
    return "both"


# --- shuffling ------------------------------------------------------------------------------


def display_order(question: Question, learner: str, topic: str) -> list[int]:
    """The order the options are shown in: ``order[k]`` is the file index shown as letter k.

    A permutation seeded by (learner, topic, question id): the same learner sees the same
    order on every retry; another learner sees another one. Empty for numeric and text.
    """
    if question.kind not in ("single", "multiple"):
        return []
    digest = hashlib.sha256(f"{learner}\0{topic}\0{question.id}".encode()).digest()
    order = list(range(len(question.choices)))
    random.Random(int.from_bytes(digest[:8], "big")).shuffle(order)
    return order


def to_file_letters(question: Question, shown: Any, order: list[int]) -> Any:
    """Map an answer given in display letters (normalised) back to the file's letters."""
    if question.kind == "single":
        return LETTERS[order[LETTERS.index(shown)]]
    if question.kind == "multiple":
        return tuple(sorted(LETTERS[order[LETTERS.index(a)]] for a in shown))
    return shown


# --- answers --------------------------------------------------------------------------------


def _letter_for_text(question: Question, text: str) -> str:
    wanted = _normal_text(str(text))
    for index, choice in enumerate(question.choices):
        zh = question.choices_zh[index] if question.choices_zh else ""
        if wanted in {_normal_text(choice), _normal_text(zh)} - {""}:
            return LETTERS[index]
    raise ValueError("no option has this text; copy an option's text exactly "
                     "(English or Chinese), or use `convention: letters`")


def parse_answer(question: Question, raw: Any, convention: str = "letters") -> Any:
    """Normalise a learner's answer; ValueError with a learner-facing message if malformed.

    With ``convention="text"`` a choice answer is the option's text (or a list of them)."""
    if convention == "text" and question.kind in ("single", "multiple"):
        if question.kind == "single":
            if isinstance(raw, list):
                raise ValueError("answer with the text of one option")
            return _letter_for_text(question, raw)
        items = raw if isinstance(raw, list) else [raw]
        return tuple(sorted({_letter_for_text(question, i) for i in items}))
    if question.kind == "single":
        text = str(raw).strip().lower().rstrip(")")
        valid = LETTERS[: len(question.choices)]
        if len(text) != 1 or text not in valid:
            raise ValueError(f"answer with one letter from {valid[0]} to {valid[-1]}")
        return text
    if question.kind == "multiple":
        items = raw if isinstance(raw, list) else re.split(r"[\s,，、]+", str(raw).strip())
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
    """Grade an answer already normalised by :func:`parse_answer` (file letters)."""
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
    order: list[int] = field(default_factory=list)
    """The display order the learner saw (empty: the file's order)."""


def grade_answers(quiz: Quiz, answers: dict[str, Any],
                  convention: str = "letters") -> list[AnswerResult]:
    """Grade a mapping question id -> answer; unanswered or malformed answers are wrong."""
    results = []
    for question in quiz.questions:
        if question.id not in answers:
            results.append(AnswerResult(question, None, False, "not answered"))
            continue
        try:
            given = parse_answer(question, answers[question.id], convention)
        except ValueError as exc:
            results.append(AnswerResult(question, answers[question.id], False, str(exc)))
            continue
        results.append(AnswerResult(question, given, is_correct(question, given)))
    return results


# --- fairness (the content test applies these to the real bank) -----------------------------


def fairness(quizzes: list[Quiz]) -> dict[str, Any]:
    """Statistics a test-wise guesser could exploit, over every choice question of ``quizzes``."""
    singles = [q for quiz in quizzes for q in quiz.questions if q.kind == "single"]
    multiples = [q for quiz in quizzes for q in quiz.questions if q.kind == "multiple"]

    def longest(q: Question, texts: tuple[str, ...]) -> float:
        """A longest-option guesser's chance on ``q`` (ties for the longest split evenly)."""
        right = LETTERS.index(q.answer)
        top = max(len(t) for t in texts)
        tied = sum(len(t) == top for t in texts)
        return 1 / tied if len(texts[right]) == top else 0.0

    letters: dict[str, int] = {}
    for q in singles:
        letters[q.answer] = letters.get(q.answer, 0) + 1
    first_k = sum(q.answer == tuple(LETTERS[: len(q.answer)]) for q in multiples)
    return {
        "single": len(singles),
        "single_longest_right": round(sum(longest(q, q.choices) for q in singles), 2),
        "single_longest_right_zh": round(sum(longest(q, q.choices_zh) for q in singles
                                             if q.choices_zh), 2),
        "single_letters": dict(sorted(letters.items())),
        "multiple": len(multiples),
        "multiple_first_k": first_k,
    }
