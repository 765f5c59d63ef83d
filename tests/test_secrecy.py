"""The files the sandbox can read hold no answer.

The public grader files (`grader/__init__.py`, `forbid.py`, `sandbox/`, `pretrained/`) run
next to the learner's code and are readable by it. No line of code of a reference solution
that the stub does not already show may appear in them: a fixture that spelled out an
exercise's answer would hand it to every learner. One shared line can be an idiom
(``for _ in range(num_epochs):``); two or more from one file are a copy.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from grader.catalog import load_catalog, paths_for
from grader.sandbox.host import _public_grader_paths

CATALOG = load_catalog()


def _code_lines(text: str) -> set[str]:
    """Normalized lines of code worth comparing: no comments, docstring-ish or short lines."""
    lines = set()
    for raw in text.splitlines():
        line = re.sub(r"\s+", " ", raw.split("#", 1)[0]).strip()
        if len(line) < 24 or line.startswith(('"', "'", "def ", "class ", "return ", "import ",
                                              "from ", "@", "raise ")):
            continue
        lines.add(line)
    return lines


def _public_text() -> dict[str, set[str]]:
    _, public = _public_grader_paths()
    files: dict[str, set[str]] = {}
    for root in public:
        for path in ([root] if root.is_file() else sorted(root.rglob("*.py"))):
            files[str(path)] = _code_lines(path.read_text(encoding="utf-8"))
    return files


PUBLIC = _public_text()


@pytest.mark.parametrize("exercise_id", [e.id for e in CATALOG.exercises])
def test_public_grader_files_hold_no_line_of_the_reference(exercise_id: str) -> None:
    paths = paths_for(exercise_id)
    secret = _code_lines(paths.solution.read_text(encoding="utf-8")) - \
        _code_lines(paths.stub.read_text(encoding="utf-8"))
    leaks = {f"{Path(f).name}: {line}" for f, lines in PUBLIC.items()
             if len(lines & secret) >= 2 for line in lines & secret}
    assert not leaks, f"{exercise_id}: public files repeat the reference:\n" + "\n".join(sorted(leaks))
