"""What an instructor reads after ``learn grade``: totals, feedback, a class summary.

* :func:`write_totals`: ``totals.csv``, one row per student (total, then each exercise's
  score), the shape an LMS gradebook imports;
* :func:`write_feedback`: ``feedback/<student>.md``, every check's outcome and message, to
  hand back to the student;
* :func:`class_stats`, :func:`print_summary`: per exercise the score distribution, and per
  check its pass rate (which idea the class misses), in the terminal (rich);
* :func:`write_html`: the same as ``report.html``: a score histogram per exercise and a bar
  per check, drawn as inline SVG (no JavaScript, no network: it opens from a disk).

No torch here.
"""

from __future__ import annotations

import csv
import html
import os
import re
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from grader.results import ExerciseResult

BINS = 10


def _slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", text)


def _pretty(name: str) -> str:
    return name.replace("_", " ")


def csv_text(value: object) -> object:
    """A cell a spreadsheet shows as text: a student folder named ``=HYPERLINK(...)`` (or
    starting with +, -, @, a tab or CR) gets a leading apostrophe instead of being run as a
    formula when the CSV is opened."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def write_totals(path: Path, results: list[tuple[str, ExerciseResult]], seed: int) -> Path:
    """One row per student: student, total, max_score, one column per exercise, seed."""
    exercises = sorted({r.exercise for _, r in results})
    per: dict[str, dict[str, ExerciseResult]] = defaultdict(dict)
    for student, r in results:
        per[student][r.exercise] = r
    maximum = {e: max(r.max_score for _, r in results if r.exercise == e) for e in exercises}
    tmp = path.with_suffix(".csv.tmp")
    with open(tmp, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["student", "total", "max_score", *exercises, "seed"])
        for student in sorted(per):
            scores = [per[student][e].score if e in per[student] else 0 for e in exercises]
            writer.writerow([csv_text(student), sum(scores), sum(maximum.values()), *scores, seed])
    os.replace(tmp, path)
    return path


def _md(text: str) -> str:
    """Text safe in a Markdown table cell: one line, no HTML a viewer would render."""
    return " ".join(text.split()).replace("&", "&amp;").replace("<", "&lt;").replace(
        ">", "&gt;").replace("|", "\\|")


def feedback_markdown(student: str, results: list[ExerciseResult], seed: int) -> str:
    total = sum(r.score for r in results)
    maximum = sum(r.max_score for r in results)
    lines = [f"# Feedback for {_md(student)}", "",
             (f"**Total: {total}/{maximum} points.** Graded by `learn grade` with seed {seed} "
              f"(`learn check ID --seed {seed}` replays the same inputs)."), ""]
    marks = {"passed": "✓", "failed": "✗", "not_attempted": "…", "error": "!"}
    for r in sorted(results, key=lambda r: r.exercise):
        lines += [f"## {r.exercise}: {r.outcome.replace('_', ' ')}, {r.score}/{r.max_score}", ""]
        if r.message:
            lines += [_md(r.message), ""]
        if r.checks:
            lines += ["| | check | points | what was found |", "|---|---|---|---|"]
            for c in r.checks:
                message = _md(c.message if c.outcome != "passed" else "")
                lines.append(f"| {marks.get(c.outcome, '?')} | {_pretty(c.name)} | "
                             f"{c.points}/{c.max_points} | {message} |")
            lines.append("")
        for note in r.notes:
            lines += [f"*Note: {_md(note)}*", ""]
    return "\n".join(lines).rstrip() + "\n"


def write_feedback(folder: Path, results: list[tuple[str, ExerciseResult]], seed: int) -> Path:
    per: dict[str, list[ExerciseResult]] = defaultdict(list)
    for student, r in results:
        per[student].append(r)
    folder.mkdir(parents=True, exist_ok=True)
    wanted = {f"{_slug(s)}.md" for s in per}
    for old in folder.glob("*.md"):
        if old.name not in wanted:
            old.unlink()
    for student, rs in per.items():
        path = folder / f"{_slug(student)}.md"
        tmp = path.with_name(path.name + ".tmp")
        tmp.write_text(feedback_markdown(student, rs, seed), encoding="utf-8")
        os.replace(tmp, path)
    return folder


@dataclass
class ExerciseStats:
    exercise: str
    max_score: int
    scores: list[int] = field(default_factory=list)
    outcomes: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    checks: dict[str, list[int]] = field(default_factory=dict)
    """check name -> [passed, graded, max_points]; graded counts the submissions it ran on."""

    @property
    def mean(self) -> float:
        return sum(self.scores) / len(self.scores) if self.scores else 0.0

    def histogram(self, bins: int = BINS) -> list[int]:
        counts = [0] * bins
        for score in self.scores:
            fraction = score / self.max_score if self.max_score else 0.0
            counts[min(bins - 1, int(fraction * bins))] += 1
        return counts


def class_stats(results: list[tuple[str, ExerciseResult]]) -> list[ExerciseStats]:
    """Per exercise: every student's score, the outcomes, and each check's pass rate.

    A check's pass rate is over the submissions that were submitted (not over the whole class),
    so an exercise few students handed in does not look like a misunderstood idea.
    """
    stats: dict[str, ExerciseStats] = {}
    for _, r in sorted(results, key=lambda sr: sr[1].exercise):
        s = stats.setdefault(r.exercise, ExerciseStats(r.exercise, r.max_score))
        s.max_score = max(s.max_score, r.max_score)
        s.scores.append(r.score)
        s.outcomes[r.outcome] += 1
        for c in r.checks:
            entry = s.checks.setdefault(c.name, [0, 0, c.max_points])
            entry[0] += c.outcome == "passed"
            entry[1] += 1
    return list(stats.values())


def print_summary(console: Any, results: list[tuple[str, ExerciseResult]], seed: int) -> None:
    """The class summary in the terminal: per exercise, then its least-passed checks."""
    from rich.table import Table

    students = len({s for s, _ in results})
    table = Table(title=f"{students} student(s), seed {seed}", title_justify="left")
    for column in ("exercise", "mean", "passed", "failed", "not attempted", "error", "not submitted"):
        table.add_column(column, justify="left" if column == "exercise" else "right")
    stats = class_stats(results)
    for s in stats:
        o = s.outcomes
        table.add_row(s.exercise, f"{s.mean:.1f}/{s.max_score}", str(o.get("passed", 0)),
                      str(o.get("failed", 0)), str(o.get("not_attempted", 0)),
                      str(o.get("error", 0)), str(o.get("not_submitted", 0)))
    console.print(table)
    for s in stats:
        weak = sorted(((passed / graded, name) for name, (passed, graded, _) in s.checks.items()
                       if graded), key=lambda t: t[0])[:3]
        weak = [(rate, name) for rate, name in weak if rate < 1.0]
        if weak:
            console.print(f"  {s.exercise}, least passed: " + "; ".join(
                f"{_pretty(name)} {rate:.0%}" for rate, name in weak))


def _svg_histogram(s: ExerciseStats) -> str:
    counts = s.histogram()
    width, height, pad = 360, 140, 22
    bar = (width - 2 * pad) / len(counts)
    top = max(counts) or 1
    parts = [(f"<svg xmlns='http://www.w3.org/2000/svg' width='{width}' "
              f"height='{height + 2 * pad}' role='img' "
              f"aria-label='score histogram of {html.escape(s.exercise)}'>")]
    for i, count in enumerate(counts):
        h = height * count / top
        x, y = pad + i * bar, pad + height - h
        lo, hi = s.max_score * i / len(counts), s.max_score * (i + 1) / len(counts)
        parts.append(f"<rect class='bar' x='{x:.1f}' y='{y:.1f}' width='{bar - 2:.1f}' "
                     f"height='{h:.1f}'><title>{count} student(s) scored {lo:g} to {hi:g}"
                     "</title></rect>")
        if count:
            parts.append(f"<text x='{x + bar / 2 - 1:.1f}' y='{y - 3:.1f}' text-anchor='middle'>"
                         f"{count}</text>")
    parts.append(f"<text x='{pad}' y='{height + 2 * pad - 4}'>0</text>"
                 f"<text x='{width - pad}' y='{height + 2 * pad - 4}' text-anchor='end'>"
                 f"{s.max_score} points</text></svg>")
    return "".join(parts)


def _svg_checks(s: ExerciseStats) -> str:
    rows = sorted(s.checks.items(), key=lambda kv: (kv[1][0] / kv[1][1] if kv[1][1] else 1.0))
    width, row, label = 720, 20, 380
    parts = [(f"<svg xmlns='http://www.w3.org/2000/svg' width='{width}' "
              f"height='{row * len(rows) + 6}' role='img' "
              f"aria-label='pass rate per check of {html.escape(s.exercise)}'>")]
    for i, (name, (passed, graded, points)) in enumerate(rows):
        rate = passed / graded if graded else 0.0
        y = i * row + 3
        parts.append(f"<text x='0' y='{y + 14}'>{html.escape(_pretty(name))} ({points} pt)</text>"
                     f"<rect class='track' x='{label}' y='{y + 3}' width='{width - label - 60}' "
                     f"height='{row - 6}'/><rect class='{'ok' if rate >= 0.8 else 'low'}' "
                     f"x='{label}' y='{y + 3}' width='{(width - label - 60) * rate:.1f}' "
                     f"height='{row - 6}'><title>{passed} of {graded} passed</title></rect>"
                     f"<text x='{width - 52}' y='{y + 14}'>{rate:.0%}</text>")
    parts.append("</svg>")
    return "".join(parts)


def report_html(results: list[tuple[str, ExerciseResult]], seed: int, *,
                shard: str | None = None) -> str:
    stats = class_stats(results)
    students = len({s for s, _ in results})
    head = (f"{students} student(s), {len(stats)} exercise(s), seed {seed}"
            + (f", shard {shard} only" if shard else ""))
    body = [(f"<h1>learn grade: class report</h1><p>{html.escape(head)}. Replay any grade "
             f"with <code>learn grade ... --seed {seed}</code>.</p>")]
    for s in stats:
        o = s.outcomes
        counts = ", ".join(f"{n} {k.replace('_', ' ')}" for k, n in sorted(o.items()))
        body.append(f"<section><h2>{html.escape(s.exercise)}</h2><p>mean {s.mean:.1f} of "
                    f"{s.max_score} points; {html.escape(counts)}</p><h3>Scores</h3>"
                    f"{_svg_histogram(s)}<h3>Pass rate of each check (lowest first: the ideas "
                    f"the class misses)</h3>{_svg_checks(s)}</section>")
    style = ("body{font-family:sans-serif;max-width:60em;margin:2em auto;color:#222}"
             "svg{display:block;margin:.5em 0;font-size:12px}.bar{fill:#4a7bd0}"
             ".track{fill:#eee}.ok{fill:#2da44e}.low{fill:#cf222e}"
             "section{border-top:1px solid #ccc;margin-top:1.5em}")
    return (f"<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'><title>learn grade "
            f"report</title><style>{style}</style></head><body>{''.join(body)}</body></html>\n")


def write_html(path: Path, results: list[tuple[str, ExerciseResult]], seed: int, *,
               shard: str | None = None) -> Path:
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(report_html(results, seed, shard=shard), encoding="utf-8")
    os.replace(tmp, path)
    return path
