# expect: failed only elements_are_dropped_independently
"""One random number per column (a mask of shape X.shape[-1]) broadcast over the rows."""
import torch
from torch import nn


def dropout_layer(X, p, training=True):
    if not 0.0 <= p <= 1.0:
        raise ValueError("p")
    if not training or p == 0.0:
        return X
    if p == 1.0:
        return X * 0.0
    keep = (torch.rand(X.shape[-1], device=X.device) > p).to(X.dtype)
    return X * keep / (1.0 - p)


class Dropout(nn.Module):
    def __init__(self, p):
        super().__init__()
        if not 0.0 <= p <= 1.0:
            raise ValueError("p")
        self.p = p

    def forward(self, X):
        return dropout_layer(X, self.p, self.training)
