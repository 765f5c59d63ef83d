"""Build a Gradescope autograder zip: setup.sh, run_autograder, settings and the package.

Gradescope (https://gradescope-autograders.readthedocs.io/en/latest/specs/) unpacks the zip into
``/autograder/source``, runs ``setup.sh`` once per image, then ``run_autograder`` once per
submission, with the student's files in ``/autograder/submission`` and the results expected in
``/autograder/results/results.json``.

What is fixed when the zip is built, so that every submission is graded the same way:

* the seed (``learn-autograder.json``; every result names it, ``--seed`` replays it locally);
* the visibility of each check on Gradescope (``visible``, ``after_due_date``,
  ``after_published``, ``hidden``);
* the torch version ``setup.sh`` installs: the one of the machine that built the zip (CPU
  wheel by default; ``cuda="cu121"`` takes that CUDA wheel index).

Students upload their files loose (``dropout.py``: what dragging files into Gradescope gives)
or as their workspace tree (``mlp/dropout.py``, ``exercises/mlp/dropout.py``, at any depth).
``run_autograder`` honours ``AUTOGRADER_ROOT`` (default ``/autograder``), so the whole flow runs
in a temporary folder in the package's tests.
"""

from __future__ import annotations

import json
import re
import zipfile
from pathlib import Path

from grader.catalog import Exercise, content_root

SETUP = """#!/usr/bin/env bash
# Runs once when Gradescope builds the autograder image.
set -euo pipefail
root="${{AUTOGRADER_ROOT:-/autograder}}"
apt-get update -qq && apt-get install -y -qq python3 python3-pip python3-venv bubblewrap > /dev/null
python3 -m venv "$root/venv"
# The torch this autograder was built and tested against ({torch_note}).
"$root/venv/bin/pip" install --quiet "torch=={torch}" --index-url {index}
"$root/venv/bin/pip" install --quiet "$root/source/learn"
"""

RUN = """#!/usr/bin/env bash
# Runs once per submission: grade it and hand Gradescope its results.json.
# The student's code runs in the grader's sandbox (bubblewrap) where the container allows
# user namespaces; where it does not, Gradescope's one-container-per-submission is the wall
# and the grade records "isolation": "none".
set -uo pipefail
root="${{AUTOGRADER_ROOT:-/autograder}}"
python="${{LEARN_PYTHON:-$root/venv/bin/python}}"
settings="$root/source/learn-autograder.json"
out=$(mktemp -d)
isolation=""
"$python" -c "import sys; from grader.sandbox.host import bwrap_available; sys.exit(bwrap_available() is not None)" \\
    || isolation="--allow-unisolated"
"$python" -m grader.cli grade "$root/submission" --single --out "$out" --format gradescope,json \\
    --jobs 1 --seed {seed} --visibility-file "$settings" $isolation {exercises}
status=$?
mkdir -p "$root/results"
if [ -f "$out/gradescope/results.json" ]; then
    cp "$out/gradescope/results.json" "$root/results/results.json"
else
    # Never leave Gradescope without a result: say the grader failed (not the student).
    printf '{{"score": 0.0, "output": "The autograder itself failed (exit status %s); this is not a grade of your code. Your instructor can read why in the autograder log.", "visibility": "visible", "tests": []}}\n' \
        "$status" > "$root/results/results.json"
fi
"""

_PACKAGE_PARTS = ("pyproject.toml", "README.md", "grader", "exercises", "solutions", "quizzes")
TORCH_INDEX = "https://download.pytorch.org/whl/{}"


def build_torch_version() -> str:
    """The installed torch's version without its local tag (``2.13.0+cpu`` -> ``2.13.0``)."""
    from importlib import metadata

    return metadata.version("torch").split("+")[0]


def build_zip(target: Path, exercises: list[Exercise], *, seed: int,
              visibility: dict[str, str] | None = None, torch: str | None = None,
              cuda: str | None = None) -> list[str]:
    """Write the autograder zip; returns the names it holds.

    ``visibility`` maps ``*``, an exercise id, or ``exercise:check`` to a Gradescope
    visibility (the most specific wins; default ``visible``).
    """
    torch = torch or build_torch_version()
    if not re.fullmatch(r"[0-9][0-9A-Za-z.]*", torch):
        raise ValueError(f"not a torch version: {torch!r}")
    if cuda is not None and not re.fullmatch(r"cu[0-9]{2,4}", cuda):
        raise ValueError(f"--cuda takes a CUDA wheel tag such as cu121, not {cuda!r}")
    index = TORCH_INDEX.format(cuda or "cpu")
    root = content_root()
    package_root = Path(__file__).resolve().parent.parent.parent
    names = []
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        def add(name: str, text: str, mode: int = 0o755) -> None:
            info = zipfile.ZipInfo(name)
            info.external_attr = (0o100000 | mode) << 16
            archive.writestr(info, text)
            names.append(name)

        add("setup.sh", SETUP.format(torch=torch, index=index,
                                     torch_note=f"CUDA wheel {cuda}" if cuda else "CPU wheel"))
        add("run_autograder", RUN.format(
            seed=seed, exercises=" ".join(f"--exercise {e.id}" for e in exercises)))
        add("learn-autograder.json", json.dumps({
            "seed": seed, "torch": torch, "torch_index": index,
            "exercises": [e.id for e in exercises], "visibility": dict(visibility or {})},
            indent=1) + "\n", 0o644)
        for part in _PACKAGE_PARTS:
            source = (package_root / part) if (package_root / part).exists() else root / part
            paths = [source] if source.is_file() else sorted(p for p in source.rglob("*") if p.is_file())
            for path in paths:
                if "__pycache__" in path.parts or path.suffix == ".pyc":
                    continue
                name = f"learn/{path.relative_to(source.parent).as_posix()}"
                archive.write(path, name)
                names.append(name)
    return names
