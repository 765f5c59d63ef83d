"""Returns an object (not a tensor) whose __bool__, __eq__, __len__, __iter__, __float__ and
attributes lie, including a shape that matches, requires_grad True, and numpy's
__array_interface__ pointing at address 0 (which would crash a checker that read it).

Attack: objects whose __bool__/__eq__/__len__/__iter__ lie
Honest maximum: as twins/returns_object.py (what returning a non-tensor earns)
"""

import torch
from torch import nn

class _Agreeable:
    shape = (64, 32)
    dtype = torch.float32
    requires_grad = True
    __array_interface__ = {"shape": (1 << 20,), "typestr": "<f4", "data": (0, False),
                           "version": 3}

    def __bool__(self):
        return True

    def __eq__(self, other):
        return True

    def __ne__(self, other):
        return False

    def __len__(self):
        return 64

    def __iter__(self):
        return iter(range(64))

    def __float__(self):
        return 1.0

    def __getattr__(self, name):
        return lambda *a, **k: self

    def __torch_function__(self, *args, **kwargs):
        return True


def dropout_layer(X, p, training=True):
    return _Agreeable()


class Dropout(nn.Module):
    def __init__(self, p):
        super().__init__()
        self.p = p

    def forward(self, X):
        return _Agreeable()
