# expect: failed only invalid_p_raises_value_error
"""Dropout.__init__ stores p without checking it: Dropout(1.5) builds."""
import torch
from torch import nn


def dropout_layer(X, p, training=True):
    if not 0.0 <= p <= 1.0:
        raise ValueError("p")
    if not training or p == 0.0:
        return X
    if p == 1.0:
        return X * 0.0
    keep = (torch.rand(X.shape, device=X.device) > p).to(X.dtype)
    return X * keep / (1.0 - p)


class Dropout(nn.Module):
    def __init__(self, p):
        super().__init__()
        self.p = p

    def forward(self, X):
        return dropout_layer(X, self.p, self.training)
