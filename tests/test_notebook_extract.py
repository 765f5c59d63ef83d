"""What a notebook submits (grader.notebook.extract_submission), and a real kernel that
defines dropout and calls check() in the same cell."""

from __future__ import annotations

import json
import os
import sys
import textwrap
from pathlib import Path

import pytest

from grader.catalog import load_catalog, paths_for
from grader.notebook import (
    CheckFailed,
    CheckReport,
    Submission,
    extract_submission,
    submission_source,
)
from grader.results import CheckResult, ExerciseResult
from tests.conftest import ROOT

CATALOG = load_catalog()
NAMES = ["dropout_layer", "Dropout"]
DROPOUT = paths_for("mlp/dropout").solution.read_text(encoding="utf-8")


def _take(*cells: str, names: list[str] | None = None) -> str:
    return extract_submission(names or NAMES, [textwrap.dedent(c) for c in cells]).source


def test_check_in_the_defining_cell_is_left_out() -> None:
    source = _take("""\
        import torch
        from grader.notebook import check

        def dropout_layer(X, p, training=True):
            return X

        check("mlp/dropout")
        hint("mlp/dropout"); quiz("mlp/dropout")
        """)
    assert "def dropout_layer" in source and "import torch" in source
    assert "check(" not in source and "hint(" not in source and "grader" not in source
    compile(source, "nb", "exec")


def test_side_effects_are_left_out_and_needed_constants_kept() -> None:
    source = _take("""\
        import torch
        from torch import nn
        NUM_HIDDENS = 64
        loss = nn.CrossEntropyLoss()
        X = torch.randn(10_000, 10_000)
        net = train(net, num_epochs=10)
        print(X.shape)
        for i in range(3):
            dropout_layer(X, 0.5)
        with torch.no_grad():
            y = 1
        if __name__ == "__main__":
            Dropout(0.5)

        def _mask(X, p):
            return (torch.rand(X.shape) > p).float() * NUM_HIDDENS

        def dropout_layer(X, p, training=True):
            return X * _mask(X, p) / (1 - p)

        class Dropout(nn.Module):
            def forward(self, X, net=None):   # a local `net`, not the global training run
                return dropout_layer(X, 0.5) + loss(X, X)
        """)
    assert "NUM_HIDDENS = 64" in source and "loss = nn.CrossEntropyLoss()" in source
    assert "def _mask" in source
    for gone in ("torch.randn", "train(", "print(", "for i", "with torch", "__main__", "y = 1"):
        assert gone not in source, gone
    compile(source, "nb", "exec")


def test_helpers_and_constants_come_from_other_cells_transitively() -> None:
    source = _take("SCALE = 2\nunused = 3",
                   "def helper(X):\n    return X * SCALE",
                   "def dropout_layer(X, p, training=True):\n    return helper(X)")
    assert "SCALE = 2" in source and "def helper" in source and "unused" not in source
    assert source.index("SCALE") < source.index("def helper") < source.index("def dropout_layer")


def test_later_definitions_win_and_a_rerun_cell_counts_once() -> None:
    cell = "def dropout_layer(X, p, training=True):\n    return X\ncheck('mlp/dropout')"
    source = _take(cell, cell, cell, "def dropout_layer(X, p, training=True):\n    return X * 2")
    assert source.count("return X\n") == 1 and source.index("return X\n") < source.index("X * 2")


def test_decorators_and_semicolons() -> None:
    source = _take("import functools\n@functools.lru_cache\ndef dropout_layer(X, p):\n"
                   "    return X  # done\nx = 1; check('mlp/dropout')")
    assert "@functools.lru_cache\ndef dropout_layer" in source and "check" not in source


def test_magics_and_syntax_errors() -> None:
    source = _take("%matplotlib inline\nget_ipython().run_line_magic('time', '')\nimport torch")
    assert "import torch" in source and "%" not in source and "get_ipython" not in source
    broken = _take("def dropout_layer(X, p:\n    return X", "def other(:\n  pass")
    assert "def dropout_layer(X, p:" in broken and "other" not in broken


def test_lines_name_the_cell_they_came_from() -> None:
    cell = "x = 1\n\ndef dropout_layer(X, p):\n    return X + missing"
    submission = extract_submission(NAMES, ["import torch", cell], ["cell In[1]", "cell In[2]"])
    line = submission.source.splitlines().index("    return X + missing") + 1
    assert submission.origin(line) == ("cell In[2]", 4)
    text = (f"your file could not be imported at /tmp/learn-nb-x/mlp_dropout_notebook.py:{line}:"
            f" NameError (line {line} of your file)")
    assert submission.relabel(text, "mlp_dropout_notebook.py") == (
        "your file could not be imported at cell In[2], line 4: NameError (line 4 of cell In[2])")


def test_the_old_entry_point_and_nbgrader_extraction_agree(tmp_path: Path) -> None:
    """``learn grade COURSE_DIR`` reads notebook files through the same function."""
    from grader.export.nbgrader import _code_cells

    exercise = CATALOG.get("mlp/dropout")
    cells = ["import torch", DROPOUT + "\ncheck('mlp/dropout')\nprint(dropout_layer)"]
    nb = tmp_path / "nb.ipynb"
    nb.write_text(json.dumps({"cells": [{"cell_type": "code", "source": c, "metadata": {}}
                                        for c in cells]}), encoding="utf-8")
    assert submission_source(exercise, _code_cells(nb)) == submission_source(exercise, cells)
    assert "check(" not in submission_source(exercise, cells)


def test_report_draws_the_map_as_text_and_svg() -> None:
    message = ("pool2d(X): 4 of 48 values (8%) are wrong. Map of the wrong cells (3x4; x wrong, "
               ". right): ....|.xx.|....")
    result = ExerciseResult("cnn/pooling", "failed", 0, 2, "cpu", 1, "1 check failed",
                            (CheckResult("max_pooling", "failed", 0, 2, message),))
    report = CheckReport(result)
    assert "      Map of the wrong cells (3x4; x wrong, . right):\n        ....\n        .xx.\n" in repr(report)
    assert "<svg" in report._repr_html_() and "....|" not in report._repr_html_()
    assert "CheckFailed: a:" in CheckFailed("a: x\n  .x")._render_traceback_()[0]


@pytest.mark.slow
def test_a_real_kernel_defines_and_checks_in_one_cell(tmp_path: Path) -> None:
    """The issue's case: one cell defines dropout_layer and Dropout, then calls check()."""
    manager = pytest.importorskip("jupyter_client.manager")
    env = dict(os.environ, LEARN_HOME=str(tmp_path / "home"), PYTHONPATH=str(ROOT))
    km, kc = manager.start_new_kernel(kernel_name="python3", cwd=str(ROOT), env=env,
                                      startup_timeout=120)
    try:
        assert _execute(kc, "import sys; print(sys.executable)")[0].strip() == sys.executable
        _execute(kc, "from grader.notebook import check")
        cell = DROPOUT + '\nreport = check("mlp/dropout")\nprint(report.result.outcome)\nreport'
        out, data = _execute(kc, cell)
        assert out.strip().splitlines()[-1] == "passed", out
        assert "text/html" in data and "passed" in data["text/html"]
        # a mistake in a later cell: the message names that cell and its line
        out, _ = _execute(kc, 'def dropout_layer(X, p, training=True):\n    return X + missing\n'
                              'r = check("mlp/dropout")\n'
                              'print("\\n".join(c.message for c in r.result.checks))')
        assert "missing" in out and "line 2 of cell In[4]" in out, out
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)


def _execute(kc, code: str, timeout: float = 240) -> tuple[str, dict]:
    """Run ``code`` in the kernel: (its stdout, the data of its execute_result)."""
    msg_id = kc.execute(code)
    out: list[str] = []
    data: dict = {}
    while True:
        msg = kc.get_iopub_msg(timeout=timeout)
        if msg["parent_header"].get("msg_id") != msg_id:
            continue
        kind, content = msg["msg_type"], msg["content"]
        if kind == "stream" and content["name"] == "stdout":
            out.append(content["text"])
        elif kind == "execute_result":
            data = content["data"]
        elif kind == "error":
            raise AssertionError("\n".join(content["traceback"]))
        elif kind == "status" and content["execution_state"] == "idle":
            break
    return "".join(out), data


def test_submission_is_a_plain_value() -> None:
    assert Submission("x = 1\n", (("cell 1", 1),)).origin(2) is None
