"""All terminal output goes through here (rich), so commands stay thin and testable.

Nothing here imports torch.
"""

from __future__ import annotations

import json
from typing import Any, Iterable

from rich.console import Console
from rich.markup import escape
from rich.table import Table

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
            out.print(f"      {escape(check.message)}", style="dim" if check.outcome ==
                      NOT_ATTEMPTED else None)
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


def exercise_table(out: Console, rows: Iterable[dict[str, Any]]) -> None:
    table = Table(show_header=True, header_style="bold", box=None, pad_edge=False)
    table.add_column("id", no_wrap=True, min_width=30)
    table.add_column("title", overflow="ellipsis", no_wrap=True, max_width=32)
    table.add_column("status", no_wrap=True, min_width=13)
    table.add_column("quiz", no_wrap=True, min_width=4)
    colours = {"passed": "green", "failing": "red", "not attempted": "yellow"}
    for row in rows:
        status = row["status"]
        colour = colours.get(status)
        table.add_row(row["id"], escape(row["title"]),
                      f"[{colour}]{status}[/]" if colour else status, row["quiz"] or "-")
    out.print(table)


def quiz_table(out: Console, rows: Iterable[dict[str, Any]], review: bool = True) -> None:
    """``learn quiz list`` (and the quiz-only part of ``learn exercise list``)."""
    table = Table(show_header=True, header_style="bold", box=None, pad_edge=False)
    table.add_column("id", no_wrap=True, min_width=30)
    table.add_column("title", overflow="ellipsis", no_wrap=True, max_width=30)
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
    out.print(table)
