"""Export exercises as an nbgrader course source, as a pipeline of small named steps.

Each exercise becomes ``source/<assignment>/<chapter>-<name>.ipynb`` with:

1. :func:`statement_cell`: the task (markdown, read-only);
2. :func:`solution_cell`: the stub with each ``raise NotImplementedError`` replaced by the
   reference between ``### BEGIN SOLUTION`` / ``### END SOLUTION`` (so ``nbgrader
   generate_assignment`` gives the stub back);
3. :func:`check_cells`: one autograded test cell per hidden check, worth its points, whose
   hidden part calls :func:`grader.notebook.nbgrader_check` (the checks themselves never enter
   the notebook, so neither the release nor the feedback reveals them);
4. :func:`quiz_cells`: choice and numeric questions as answer cells with autograded tests,
   text questions as manually graded markdown answers.

Cell metadata follows nbgrader's schema version 3.
"""

from __future__ import annotations

import ast
import json
import re
import shutil
import textwrap
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from grader.catalog import Exercise, paths_for
from grader.quiz import LETTERS, Quiz, parse_quiz

NBFORMAT_MINOR = 5
BACKUPS = "learn-backups"
"""Where ``--force`` keeps replaced notebooks: ``COURSE/learn-backups/<assignment>/``, outside
``source/`` (nbgrader would release a backup there as one more notebook)."""

CONFIG = '''\
# nbgrader configuration written by `learn nbgrader export`. Edit freely: learn never
# overwrites this file.
c = get_config()  # noqa: F821

# A hidden-check cell grades the whole exercise once (in a separate process with its own
# timeout), so it may take a while on a slow machine; a student's endless loop at the top
# level of a cell is interrupted and scores zero instead of hanging the autograder.
c.Execute.timeout = 240
c.Execute.interrupt_on_timeout = True

# Strip the hidden-test region from the feedback too (nbgrader keeps it by default).
from nbconvert.preprocessors import CSSHTMLHeaderPreprocessor  # noqa: E402
from nbgrader.preprocessors import ClearHiddenTests, GetGrades  # noqa: E402

c.GenerateFeedback.preprocessors = [ClearHiddenTests, GetGrades, CSSHTMLHeaderPreprocessor]
'''


def _slug(exercise_id: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", exercise_id.lower()).strip("-")


def notebook_name(exercise: Exercise) -> str:
    return f"{_slug(exercise.id)}.ipynb"


def _meta(grade_id: str, *, grade: bool = False, solution: bool = False, locked: bool = False,
          points: int | None = None) -> dict[str, Any]:
    meta: dict[str, Any] = {"grade": grade, "grade_id": grade_id, "locked": locked,
                            "schema_version": 3, "solution": solution, "task": False}
    if points is not None:
        meta["points"] = points
    return {"nbgrader": meta}


def _cell(kind: str, source: str, metadata: dict[str, Any] | None = None) -> dict[str, Any]:
    cell: dict[str, Any] = {"cell_type": kind, "metadata": metadata or {},
                            "source": source.rstrip("\n")}
    if kind == "code":
        cell["execution_count"] = None
        cell["outputs"] = []
    return cell


def statement_cell(exercise: Exercise) -> dict[str, Any]:
    stub = paths_for(exercise.id).stub.read_text(encoding="utf-8")
    doc = ast.get_docstring(ast.parse(stub)) or ""
    doc = doc.replace(f"learn check {exercise.id}", f"check({exercise.id!r})")
    text = (f"# {exercise.title}\n\n*Exercise `{exercise.id}`, from the d2l course notes: "
            f"{exercise.section}.*\n\n{doc}\n\nComplete the code cell below (keep every name and "
            "signature). Your instructor grades the notebook you submit with hidden checks; "
            "the check cells below stay empty in your copy. To run the same checks yourself "
            "before you submit, install the course package (`pip install learn-d2l`, or the "
            "copy your instructor gives you) and run `from grader.notebook import check; "
            f"check({exercise.id!r})` in a new cell.")
    return _cell("markdown", text, _meta(f"{_slug(exercise.id)}-statement", locked=True))


def _is_stub_body(body: list[ast.stmt]) -> bool:
    for node in body:
        for sub in ast.walk(node):
            if isinstance(sub, ast.Raise) and sub.exc is not None:
                exc = sub.exc.func if isinstance(sub.exc, ast.Call) else sub.exc
                if isinstance(exc, ast.Name) and exc.id == "NotImplementedError":
                    return True
    return False


def _body_without_docstring(node: ast.FunctionDef) -> list[ast.stmt]:
    body = list(node.body)
    if body and isinstance(body[0], ast.Expr) and isinstance(getattr(body[0], "value", None),
                                                              ast.Constant) and isinstance(
            body[0].value.value, str):
        body = body[1:]
    return body


def _functions(tree: ast.Module) -> dict[str, ast.FunctionDef]:
    found: dict[str, ast.FunctionDef] = {}
    for node in tree.body:
        if isinstance(node, ast.FunctionDef):
            found[node.name] = node
        elif isinstance(node, ast.ClassDef):
            for item in node.body:
                if isinstance(item, ast.FunctionDef):
                    found[f"{node.name}.{item.name}"] = item
    return found


def _lines(source: str, first: int, last: int) -> str:
    return "\n".join(source.splitlines()[first - 1:last])


def _names_used(node: ast.AST) -> set[str]:
    return {n.id for n in ast.walk(node) if isinstance(n, ast.Name)}


def _helpers_for(node: ast.AST, helpers: dict[str, ast.stmt]) -> list[str]:
    """The reference's own top-level helpers that ``node`` needs (transitively)."""
    needed: set[str] = set()
    todo = [node]
    while todo:
        for name in _names_used(todo.pop()):
            if name in helpers and name not in needed:
                needed.add(name)
                todo.append(helpers[name])
    return [name for name in helpers if name in needed]


def _helper_name(node: ast.stmt) -> str | None:
    if isinstance(node, (ast.FunctionDef, ast.ClassDef)):
        return node.name
    if isinstance(node, (ast.Assign, ast.AnnAssign)):
        targets = node.targets if isinstance(node, ast.Assign) else [node.target]
        names = [t.id for t in targets if isinstance(t, ast.Name)]
        return names[0] if names else None
    return None


def solution_cell(exercise: Exercise) -> dict[str, Any]:
    """The stub, its NotImplementedError bodies replaced by the reference's, as solutions.

    The reference's private top-level helpers are nested into each solution region that
    needs them, so the released stub has no stray top-level ``raise NotImplementedError``.
    """
    paths = paths_for(exercise.id)
    stub = paths.stub.read_text(encoding="utf-8")
    ref = paths.solution.read_text(encoding="utf-8")
    stub_tree, ref_tree = ast.parse(stub), ast.parse(ref)
    ref_functions = _functions(ref_tree)
    stub_names = {getattr(n, "name", None) for n in stub_tree.body}
    helpers: dict[str, ast.stmt] = {}
    for node in ref_tree.body:
        name = _helper_name(node)
        if name and name not in stub_names:
            helpers[name] = node
    lines = stub.splitlines()
    edits: list[tuple[int, int, list[str]]] = []
    for qualname, node in _functions(stub_tree).items():
        body = _body_without_docstring(node)
        if not body or not _is_stub_body(body) or qualname not in ref_functions:
            continue
        ref_node = ref_functions[qualname]
        ref_body = _body_without_docstring(ref_node)
        indent = " " * body[0].col_offset
        pieces = [ast.get_source_segment(ref, helpers[h]) or "" for h in
                  _helpers_for(ref_node, helpers)]
        pieces.append(textwrap.dedent(_lines(ref, ref_body[0].lineno, ref_body[-1].end_lineno or 0)))
        code = "\n\n".join(pieces)
        new = [f"{indent}### BEGIN SOLUTION", *textwrap.indent(code, indent).splitlines(),
               f"{indent}### END SOLUTION"]
        edits.append((body[0].lineno, body[-1].end_lineno or body[0].lineno, new))
    for first, last, new in sorted(edits, reverse=True):
        lines[first - 1:last] = new
    stub_imports = {ast.unparse(n) for n in stub_tree.body if isinstance(n, (ast.Import, ast.ImportFrom))}
    extra_imports = [ast.get_source_segment(ref, n) or "" for n in ref_tree.body
                     if isinstance(n, (ast.Import, ast.ImportFrom)) and ast.unparse(n) not in stub_imports]
    code = "\n".join(lines)
    docstring = ast.get_docstring(stub_tree, clean=False)
    if docstring is not None and stub_tree.body:
        code = "\n".join(code.splitlines()[stub_tree.body[0].end_lineno or 0:]).lstrip("\n")
    if extra_imports:
        code = "\n".join(extra_imports) + "\n" + code
    return _cell("code", code, _meta(f"{_slug(exercise.id)}-solution", solution=True))


def check_cells(exercise: Exercise, checks: list[tuple[str, int]]) -> list[dict[str, Any]]:
    """One autograded test cell per hidden check, worth the check's points."""
    cells = []
    for i, (name, points) in enumerate(checks, 1):
        pretty = name.replace("_", " ")
        source = (f"# Hidden check {i} of {len(checks)} ({points} point{'s' * (points != 1)}): "
                  f"{pretty}\nfrom grader.notebook import nbgrader_check\n"
                  f"### BEGIN HIDDEN TESTS\nnbgrader_check({exercise.id!r}, {name!r})\n"
                  "### END HIDDEN TESTS")
        cells.append(_cell("code", source, _meta(f"{_slug(exercise.id)}-check-{i}", grade=True,
                                                 locked=True, points=points)))
    return cells


def _var(question_id: str) -> str:
    return "answer_" + re.sub(r"\W+", "_", question_id)


def quiz_cells(exercise: Exercise, quiz: Quiz, lang: str | None = None) -> list[dict[str, Any]]:
    """The quiz part of a source notebook, in ``lang`` (en, zh or both; default: ``LEARN_LANG``
    or the locale, both when unsure). Every student gets the same notebook, so the options
    keep the quiz file's order (its letters are the ones graded; the bank's content test keeps
    that order fair)."""
    from grader.quiz import default_lang

    lang = lang or default_lang()
    slug = _slug(exercise.id)
    intro = {"en": "## Concept questions\n\nAnswer in the cells below.",
             "zh": "## 概念题\n\n请在下面的单元格中作答。"}
    cells = [_cell("markdown", intro.get(lang) or f"{intro['en']}\n\n{intro['zh'][3:]}",
                   _meta(f"{slug}-quiz-intro", locked=True))]
    for question in quiz.questions:
        qslug = f"{slug}-quiz-{_slug(question.id)}"
        if lang == "zh" and question.prompt_zh:
            text = f"**{question.prompt_zh}**"
        else:
            text = f"**{question.prompt}**"
            if lang == "both" and question.prompt_zh:
                text += f"\n\n{question.prompt_zh}"
        for i, letter in zip(range(len(question.choices)), LETTERS):
            choice = question.choice_text(i, "zh" if lang == "zh" else "en")
            if lang == "both" and question.choices_zh:
                choice += f"<br>{question.choices_zh[i]}"
            text += f"\n\n{letter}) {choice}"
        if question.kind == "text":
            cells.append(_cell("markdown", text, _meta(f"{qslug}-question", locked=True)))
            answer = (f"Accepted: {', '.join(question.accepted)}.\n\n"
                      f"{question.explanation_text(lang)}")
            cells.append(_cell("markdown", answer, _meta(f"{qslug}-answer", grade=True,
                                                         solution=True, points=1)))
            continue
        how = {"single": 'one letter in quotes, e.g. "b"',
               "multiple": 'a list of letters, e.g. ["a", "c"]',
               "numeric": "a number"}[question.kind]
        cells.append(_cell("markdown", text, _meta(f"{qslug}-question", locked=True)))
        cells.append(_cell("code", f"{_var(question.id)} = None  # your answer: {how}"))
        test = (f"# Checks your answer to the question above (1 point)\n"
                f"from grader.notebook import nbgrader_quiz\n### BEGIN HIDDEN TESTS\n"
                f"nbgrader_quiz({exercise.id!r}, {question.id!r}, {_var(question.id)})\n"
                "### END HIDDEN TESTS")
        cells.append(_cell("code", test, _meta(f"{qslug}-check", grade=True, locked=True, points=1)))
    return cells


def build_notebook(exercise: Exercise, checks: list[tuple[str, int]]) -> dict[str, Any]:
    """The whole source notebook of one exercise."""
    cells = [statement_cell(exercise), solution_cell(exercise), *check_cells(exercise, checks)]
    quiz_path = paths_for(exercise.id).quiz
    if quiz_path.is_file():
        cells += quiz_cells(exercise, parse_quiz(quiz_path))
    for i, cell in enumerate(cells):
        cell["id"] = f"cell-{i}"
    return {"cells": cells, "metadata": {
        "kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
        "language_info": {"name": "python"}}, "nbformat": 4, "nbformat_minor": NBFORMAT_MINOR}


@dataclass(frozen=True)
class ExportReport:
    written: list[Path]
    unchanged: list[Path]
    backups: list[Path]
    refused: list[Path]
    config: Path | None


def write_course(course_dir: Path, assignment: str, exercises: list[Exercise],
                 checks: dict[str, list[tuple[str, int]]], *, force: bool = False) -> ExportReport:
    """Write the notebooks; an existing, different notebook is refused (or, with ``force``,
    backed up first). ``nbgrader_config.py`` is written only if missing."""
    folder = course_dir / "source" / assignment
    folder.mkdir(parents=True, exist_ok=True)
    written, unchanged, backups, refused = [], [], [], []
    config = course_dir / "nbgrader_config.py"
    made_config = None
    if not config.exists():
        config.write_text(CONFIG, encoding="utf-8")
        made_config = config
    for exercise in exercises:
        path = folder / notebook_name(exercise)
        text = json.dumps(build_notebook(exercise, checks[exercise.id]), indent=1,
                          ensure_ascii=False) + "\n"
        if path.exists():
            if path.read_text(encoding="utf-8") == text:
                unchanged.append(path)
                continue
            if not force:
                refused.append(path)
                continue
            # Outside source/: nbgrader releases every notebook it finds there.
            backup = (course_dir / BACKUPS / assignment
                      / f"{path.stem}.backup-{time.strftime('%Y%m%d-%H%M%S')}.ipynb")
            backup.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(path, backup)
            backups.append(backup)
        path.write_text(text, encoding="utf-8")
        written.append(path)
    return ExportReport(written, unchanged, backups, refused, made_config)


# --------------------------------------------------------------------------- trusted grading
# ``learn grade COURSE_DIR`` grades nbgrader's ``submitted/<student>/<assignment>/*.ipynb``
# without running a notebook: each exercise's definitions are extracted as the notebook
# ``check()`` does, graded by the trusted pipeline, and the scores written into nbgrader's
# gradebook. nbgrader itself runs a student's code in the kernel that runs its test cells, so a
# student can forge any nbgrader grade (``os._exit``, patching ``nbgrader_check``, ...).

def is_course(folder: Path) -> bool:
    """An nbgrader course directory: a ``submitted/`` folder beside its config or gradebook."""
    return (folder / "submitted").is_dir() and any(
        (folder / name).is_file() for name in ("nbgrader_config.py", "gradebook.db"))


def course_assignment(course: Path, assignment: str | None) -> str:
    """The assignment to grade: the one named, or the only one submitted."""
    found = sorted({p.name for p in (course / "submitted").glob("*/*") if p.is_dir()})
    if assignment is not None:
        if assignment not in found:
            raise ValueError(f"no student submitted assignment {assignment!r} in "
                             f"{course / 'submitted'} (found: {', '.join(found) or 'none'})")
        return assignment
    if len(found) != 1:
        raise ValueError(f"{course / 'submitted'} holds assignments {', '.join(found) or '(none)'}; "
                         "choose one with --assignment")
    return found[0]


def course_exercises(course: Path, assignment: str, exercises: list[Exercise]) -> list[Exercise]:
    """The exercises whose notebook is in the assignment (its source, or any submission)."""
    names = {p.name for p in (course / "source" / assignment).glob("*.ipynb")}
    names |= {p.name for p in (course / "submitted").glob(f"*/{assignment}/*.ipynb")}
    return [e for e in exercises if notebook_name(e) in names]


def _code_cells(path: Path) -> list[str]:
    nb = json.loads(path.read_text(encoding="utf-8"))
    cells = []
    for cell in nb.get("cells", []):
        if cell.get("cell_type") == "code":
            src = cell.get("source", "")
            cells.append(src if isinstance(src, str) else "".join(src))
    return cells


def extract_class(course: Path, assignment: str, exercises: list[Exercise],
                  folder: Path) -> dict[str, dict[str, Path | None]]:
    """student -> exercise id -> the extracted ``.py`` under ``folder`` (None: not submitted).

    Nothing is executed: the code cells are read as text and what a submission is made of
    taken from them by :func:`grader.notebook.extract_submission`, as
    :func:`grader.notebook.check` does (:data:`grader.notebook.SUBMISSION_RULE`).
    """
    from grader.notebook import submission_source

    sources: dict[str, dict[str, Path | None]] = {}
    for student_dir in sorted(p for p in (course / "submitted").iterdir() if p.is_dir()):
        if not (student_dir / assignment).is_dir():
            continue
        student = student_dir.name
        sources[student] = {}
        for exercise in exercises:
            nb = student_dir / assignment / notebook_name(exercise)
            if not nb.is_file():
                sources[student][exercise.id] = None
                continue
            try:
                code = submission_source(exercise, _code_cells(nb))
            except (OSError, ValueError, AttributeError) as exc:
                code = (f"# {nb.name} is not a readable notebook ({type(exc).__name__})\n"
                        "this notebook could not be read(\n")
            target = folder / re.sub(r"[^A-Za-z0-9_.-]+", "_", student) / exercise.file
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(code, encoding="utf-8")
            sources[student][exercise.id] = target
    return sources


def quiz_answers(path: Path, exercise: Exercise) -> dict[str, Any]:
    """question id -> the literal the student assigned in its answer cell (never executed)."""
    quiz_path = paths_for(exercise.id).quiz
    if not quiz_path.is_file() or not path.is_file():
        return {}
    wanted = {_var(q.id): q.id for q in parse_quiz(quiz_path).questions}
    found: dict[str, Any] = {}
    try:
        cells = _code_cells(path)
    except (OSError, ValueError):
        return {}
    for cell in cells:
        try:
            tree = ast.parse(cell)
        except SyntaxError:
            continue
        for node in tree.body:
            if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(
                    node.targets[0], ast.Name) and node.targets[0].id in wanted:
                try:
                    found[wanted[node.targets[0].id]] = ast.literal_eval(node.value)
                except (ValueError, SyntaxError, TypeError):
                    found[wanted[node.targets[0].id]] = None
    return found


_CHECK_CALL = re.compile(r"nbgrader_check\(\s*'([^']+)'\s*,\s*'([^']+)'\s*\)")
_QUIZ_CALL = re.compile(r"nbgrader_quiz\(\s*'([^']+)'\s*,\s*'([^']+)'")


def write_gradebook(course: Path, assignment: str, exercises: list[Exercise],
                    results: list[tuple[str, Any]]) -> int:
    """Write each check's points (and each choice or numeric quiz answer's) into nbgrader's
    ``gradebook.db`` as autograded scores; returns the number of grades written.

    The assignment must be in the gradebook (``nbgrader generate_assignment`` puts it there).
    A manual score a grader already gave is kept (nbgrader's ``score`` prefers it).
    """
    import warnings

    from nbgrader.api import Gradebook, MissingEntry

    from grader.quiz import is_correct, parse_answer

    by_key = {(s, r.exercise): r for s, r in results}
    written = 0
    with warnings.catch_warnings(), Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        # nbgrader's own add_submission sets off SQLAlchemy warnings about its session: noise.
        warnings.simplefilter("ignore")
        try:
            gb.find_assignment(assignment)
        except MissingEntry:
            raise ValueError(f"assignment {assignment!r} is not in {course / 'gradebook.db'}: run "
                             f"`nbgrader generate_assignment {assignment}` first") from None
        students = sorted({s for s, _ in results})
        for student in students:
            gb.update_or_create_student(student)
            stamp = course / "submitted" / student / assignment / "timestamp.txt"
            extra = {}
            if stamp.is_file():
                extra["timestamp"] = stamp.read_text(encoding="utf-8").strip()
            try:
                gb.update_or_create_submission(assignment, student, **extra)
            except Exception:  # noqa: BLE001 - an unparsable timestamp must not lose the grade
                gb.update_or_create_submission(assignment, student)
            for exercise in exercises:
                result = by_key.get((student, exercise.id))
                stem = notebook_name(exercise)[:-len(".ipynb")]
                try:
                    notebook = gb.find_notebook(stem, assignment)
                except MissingEntry:
                    continue
                points = {c.name: c.points for c in (result.checks if result else ())}
                answers = quiz_answers(course / "submitted" / student / assignment
                                       / notebook_name(exercise), exercise)
                quiz = parse_quiz(paths_for(exercise.id).quiz) if paths_for(
                    exercise.id).quiz.is_file() else None
                for cell in notebook.grade_cells:
                    source = gb.find_source_cell(cell.name, stem, assignment).source
                    check = _CHECK_CALL.search(source)
                    question = _QUIZ_CALL.search(source)
                    if check:
                        score = float(points.get(check.group(2), 0))
                    elif question and quiz is not None:
                        q = quiz.get(question.group(2))
                        given = answers.get(question.group(2))
                        try:
                            ok = q is not None and given is not None and is_correct(
                                q, parse_answer(q, given))
                        except ValueError:
                            ok = False
                        score = float(cell.max_score) if ok else 0.0
                    else:
                        continue  # a manually graded cell (free-text quiz answers)
                    try:
                        grade = gb.find_grade(cell.name, stem, assignment, student)
                    except MissingEntry:
                        continue  # a cell added to the assignment after this submission
                    grade.auto_score = score
                    grade.needs_manual_grade = grade.manual_score is not None
                    written += 1
            gb.db.commit()
    return written
