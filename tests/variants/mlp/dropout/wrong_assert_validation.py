# expect: failed only invalid_p_raises_value_error
"""d2l's assert 0 <= p <= 1: an AssertionError, not a ValueError."""
import torch
from torch import nn


def dropout_layer(X, p, training=True):
    assert 0.0 <= p <= 1.0
    if not training or p == 0.0:
        return X
    if p == 1.0:
        return X * 0.0
    keep = (torch.rand(X.shape, device=X.device) > p).to(X.dtype)
    return X * keep / (1.0 - p)


class Dropout(nn.Module):
    def __init__(self, p):
        super().__init__()
        if not 0.0 <= p <= 1.0:
            raise ValueError("p")
        self.p = p

    def forward(self, X):
        return dropout_layer(X, self.p, self.training)
