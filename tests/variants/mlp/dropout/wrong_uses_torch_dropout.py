# expect: failed eval_mode_returns_input_unchanged
"""Calls torch's dropout through getattr, which the exercise forbids."""
import torch
from torch import nn
import torch.nn.functional as F

_fn = getattr(F, "drop" + "out")


def dropout_layer(X, p, training=True):
    if not 0 <= p <= 1:
        raise ValueError(p)
    return _fn(X, p, training)


class Dropout(nn.Module):
    def __init__(self, p):
        super().__init__()
        if not 0 <= p <= 1:
            raise ValueError(p)
        self.p = p

    def forward(self, X):
        return dropout_layer(X, self.p, self.training)
