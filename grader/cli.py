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
    from grader.render import console, exercise_table, quiz_table

    out = console()
    exercise_table(out, rows)
    topics = [r for r in _quiz_rows(summary, []) if r["quiz_only"]]
    if topics:
        out.print("\n[bold]Quiz-only topics[/] (no code to grade: `learn quiz ID`; all quizzes: "
                  "`learn quiz list`)")
        quiz_table(out, topics, review=False)


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


def _bank(quiet: bool = False) -> list[Any]:
    """Every quiz (exercises' in catalog order, then the quiz-only topics)."""
    from grader.quiz import load_bank

    try:
        return load_bank(catalog_ids=_catalog().ids)
    except ContentError as exc:
        if quiet:
            click.echo(f"warning: {exc}", err=True)
            return []
        _die(str(exc))


def _find_quiz(quiz_id: str) -> Any:
    """The quiz of an exercise or a quiz-only topic (their files have the same derived path)."""
    from grader.quiz import parse_quiz

    catalog = _catalog()
    path = paths_for(quiz_id).quiz
    if "/" in quiz_id and ".." not in quiz_id and path.is_file():
        try:
            q = parse_quiz(path)
        except ContentError as exc:
            _die(str(exc))
        if q.id == quiz_id:
            return q
    if quiz_id in catalog.ids:
        _die(f"{quiz_id} has no quiz yet")
    from grader.quiz import quiz_files

    ids = list(catalog.ids)
    for file in quiz_files():
        chapter, name = file.parent.name, file.stem
        if f"{chapter}/{name}" not in ids:
            ids.append(f"{chapter}/{name}")
    near = suggest(quiz_id, ids)
    extra = f"; did you mean {' or '.join(near)}?" if near else ""
    _die(f"unknown exercise or quiz topic {quiz_id!r}{extra} (run `learn quiz list` to see every "
         "quiz)")


def _complete_quiz_ids(ctx: click.Context, param: click.Parameter, incomplete: str) -> list[Any]:
    from click.shell_completion import CompletionItem

    from grader.quiz import load_bank

    try:
        bank = load_bank()
    except ContentError:
        return []
    return [CompletionItem(q.id) for q in bank if q.id.startswith(incomplete)] + (
        [CompletionItem("list")] if "list".startswith(incomplete) else [])


_WORDS = {
    "en": {"answer": "your answer", "correct": "correct", "wrong": "wrong",
           "is": "the answer is", "all": "(choose all that apply, e.g. a,c)"},
    "zh": {"answer": "你的答案", "correct": "正确", "wrong": "错误", "is": "答案是",
           "all": "(多选,例如 a,c)"},
}


def _problem(message: str, lang: str) -> str:
    """A parse_answer message in the quiz's language."""
    rules = [(r"answer with one letter from (\w) to (\w)", "请用 {0} 到 {1} 中的一个字母作答"),
             (r"answer with letters from (\w) to (\w).*", "请用 {0} 到 {1} 中的字母作答,例如 a,c"),
             (r"answer with a number.*", "请输入一个数,例如 0.25"),
             (r"answer with a finite number", "请输入一个有限的数"),
             (r"answer with a word or a short phrase", "请用一个词或短语作答")]
    zh = next((text.format(*m.groups()) for pattern, text in rules
               if (m := re.fullmatch(pattern, message))), "")
    if not zh or lang == "en":
        return message
    return zh if lang == "zh" else f"{message} / {zh}"


def _say(lang: str, en: str, zh: str) -> str:
    return {"en": en, "zh": zh}.get(lang, f"{en}\n{zh}")


def _score_line(correct: int, total: int, lang: str) -> str:
    en, zh = f"{correct}/{total} correct", f"答对 {correct}/{total}"
    return {"en": en, "zh": zh}.get(lang, f"{en} / {zh}")


def _word(key: str, lang: str) -> str:
    if lang == "both":
        return f"{_WORDS['en'][key]} / {_WORDS['zh'][key]}" if key != "all" else _WORDS["en"][key]
    return _WORDS[lang][key]


@cli.command()
@click.argument("quiz_id", metavar="[ID|list]", required=False, shell_complete=_complete_quiz_ids)
@click.option("--answers", type=click.Path(dir_okay=False, exists=True),
              help="A YAML mapping question id -> answer (non-interactive); its `convention:` "
                   "key says how choices are written: letters (the quiz file's own order, the "
                   "default) or text (the option's text).")
@click.option("--lang", type=click.Choice(["en", "zh", "both"]),
              help="Language of the questions (default: from LEARN_LANG or the locale; both "
                   "when unsure).")
@click.option("--review", is_flag=True,
              help="Re-ask the questions you got wrong, across all topics (or only ID's), most "
                   "missed first, until each has been answered right once.")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text",
              show_default=True)
def quiz(quiz_id: str | None, answers: str | None, lang: str | None, review: bool,
         fmt: str) -> None:
    """Concept questions about ID: an exercise or a quiz-only topic (`learn quiz list`).

    \b
    Interactive by default: the options are shuffled (the same order every time for you)
    and you answer with the letters shown. --answers FILE grades a file instead.
    """
    from grader import quiz as quizmod

    lang = lang or quizmod.default_lang()
    if review:
        if answers:
            _die("--review asks interactively; it cannot be used with --answers")
        _review(quiz_id, lang)
        return
    if quiz_id is None:
        _die("give a quiz id (an exercise or a topic), `list`, or --review; "
             "`learn quiz list` shows every quiz")
    if quiz_id == "list":
        _quiz_list(fmt, lang)
        return
    q = _find_quiz(quiz_id)
    convention = "letters"
    with _progress() as store:
        if answers:
            given, convention = _read_answers(Path(answers), q)
            results = quizmod.grade_answers(q, given, convention)
        else:
            results = _ask(q, lang, store)
        for r in results:
            store.record_answer(q.id, r.question.id, r.correct)
        correct = sum(r.correct for r in results)
        store.record_quiz(q.id, correct, len(results))
    if fmt == "json":
        from grader.render import print_json

        print_json({"exercise": q.id, "quiz_only": q.quiz_only, "correct": correct,
                    "total": len(results), "convention": convention if answers else "shown",
                    "lang": lang,
                    "questions": [{"id": r.question.id, "correct": r.correct,
                                   "given": list(r.given) if isinstance(r.given, tuple) else r.given,
                                   "problem": r.problem,
                                   "shown_order": "".join(quizmod.LETTERS[i] for i in r.order),
                                   "explanation": r.question.explanation,
                                   "explanation_zh": r.question.explanation_zh} for r in results]})
    else:
        if answers:
            click.echo(f"(answers read as {'option texts' if convention == 'text' else 'letters of the quiz file’s own order'}: convention: {convention})")
            for r in results:
                _show_answer(r, lang)
        click.echo(click.style(_score_line(correct, len(results), lang), bold=True))
        if correct < len(results):
            click.echo("(`learn quiz --review` asks the ones you missed again)" if lang == "en"
                       else "(`learn quiz --review` 会再问一遍答错的题)" if lang == "zh" else
                       "(`learn quiz --review` asks the ones you missed again / 会再问一遍答错的题)")
    sys.exit(0 if correct == len(results) else 1)


def _read_answers(path: Path, q: Any) -> tuple[dict[str, Any], str]:
    from grader.quiz import CONVENTIONS
    from grader.yamlio import load_yaml

    try:
        data = load_yaml(path)
    except ContentError as exc:
        _die(str(exc))
    if not isinstance(data, dict):
        _die(f"{path}: the answers file must be a mapping of question id to answer")
    data = dict(data)
    convention = data.pop("convention", "letters")
    if convention not in CONVENTIONS:
        _die(f"{path}: convention must be one of {', '.join(CONVENTIONS)} (letters: the order "
             f"of the options in the quiz file; text: each option's text), not {convention!r}")
    ids = [question.id for question in q.questions]
    for key in data:
        if key not in ids:
            near = suggest(str(key), ids)
            extra = f"; did you mean {' or '.join(near)}?" if near else ""
            _die(f"{path}: unknown question id {key!r}{extra} (questions: {', '.join(ids)})")
    return data, convention


def _show_question(question: Any, number: int, total: int, lang: str, order: list[int],
                   where: str = "") -> None:
    from grader.quiz import LETTERS

    label = f"\n{where}[{question.id}] " if where else f"\nQ{number}/{total} [{question.id}] "
    click.echo(click.style(label, bold=True) + question.prompt_text(lang))
    for letter, index in zip(LETTERS, order):
        click.echo(f"  {letter}) {question.choice_text(index, lang)}")
    if question.kind == "multiple":
        click.echo(f"  {_word('all', lang)}")


def _show_answer(result: Any, lang: str) -> None:
    q = result.question
    order = result.order or None
    if result.correct:
        click.echo(click.style(f"✓ {q.id}: {_word('correct', lang)}", fg="green"))
    else:
        why = f" ({result.problem})" if result.problem else ""
        click.echo(click.style(f"✗ {q.id}: {_word('wrong', lang)}{why}; {_word('is', lang)} "
                               f"{q.correct_text(order, lang)}", fg="red"))
    click.echo(f"  {q.explanation_text(lang)}")


def _ask_one(question: Any, topic: str, lang: str, learner: str, number: int, total: int,
             where: str = "") -> Any:
    from grader.quiz import AnswerResult, display_order, is_correct, parse_answer, to_file_letters

    order = display_order(question, learner, topic)
    _show_question(question, number, total, lang, order, where)
    while True:
        raw = click.prompt(_word("answer", lang), default="", show_default=False)
        try:
            shown = parse_answer(question, raw)
            break
        except ValueError as exc:
            click.echo(f"  {_problem(str(exc), lang)}")
    given = to_file_letters(question, shown, order)
    result = AnswerResult(question, given, is_correct(question, given), order=order)
    _show_answer(result, lang)
    return result


def _ask(q: Any, lang: str, store: Any) -> list[Any]:
    learner = store.learner_id()
    results = []
    try:
        for number, question in enumerate(q.questions, 1):
            results.append(_ask_one(question, q.id, lang, learner, number, len(q.questions)))
    except click.Abort:
        for r in results:
            store.record_answer(q.id, r.question.id, r.correct)
        click.echo(f"\nstopped after {len(results)} of {len(q.questions)} questions "
                   "(those answers are kept for `learn quiz --review`)")
        sys.exit(1)
    return results


def _review(quiz_id: str | None, lang: str) -> None:
    from collections import deque

    quizzes: dict[str, Any] = {}
    with _progress() as store:
        learner = store.learner_id()
        due = store.review_due()
        if quiz_id is not None:
            _find_quiz(quiz_id)
            due = [d for d in due if d[0] == quiz_id]
        items = []
        for topic, qid, misses in due:
            if topic not in quizzes:
                try:
                    quizzes[topic] = _find_quiz_quiet(topic)
                except ContentError:
                    quizzes[topic] = None
            question = quizzes[topic].get(qid) if quizzes[topic] else None
            if question is not None:
                items.append((topic, question, misses))
        if not items:
            click.echo(_say(lang, "nothing to review: no question's last answer was wrong",
                            "没有要复习的题:没有哪道题最近一次答错"))
            return
        total = len(items)
        click.echo(click.style(_say(
            lang, f"Review: {total} question(s) you got wrong, most missed first; each comes "
                  "back until you answer it right.",
            f"复习:{total} 道答错的题,错得最多的在前;每道题答对之前会反复出现。"), bold=True))
        queue = deque(items)
        done = 0
        rounds = 0
        try:
            while queue:
                topic, question, misses = queue[0]
                note = (f"[{done}/{total} · {topic} · "
                        + _say(lang, f"missed {misses}×", f"错过 {misses} 次") + "] ")
                result = _ask_one(question, topic, lang, learner, done + 1, total, note)
                queue.popleft()
                rounds += 1
                store.record_answer(topic, question.id, result.correct)
                if result.correct:
                    done += 1
                else:
                    queue.append((topic, question, misses + 1))
        except click.Abort:
            click.echo(f"\nstopped: {done}/{total} answered right, {len(queue)} still to review "
                       "(`learn quiz --review` goes on where you left off)")
            sys.exit(1)
    click.echo(click.style(_say(lang, f"review done: all {total} answered right ({rounds} answers)",
                                f"复习完成:{total} 道题全部答对(共作答 {rounds} 次)"), bold=True))


def _find_quiz_quiet(quiz_id: str) -> Any:
    from grader.quiz import parse_quiz

    path = paths_for(quiz_id).quiz
    if not path.is_file():
        return None
    q = parse_quiz(path)
    return q if q.id == quiz_id else None


def _quiz_rows(summary: dict[str, Any], due: list[tuple[str, str, int]]) -> list[dict[str, Any]]:
    catalog = _catalog()
    titles = {e.id: e.title for e in catalog.exercises}
    rows = []
    for q in _bank(quiet=True):
        p = summary.get(q.id)
        rows.append({"id": q.id, "title": q.title or titles.get(q.id, ""),
                     "title_zh": q.title_zh, "quiz_only": q.quiz_only,
                     "questions": len(q.questions), "quiz": _quiz_text(p),
                     "to_review": sum(1 for t, _, _ in due if t == q.id)})
    return rows


def _quiz_list(fmt: str, lang: str = "en") -> None:
    with _progress() as store:
        summary = store.summary()
        due = store.review_due()
    rows = _quiz_rows(summary, due)
    if fmt == "json":
        from grader.render import print_json

        print_json(rows)
        return
    from grader.render import console, quiz_table

    if lang == "zh":
        rows = [dict(r, title=r["title_zh"] or r["title"]) for r in rows]
    quiz_table(console(), rows)
    click.echo(f"{len(rows)} quizzes, {sum(r['questions'] for r in rows)} questions; "
               "`learn quiz ID` to take one"
               + (f"; {len(due)} to review: `learn quiz --review`" if due else ""))


def _chapters(catalog: Catalog, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Passed out of all exercises, per chapter, chapters in catalog order."""
    chapters: dict[str, dict[str, Any]] = {}
    for row in rows:
        name = row["id"].partition("/")[0]
        entry = chapters.setdefault(name, {"chapter": name, "passed": 0, "total": 0})
        entry["total"] += 1
        entry["passed"] += row["status"] == "passed"
    return list(chapters.values())


@cli.command()
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text",
              show_default=True)
@click.option("--export", "export_file", type=click.Path(dir_okay=False), metavar="FILE",
              help="Write your progress (results, quiz scores, hints, learner id) to a JSON file.")
@click.option("--import", "import_file", type=click.Path(dir_okay=False), metavar="FILE",
              help="Merge a file written by --export into your progress (newer results win).")
def progress(fmt: str, export_file: str | None, import_file: str | None) -> None:
    """Where you stand: exercises passed and failing, quiz scores, hints used, questions to review."""
    if export_file and import_file:
        _die("--export and --import go one at a time: `learn progress --export FILE` or "
             "`learn progress --import FILE`")
    if export_file or import_file:
        _progress_file(export_file, import_file, fmt)
        return
    catalog = _catalog()
    with _progress() as store:
        summary = store.summary()
        due = store.review_due()
        location = store.path
    rows = []
    for ex in catalog.exercises:
        p = summary.get(ex.id)
        rows.append({"id": ex.id, "title": ex.title,
                     "status": p.status if p else "not started",
                     "attempts": p.attempts if p else 0, "hints_shown": p.hints_shown if p else 0,
                     "quiz": _quiz_text(p)})
    topics = [r for r in _quiz_rows(summary, due) if r["quiz_only"]]
    data = {"store": str(location), "exercises": rows, "chapters": _chapters(catalog, rows),
            "quiz_topics": topics, "review_due": len(due)}
    from grader.render import console, print_json, progress_report

    if fmt == "json":
        print_json(data)
    else:
        progress_report(console(), data)


def _progress_file(export_file: str | None, import_file: str | None, fmt: str) -> None:
    """``learn progress --export FILE`` / ``--import FILE``."""
    from dataclasses import asdict

    from grader.progress import ProgressFileError
    from grader.render import print_json

    with _progress() as store:
        try:
            if export_file:
                path = store.export(Path(export_file))
                report: dict[str, Any] = {"exported": str(path), "store": str(store.path)}
            else:
                report = asdict(store.import_file(Path(import_file or "")))
        except ProgressFileError as exc:
            _die(str(exc))
    if fmt == "json":
        print_json({k: str(v) if isinstance(v, Path) else v for k, v in report.items()})
    elif export_file:
        click.echo(f"wrote your progress to {report['exported']}; on the other machine run "
                   f"`learn progress --import {Path(report['exported']).name}`")
    else:
        click.echo(f"merged {report['path']} into {report['store']}: {report['checks_added']} "
                   f"check results added ({report['checks_known']} already here), "
                   f"{report['quizzes_added']} quiz scores, {report['answers_added']} quiz "
                   f"answers, more hints shown for {report['hints_raised']} exercises")
        if report["learner_adopted"]:
            click.echo(f"took the file's learner id {report['learner']} (quiz options keep "
                       "their order)")
        elif report["file_learner"] and report["file_learner"] != report["learner"]:
            click.echo(f"kept this machine's learner id {report['learner']} (the file's is "
                       f"{report['file_learner']}): quiz options may be shown in another order")
        click.echo("see where you stand: `learn progress`")


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
@click.argument("exercise_id", metavar="[ID]", required=False, shell_complete=_complete_ids)
@click.option("--all", "all_", is_flag=True,
              help="Reset every exercise you changed (each changed file is backed up first).")
@click.option("--yes", "-y", is_flag=True, help="With --all: do not ask for confirmation.")
@click.pass_context
def reset(ctx: click.Context, exercise_id: str | None, all_: bool, yes: bool) -> None:
    """Restore the stub of ID (or of every exercise you changed: --all); your version is kept
    as a backup."""
    from grader.workspace import reset_exercise

    if all_ == bool(exercise_id):
        _die("give one exercise (`learn reset ID`) or --all (`learn reset --all`)"
             + (", not both" if all_ else ""))
    if all_:
        _reset_all(_workspace(ctx), yes)
        return
    ex = _exercise(exercise_id or "")
    workspace = _workspace(ctx)
    backup = reset_exercise(workspace, ex)
    click.echo(f"restored the stub of {ex.id}")
    if backup:
        click.echo(f"your previous version is saved as {backup}")


def _interactive() -> bool:
    """Whether a person can answer a confirmation prompt."""
    return bool(sys.stdin.isatty())


def _changed_exercises(workspace: Path, catalog: Catalog) -> list[tuple[Exercise, Path]]:
    """The exercises whose file in ``workspace`` is missing or differs from its stub."""
    from grader.workspace import learner_file, pristine_stub

    changed = []
    for ex in catalog.exercises:
        path = learner_file(workspace, ex)
        if not path.exists() or path.read_text(encoding="utf-8", errors="replace") != \
                pristine_stub(ex):
            changed.append((ex, path))
    return changed


def _reset_all(workspace: Path, yes: bool) -> None:
    """``learn reset --all``: every changed exercise back to its stub, each backed up first."""
    from grader.workspace import BACKUPS, reset_exercise

    changed = _changed_exercises(workspace, _catalog())
    if not changed:
        click.echo(f"nothing to reset: every exercise file in {workspace} is its stub")
        return
    click.echo(f"{len(changed)} exercise(s) differ from their stub:")
    for ex, path in changed:
        click.echo(f"  {ex.id:<32} {path}" + ("" if path.exists() else "  (missing)"))
    if not yes:
        if not _interactive():
            _die("`learn reset --all` asks before it resets, and this terminal cannot answer; "
                 "nothing was reset. Rerun as `learn reset --all --yes` (every changed file is "
                 "backed up first)")
        if not click.confirm(f"Reset these {len(changed)} to their stubs? Each changed file is "
                             f"saved in {workspace / BACKUPS} first", default=False):
            _die("nothing was reset (`learn reset ID` resets one exercise)", 1)
    saved = []
    for done, (ex, path) in enumerate(changed):
        try:
            backup = reset_exercise(workspace, ex)
        except OSError as exc:
            _die(f"could not reset {ex.id} ({exc.strerror or exc}); {path} is untouched, and so "
                 f"is every exercise after it ({done} were reset before it). Fix that, then run "
                 "`learn reset --all` again", 1)
        if backup:
            saved.append(backup)
            click.echo(f"restored the stub of {ex.id}; your version is saved as {backup}")
        else:
            click.echo(f"restored the stub of {ex.id} (its file was missing)")
    click.echo(f"reset {len(changed)} exercise(s); {len(saved)} backup(s) saved in "
               f"{workspace / BACKUPS}")


@cli.command()
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text",
              show_default=True)
@click.pass_context
def doctor(ctx: click.Context, fmt: str) -> None:
    """Check this machine: Python, torch, GPU, the sandbox, your workspace and progress store.

    Exit 0 when you can work on the exercises (torch imports; the workspace and the progress
    store are writable); a missing GPU or sandbox is a note, not a failure.
    """
    from grader.doctor import diagnose
    from grader.render import console, doctor_report, print_json

    diagnosis = diagnose(ctx.obj.get("workspace"))
    if fmt == "json":
        print_json(diagnosis.to_json())
    else:
        doctor_report(console(), diagnosis)
    sys.exit(0 if diagnosis.can_work else 1)


@cli.command()
@click.argument("exercise_id", metavar="[ID]", required=False, shell_complete=_complete_ids)
@click.option("--manual-run", is_flag=True,
              help="Check when you press Enter instead of on every save (for folders where "
                   "file events do not arrive: network drives, WSL).")
@click.option("--device", type=click.Choice(["auto", "cpu", "cuda"]), default="auto",
              show_default=True, help="Where the checks (and the reference) run.")
@click.pass_context
def watch(ctx: click.Context, exercise_id: str | None, manual_run: bool, device: str) -> None:
    """Re-check an exercise on every save, and move on when it passes (rustlings' watch)."""
    from grader import watch as watching
    from grader.render import check_result, console
    from grader.runner import Job, WarmChecker, new_seed
    from grader.workspace import learner_file

    catalog = _catalog()
    if exercise_id is not None:
        _exercise(exercise_id)
    if not sys.stdin.isatty():
        _die("`learn watch` reads keys from a terminal, and this input is not one; run it in "
             "a terminal, or use `learn check ID` (scripts, CI)")
    workspace = _workspace(ctx)
    out = console()
    checker = WarmChecker(device)
    checker.start()  # torch and the sandbox start while the first screen is drawn

    def check_now(ex: Exercise) -> Any:
        path = learner_file(workspace, ex)
        result = checker.grade(Job(ex, path, new_seed(), device))
        with _progress() as store:
            store.record_check(ex.id, result.outcome, result.score, result.max_score, result.seed)
        return result

    def show_hint(ex: Exercise) -> None:
        with _progress() as store:
            index = store.take_hint(ex.id, len(ex.hints))
        out.print(f"[bold]Hint {index + 1} of {len(ex.hints)}:[/] {ex.hints[index]}")

    def passed(ex_id: str) -> bool:
        with _progress() as store:
            return bool(store.ever_passed(ex_id))

    try:
        code = watching.run(
            catalog, workspace, start=exercise_id, manual_run=manual_run, device=device,
            out=out, check=check_now,
            show_result=lambda result, ex: check_result(out, result,
                                                        file=str(learner_file(workspace, ex))),
            show_hint=show_hint, show_list=lambda: ctx.invoke(exercise_list, fmt="table"),
            passed=passed, file_of=lambda ex: learner_file(workspace, ex))
    except watching.NotInteractive:
        _die("`learn watch` needs an interactive terminal; use `learn check ID` instead")
    finally:
        checker.close()
    sys.exit(code)


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


class _GradeGroup(click.Group):
    """``learn grade SUBMISSIONS [OPTIONS]`` grades; ``learn grade merge DIR...`` merges."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if not args or args[0] not in self.commands:
            args = ["class", *args]
        return super().parse_args(ctx, args)


@cli.group("grade", cls=_GradeGroup, context_settings=CONTEXT_SETTINGS)
def grade_group() -> None:
    """Grade a class: `learn grade SUBMISSIONS [OPTIONS]`; `learn grade merge DIR...`."""


def _parse_shard(text: str | None) -> tuple[int, int] | None:
    if text is None:
        return None
    match = re.fullmatch(r"(\d+)/(\d+)", text.strip())
    if not match or not 1 <= int(match.group(1)) <= int(match.group(2)):
        _die(f"--shard takes K/N with 1 <= K <= N (e.g. 2/8), not {text!r}")
    return int(match.group(1)), int(match.group(2))


def _formats(fmt: str) -> tuple[str, ...]:
    from grader.batch import FORMATS

    formats = tuple(f.strip() for f in fmt.split(",") if f.strip())
    bad = [f for f in formats if f not in FORMATS]
    if bad or not formats:
        _die(f"unknown format {', '.join(bad) or '(none)'}; choose from {', '.join(FORMATS)}")
    return formats


def _visibility(pairs: tuple[str, ...], file: str | None = None) -> dict[str, str]:
    """``--visibility LEVEL`` (every check) or ``ID[:CHECK]=LEVEL``; a file's settings first."""
    import json

    from grader.batch import VISIBILITIES

    found: dict[str, str] = {}
    if file:
        try:
            found.update(json.loads(Path(file).read_text(encoding="utf-8")).get("visibility", {}))
        except (OSError, ValueError, AttributeError) as exc:
            _die(f"cannot read the visibility settings in {file}: {exc}")
    for pair in pairs:
        key, _, level = pair.rpartition("=")
        key = key or "*"
        if level not in VISIBILITIES:
            _die(f"--visibility {pair!r}: the level must be one of {', '.join(VISIBILITIES)}")
        if key != "*":
            _exercise(key.split(":")[0])
        found[key] = level
    return found


def _summarize(summary: Any, fmt_terminal: bool = True) -> None:
    click.echo(summary.line())
    if fmt_terminal and summary.results:
        from grader.render import console
        from grader.report import print_summary

        print_summary(console(), summary.results, summary.seed)
    for note in summary.notes:
        click.echo(f"note: {note}", err=True)
    for path in summary.outputs:
        click.echo(f"wrote {path}")
    if summary.infrastructure_errors:
        _die(f"{summary.infrastructure_errors} submission(s) could not be graded by the grader "
             "itself (not the students' fault: see their message in results.json); rerun the "
             "same command to retry exactly those", 3)


class _DefaultCommand(click.Command):
    """The default command of a group: its usage line reads as the group's."""

    def format_usage(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        path = ctx.parent.command_path if ctx.parent else ctx.command_path
        formatter.write_usage(path, " ".join(self.collect_usage_pieces(ctx)))


@grade_group.command("class", cls=_DefaultCommand, context_settings=CONTEXT_SETTINGS,
                     epilog="Exit status: 0 grading completed (whatever the students scored); 2 "
                            "usage error; 3 some submissions could not be graded by the grader "
                            "itself (rerun to retry them). Shards: `learn grade merge DIR...`.")
@click.argument("submissions", type=click.Path(file_okay=False, exists=True))
@click.option("--exercise", "exercise_ids", multiple=True, metavar="ID", shell_complete=_complete_ids,
              help="Grade only this exercise (repeatable; default: every exercise).")
@click.option("--jobs", type=click.IntRange(1, 64), default=lambda: min(4, os.cpu_count() or 1),
              show_default="min(4, CPUs)", help="Submissions graded in parallel.")
@click.option("--out", type=click.Path(file_okay=False), default="learn-grades", show_default=True,
              help="Where results go; a rerun with the same arguments resumes there.")
@click.option("--format", "fmt", default="csv,json,junit,report", show_default=True,
              help="Comma-separated: csv (grades.csv, totals.csv), json, junit, gradescope, "
                   "report (feedback/<student>.md, report.html).")
@click.option("--timeout", type=click.FloatRange(min=1.0), help="Seconds per submission and exercise.")
@click.option("--seed", type=click.IntRange(0, 2**31 - 1),
              help="The inputs' seed (default: random, kept in OUT/run.json); replays a class.")
@click.option("--regrade", multiple=True, metavar="STUDENT",
              help="Grade this student again even if nothing changed (repeatable).")
@click.option("--single", is_flag=True,
              help="SUBMISSIONS is one student's submission (Gradescope's layout), not a class.")
@click.option("--shard", metavar="K/N", help="Grade only the K-th of N parts of the class "
              "(needs --seed); combine the parts with `learn grade merge`.")
@click.option("--assignment", help="nbgrader course: the assignment to grade (default: the only one).")
@click.option("--visibility", "visibility", multiple=True, metavar="[ID[:CHECK]=]LEVEL",
              help="Gradescope visibility of the checks (visible, after_due_date, "
                   "after_published, hidden).")
@click.option("--visibility-file", type=click.Path(dir_okay=False, exists=True), hidden=True)
@click.option("--allow-unisolated", is_flag=True,
              help="Grade even where the sandbox's namespaces are unavailable (trusted code only).")
def grade(submissions: str, exercise_ids: tuple[str, ...], jobs: int, out: str, fmt: str,
          timeout: float | None, seed: int | None, regrade: tuple[str, ...], single: bool,
          shard: str | None, assignment: str | None, visibility: tuple[str, ...],
          visibility_file: str | None, allow_unisolated: bool) -> None:
    """Grade SUBMISSIONS: one folder per student, or an nbgrader course directory.

    Each student's folder holds the exercise files loose (dropout.py) or as the workspace tree
    (mlp/dropout.py, exercises/mlp/dropout.py). An nbgrader course (submitted/<student>/
    <assignment>/*.ipynb) is graded without running a notebook, and the scores go into its
    gradebook.
    """
    import signal

    # A scheduler's cancel (SIGTERM: Slurm, CI) stops the run like Ctrl-C: the checkers and
    # every sandbox are killed, the results so far are kept for a rerun.
    previous = signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    try:
        _grade(submissions, exercise_ids, jobs, out, fmt, timeout, seed, regrade, single, shard,
               assignment, visibility, visibility_file, allow_unisolated)
    finally:
        signal.signal(signal.SIGTERM, previous)


def _grade(submissions: str, exercise_ids: tuple[str, ...], jobs: int, out: str, fmt: str,
           timeout: float | None, seed: int | None, regrade: tuple[str, ...], single: bool,
           shard: str | None, assignment: str | None, visibility: tuple[str, ...],
           visibility_file: str | None, allow_unisolated: bool) -> None:
    from grader.batch import GradeError, grade_class
    from grader.export import nbgrader as nbg

    formats = _formats(fmt)
    shard_kn = _parse_shard(shard)
    shown = _visibility(visibility, visibility_file)
    chosen = [_exercise(i) for i in exercise_ids] if exercise_ids else list(_catalog().exercises)
    folder = Path(submissions)
    course = nbg.is_course(folder) and not single
    if "gradescope" in formats and not single:
        _die("--format gradescope writes the results of one submission: add --single (what "
             "the Gradescope autograder runs), or use csv/json for a class")
    sources = None
    if course:
        try:
            assignment = nbg.course_assignment(folder, assignment)
        except ValueError as exc:
            _die(str(exc))
        chosen = nbg.course_exercises(folder, assignment, chosen)
        if not chosen:
            _die(f"no notebook of {assignment!r} in {folder} is an exercise of this package")
        sources = nbg.extract_class(folder, assignment, chosen,
                                    Path(out).resolve() / "extracted" / assignment)
    elif assignment:
        _die(f"--assignment is for an nbgrader course directory; {folder} has no submitted/ folder")
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeElapsedColumn

    from grader.render import console

    with Progress("grading", BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                  console=console(stderr=True), disable=not sys.stderr.isatty(),
                  transient=True) as bar:
        task = bar.add_task("grading", total=None)

        def on_progress(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        try:
            summary = grade_class(folder, chosen, Path(out), jobs=jobs, timeout=timeout,
                                  seed=seed, formats=formats, on_progress=on_progress,
                                  allow_unisolated=allow_unisolated, single=single,
                                  regrade=regrade, shard=shard_kn, sources=sources,
                                  visibility=shown)
        except GradeError as exc:
            _die(str(exc))
    if course and shard_kn is None:
        try:
            count = nbg.write_gradebook(folder, assignment, chosen, summary.results)
        except ValueError as exc:
            _summarize(summary, "gradescope" not in formats)
            _die(str(exc))
        click.echo(f"wrote {count} grades into {folder / 'gradebook.db'} (assignment "
                   f"{assignment}): `nbgrader export` and formgrader show them")
    _summarize(summary, "gradescope" not in formats)


@grade_group.command("merge", context_settings=CONTEXT_SETTINGS)
@click.argument("folders", nargs=-1, required=True, type=click.Path(file_okay=False, exists=True))
@click.option("--out", type=click.Path(file_okay=False), default="learn-grades", show_default=True)
@click.option("--format", "fmt", default="csv,json,junit,report", show_default=True,
              help="As for `learn grade`.")
def grade_merge(folders: tuple[str, ...], out: str, fmt: str) -> None:
    """Combine the OUT folders of `learn grade --shard K/N` runs into one run's files."""
    from grader.batch import GradeError, merge

    try:
        summary = merge([Path(f) for f in folders], Path(out), formats=_formats(fmt))
    except GradeError as exc:
        _die(str(exc))
    _summarize(summary)


@cli.group("gradescope")
def gradescope_group() -> None:
    """Build a Gradescope autograder (instructors)."""


@gradescope_group.command("build")
@click.argument("exercise_ids", nargs=-1, metavar="[IDS]...", shell_complete=_complete_ids)
@click.option("--out", type=click.Path(dir_okay=False), default="autograder.zip", show_default=True)
@click.option("--seed", type=click.IntRange(0, 2**31 - 1),
              help="The seed every submission is graded with (default: chosen now, and printed).")
@click.option("--visibility", "visibility", multiple=True, metavar="[ID[:CHECK]=]LEVEL",
              help="What students see of each check on Gradescope: visible (default), "
                   "after_due_date, after_published or hidden; repeatable, most specific wins.")
@click.option("--torch", "torch_version", metavar="VERSION",
              help="The torch setup.sh installs (default: this machine's).")
@click.option("--cuda", metavar="TAG", help="Install torch's CUDA wheel (e.g. cu121), not the CPU one.")
def gradescope_build(exercise_ids: tuple[str, ...], out: str, seed: int | None,
                     visibility: tuple[str, ...], torch_version: str | None, cuda: str | None) -> None:
    """Write an autograder zip (setup.sh, run_autograder, this package) for IDS (default: all)."""
    from grader.export.gradescope import build_torch_version, build_zip
    from grader.runner import new_seed

    exercises = [_exercise(i) for i in exercise_ids] if exercise_ids else list(_catalog().exercises)
    shown = _visibility(visibility)
    chosen = seed if seed is not None else new_seed()
    try:
        torch_version = torch_version or build_torch_version()
        names = build_zip(Path(out), exercises, seed=chosen, visibility=shown,
                          torch=torch_version, cuda=cuda)
    except ValueError as exc:
        _die(str(exc))
    except Exception as exc:  # noqa: BLE001 - importlib.metadata: torch not installed
        _die(f"cannot tell which torch to pin ({exc}); pass --torch VERSION")
    click.echo(f"wrote {out} ({len(names)} files) for {', '.join(e.id for e in exercises)}")
    click.echo(f"every submission is graded with seed {chosen} and torch {torch_version} "
               f"({cuda or 'CPU'}); checks visible: "
               + (", ".join(f"{k}={v}" for k, v in shown.items()) or "all"))
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
