"""Build a Gradescope autograder zip: setup.sh, run_autograder and the package itself.

Gradescope unpacks the zip into ``/autograder/source``, runs ``setup.sh`` once per image, then
``run_autograder`` once per submission, with the student's files in
``/autograder/submission`` (their exercises tree, e.g. ``mlp/dropout.py``) and the results
expected in ``/autograder/results/results.json``.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

from grader.catalog import Exercise, content_root

SETUP = """#!/usr/bin/env bash
# Runs once when Gradescope builds the autograder image.
set -euo pipefail
apt-get update -qq && apt-get install -y -qq python3 python3-pip python3-venv bubblewrap > /dev/null
python3 -m venv /autograder/venv
/autograder/venv/bin/pip install --quiet torch --index-url https://download.pytorch.org/whl/cpu
/autograder/venv/bin/pip install --quiet /autograder/source/learn
"""

RUN = """#!/usr/bin/env bash
# Runs once per submission: grade it and hand Gradescope its results.json.
# The student's code runs in the grader's sandbox (bubblewrap) where the container allows
# user namespaces; where it does not, Gradescope's one-container-per-submission is the wall
# and the grade records "isolation": "none".
set -uo pipefail
out=$(mktemp -d)
isolation=""
/autograder/venv/bin/python -c "import sys; from grader.sandbox.host import bwrap_available; sys.exit(bwrap_available() is not None)" \\
    || isolation="--allow-unisolated"
/autograder/venv/bin/learn grade /autograder/submission --out "$out" --format gradescope,json \\
    --jobs 1 $isolation {exercises}
mkdir -p /autograder/results
cp "$out/gradescope/results.json" /autograder/results/results.json
"""

_PACKAGE_PARTS = ("pyproject.toml", "README.md", "grader", "exercises", "solutions", "quizzes")


def build_zip(target: Path, exercises: list[Exercise]) -> list[str]:
    """Write the autograder zip; returns the names it holds."""
    root = content_root()
    package_root = Path(__file__).resolve().parent.parent.parent
    names = []
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        def add(name: str, text: str, mode: int = 0o755) -> None:
            info = zipfile.ZipInfo(name)
            info.external_attr = (0o100000 | mode) << 16
            archive.writestr(info, text)
            names.append(name)

        add("setup.sh", SETUP)
        add("run_autograder", RUN.format(exercises=" ".join(f"--exercise {e.id}" for e in exercises)))
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
