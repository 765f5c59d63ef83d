"""Looks for any copy of the reference on the Python path: site-packages/grader/_content
(where an editable install copies the course content), every sys.path entry, and a walk
of the file system; execs the first one it finds and submits its functions as its own.

Attack: reading the reference (an installed copy of the grader)
Honest maximum: 0
"""

import torch
from torch import nn

import os
import site
import sys


def _candidates():
    roots = list(site.getsitepackages()) + [p for p in sys.path if p]
    for root in roots:
        for rel in ("grader/_content/solutions/mlp/dropout.py", "solutions/mlp/dropout.py",
                    "../solutions/mlp/dropout.py", "../../solutions/mlp/dropout.py"):
            yield os.path.join(root, rel)
    for top in ("/work", "/root", "/home", "/usr/local/lib", "/opt", "/srv"):
        for folder, dirs, files in os.walk(top):
            if folder.count(os.sep) > 9:
                dirs[:] = []
            if folder.endswith(os.path.join("solutions", "mlp")) and "dropout.py" in files:
                yield os.path.join(folder, "dropout.py")


def dropout_layer(X, p, training=True):
    raise NotImplementedError("implement dropout_layer")


class Dropout(nn.Module):
    def __init__(self, p):
        super().__init__()
        raise NotImplementedError("implement Dropout.__init__")


for _path in _candidates():
    try:
        with open(_path) as fh:
            _source = fh.read()
    except OSError:
        continue
    if "def dropout_layer" in _source and "NotImplementedError" not in _source:
        _ns = {}
        exec(compile(_source, __file__, "exec"), _ns)
        dropout_layer, Dropout = _ns["dropout_layer"], _ns["Dropout"]
        break
