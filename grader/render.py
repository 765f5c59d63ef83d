"""All terminal output goes through here (rich), so commands stay thin and testable.

Nothing here imports torch.
"""

from __future__ import annotations

import json
from typing import Any, Iterable

from rich.console import Console
from rich.markup import escape
from rich.measure import Measurement
from rich.table import Column, Table

from grader.results import ERROR, FAILED, NOT_ATTEMPTED, PASSED, ExerciseResult

MARKS = {PASSED: "[green]✓[/]", FAILED: "[red]✗[/]", NOT_ATTEMPTED: "[yellow]…[/]",
         ERROR: "[red]![/]"}
WORDS = {PASSED: "passed", FAILED: "failed", NOT_ATTEMPTED: "not attempted", ERROR: "error"}


def console(stderr: bool = False) -> Console:
    return Console(stderr=stderr, highlight=False, soft_wrap=True)


def print_json(data: Any) -> None:
    """Plain JSON on stdout (no colour, no wrapping)."""
    import click

    click.echo(json.dumps(data, indent=2, ensure_ascii=False))


def _pretty(name: str) -> str:
    base, _, param = name.partition("[")
    text = base.replace("_", " ")
    return f"{text} [{param}" if param else text


def check_result(out: Console, result: ExerciseResult, *, file: str = "") -> None:
    """The per-check report of ``learn check``."""
    where = f" {escape(file)}" if file else ""
    out.print(f"[bold]learn check {result.exercise}[/]{where}  "
              f"[dim](seed {result.seed}, {result.device}, {result.duration:.1f} s)[/]")
    for check in result.checks:
        mark = MARKS.get(check.outcome, "?")
        points = f"{check.points}/{check.max_points}"
        out.print(f"  {mark} {escape(_pretty(check.name))} [dim]{points}[/]")
        quiet = check.outcome == NOT_ATTEMPTED and result.outcome == NOT_ATTEMPTED
        if check.outcome != PASSED and check.message and not quiet:
            from grader.pictures import expand

            # A map of the wrong cells, if the message has one, on lines of its own.
            text = expand(check.message, "  ")
            out.print("\n".join(f"      {escape(line)}" for line in text.splitlines()),
                      style="dim" if check.outcome == NOT_ATTEMPTED else None)
    for note in result.notes:
        out.print(f"  [dim]note: {escape(note)}[/]")
    if result.outcome != PASSED and result.output.strip():
        lines = result.output.strip().splitlines()
        out.print("  [dim]your code printed:[/]")
        for line in lines[:12]:
            out.print(f"    {escape(line[:200])}", style="dim")
        if len(lines) > 12:
            out.print(f"    [dim]... {len(lines) - 12} more lines[/]")
    style = {PASSED: "bold green", FAILED: "bold red", NOT_ATTEMPTED: "bold yellow"}.get(
        result.outcome, "bold red")
    summary = f"{WORDS.get(result.outcome, result.outcome)}: {result.score}/{result.max_score} points"
    out.print(f"[{style}]{summary}[/]" + (f"  {escape(result.message)}" if result.message else ""))
    out.print(f"[dim]{escape(next_step(result))}[/]")


def next_step(result: ExerciseResult) -> str:
    """The one command (or action) to try next."""
    ex = result.exercise
    if result.outcome == PASSED:
        return (f"Well done. Try the concept quiz: `learn quiz {ex}`; compare with the reference: "
                f"`learn solution {ex}`.")
    if result.outcome == NOT_ATTEMPTED:
        return f"Open the file, replace each `raise NotImplementedError`, then run `learn check {ex}`. Stuck? `learn hint {ex}`."
    if result.outcome == ERROR and not result.checks:
        return f"Fix the problem above, then run `learn check {ex}` again."
    return (f"Fix the first failing check and run `learn check {ex}` again "
            f"(`--seed {result.seed}` replays these inputs). Stuck? `learn hint {ex}`.")


def _print_table(out: Console, table: Table, flexible: Column, longest: int) -> None:
    """Print ``table`` with the cells of ``flexible`` (titles) never cut needlessly.

    Piped (not a terminal), the table is as wide as its content, so every title is whole.
    In a terminal it may use the full width; only when the terminal is narrower than the
    table is ``flexible`` cut (with an ellipsis), never the ids a learner types.
    """
    need = Measurement.get(out, out.options.update_width(1 << 16), table).maximum
    if out.is_terminal:
        if need > out.width:
            flexible.max_width = max(8, longest - (need - out.width))
        out.print(table)
        return
    width = out.width
    out.width = max(width, need)
    try:
        out.print(table)
    finally:
        out.width = width


def exercise_table(out: Console, rows: Iterable[dict[str, Any]]) -> None:
    """``learn exercise list``: id, title, status and quiz score of each exercise."""
    rows = list(rows)
    table = Table(show_header=True, header_style="bold", box=None, pad_edge=False)
    table.add_column("id", no_wrap=True, min_width=30)
    table.add_column("title", overflow="ellipsis", no_wrap=True)
    title = table.columns[-1]
    table.add_column("status", no_wrap=True, min_width=13)
    table.add_column("quiz", no_wrap=True, min_width=4)
    colours = {"passed": "green", "failing": "red", "not attempted": "yellow"}
    for row in rows:
        status = row["status"]
        colour = colours.get(status)
        table.add_row(row["id"], escape(row["title"]),
                      f"[{colour}]{status}[/]" if colour else status, row["quiz"] or "-")
    _print_table(out, table, title, max((len(r["title"]) for r in rows), default=0))


def quiz_table(out: Console, rows: Iterable[dict[str, Any]], review: bool = True) -> None:
    """``learn quiz list`` (and the quiz-only part of ``learn exercise list``)."""
    rows = list(rows)
    table = Table(show_header=True, header_style="bold", box=None, pad_edge=False)
    table.add_column("id", no_wrap=True, min_width=30)
    table.add_column("title", overflow="ellipsis", no_wrap=True)
    title = table.columns[-1]
    table.add_column("kind", no_wrap=True, min_width=9)
    table.add_column("qs", no_wrap=True, justify="right", min_width=3)
    table.add_column("best", no_wrap=True, min_width=5)
    if review:
        table.add_column("review", no_wrap=True, justify="right", min_width=6)
    for row in rows:
        cells = [row["id"], escape(row["title"]), "quiz only" if row["quiz_only"] else "exercise",
                 str(row["questions"]), row["quiz"] or "-"]
        if review:
            cells.append(str(row["to_review"]) if row["to_review"] else "-")
        table.add_row(*cells)
    _print_table(out, table, title, max((len(r["title"]) for r in rows), default=0))


def chapter_bars(out: Console, chapters: Iterable[dict[str, Any]], width: int = 20) -> None:
    """A bar per chapter: ``{"chapter", "passed", "total"}`` rows, in catalog order."""
    chapters = list(chapters)
    if not chapters:
        return
    name_width = max(len(c["chapter"]) for c in chapters)
    out.print("[bold]By chapter[/] (exercises passed):")
    for c in chapters:
        filled = round(width * c["passed"] / c["total"]) if c["total"] else 0
        if 0 < c["passed"] < c["total"]:
            filled = min(max(filled, 1), width - 1)  # some progress shows, and so does the rest
        colour = "green" if c["total"] and c["passed"] == c["total"] else "cyan"
        bar = f"[{colour}]{'█' * filled}[/][dim]{'░' * (width - filled)}[/]"
        out.print(f"  {escape(c['chapter']):<{name_width}}  {bar}  {c['passed']}/{c['total']}")


def progress_report(out: Console, data: dict[str, Any]) -> None:
    """``learn progress``: totals, a bar per chapter, then every exercise and quiz you touched.

    ``data`` is what ``learn progress --format json`` prints.
    """
    rows, topics = data["exercises"], data["quiz_topics"]
    passed = sum(r["status"] == "passed" for r in rows)
    failing = sum(r["status"] == "failing" for r in rows)
    quizzes = sum(bool(r["quiz"]) for r in rows) + sum(bool(t["quiz"]) for t in topics)
    hints = sum(r["hints_shown"] for r in rows)
    out.print(f"{passed}/{len(rows)} exercises passed, {failing} failing; "
              f"{quizzes} quizzes taken; {hints} hints used.")
    chapter_bars(out, data["chapters"])
    for r in rows:
        if r["status"] != "not started" or r["quiz"] or r["hints_shown"]:
            out.print(f"  {escape(r['id']):<32} {r['status']:<14} attempts {r['attempts']:<3} "
                      f"hints {r['hints_shown']:<2} quiz {r['quiz'] or '-'}")
    taken = [t for t in topics if t["quiz"]]
    out.print(f"{len(taken)}/{len(topics)} quiz-only topics taken"
              + (":" if taken else " (`learn quiz list` shows them)."))
    for t in taken:
        out.print(f"  {escape(t['id']):<32} {'quiz only':<14} quiz {t['quiz']}")
    if data["review_due"]:
        out.print(f"{data['review_due']} question(s) to review: `learn quiz --review`")
    out.print(f"(progress is stored in {escape(data['store'])}; copy it to another machine with "
              "`learn progress --export FILE`)")


_DOCTOR_MARKS = {"ok": "[green]✓[/]", "note": "[cyan]•[/]", "warning": "[yellow]![/]",
                 "problem": "[red]✗[/]"}


def doctor_report(out: Console, diagnosis: Any) -> None:
    """``learn doctor``: one line per finding, then what it means and the command that fixes it."""
    findings = list(diagnosis.findings)
    width = max(len(f.name) for f in findings)
    for f in findings:
        mark = _DOCTOR_MARKS.get(f.status, "?")
        out.print(f"{mark} {f.name:<{width}}  {escape(f.summary)}")
        pad = " " * (width + 4)
        if f.meaning:
            out.print(f"{pad}[dim]means:[/] {escape(f.meaning)}")
        if f.fix:
            out.print(f"{pad}[dim]fix:[/]   [bold]{escape(f.fix)}[/]")
    problems = [f.name for f in findings if f.status == "problem"]
    if problems:
        out.print(f"[bold red]Not ready: fix the {', '.join(problems)} problem"
                  f"{'s' if len(problems) > 1 else ''} above, then run `learn doctor` again.[/]")
    else:
        out.print("[bold green]Ready: you can work on the exercises.[/] "
                  "Start with `learn exercise list`.")
