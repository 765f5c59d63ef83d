"""Check exercises from a Jupyter notebook, and the calls nbgrader's hidden tests make.

In a learner's notebook::

    from grader.notebook import check, hint, quiz
    check("mlp/dropout")

``check`` takes the submission from the cells the kernel ran (:func:`extract_submission`:
the imports, and the definitions and assignments the exercise's names need; never a call of
``check`` or any other top-level statement that does something), writes it to a temporary
file and grades it with the same worker as ``learn check``: the checks run in another
process, so a crash or a hang in the learner's code never kills the kernel. ``learn grade
COURSE_DIR`` takes nbgrader notebooks' submissions with the same function. Progress goes to
the same store as the CLI's.
"""

from __future__ import annotations

import ast
import dataclasses
import hashlib
import html
import re
import symtable
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from grader import pictures
from grader.catalog import Exercise, load_catalog
from grader.results import PASSED, ExerciseResult

_CACHE: dict[tuple[str, str], ExerciseResult] = {}


def _history() -> tuple[list[str], list[str]]:
    """The kernel's executed cells (``In[1:]``) and their labels (``cell In[1]``, ...)."""
    try:
        shell = get_ipython()  # type: ignore[name-defined]
    except NameError:
        return [], []
    cells = [str(cell) for cell in shell.user_ns.get("In", [])[1:]]
    return cells, [f"cell In[{i}]" for i in range(1, len(cells) + 1)]


def _parses(source: str) -> ast.Module | None:
    try:
        return ast.parse(source)
    except (SyntaxError, ValueError):
        return None


def _grader_import(node: ast.Import | ast.ImportFrom) -> bool:
    """The notebook's own ``from grader.notebook import ...`` lines are not the learner's code."""
    names = [node.module or ""] if isinstance(node, ast.ImportFrom) else [a.name for a in node.names]
    return any(n.split(".")[0] == "grader" and not n.startswith("grader.pretrained") for n in names)


_DEFINITIONS = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)
_ASSIGNMENTS = (ast.Assign, ast.AnnAssign, ast.AugAssign)

SUBMISSION_RULE = """\
What a notebook submits: from every executed cell, in order, its top-level imports (not the
``grader`` imports), and the function and class definitions and top-level assignments that the
exercise's names need: the definitions of those names, the helpers and constants they use
(``NUM_HIDDENS = 64``, ``loss = nn.CrossEntropyLoss()``), and what those use in turn. Nothing
else is taken: no call of ``check``, ``hint`` or ``quiz``, no other expression statement (a
print, a plot, a training run), no top-level loop, ``with``, ``if`` (``if __name__ ==
"__main__":`` included) or ``try`` block, no IPython magic. So a cell may define
``dropout_layer`` and call ``check("mlp/dropout")`` below it. The cells are read as text
(nothing runs in the grader); a cell with a syntax error that defines one of the names is taken
whole, so the error is reported; errors name the cell and its line."""


def _without_magics(cell: str) -> str:
    """``cell`` with IPython's magic and shell lines made ``pass`` (line numbers unchanged)."""
    lines = cell.split("\n")
    for i, line in enumerate(lines):
        if "get_ipython()" in line or line.lstrip().startswith(("%", "!")):
            lines[i] = line[: len(line) - len(line.lstrip())] + "pass"
    return "\n".join(lines)


def _segment(raw: list[bytes], node: ast.stmt) -> tuple[int, str]:
    """(first line, text) of a top-level statement: its decorators included, nothing that
    shares its first or last line after a ``;`` (so ``x = 1; check(...)`` gives ``x = 1``)."""
    first, col = node.lineno, node.col_offset
    decorators = getattr(node, "decorator_list", None)
    if decorators:
        first = decorators[0].lineno
        col = max(raw[first - 1].rfind(b"@", 0, decorators[0].col_offset), 0)
    last, end = node.end_lineno or node.lineno, node.end_col_offset
    if first == last:
        text = raw[first - 1][col:end]
    else:
        text = b"\n".join([raw[first - 1][col:], *raw[first:last - 1], raw[last - 1][:end]])
    return first, text.decode("utf-8", "replace")


def _bound(node: ast.stmt) -> set[str]:
    """The module-level names a definition or assignment binds (or changes in place)."""
    if isinstance(node, _DEFINITIONS):
        return {node.name}
    targets = node.targets if isinstance(node, ast.Assign) else [node.target]  # type: ignore[attr-defined]
    names: set[str] = set()
    todo = list(targets)
    while todo:
        target = todo.pop()
        if isinstance(target, (ast.Tuple, ast.List)):
            todo.extend(target.elts)
        elif isinstance(target, ast.Starred):
            todo.append(target.value)
        else:
            while isinstance(target, (ast.Attribute, ast.Subscript)):
                target = target.value  # ``config["lr"] = ...`` changes ``config``
            if isinstance(target, ast.Name):
                names.add(target.id)
    return names


def _uses(text: str, node: ast.stmt) -> set[str]:
    """The module-level names a statement reads: at definition time or, for the functions and
    classes it defines, when they run (a function's own locals and parameters excluded)."""
    try:
        table = symtable.symtable(text, "<cell>", "exec")
    except (SyntaxError, ValueError):
        return {n.id for n in ast.walk(node) if isinstance(n, ast.Name)}
    names: set[str] = set()
    todo = [table]
    while todo:
        scope = todo.pop()
        module = scope.get_type() == "module"
        names |= {s.get_name() for s in scope.get_symbols()
                  if s.is_referenced() and (module or s.is_global())}
        todo.extend(scope.get_children())
    return names


@dataclass(frozen=True)
class Submission:
    """The learner's code taken from notebook cells, and where each of its lines came from.

    ``origins[i]`` is the (cell label, line in that cell) of line ``i + 1`` of ``source``
    (None for the blank lines between cells).
    """

    source: str
    origins: tuple[tuple[str, int] | None, ...] = ()

    def origin(self, line: int) -> tuple[str, int] | None:
        """(cell label, line in that cell) of line ``line`` of ``source``; None if unknown."""
        return self.origins[line - 1] if 1 <= line <= len(self.origins) else None

    def relabel(self, text: str, filename: str) -> str:
        """``text`` with ``.../filename:N`` and ``line N of your file`` naming the cell's line."""
        def at(match: re.Match[str]) -> str:
            found = self.origin(int(match.group(1)))
            return f"{found[0]}, line {found[1]}" if found else match.group(0)

        def of(match: re.Match[str]) -> str:
            found = self.origin(int(match.group(1)))
            return f"line {found[1]} of {found[0]}" if found else match.group(0)

        text = re.sub(r"\S*" + re.escape(filename) + r":(\d+)", at, text)
        return re.sub(r"line (\d+) of your file", of, text)


def extract_submission(names: Iterable[str], cells: list[str],
                       labels: list[str] | None = None) -> Submission:
    """The submission made of ``cells`` for an exercise that defines ``names``.

    The rule (:data:`SUBMISSION_RULE`): every top-level import (not the grader's own), and the
    definitions and assignments the names need, transitively, in cell order; every
    definition of a needed name is kept, so the last one wins, as it did in the kernel. Only
    the ast module reads the cells: nothing is executed.

    Args:
        names: the names the exercise's checks call.
        cells: the cells' sources, in the order they ran.
        labels: what to call each cell in messages (default ``cell 1``, ``cell 2``, ...).
    """
    labels = labels if labels is not None else [f"cell {i}" for i in range(1, len(cells) + 1)]
    wanted = set(names)
    # Running the same cell again and again (the way one iterates) submits it once.
    runs = [(cell, label) for i, (cell, label) in enumerate(zip(cells, labels))
            if i + 1 == len(cells) or cells[i + 1] != cell]
    # (cell index, first line, text, kind, bound names, node)
    pieces: list[tuple[int, int, str, str, set[str], ast.stmt | None]] = []
    for index, (cell, _) in enumerate(runs):
        source = _without_magics(cell)
        tree = _parses(source)
        if tree is None:
            if any(f"def {n}" in source or f"class {n}" in source for n in wanted):
                pieces.append((index, 1, source, "whole", set(), None))
            continue
        raw = source.encode("utf-8").split(b"\n")
        for node in tree.body:
            if isinstance(node, (ast.Import, ast.ImportFrom)):
                if not _grader_import(node):
                    pieces.append((index, *_segment(raw, node), "import", set(), node))
            elif isinstance(node, _DEFINITIONS + _ASSIGNMENTS):
                if isinstance(node, ast.AnnAssign) and node.value is None:
                    continue
                pieces.append((index, *_segment(raw, node), "definition", _bound(node), node))
    needed, kept = set(wanted), set[int]()
    grew = True
    while grew:
        grew = False
        for k, (_, _, text, kind, bound, statement) in enumerate(pieces):
            if kind == "definition" and statement is not None and k not in kept and bound & needed:
                kept.add(k)
                needed |= _uses(text, statement)
                grew = True
    lines: list[str] = []
    origins: list[tuple[str, int] | None] = []
    last: tuple[int, int] | None = None  # (cell index, line) of the last line taken
    for k, (index, first, text, kind, _, _) in enumerate(pieces):
        if kind == "definition" and k not in kept:
            continue
        if last is not None and (index != last[0] or first > last[1] + 1):
            lines.append("")  # a blank line between cells, and where the cell had a gap
            origins.append(None)
        for offset, line in enumerate(text.split("\n")):
            lines.append(line)
            origins.append((runs[index][1], first + offset))
        last = (index, first + text.count("\n"))
    return Submission("\n".join(lines) + "\n", tuple(origins))


def submission_source(exercise: Exercise, cells: list[str] | None = None) -> str:
    """The learner's code for ``exercise`` from executed notebook cells (see
    :data:`SUBMISSION_RULE`); the kernel's own history when ``cells`` is None."""
    if cells is None:
        cells, labels = _history()
        return extract_submission(exercise.names, cells, labels).source
    return extract_submission(exercise.names, cells).source


def _relabel(result: ExerciseResult, submission: Submission, filename: str) -> ExerciseResult:
    """``result`` with the lines of the temporary file named as the notebook's cells."""
    checks = tuple(dataclasses.replace(c, message=submission.relabel(c.message, filename))
                   for c in result.checks)
    return dataclasses.replace(result, message=submission.relabel(result.message, filename),
                               checks=checks)


def _grade(exercise_id: str, *, cells: list[str] | None = None, seed: int | None = None,
           device: str = "auto") -> ExerciseResult:
    from grader.runner import Job, grade_one, new_seed

    exercise = load_catalog().get(exercise_id)
    cells, labels = _history() if cells is None else (cells, None)
    submission = extract_submission(exercise.names, cells, labels)
    filename = f"{exercise_id.replace('/', '_')}_notebook.py"
    key = (exercise_id, hashlib.sha256(submission.source.encode()).hexdigest())
    if seed is None and key in _CACHE:
        return _relabel(_CACHE[key], submission, filename)
    with tempfile.TemporaryDirectory(prefix="learn-nb-") as tmp:
        path = Path(tmp) / filename
        path.write_text(submission.source, encoding="utf-8")
        result = grade_one(Job(exercise, path, seed if seed is not None else new_seed(), device))
    _CACHE[key] = result
    return _relabel(result, submission, filename)


@dataclass(frozen=True)
class CheckReport:
    """What ``check`` returns: shown as an HTML table in Jupyter, as text elsewhere.

    A message that ends with a map of the wrong cells (:mod:`grader.pictures`) shows it as an
    image in the table, and on lines of its own in the text.
    """

    result: ExerciseResult

    def __repr__(self) -> str:
        r = self.result
        lines = [(f"learn check {r.exercise}: {r.outcome} ({r.score}/{r.max_score} points, "
                  f"seed {r.seed}, {r.device})")]
        if r.message:
            lines.append(f"  {r.message}")
        marks = {"passed": "✓", "failed": "✗", "not_attempted": "…", "error": "!"}
        for c in r.checks:
            lines.append(f"  {marks.get(c.outcome, '?')} {c.name} {c.points}/{c.max_points}")
            if c.outcome != PASSED and c.message:
                lines.append("      " + pictures.expand(c.message, "  ").replace("\n", "\n      "))
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        r = self.result
        colour = {"passed": "#1a7f37", "failed": "#cf222e", "not_attempted": "#9a6700",
                  "error": "#cf222e"}
        rows = "".join(
            f"<tr><td style='color:{colour.get(c.outcome, '#000')}'>{html.escape(c.outcome)}</td>"
            f"<td><code>{html.escape(c.name)}</code></td><td>{c.points}/{c.max_points}</td>"
            f"<td>{pictures.html(c.message) if c.outcome != PASSED else ''}</td></tr>"
            for c in r.checks)
        head = (f"<p><b>learn check {html.escape(r.exercise)}</b>: "
                f"<span style='color:{colour.get(r.outcome, '#000')}'>{html.escape(r.outcome)}</span>"
                f", {r.score}/{r.max_score} points <small>(seed {r.seed}, {html.escape(r.device)})</small>"
                + (f"<br>{html.escape(r.message)}" if r.message else "") + "</p>")
        table = ("<table><tr><th>outcome</th><th>check</th><th>points</th><th>message</th></tr>"
                 + rows + "</table>") if rows else ""
        return head + table


def check(exercise_id: str, *, seed: int | None = None, device: str = "auto") -> CheckReport:
    """Run the hidden checks of ``exercise_id`` on this notebook's definitions.

    What is graded, from the cells this kernel ran, in order: every top-level import, and
    the definitions (``def``, ``class``) and top-level assignments that the exercise's names
    need, with the helpers and constants they use (``NUM_HIDDENS = 64``, ``loss =
    nn.CrossEntropyLoss()``). Never graded: calls of ``check``, ``hint`` or ``quiz``, other
    expression statements (prints, plots, training runs), top-level ``for``, ``while``,
    ``with``, ``if`` (``if __name__ == "__main__":`` included) and ``try`` blocks, IPython
    magics. So one cell may define ``dropout_layer`` and end with ``check("mlp/dropout")``.
    Errors name the cell (``cell In[5], line 3``). The full rule: :data:`SUBMISSION_RULE`.

    Args:
        exercise_id: the exercise, e.g. ``"mlp/dropout"``.
        seed: replay the inputs of an earlier run (its seed is shown).
        device: ``"auto"``, ``"cpu"`` or ``"cuda"``.

    Returns:
        The report, shown as a table (with a map of the wrong cells where a check has one).
    """
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
        return f"CheckFailed: {self}".splitlines()


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
    raise CheckFailed(f"{check_name}: {pictures.expand(why)}")


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
