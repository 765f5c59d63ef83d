"""``learn doctor``: can this machine run the exercises, and what would make it better?

Each check is a plain function that returns a :class:`Finding`; :func:`diagnose` runs them
all. A finding is a *problem* only when it stops a learner from working (torch does not
import, the workspace or the progress store cannot be written); a missing GPU or missing
sandbox isolation is a *note* (everything works, with a difference the note explains), and
a missing nbgrader is a *warning* (only instructors need it).

torch is imported here (to check it), so the CLI imports this module only for ``learn doctor``.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import sys
import tempfile
import warnings
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

OK = "ok"
NOTE = "note"
WARNING = "warning"
PROBLEM = "problem"

MIN_PYTHON = (3, 10)
MIN_TORCH = (2, 1)
TORCH_PIN = "2.13.0"
"""The torch the README installs; the fixes suggest it."""

_CUDA_WHEELS = "https://pytorch.org/get-started/locally/"


@dataclass(frozen=True)
class Finding:
    """One thing the doctor looked at.

    Attributes:
        name: what was checked (``python``, ``torch``, ``gpu``, ``sandbox``, ``workspace``,
            ``progress store``, ``nbgrader``).
        status: :data:`OK`, :data:`NOTE`, :data:`WARNING` or :data:`PROBLEM`.
        summary: one line: what was found.
        meaning: what it means for you (empty when all is well).
        fix: the command that fixes it (empty when there is nothing to fix).
        details: the facts found, as data (versions, paths, reasons).
    """

    name: str
    status: str
    summary: str
    meaning: str = ""
    fix: str = ""
    details: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Diagnosis:
    """Every finding of one ``learn doctor`` run."""

    findings: tuple[Finding, ...]

    @property
    def can_work(self) -> bool:
        """True when nothing is a :data:`PROBLEM`: a learner can edit and check exercises."""
        return all(f.status != PROBLEM for f in self.findings)

    def to_json(self) -> dict[str, Any]:
        """The same as data: ``{"ok", "learn_version", "findings": [Finding fields]}``."""
        from grader import __version__

        return {"ok": self.can_work, "learn_version": __version__,
                "findings": [asdict(f) for f in self.findings]}


def check_python() -> Finding:
    """The interpreter learn runs on (the hidden checks and your code run on it too)."""
    version = ".".join(str(n) for n in sys.version_info[:3])
    details = {"version": version, "executable": sys.executable, "platform": sys.platform}
    if sys.version_info[:2] < MIN_PYTHON:
        need = ".".join(map(str, MIN_PYTHON))
        return Finding("python", PROBLEM, f"Python {version} is too old (learn needs {need} or "
                       "newer)", fix=f"python{need} -m venv .venv && . .venv/bin/activate && "
                       "pip install learn-d2l", details=details)
    return Finding("python", OK, f"Python {version} ({sys.executable})", details=details)


def _import_torch() -> Any:
    import torch

    return torch


def _version_tuple(text: str) -> tuple[int, ...]:
    parts = []
    for piece in text.split("+")[0].split(".")[:2]:
        digits = "".join(c for c in piece if c.isdigit())
        parts.append(int(digits or 0))
    return tuple(parts)


def torch_build(torch: Any) -> str:
    """``CPU``, ``CUDA 12.4`` or ``ROCm 6.1``: what this torch was built for."""
    version = getattr(torch, "version", None)
    cuda = getattr(version, "cuda", None)
    hip = getattr(version, "hip", None)
    if cuda:
        return f"CUDA {cuda}"
    if hip:
        return f"ROCm {hip}"
    return "CPU"


def check_torch() -> tuple[Finding, Any]:
    """Whether torch imports, which version and build; returns the module too (None when it
    does not import), for :func:`check_gpu`."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            torch = _import_torch()
    except ModuleNotFoundError as exc:
        return Finding("torch", PROBLEM, f"torch is not installed ({exc})",
                       meaning="the exercises and their checks need torch",
                       fix=f"pip install torch=={TORCH_PIN}",
                       details={"error": str(exc)}), None
    except Exception as exc:  # noqa: BLE001 - a broken install fails in many ways
        return Finding("torch", PROBLEM, f"torch is installed but does not import "
                       f"({type(exc).__name__}: {exc})",
                       meaning="the exercises and their checks need torch",
                       fix=f"pip install --force-reinstall torch=={TORCH_PIN}",
                       details={"error": f"{type(exc).__name__}: {exc}"}), None
    version = str(getattr(torch, "__version__", "unknown"))
    build = torch_build(torch)
    details = {"version": version, "build": build,
               "cuda": getattr(getattr(torch, "version", None), "cuda", None),
               "path": str(getattr(torch, "__file__", "") or "")}
    if _version_tuple(version) < MIN_TORCH:
        need = ".".join(map(str, MIN_TORCH))
        return Finding("torch", PROBLEM, f"torch {version} is too old (learn needs {need} or "
                       "newer)", fix=f"pip install torch=={TORCH_PIN}", details=details), torch
    return Finding("torch", OK, f"torch {version} ({build} build)", details=details), torch


def check_gpu(torch: Any) -> Finding:
    """Whether torch sees a GPU and a tiny kernel really runs on it."""
    on_cpu = "`learn check` runs the checks on the CPU (every exercise works there)"
    if torch is None:
        return Finding("gpu", NOTE, "not checked: torch does not import", meaning=on_cpu)
    build = torch_build(torch)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            available = bool(torch.cuda.is_available())
    except Exception as exc:  # noqa: BLE001 - a broken driver
        available = False
        build = f"{build}; {type(exc).__name__}: {exc}"
    if not available:
        if build == "CPU" and shutil.which("nvidia-smi"):
            return Finding("gpu", NOTE, "this torch is a CPU build, but the machine has an "
                           "NVIDIA driver (nvidia-smi)", meaning=on_cpu + "; a CUDA build of "
                           "torch would let `--device cuda` use the GPU",
                           fix=f"pip install torch=={TORCH_PIN} --index-url "
                               "https://download.pytorch.org/whl/cuXXX (the CUDA tag for your "
                               f"driver: {_CUDA_WHEELS})",
                           details={"available": False, "build": build})
        if build != "CPU":
            return Finding("gpu", NOTE, f"torch is built for {build} but sees no GPU",
                           meaning=on_cpu, fix="`nvidia-smi` should list your GPU; if it does "
                           "not, install or update the NVIDIA driver",
                           details={"available": False, "build": build})
        return Finding("gpu", NOTE, "no GPU visible", meaning=on_cpu + "; `--device cuda` is "
                       "unavailable", details={"available": False, "build": build})
    try:
        name = str(torch.cuda.get_device_name(0))
        x = torch.arange(1024, device="cuda", dtype=torch.float32)
        total = float((x * 2).sum().item())
        torch.cuda.synchronize()
        if total != 1023 * 1024:
            raise RuntimeError(f"2 * sum(0..1023) came out as {total}, not {1023 * 1024}")
    except Exception as exc:  # noqa: BLE001 - a driver or architecture mismatch
        return Finding("gpu", NOTE, f"a GPU is visible, but a tiny kernel failed on it "
                       f"({type(exc).__name__}: {exc})",
                       meaning="`learn check` may fail on the GPU; pass `--device cpu` to run "
                       "the checks on the CPU",
                       fix=f"pip install torch=={TORCH_PIN} built for your GPU's CUDA version "
                           f"({_CUDA_WHEELS})",
                       details={"available": True, "usable": False, "build": build,
                                "error": f"{type(exc).__name__}: {exc}"})
    count = int(torch.cuda.device_count())
    return Finding("gpu", OK, f"{name} ({count} visible, a kernel ran on it)",
                   details={"available": True, "usable": True, "name": name, "count": count,
                            "build": build})


def _sandbox_fix(reason: str) -> str:
    if "LEARN_NO_SANDBOX" in reason:
        return "unset LEARN_NO_SANDBOX"
    if "not installed" in reason:
        return ("sudo apt-get install bubblewrap   (Fedora: sudo dnf install bubblewrap; "
                "Arch: sudo pacman -S bubblewrap)")
    if "namespaces" in reason and sys.platform.startswith("linux"):
        return ("ask the machine's administrator to allow unprivileged user namespaces "
                "(`sudo sysctl -w kernel.unprivileged_userns_clone=1`; in a container, run it "
                "with --security-opt seccomp=unconfined or use the host)")
    return ""


def check_sandbox() -> Finding:
    """Whether your code can run isolated (bubblewrap namespaces)."""
    from grader.sandbox import host

    reason = host.bwrap_available()
    if reason is None:
        return Finding("sandbox", OK, "bubblewrap namespaces work: your code runs isolated",
                       details={"isolation": "namespaces"})
    return Finding("sandbox", NOTE, f"no isolation: {reason}",
                   meaning="`learn check` still grades your code with the same checks, but "
                   "without the sandbox's isolation, so its result is a self-check (not a "
                   "grade an instructor can trust)", fix=_sandbox_fix(reason),
                   details={"isolation": "none", "reason": reason})


def _unwritable(folder: Path) -> str | None:
    """Why a file cannot be created in ``folder``, or None when it can."""
    try:
        fd, name = tempfile.mkstemp(prefix=".learn-doctor-", dir=folder)
        os.close(fd)
        os.unlink(name)
    except OSError as exc:
        return exc.strerror or str(exc)
    return None


def check_workspace(explicit: str | None = None) -> Finding:
    """The workspace ``learn`` would use here, and that your files in it can be written."""
    from grader.workspace import BACKUPS, WorkspaceError, find_workspace

    try:
        root = find_workspace(explicit)
    except WorkspaceError as exc:
        return Finding("workspace", PROBLEM, str(exc).split(";")[0],
                       meaning="your copies of the exercises live in a workspace",
                       fix="learn init ~/d2l-exercises && cd ~/d2l-exercises",
                       details={"error": str(exc)})
    exercises = root / "exercises"
    details = {"path": str(root), "exercises": str(exercises), "backups": str(root / BACKUPS)}
    for folder in (root, exercises) if exercises.is_dir() else (root,):
        why = _unwritable(folder)
        if why:
            return Finding("workspace", PROBLEM, f"{folder} is not writable ({why})",
                           meaning="you edit your exercises there, and `learn reset` keeps its "
                           "backups there",
                           fix=f"chmod -R u+w {root}   (or make a workspace you own: "
                               "`learn init ~/d2l-exercises`)", details=details)
    if not exercises.is_dir():
        return Finding("workspace", PROBLEM, f"{root} has no exercises/ folder",
                       fix=f"learn init {root}", details=details)
    return Finding("workspace", OK, f"{root} (writable)", details=details)


def check_store() -> Finding:
    """The progress store's folder can be written, and the store is one this learn reads."""
    from grader.progress import SCHEMA_VERSION, home_dir

    fix_home = "export LEARN_HOME=~/.learn   (any folder you can write)"
    try:
        home = home_dir()
        home.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        return Finding("progress store", PROBLEM, f"cannot create its folder ({exc.strerror or exc})",
                       meaning="learn records your checks, hints and quiz scores there",
                       fix=fix_home, details={"error": str(exc)})
    path = home / "progress.sqlite3"
    details = {"path": str(path), "exists": path.exists()}
    why = _unwritable(home)
    if why is None and path.exists() and not os.access(path, os.W_OK):
        why = "the file is read-only"
    if why:
        return Finding("progress store", PROBLEM, f"{path} is not writable ({why})",
                       meaning="learn records your checks, hints and quiz scores there",
                       fix=f"chmod u+w {home} {path}   (or {fix_home})", details=details)
    if path.exists():
        try:
            conn = sqlite3.connect(path.as_uri() + "?mode=ro", uri=True, timeout=5.0)
            try:
                version = int(conn.execute("PRAGMA user_version").fetchone()[0])
                conn.execute("SELECT COUNT(*) FROM sqlite_master").fetchone()
            finally:
                conn.close()
        except sqlite3.Error as exc:
            return Finding("progress store", WARNING, f"{path} cannot be read ({exc})",
                           meaning="the next learn command moves it aside (and names the copy) "
                           "and starts a new store", details=details)
        details["schema_version"] = version
        if version > SCHEMA_VERSION:
            return Finding("progress store", PROBLEM, f"{path} was written by a newer learn",
                           fix="pip install -U learn-d2l", details=details)
    return Finding("progress store", OK, f"{path} (writable)", details=details)


def _find_nbgrader() -> str:
    """nbgrader's version; raises when it cannot be imported.

    Its package is located, not imported: importing nbgrader (Jupyter, traitlets, ...) takes
    seconds to tens of seconds, far more than every other check together.
    """
    from importlib import metadata, util

    if util.find_spec("nbgrader") is None:
        raise ModuleNotFoundError("No module named 'nbgrader'")
    try:
        return metadata.version("nbgrader")
    except metadata.PackageNotFoundError:
        return "unknown"


def check_nbgrader() -> Finding:
    """Whether nbgrader is importable (instructors need it; learners do not)."""
    try:
        version = _find_nbgrader()
    except Exception as exc:  # noqa: BLE001 - missing or broken: the same advice
        from grader.catalog import content_root

        here = Path.cwd().resolve() == content_root().resolve()
        fix = 'pip install ".[instructor]"' if here else 'pip install "learn-d2l[instructor]"'
        return Finding("nbgrader", WARNING, f"nbgrader is not installed ({exc})",
                       meaning="only instructors need it (`learn nbgrader export`, `learn grade "
                       "COURSE_DIR`); learners can ignore this", fix=fix,
                       details={"error": f"{type(exc).__name__}: {exc}"})
    return Finding("nbgrader", OK, f"nbgrader {version} (for instructors)",
                   details={"version": version})


def diagnose(workspace: str | None = None) -> Diagnosis:
    """Run every check, in the order a learner would fix them.

    Args:
        workspace: the ``--workspace`` option (or None: ``LEARN_WORKSPACE`` or the folder
            you are in).
    """
    torch_finding, torch = check_torch()
    return Diagnosis((check_python(), torch_finding, check_gpu(torch), check_sandbox(),
                      check_workspace(workspace), check_store(), check_nbgrader()))
