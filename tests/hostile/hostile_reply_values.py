"""Patches the sandbox's reply path to send well-formed frames whose values are built to
break the checker: a load report with malformed signatures (which once crashed the
checker for every later student), meta and CUDA tensors, shapes that overflow, numpy
scalars out of range, handles with a fake mro, bogus in-place change reports, and
exceptions of kinds (UnicodeDecodeError, ExceptionGroup) that need extra arguments.

Attack: hostile values in well-formed replies
Honest maximum: 0
"""

import torch
from torch import nn

import itertools

import grader.sandbox.wire as _wire

_original = _wire.send_frame
_counter = itertools.count()
_VALUES = [
    {"$tensor": {"dtype": "float32", "shape": [64, 32], "device": "meta", "rg": False,
                 "fn": False, "at": [0, 0], "id": 0}},
    {"$tensor": {"dtype": "float32", "shape": [1], "device": "cuda:0", "rg": False,
                 "fn": False, "at": [0, 4], "id": 0}},
    {"$tensor": {"dtype": "float32", "shape": [1099511627775] * 15 + [0], "device": "cpu",
                 "rg": False, "fn": False, "at": [0, 0], "id": 0}},
    {"$np": ["uint8", 300]},
    {"$handle": {"id": 1, "type": "torch.Tensor", "mro": "torch.nn.modules.module.Module",
                 "callable": "yes"}},
    {"$complex": ["x", 1]},
]
_EXCS = [{"type": "UnicodeDecodeError", "bases": ["UnicodeDecodeError", "UnicodeError",
                                                  "ValueError", "Exception"],
          "message": "x", "line": "7"},
         {"type": "ExceptionGroup", "bases": ["ExceptionGroup", "Exception"], "message": "x"},
         {"type": 5, "bases": 7, "message": ["not", "text"]}]


def _forged(sock, message, blobs=None, fds=None):
    if isinstance(message, dict) and "seq" in message:
        n = next(_counter)
        if isinstance(message.get("value"), dict) and "dropout_layer" in str(message.get("value")):
            bad = {"kind": "function", "params": [[1], "x", None], "type": None,
                   "bases": "torch.nn.modules.module.Module"}
            encoder = _wire.Encoder(lambda obj: None)
            message = dict(message, value=encoder.encode({"dropout_layer": bad, "Dropout": bad}))
        elif n % 3 == 0:
            message = dict(message, ok=True, value=_VALUES[n % len(_VALUES)], exc=None)
        elif n % 3 == 1:
            message = dict(message, ok=False, exc=_EXCS[n % len(_EXCS)])
        else:
            message = dict(message, ok=True, value=1.0, mutated=[[[0], 1], [0, 5], "x"])
    return _original(sock, message, blobs, fds)

_wire.send_frame = _forged


def dropout_layer(X, p, training=True):
    raise NotImplementedError("implement dropout_layer")


class Dropout(nn.Module):
    def __init__(self, p):
        super().__init__()
        raise NotImplementedError("implement Dropout.__init__")

    def forward(self, X):
        raise NotImplementedError("implement Dropout.forward")
