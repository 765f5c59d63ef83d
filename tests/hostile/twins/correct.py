"""Honest twin: A correct dropout.

The attack-free behaviour some hostile files share; graded beside them,
its score is their honest maximum.
"""

import torch
from torch import nn


def _check(p):
    if not 0 <= p <= 1:
        raise ValueError(f"p must be in [0, 1], got {p}")


def dropout_layer(X, p, training=True):
    _check(p)
    if not training or p == 0:
        return X
    if p == 1:
        return X * 0.0
    keep = (torch.rand(X.shape, device=X.device) > p).to(X.dtype)
    return X * keep / (1.0 - p)


class Dropout(nn.Module):
    def __init__(self, p):
        super().__init__()
        _check(p)
        self.p = p

    def forward(self, X):
        return dropout_layer(X, self.p, self.training)
