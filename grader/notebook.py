"""Check exercises from a Jupyter notebook, and the calls nbgrader's hidden tests make.

In a learner's notebook::

    from grader.notebook import check, hint, quiz
    check("mlp/dropout")

``check`` takes the definitions from the notebook cells that define the exercise's names
(plus every import the notebook ran), writes them to a temporary file and grades it with the
same worker as ``learn check``: the checks run in another process, so a crash or a hang in
the learner's code never kills the kernel. Progress goes to the same store as the CLI's.
"""

from __future__ import annotations

import ast
import hashlib
import html
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from grader.catalog import Exercise, load_catalog
from grader.results import PASSED, ExerciseResult

_CACHE: dict[tuple[str, str], ExerciseResult] = {}


def _history() -> list[str]:
    try:
        shell = get_ipython()  # type: ignore[name-defined]  # noqa: F821
    except NameError:
        return []
    return [str(cell) for cell in shell.user_ns.get("In", [])[1:]]


def _parses(source: str) -> ast.Module | None:
    try:
        return ast.parse(source)
    except SyntaxError:
        return None


def _grader_import(node: ast.Import | ast.ImportFrom) -> bool:
    """The notebook's own ``from grader.notebook import ...`` lines are not the learner's code."""
    names = [node.module or ""] if isinstance(node, ast.ImportFrom) else [a.name for a in node.names]
    return any(n.split(".")[0] == "grader" and not n.startswith("grader.pretrained") for n in names)


def submission_source(exercise: Exercise, cells: list[str] | None = None) -> str:
    """The learner's code for ``exercise`` from executed notebook cells, in order.

    Cells that define one of the exercise's names are kept whole (so their helpers come
    along); from every other cell only the top-level imports are kept. Lines that call IPython
    magics are dropped. A cell with a syntax error is kept, so the error is reported.
    """
    cells = _history() if cells is None else cells
    names = set(exercise.names)
    parts: list[str] = []
    for cell in cells:
        lines = [line for line in cell.splitlines() if "get_ipython()" not in line
                 and not line.lstrip().startswith(("%", "!"))]
        source = "\n".join(lines)
        tree = _parses(source)
        if tree is None:
            if any(f"def {n}" in source or f"class {n}" in source for n in names):
                parts.append(source)
            continue
        defined = {node.name for node in tree.body
                   if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))}
        defined |= {t.id for node in tree.body if isinstance(node, ast.Assign)
                    for t in node.targets if isinstance(t, ast.Name)}
        if defined & names:
            parts.append(source)
        else:
            parts.extend(ast.get_source_segment(source, node) or "" for node in tree.body
                         if isinstance(node, (ast.Import, ast.ImportFrom)) and not _grader_import(node))
    return "\n\n".join(parts) + "\n"


def _grade(exercise_id: str, *, cells: list[str] | None = None, seed: int | None = None,
           device: str = "auto") -> ExerciseResult:
    from grader.runner import Job, grade_one, new_seed

    exercise = load_catalog().get(exercise_id)
    source = submission_source(exercise, cells)
    key = (exercise_id, hashlib.sha256(source.encode()).hexdigest())
    if seed is None and key in _CACHE:
        return _CACHE[key]
    with tempfile.TemporaryDirectory(prefix="learn-nb-") as tmp:
        path = Path(tmp) / f"{exercise_id.replace('/', '_')}_notebook.py"
        path.write_text(source, encoding="utf-8")
        result = grade_one(Job(exercise, path, seed if seed is not None else new_seed(), device))
    _CACHE[key] = result
    return result


@dataclass(frozen=True)
class CheckReport:
    """What ``check`` returns: shown as an HTML table in Jupyter, as text elsewhere."""

    result: ExerciseResult

    def __repr__(self) -> str:
        r = self.result
        lines = [f"learn check {r.exercise}: {r.outcome} ({r.score}/{r.max_score} points, "
                 f"seed {r.seed}, {r.device})"]
        if r.message:
            lines.append(f"  {r.message}")
        marks = {"passed": "✓", "failed": "✗", "not_attempted": "…", "error": "!"}
        for c in r.checks:
            lines.append(f"  {marks.get(c.outcome, '?')} {c.name} {c.points}/{c.max_points}")
            if c.outcome != PASSED and c.message:
                lines.append(f"      {c.message}")
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        r = self.result
        colour = {"passed": "#1a7f37", "failed": "#cf222e", "not_attempted": "#9a6700",
                  "error": "#cf222e"}
        rows = "".join(
            f"<tr><td style='color:{colour.get(c.outcome, '#000')}'>{html.escape(c.outcome)}</td>"
            f"<td><code>{html.escape(c.name)}</code></td><td>{c.points}/{c.max_points}</td>"
            f"<td>{html.escape(c.message if c.outcome != PASSED else '')}</td></tr>"
            for c in r.checks)
        head = (f"<p><b>learn check {html.escape(r.exercise)}</b>: "
                f"<span style='color:{colour.get(r.outcome, '#000')}'>{html.escape(r.outcome)}</span>"
                f", {r.score}/{r.max_score} points <small>(seed {r.seed}, {html.escape(r.device)})</small>"
                + (f"<br>{html.escape(r.message)}" if r.message else "") + "</p>")
        table = ("<table><tr><th>outcome</th><th>check</th><th>points</th><th>message</th></tr>"
                 + rows + "</table>") if rows else ""
        return head + table


def check(exercise_id: str, *, seed: int | None = None, device: str = "auto") -> CheckReport:
    """Run the hidden checks of ``exercise_id`` on this notebook's definitions."""
    from grader.progress import Progress

    result = _grade(exercise_id, seed=seed if seed is not None else None, device=device)
    with Progress.open() as store:
        store.record_check(exercise_id, result.outcome, result.score, result.max_score, result.seed)
    return CheckReport(result)


def hint(exercise_id: str) -> None:
    """Print the next hint (the same counter as ``learn hint``)."""
    from grader.progress import Progress

    exercise = load_catalog().get(exercise_id)
    with Progress.open() as store:
        index = store.take_hint(exercise.id, len(exercise.hints))
    print(f"Hint {index + 1} of {len(exercise.hints)} for {exercise.id}:\n{exercise.hints[index]}")


def quiz(exercise_id: str, lang: str | None = None) -> None:
    """Ask the concept quiz of an exercise or quiz-only topic with ``input()``.

    ``lang`` is ``"en"``, ``"zh"`` or ``"both"`` (default: ``LEARN_LANG`` or the locale, both
    when unsure). The options are shuffled like ``learn quiz`` shuffles them (the same order
    for you every time); answer with the letters shown. The score and each answer are
    recorded like ``learn quiz``'s (so ``learn quiz --review`` sees the misses).
    """
    from grader.catalog import paths_for
    from grader.progress import Progress
    from grader.quiz import (
        LANGS,
        LETTERS,
        default_lang,
        display_order,
        is_correct,
        parse_answer,
        parse_quiz,
        to_file_letters,
    )

    lang = lang or default_lang()
    if lang not in LANGS:
        raise ValueError(f"lang must be one of {', '.join(LANGS)}, not {lang!r}")
    q = parse_quiz(paths_for(exercise_id).quiz)
    word = {"en": ("your answer", "correct", "the answer is"),
            "zh": ("你的答案", "正确", "答案是")}
    en, zh = word["en"], word["zh"]
    words = word.get(lang) or tuple(f"{a} / {b}" for a, b in zip(en, zh))
    correct = 0
    with Progress.open() as store:
        learner = store.learner_id()
        for number, question in enumerate(q.questions, 1):
            order = display_order(question, learner, q.id)
            print(f"\nQ{number}/{len(q.questions)} {question.prompt_text(lang)}")
            for letter, index in zip(LETTERS, order):
                print(f"  {letter}) {question.choice_text(index, lang)}")
            while True:
                try:
                    shown = parse_answer(question, input(f"{words[0]}: "))
                    break
                except ValueError as exc:
                    print(f"  {exc}")
            ok = is_correct(question, to_file_letters(question, shown, order))
            correct += ok
            store.record_answer(q.id, question.id, ok)
            print((f"✓ {words[1]}" if ok else
                   f"✗ {words[2]} {question.correct_text(order or None, lang)}")
                  + f"\n  {question.explanation_text(lang)}")
        store.record_quiz(q.id, correct, len(q.questions))
    print(f"\n{correct}/{len(q.questions)} correct")


class CheckFailed(AssertionError):
    """A failed hidden check in an nbgrader notebook; shows only the learner-facing message."""

    def _render_traceback_(self) -> list[str]:
        return [f"CheckFailed: {self}"]


def nbgrader_check(exercise_id: str, check_name: str) -> None:
    """Used by exported nbgrader test cells: pass silently or raise :class:`CheckFailed`.

    Every test cell of a notebook shares one grading run (cached by the source's hash).
    Nothing is written to stderr, so warnings never cost points.
    """
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        result = _grade(exercise_id)
    found = next((c for c in result.checks if c.name == check_name), None)
    if found is not None and found.outcome == PASSED:
        print(f"✓ {check_name}")
        return
    if found is None:
        raise CheckFailed(f"{exercise_id}: {result.message or 'this check did not run'}")
    why = found.message or result.message
    raise CheckFailed(f"{check_name}: {why}")


def nbgrader_quiz(exercise_id: str, question_id: str, answer: Any) -> None:
    """Used by exported nbgrader quiz cells: pass silently or raise :class:`CheckFailed`."""
    from grader.catalog import paths_for
    from grader.quiz import is_correct, parse_answer, parse_quiz

    question = parse_quiz(paths_for(exercise_id).quiz).get(question_id)
    if question is None:
        raise CheckFailed(f"unknown question {question_id!r}")
    if answer is None:
        raise CheckFailed("no answer given yet")
    try:
        given = parse_answer(question, answer)
    except ValueError as exc:
        raise CheckFailed(str(exc)) from None
    if not is_correct(question, given):
        raise CheckFailed("not the right answer")
    print("✓ correct")
