"""The ``learn`` command line. Thin commands over plain functions; torch is never imported here.

Exit codes: 0 success (every check passed, every quiz answer right); 1 the submission or
answers earned less; 2 usage or content error (unknown id, malformed file, no workspace).
"""

from __future__ import annotations

import ast
import os
import re
import sys
from pathlib import Path
from typing import Any, NoReturn

import click

from grader import __version__
from grader.catalog import Catalog, Exercise, UnknownExercise, load_catalog, paths_for, suggest
from grader.yamlio import ContentError

CONTEXT_SETTINGS = {"help_option_names": ["-h", "--help"], "max_content_width": 100}


def _die(message: str, code: int = 2) -> NoReturn:
    click.echo(f"error: {message}", err=True)
    sys.exit(code)


def _catalog() -> Catalog:
    try:
        return load_catalog()
    except ContentError as exc:
        _die(str(exc))


def _exercise(exercise_id: str) -> Exercise:
    try:
        return _catalog().get(exercise_id)
    except UnknownExercise as exc:
        _die(str(exc))


def _complete_ids(ctx: click.Context, param: click.Parameter, incomplete: str) -> list[Any]:
    from click.shell_completion import CompletionItem

    try:
        catalog = load_catalog()
    except ContentError:
        return []
    return [CompletionItem(e.id, help=e.title) for e in catalog.exercises
            if e.id.startswith(incomplete)]


def _workspace(ctx: click.Context) -> Path:
    from grader.workspace import WorkspaceError, find_workspace

    try:
        return find_workspace(ctx.obj.get("workspace"))
    except WorkspaceError as exc:
        _die(str(exc))


def _progress() -> Any:
    from grader.progress import Progress

    store = Progress.open()
    if store.notice:
        click.echo(f"warning: {store.notice}", err=True)
    return store


ID = click.argument("exercise_id", metavar="ID", shell_complete=_complete_ids)


@click.group(context_settings=CONTEXT_SETTINGS)
@click.version_option(__version__, "--version", prog_name="learn")
@click.option("--workspace", envvar="LEARN_WORKSPACE", type=click.Path(file_okay=False),
              help="The workspace folder (default: the clone or workspace you are in).")
@click.pass_context
def cli(ctx: click.Context, workspace: str | None) -> None:
    """Self-grading Dive into Deep Learning exercises and concept quizzes.

    \b
    A first session:
      learn exercise list          what there is, and where you stand
      learn exercise show ID       the task and the file to edit
      learn check ID               run the hidden checks on your code
      learn hint ID                the next hint
      learn quiz ID                concept questions
    """
    ctx.ensure_object(dict)
    ctx.obj["workspace"] = workspace


@cli.group()
def exercise() -> None:
    """List and show exercises."""


def _quiz_text(progress: Any) -> str:
    if progress is None or progress.quiz_total is None:
        return ""
    return f"{progress.quiz_correct}/{progress.quiz_total}"


@exercise.command("list")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table",
              show_default=True)
def exercise_list(fmt: str) -> None:
    """Every exercise in learning order, with your status and quiz score."""
    from grader.progress import STATUS_NOT_STARTED

    catalog = _catalog()
    with _progress() as store:
        summary = store.summary()
    rows = []
    for ex in catalog.exercises:
        p = summary.get(ex.id)
        rows.append({"id": ex.id, "title": ex.title, "section": ex.section,
                     "status": p.status if p else STATUS_NOT_STARTED,
                     "score": p.last_score if p else 0, "max_score": ex.points,
                     "quiz": _quiz_text(p), "hints_shown": p.hints_shown if p else 0})
    if fmt == "json":
        from grader.render import print_json

        print_json(rows)
        return
    from grader.render import console, exercise_table

    exercise_table(console(), rows)


def _docstring_and_signatures(path: Path, names: tuple[str, ...]) -> tuple[str, list[str]]:
    try:
        tree = ast.parse(path.read_text(encoding="utf-8"))
    except (OSError, SyntaxError):
        return "", list(names)
    doc = ast.get_docstring(tree) or ""
    sigs = []
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.ClassDef)) and node.name in names:
            if isinstance(node, ast.FunctionDef):
                ret = f" -> {ast.unparse(node.returns)}" if node.returns else ""
                sigs.append(f"def {node.name}({ast.unparse(node.args)}){ret}")
            else:
                init = next((n for n in node.body if isinstance(n, ast.FunctionDef)
                             and n.name == "__init__"), None)
                args = ast.unparse(init.args) if init else ""
                bases = ", ".join(ast.unparse(b) for b in node.bases)
                sigs.append(f"class {node.name}({bases}): __init__({args})")
    return doc, sigs


@exercise.command("show")
@ID
@click.option("--verbose", "-v", is_flag=True, help="List every forbidden name, aliases included.")
@click.pass_context
def exercise_show(ctx: click.Context, exercise_id: str, verbose: bool) -> None:
    """The statement, your file, and the names to define."""
    from grader.workspace import WorkspaceError, find_workspace, learner_file

    ex = _exercise(exercise_id)
    doc, sigs = _docstring_and_signatures(paths_for(ex.id).stub, ex.names)
    click.echo(click.style(f"{ex.id}: {ex.title}", bold=True))
    click.echo(f"seed section: {ex.section}    points: {ex.points}    hints: {len(ex.hints)}")
    try:
        click.echo(f"your file: {learner_file(find_workspace(ctx.obj.get('workspace')), ex)}")
    except WorkspaceError as exc:
        click.echo(f"your file: (no workspace: {exc})")
    click.echo("\nDefine:")
    for sig in sigs:
        click.echo(f"  {sig}")
    if ex.forbidden:
        click.echo("\nNot allowed: " + "; ".join(ex.forbidden_summary or ex.forbidden))
        if verbose:
            click.echo(f"  ({len(ex.forbidden)} names:)")
            for name in ex.forbidden:
                click.echo(f"  {name}")
        else:
            click.echo(f"  ({len(ex.forbidden)} names in all: `learn exercise show {ex.id} --verbose`)")
    if doc:
        click.echo("\n" + doc)
    click.echo(f"\nWhen ready: learn check {ex.id}")


@cli.command()
@ID
@click.option("--submission", type=click.Path(dir_okay=False),
              help="Grade this .py file instead of your workspace copy.")
@click.option("--device", type=click.Choice(["auto", "cpu", "cuda"]), default="auto",
              show_default=True, help="Where the checks (and the reference) run.")
@click.option("--seed", type=click.IntRange(0, 2**31 - 1), help="Replay the inputs of an earlier run.")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text",
              show_default=True)
@click.option("--timeout", type=click.FloatRange(min=1.0), help="Seconds before the checks are stopped.")
@click.pass_context
def check(ctx: click.Context, exercise_id: str, submission: str | None, device: str,
          seed: int | None, fmt: str, timeout: float | None) -> None:
    """Run the hidden checks for ID on your code (exit 0 only when all pass)."""
    from grader.runner import Job, grade_one, new_seed
    from grader.workspace import learner_file

    ex = _exercise(exercise_id)
    if submission:
        path = Path(submission)
        if not path.is_file():
            _die(f"no such file: {submission}")
    else:
        path = learner_file(_workspace(ctx), ex)
        if not path.is_file():
            _die(f"your file {path} is missing; restore the stub with `learn reset {ex.id}`")
    result = grade_one(Job(ex, path, seed if seed is not None else new_seed(), device, timeout))
    if result.isolation == "none" and fmt != "json":
        click.echo("note: your code ran without the sandbox's isolation here (no usable "
                   "bubblewrap or namespaces); the checks are the same, but the grade is a "
                   "self-check, not one an instructor can trust", err=True)
    if not submission:
        with _progress() as store:
            store.record_check(ex.id, result.outcome, result.score, result.max_score, result.seed)
    if fmt == "json":
        from grader.render import print_json

        print_json(result.to_json())
    else:
        from grader.render import check_result, console

        check_result(console(), result, file=str(path))
    sys.exit(0 if result.passed else 1)


@cli.command()
@ID
def hint(exercise_id: str) -> None:
    """Show the next hint for ID (one more each time)."""
    ex = _exercise(exercise_id)
    with _progress() as store:
        index = store.take_hint(ex.id, len(ex.hints))
    click.echo(click.style(f"Hint {index + 1} of {len(ex.hints)} for {ex.id}:", bold=True))
    click.echo(ex.hints[index])
    if index + 1 < len(ex.hints):
        click.echo(f"(run `learn hint {ex.id}` again for the next one)")
    else:
        click.echo(f"(that was the last hint; `learn solution {ex.id} --force` shows the reference)")


def _load_quiz(ex: Exercise) -> Any:
    from grader.quiz import parse_quiz

    path = paths_for(ex.id).quiz
    if not path.is_file():
        _die(f"{ex.id} has no quiz yet")
    try:
        return parse_quiz(path)
    except ContentError as exc:
        _die(str(exc))


@cli.command()
@ID
@click.option("--answers", type=click.Path(dir_okay=False, exists=True),
              help="A YAML mapping question id -> answer (non-interactive).")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text",
              show_default=True)
def quiz(exercise_id: str, answers: str | None, fmt: str) -> None:
    """Concept questions about ID (interactive, or graded from --answers FILE)."""
    from grader import quiz as quizmod

    ex = _exercise(exercise_id)
    q = _load_quiz(ex)
    if answers:
        given = _read_answers(Path(answers), q)
        results = quizmod.grade_answers(q, given)
    else:
        results = _ask(q, fmt)
    correct = sum(r.correct for r in results)
    with _progress() as store:
        store.record_quiz(ex.id, correct, len(results))
    if fmt == "json":
        from grader.render import print_json

        print_json({"exercise": ex.id, "correct": correct, "total": len(results),
                    "questions": [{"id": r.question.id, "correct": r.correct,
                                   "given": list(r.given) if isinstance(r.given, tuple) else r.given,
                                   "problem": r.problem,
                                   "explanation": r.question.explanation} for r in results]})
    else:
        if answers:
            for r in results:
                _show_answer(r)
        click.echo(click.style(f"{correct}/{len(results)} correct", bold=True))
    sys.exit(0 if correct == len(results) else 1)


def _read_answers(path: Path, q: Any) -> dict[str, Any]:
    from grader.yamlio import load_yaml

    try:
        data = load_yaml(path)
    except ContentError as exc:
        _die(str(exc))
    if not isinstance(data, dict):
        _die(f"{path}: the answers file must be a mapping of question id to answer")
    ids = [question.id for question in q.questions]
    for key in data:
        if key not in ids:
            near = suggest(str(key), ids)
            extra = f"; did you mean {' or '.join(near)}?" if near else ""
            _die(f"{path}: unknown question id {key!r}{extra} (questions: {', '.join(ids)})")
    return dict(data)


def _show_question(question: Any, number: int, total: int) -> None:
    from grader.quiz import LETTERS

    click.echo(click.style(f"\nQ{number}/{total} [{question.id}] ", bold=True) + question.prompt)
    if question.prompt_zh:
        click.echo(f"    {question.prompt_zh}")
    for letter, choice in zip(LETTERS, question.choices):
        click.echo(f"  {letter}) {choice}")
    if question.kind == "multiple":
        click.echo("  (choose all that apply, e.g. a,c)")


def _show_answer(result: Any) -> None:
    q = result.question
    if result.correct:
        click.echo(click.style(f"✓ {q.id}: correct", fg="green"))
    else:
        why = f" ({result.problem})" if result.problem else ""
        click.echo(click.style(f"✗ {q.id}: wrong{why}; the answer is {q.correct_text()}", fg="red"))
    click.echo(f"  {q.explanation}")
    if q.explanation_zh:
        click.echo(f"  {q.explanation_zh}")


def _ask(q: Any, fmt: str) -> list[Any]:
    from grader.quiz import AnswerResult, is_correct, parse_answer

    results = []
    for number, question in enumerate(q.questions, 1):
        _show_question(question, number, len(q.questions))
        while True:
            raw = click.prompt("your answer", default="", show_default=False)
            try:
                given = parse_answer(question, raw)
                break
            except ValueError as exc:
                click.echo(f"  {exc}")
        result = AnswerResult(question, given, is_correct(question, given))
        _show_answer(result)
        results.append(result)
    return results


@cli.command()
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text",
              show_default=True)
def progress(fmt: str) -> None:
    """Where you stand: exercises passed and failing, quiz scores, hints used."""
    catalog = _catalog()
    with _progress() as store:
        summary = store.summary()
        location = store.path
    rows = []
    for ex in catalog.exercises:
        p = summary.get(ex.id)
        rows.append({"id": ex.id, "title": ex.title,
                     "status": p.status if p else "not started",
                     "attempts": p.attempts if p else 0, "hints_shown": p.hints_shown if p else 0,
                     "quiz": _quiz_text(p)})
    if fmt == "json":
        from grader.render import print_json

        print_json({"store": str(location), "exercises": rows})
        return
    passed = sum(r["status"] == "passed" for r in rows)
    failing = sum(r["status"] == "failing" for r in rows)
    quizzes = sum(bool(r["quiz"]) for r in rows)
    hints = sum(r["hints_shown"] for r in rows)
    click.echo(f"{passed}/{len(rows)} exercises passed, {failing} failing; "
               f"{quizzes} quizzes taken; {hints} hints used.")
    for r in rows:
        if r["status"] != "not started" or r["quiz"] or r["hints_shown"]:
            click.echo(f"  {r['id']:<32} {r['status']:<14} attempts {r['attempts']:<3} "
                       f"hints {r['hints_shown']:<2} quiz {r['quiz'] or '-'}")
    click.echo(f"(progress is stored in {location})")


@cli.command()
@ID
@click.option("--force", is_flag=True, help="Show it even though you have not passed yet.")
def solution(exercise_id: str, force: bool) -> None:
    """Show the reference solution (once you have passed ID)."""
    ex = _exercise(exercise_id)
    if not force:
        with _progress() as store:
            passed = store.ever_passed(ex.id)
        if not passed:
            _die(f"pass `learn check {ex.id}` first (or use --force to peek)", 1)
    click.echo(paths_for(ex.id).solution.read_text(encoding="utf-8"), nl=False)


@cli.command()
@ID
@click.pass_context
def reset(ctx: click.Context, exercise_id: str) -> None:
    """Restore the stub of ID; your version is kept as a backup."""
    from grader.workspace import reset_exercise

    ex = _exercise(exercise_id)
    workspace = _workspace(ctx)
    backup = reset_exercise(workspace, ex)
    click.echo(f"restored the stub of {ex.id}")
    if backup:
        click.echo(f"your previous version is saved as {backup}")


@cli.command()
@click.argument("directory", type=click.Path(file_okay=False))
def init(directory: str) -> None:
    """Create a workspace in DIRECTORY with a copy of every exercise stub."""
    from grader.workspace import init_workspace

    written, kept = init_workspace(Path(directory), _catalog())
    click.echo(f"workspace ready in {Path(directory).resolve()}: {len(written)} stubs written"
               + (f", {len(kept)} existing files kept untouched" if kept else ""))
    click.echo(f"next: cd {directory} && learn exercise list")


@cli.group("nbgrader")
def nbgrader_group() -> None:
    """Export the course for nbgrader (instructors)."""


@nbgrader_group.command("export")
@click.option("--course-dir", required=True, type=click.Path(file_okay=False),
              help="The nbgrader course directory (created if missing).")
@click.option("--assignment", default="d2l", show_default=True,
              help="The assignment name: notebooks go to COURSE_DIR/source/ASSIGNMENT/.")
@click.option("--force", is_flag=True,
              help="Replace notebooks that differ from the export (each is backed up first).")
@click.argument("exercise_ids", nargs=-1, metavar="[IDS]...", shell_complete=_complete_ids)
def nbgrader_export(course_dir: str, assignment: str, force: bool,
                    exercise_ids: tuple[str, ...]) -> None:
    """Write one nbgrader source notebook per exercise (all exercises when no IDS)."""
    from grader.export.nbgrader import write_course
    from grader.runner import collect_checks

    if not re.fullmatch(r"[A-Za-z0-9_.-]+", assignment):
        _die(f"assignment name {assignment!r} may only use letters, digits, '.', '_' and '-'")
    catalog = _catalog()
    exercises = [_exercise(i) for i in exercise_ids] if exercise_ids else list(catalog.exercises)
    try:
        checks = collect_checks(exercises)
    except RuntimeError as exc:
        _die(str(exc), 3)
    report = write_course(Path(course_dir), assignment, exercises, checks, force=force)
    if report.config:
        click.echo(f"wrote {report.config}")
    for path in report.written:
        click.echo(f"wrote {path}")
    for path in report.unchanged:
        click.echo(f"unchanged {path}")
    for path in report.backups:
        click.echo(f"backed up the previous notebook as {path}")
    for path in report.refused:
        click.echo(f"refused to overwrite {path}: it differs from the export (edited?); "
                   "rerun with --force to replace it (a backup is kept)", err=True)
    if report.refused:
        sys.exit(1)
    click.echo(f"next: cd {course_dir} && nbgrader generate_assignment {assignment}")


@cli.command()
@click.argument("submissions", type=click.Path(file_okay=False, exists=True))
@click.option("--exercise", "exercise_ids", multiple=True, metavar="ID", shell_complete=_complete_ids,
              help="Grade only this exercise (repeatable; default: every exercise).")
@click.option("--jobs", type=click.IntRange(1, 64), default=lambda: min(4, os.cpu_count() or 1),
              show_default="min(4, CPUs)", help="Submissions graded in parallel.")
@click.option("--out", type=click.Path(file_okay=False), default="learn-grades", show_default=True,
              help="Where results go; a rerun with the same arguments resumes there.")
@click.option("--format", "fmt", default="csv,json,junit", show_default=True,
              help="Comma-separated: csv, json, gradescope, junit.")
@click.option("--timeout", type=click.FloatRange(min=1.0), help="Seconds per submission and exercise.")
@click.option("--seed", type=click.IntRange(0, 2**31 - 1), help="The inputs' seed (default: random, kept in OUT/run.json).")
@click.option("--allow-unisolated", is_flag=True,
              help="Grade even where the sandbox's namespaces are unavailable (trusted code only).")
def grade(submissions: str, exercise_ids: tuple[str, ...], jobs: int, out: str, fmt: str,
          timeout: float | None, seed: int | None, allow_unisolated: bool) -> None:
    """Grade a folder of student submissions (one folder per student)."""
    from grader.batch import FORMATS, GradeError, grade_class

    formats = tuple(f.strip() for f in fmt.split(",") if f.strip())
    bad = [f for f in formats if f not in FORMATS]
    if bad or not formats:
        _die(f"unknown format {', '.join(bad) or '(none)'}; choose from {', '.join(FORMATS)}")
    exercises = [_exercise(i) for i in exercise_ids] if exercise_ids else list(_catalog().exercises)
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeElapsedColumn

    with Progress("grading", BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                  console=__import__("grader.render", fromlist=["console"]).console(stderr=True),
                  disable=not sys.stderr.isatty(), transient=True) as bar:
        task = bar.add_task("grading", total=None)

        def on_progress(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        try:
            summary = grade_class(Path(submissions), exercises, Path(out), jobs=jobs,
                                  timeout=timeout, seed=seed, formats=formats,
                                  on_progress=on_progress, allow_unisolated=allow_unisolated)
        except GradeError as exc:
            _die(str(exc))
    counts = summary.counts()
    students = len({s for s, _ in summary.results})
    click.echo(f"graded {len(summary.results)} submissions of {students} student(s) "
               f"({summary.graded_now} now, {summary.resumed} already done): "
               + ", ".join(f"{counts.get(k, 0)} {k.replace('_', ' ')}" for k in
                           ("passed", "failed", "not_attempted", "error", "timeout", "not_submitted")))
    for path in summary.outputs:
        click.echo(f"wrote {path}")
    if summary.infrastructure_errors:
        _die(f"{summary.infrastructure_errors} submission(s) could not be graded by the grader "
             "itself; rerun the same command to retry them", 3)


@cli.group("gradescope")
def gradescope_group() -> None:
    """Build a Gradescope autograder (instructors)."""


@gradescope_group.command("build")
@click.argument("exercise_ids", nargs=-1, metavar="[IDS]...", shell_complete=_complete_ids)
@click.option("--out", type=click.Path(dir_okay=False), default="autograder.zip", show_default=True)
def gradescope_build(exercise_ids: tuple[str, ...], out: str) -> None:
    """Write an autograder zip (setup.sh, run_autograder, this package) for IDS (default: all)."""
    from grader.export.gradescope import build_zip

    exercises = [_exercise(i) for i in exercise_ids] if exercise_ids else list(_catalog().exercises)
    names = build_zip(Path(out), exercises)
    click.echo(f"wrote {out} ({len(names)} files) for {', '.join(e.id for e in exercises)}")
    click.echo("upload it as the assignment's autograder on Gradescope")


def main() -> None:
    """Entry point: a clean message, never a traceback, for unexpected failures."""
    try:
        cli(obj={})
    except KeyboardInterrupt:
        click.echo("interrupted", err=True)
        sys.exit(130)
    except Exception as exc:  # noqa: BLE001 - last line of defence
        if os.environ.get("LEARN_DEBUG"):
            raise
        click.echo(f"internal error: {type(exc).__name__}: {exc} (set LEARN_DEBUG=1 for "
                   "details, and please report it)", err=True)
        sys.exit(3)


if __name__ == "__main__":
    main()
