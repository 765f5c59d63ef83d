"""The learner's workspace: where their copies of the exercise stubs live.

* Inside a clone of the repository the learner edits ``exercises/`` in place.
* After ``pip install``, ``learn init DIR`` copies the stubs into ``DIR/exercises/`` and marks
  DIR as a workspace; ``--workspace DIR`` or ``LEARN_WORKSPACE`` selects it, and so does
  running ``learn`` anywhere inside it.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from pathlib import Path

from grader.catalog import Catalog, Exercise, content_root, paths_for

MARKER = ".learn-workspace"
BACKUPS = ".learn-backups"


class WorkspaceError(Exception):
    """No usable workspace; the message says which command fixes it."""


def _is_clone(root: Path) -> bool:
    return (root / "exercises" / "catalog.yaml").is_file() and (root / "grader").is_dir()


def find_workspace(explicit: str | None = None, cwd: Path | None = None) -> Path:
    """The workspace to use: ``explicit`` (option or LEARN_WORKSPACE), the enclosing
    workspace or clone of the current directory, or the clone learn runs from."""
    chosen = explicit or os.environ.get("LEARN_WORKSPACE")
    if chosen:
        path = Path(chosen).expanduser().resolve()
        if not (path / MARKER).is_file() and not _is_clone(path):
            raise WorkspaceError(f"{path} is not a learn workspace; create one with "
                                 f"`learn init {chosen}`")
        return path
    here = (cwd or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / MARKER).is_file() or _is_clone(folder):
            return folder
    root = content_root()
    if _is_clone(root):
        return root
    raise WorkspaceError("no workspace found; create one with `learn init ~/d2l-exercises`, then "
                         "run learn inside it (or pass --workspace / set LEARN_WORKSPACE)")


def learner_file(workspace: Path, exercise: Exercise) -> Path:
    """The learner's copy of the exercise in ``workspace``."""
    return workspace / "exercises" / exercise.file


def pristine_stub(exercise: Exercise) -> str:
    """The original stub text.

    In a clone the stub files are the learner's own copies, so the original comes from the
    repository's last commit when git has it.
    """
    stub = paths_for(exercise.id).stub
    root = content_root()
    if _is_clone(root) and (root / ".git").exists():
        rel = stub.relative_to(root).as_posix()
        try:
            out = subprocess.run(["git", "-C", str(root), "show", f"HEAD:{rel}"],
                                 capture_output=True, timeout=10, check=False)
            if out.returncode == 0:
                return out.stdout.decode("utf-8")
        except (OSError, subprocess.SubprocessError):
            pass
    return stub.read_text(encoding="utf-8")


def init_workspace(target: Path, catalog: Catalog) -> tuple[list[Path], list[Path]]:
    """Copy every stub into ``target``; existing files are kept. (written, kept)."""
    target = target.expanduser().resolve()
    target.mkdir(parents=True, exist_ok=True)
    written, kept = [], []
    for exercise in catalog.exercises:
        dest = learner_file(target, exercise)
        if dest.exists():
            kept.append(dest)
            continue
        dest.parent.mkdir(parents=True, exist_ok=True)
        dest.write_text(pristine_stub(exercise), encoding="utf-8")
        written.append(dest)
    marker = target / MARKER
    if not marker.exists():
        marker.write_text("This folder is a learn workspace (created by `learn init`).\n",
                          encoding="utf-8")
    return written, kept


def reset_exercise(workspace: Path, exercise: Exercise) -> Path | None:
    """Restore the stub; the learner's version is first copied to a backup, whose path is
    returned (None when there was nothing to keep)."""
    dest = learner_file(workspace, exercise)
    stub = pristine_stub(exercise)
    backup = None
    if dest.exists():
        current = dest.read_text(encoding="utf-8", errors="replace")
        if current != stub:
            stamp = time.strftime("%Y%m%d-%H%M%S")
            backup = workspace / BACKUPS / exercise.file.replace(".py", f".{stamp}.py")
            n = 1
            while backup.exists():
                n += 1
                backup = backup.with_name(backup.name.replace(".py", f"-{n}.py"))
            backup.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(dest, backup)
    dest.parent.mkdir(parents=True, exist_ok=True)
    tmp = dest.with_name(dest.name + ".tmp")
    tmp.write_text(stub, encoding="utf-8")
    os.replace(tmp, dest)
    return backup
