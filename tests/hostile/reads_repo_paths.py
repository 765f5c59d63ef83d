"""Guesses the repository's location from grader.__file__, its own file name, the working
directory and common roots, opens the reference and the hidden checks, and raises an
exception holding their text.

Attack: reading the reference and hidden checks (open)
Honest maximum: 0
"""

import torch
from torch import nn

import os
import sys

_roots = {os.getcwd(), "/work/main", "/", os.path.expanduser("~")}
for _name in ("grader", "grader.sandbox"):
    module = sys.modules.get(_name)
    if module is not None and getattr(module, "__file__", None):
        here = os.path.dirname(os.path.abspath(module.__file__))
        _roots.update({here, os.path.dirname(here), os.path.dirname(os.path.dirname(here))})
_here = os.path.dirname(os.path.abspath(__file__))
for _ in range(6):
    _roots.add(_here)
    _here = os.path.dirname(_here)
_texts = []
for root in sorted(_roots):
    for rel in ("solutions/mlp/dropout.py", "grader/checks/mlp/test_dropout.py",
                "checks/mlp/test_dropout.py", "grader/_content/solutions/mlp/dropout.py",
                "_content/solutions/mlp/dropout.py"):
        try:
            with open(os.path.join(root, rel)) as fh:
                _texts.append(fh.read())
        except OSError:
            pass
if _texts:
    raise RuntimeError("\n".join(_texts))


def dropout_layer(X, p, training=True):
    raise NotImplementedError("implement dropout_layer")


class Dropout(nn.Module):
    def __init__(self, p):
        super().__init__()
        raise NotImplementedError("implement Dropout.__init__")

    def forward(self, X):
        raise NotImplementedError("implement Dropout.forward")
