"""``learn watch``: driven through a pseudo-terminal, as a learner's terminal would."""

from __future__ import annotations

import os
import pty
import re
import select
import subprocess
import sys
import time
from pathlib import Path

import pytest

from grader.catalog import load_catalog, paths_for
from grader.watch import first_unpassed

ROOT = Path(__file__).resolve().parent.parent
ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")


class Terminal:
    """``learn ...`` on a pseudo-terminal; :meth:`expect` reads until a pattern shows."""

    def __init__(self, args: list[str], env: dict[str, str]) -> None:
        self.pid, self.fd = pty.fork()
        if self.pid == 0:
            os.execvpe(sys.executable, [sys.executable, "-m", "grader.cli", *args], env)
        self.text = ""

    def expect(self, pattern: str, timeout: float = 180.0) -> str:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            match = re.search(pattern, self.text)
            if match:
                rest = self.text[match.end():]
                self.text = rest
                return match.group(0)
            ready, _, _ = select.select([self.fd], [], [], 0.5)
            if ready:
                try:
                    chunk = os.read(self.fd, 65536)
                except OSError:
                    break
                if not chunk:
                    break
                self.text += ANSI.sub("", chunk.decode("utf-8", "replace"))
        raise AssertionError(f"{pattern!r} did not appear; the screen ends with:\n{self.text[-2000:]}")

    def send(self, text: str) -> None:
        os.write(self.fd, text.encode())

    def wait(self, timeout: float = 60.0) -> int:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            done, status = os.waitpid(self.pid, os.WNOHANG)
            if done:
                return os.waitstatus_to_exitcode(status)
            try:
                select.select([self.fd], [], [], 0.2)
                os.read(self.fd, 65536)
            except OSError:
                time.sleep(0.1)
        os.kill(self.pid, 9)
        raise AssertionError("learn watch did not end")


@pytest.fixture
def workspace(tmp_path: Path, learn_home: Path) -> tuple[Path, dict[str, str]]:
    env = dict(os.environ, PYTHONPATH=str(ROOT), COLUMNS="120")
    folder = tmp_path / "ws"
    subprocess.run([sys.executable, "-m", "grader.cli", "init", str(folder)], check=True,
                   env=env, capture_output=True)
    return folder, env


@pytest.mark.slow
def test_watch_rechecks_on_save_and_moves_on_when_it_passes(workspace) -> None:
    folder, env = workspace
    term = Terminal(["--workspace", str(folder), "watch", "mlp/dropout"], env)
    term.expect(r"mlp/dropout")
    term.expect(r"not attempted")
    target = folder / "exercises" / "mlp" / "dropout.py"
    wrong = (ROOT / "tests/variants/mlp/dropout/wrong_no_rescale.py").read_text(encoding="utf-8")
    target.write_text(wrong, encoding="utf-8")
    term.expect(r"survivors are scaled")            # the failing check, after the save
    term.send("h")
    term.expect(r"Hint 1 of")
    target.write_text(paths_for("mlp/dropout").solution.read_text(encoding="utf-8"),
                      encoding="utf-8")
    term.expect(r"mlp/dropout passed\. Next: ")
    term.expect(r"not attempted")                    # the next exercise's stub, checked
    term.send("q")
    assert term.wait() == 0


@pytest.mark.slow
def test_manual_run_checks_on_enter(workspace) -> None:
    folder, env = workspace
    term = Terminal(["--workspace", str(folder), "watch", "cnn/pooling", "--manual-run"], env)
    term.expect(r"not attempted")
    (folder / "exercises" / "cnn" / "pooling.py").write_text(
        paths_for("cnn/pooling").solution.read_text(encoding="utf-8"), encoding="utf-8")
    term.send("\n")
    term.expect(r"cnn/pooling passed")
    term.send("q\n")
    assert term.wait() == 0


def test_watch_refuses_without_a_terminal(workspace) -> None:
    folder, env = workspace
    proc = subprocess.run([sys.executable, "-m", "grader.cli", "--workspace", str(folder),
                           "watch"], stdin=subprocess.DEVNULL, capture_output=True, text=True,
                          env=env, timeout=60)
    assert proc.returncode == 2
    assert "terminal" in proc.stderr and "learn check" in proc.stderr


def test_watch_suggests_for_an_unknown_id(workspace) -> None:
    folder, env = workspace
    proc = subprocess.run([sys.executable, "-m", "grader.cli", "--workspace", str(folder),
                           "watch", "mlp/dropot"], stdin=subprocess.DEVNULL,
                          capture_output=True, text=True, env=env, timeout=60)
    assert proc.returncode != 0 and "mlp/dropout" in proc.stderr


def test_first_unpassed_follows_the_catalog_and_wraps_around() -> None:
    catalog = load_catalog()
    ids = [e.id for e in catalog.exercises]
    passed = set(ids[:3])
    assert first_unpassed(catalog, lambda i: i in passed).id == ids[3]
    assert first_unpassed(catalog, lambda i: i in passed, after=ids[-1]).id == ids[3]
    assert first_unpassed(catalog, lambda i: i in passed, after=ids[4]).id == ids[5]
    assert first_unpassed(catalog, lambda i: True) is None
