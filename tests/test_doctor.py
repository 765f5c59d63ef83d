"""``learn doctor``: each check as a plain function, and the command's text, JSON and exit code."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from click.testing import CliRunner

from grader import doctor
from grader.cli import cli

ROOT = Path(__file__).resolve().parent.parent


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, list(args), obj={}, catch_exceptions=False)
    return result.exit_code, result.output


class _Value:
    """Stands in for a CUDA tensor: ``(x * 2).sum().item()``."""

    def __init__(self, value: float) -> None:
        self.value = value

    def __mul__(self, k: float) -> _Value:
        return _Value(self.value * k)

    def sum(self) -> _Value:
        return self

    def item(self) -> float:
        return self.value


def fake_torch(version: str = "2.13.0+cpu", cuda: str | None = None, gpu: bool = False,
               kernel_error: Exception | None = None) -> Any:
    def arange(n: int, **kwargs: Any) -> _Value:
        if kernel_error:
            raise kernel_error
        return _Value(n * (n - 1) / 2)

    return SimpleNamespace(
        __version__=version, __file__="/site-packages/torch/__init__.py", float32="float32",
        version=SimpleNamespace(cuda=cuda, hip=None), arange=arange,
        cuda=SimpleNamespace(is_available=lambda: gpu, get_device_name=lambda i: "NVIDIA H200",
                             device_count=lambda: 1, synchronize=lambda: None))


@pytest.fixture(autouse=True)
def healthy(learn_home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A machine where everything works (no GPU); each test breaks one thing."""
    monkeypatch.setattr(doctor, "_import_torch", lambda: fake_torch())
    monkeypatch.setattr("grader.sandbox.host.bwrap_available", lambda: None)
    monkeypatch.setattr(doctor, "_find_nbgrader", lambda: "0.9.6")
    monkeypatch.setattr(doctor.shutil, "which", lambda name: None)
    monkeypatch.delenv("LEARN_WORKSPACE", raising=False)
    monkeypatch.chdir(ROOT)


def finding(name: str, workspace: str | None = None) -> doctor.Finding:
    return next(f for f in doctor.diagnose(workspace).findings if f.name == name)


def test_a_healthy_machine_is_ready_and_a_missing_gpu_is_a_note() -> None:
    code, out = run("doctor")
    assert code == 0, out
    for name in ("python", "torch", "gpu", "sandbox", "workspace", "progress store", "nbgrader"):
        assert name in out
    assert "torch 2.13.0+cpu (CPU build)" in out and "no GPU visible" in out
    assert "runs the checks on the CPU" in out and "Ready" in out
    assert finding("gpu").status == doctor.NOTE


def test_json_is_the_same_data() -> None:
    code, out = run("doctor", "--format", "json")
    assert code == 0
    data = json.loads(out)
    assert data["ok"] is True
    names = [f["name"] for f in data["findings"]]
    assert names == ["python", "torch", "gpu", "sandbox", "workspace", "progress store", "nbgrader"]
    assert all({"name", "status", "summary", "meaning", "fix", "details"} <= set(f)
               for f in data["findings"])
    torch = data["findings"][1]
    assert torch["details"]["build"] == "CPU" and torch["details"]["version"] == "2.13.0+cpu"
    python = data["findings"][0]["details"]
    assert {"version", "executable"} <= set(python)


@pytest.mark.parametrize("error, fix", [
    (ModuleNotFoundError("No module named 'torch'"), "pip install torch==2.13.0"),
    (OSError("libtorch_cpu.so: cannot open shared object file"),
     "pip install --force-reinstall torch==2.13.0"),
])
def test_a_broken_torch_import_is_a_problem_with_its_fix(monkeypatch: pytest.MonkeyPatch,
                                                         error: Exception, fix: str) -> None:
    def broken() -> Any:
        raise error

    monkeypatch.setattr(doctor, "_import_torch", broken)
    code, out = run("doctor")
    assert code == 1
    assert fix in out and "Not ready" in out and "learn doctor" in out
    assert finding("gpu").summary == "not checked: torch does not import"
    code, out = run("doctor", "--format", "json")
    assert code == 1 and json.loads(out)["ok"] is False


def test_an_old_torch_is_a_problem(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(doctor, "_import_torch", lambda: fake_torch("2.0.1"))
    code, out = run("doctor")
    assert code == 1 and "too old" in out and "pip install torch==2.13.0" in out


def test_an_unwritable_store_is_a_problem(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder", encoding="utf-8")
    monkeypatch.setenv("LEARN_HOME", str(blocker / "learn"))
    code, out = run("doctor")
    assert code == 1
    store = finding("progress store")
    assert store.status == doctor.PROBLEM and "LEARN_HOME" in store.fix
    assert "export LEARN_HOME" in out


def test_a_store_from_a_newer_learn_is_a_problem_and_a_damaged_one_a_warning(
        learn_home: Path) -> None:
    learn_home.mkdir(parents=True)
    conn = sqlite3.connect(learn_home / "progress.sqlite3")
    conn.execute("PRAGMA user_version = 99")
    conn.close()
    store = finding("progress store")
    assert store.status == doctor.PROBLEM and store.fix == "pip install -U learn-d2l"
    (learn_home / "progress.sqlite3").write_bytes(b"not a database" * 100)
    store = finding("progress store")
    assert store.status == doctor.WARNING and "moves it aside" in store.meaning
    assert run("doctor")[0] == 0


def test_no_bubblewrap_is_a_note_that_says_what_it_means(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("grader.sandbox.host.bwrap_available",
                        lambda: "bubblewrap (bwrap) is not installed")
    code, out = run("doctor")
    assert code == 0
    assert "sudo apt-get install bubblewrap" in out and "self-check" in out
    sandbox = finding("sandbox")
    assert sandbox.status == doctor.NOTE and sandbox.details["isolation"] == "none"


def test_sandbox_switched_off_names_the_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("grader.sandbox.host.bwrap_available", lambda: "LEARN_NO_SANDBOX is set")
    assert finding("sandbox").fix == "unset LEARN_NO_SANDBOX"


def test_no_nbgrader_is_only_a_warning(monkeypatch: pytest.MonkeyPatch) -> None:
    def missing() -> str:
        raise ModuleNotFoundError("No module named 'nbgrader'")

    monkeypatch.setattr(doctor, "_find_nbgrader", missing)
    code, out = run("doctor")
    assert code == 0
    assert 'pip install ".[instructor]"' in out and "only instructors need it" in out
    assert finding("nbgrader").status == doctor.WARNING


def test_no_workspace_is_a_problem_that_names_learn_init(tmp_path: Path) -> None:
    code, out = run("--workspace", str(tmp_path), "doctor")
    assert code == 1 and "learn init" in out
    assert finding("workspace", str(tmp_path)).status == doctor.PROBLEM


def test_a_usable_gpu_runs_a_kernel(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(doctor, "_import_torch", lambda: fake_torch("2.13.0+cu126", "12.6", True))
    gpu = finding("gpu")
    assert gpu.status == doctor.OK and gpu.details["usable"] is True
    assert "NVIDIA H200" in gpu.summary
    assert "CUDA 12.6 build" in finding("torch").summary


def test_a_gpu_whose_kernel_fails_is_a_note(monkeypatch: pytest.MonkeyPatch) -> None:
    error = RuntimeError("CUDA error: no kernel image is available for execution on the device")
    monkeypatch.setattr(doctor, "_import_torch",
                        lambda: fake_torch("2.13.0+cu126", "12.6", True, kernel_error=error))
    code, out = run("doctor")
    assert code == 0 and "no kernel image" in out and "--device cpu" in out
    assert finding("gpu").details["usable"] is False


def test_a_cpu_torch_on_a_machine_with_a_driver_suggests_the_cuda_build(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(doctor.shutil, "which", lambda name: "/usr/bin/nvidia-smi")
    gpu = finding("gpu")
    assert gpu.status == doctor.NOTE and "--index-url" in gpu.fix


def test_the_real_machine(monkeypatch: pytest.MonkeyPatch) -> None:
    """No fakes: the real torch imports, and the GPU check runs on it."""
    monkeypatch.undo()
    monkeypatch.chdir(ROOT)
    torch_finding, torch = doctor.check_torch()
    assert torch_finding.status == doctor.OK and torch is not None
    assert doctor.check_gpu(torch).status in (doctor.OK, doctor.NOTE)
    assert doctor.check_python().status == doctor.OK
