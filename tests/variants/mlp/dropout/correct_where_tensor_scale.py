# expect: passed
"""Correct, written differently: uniform_() noise, u >= p as the keep test, a 0-d tensor scale, torch.where, and zeros_like(X) * X at p = 1."""
import torch
from torch import nn


def dropout_layer(X, p, training=True):
    if not (0 <= p <= 1):
        raise ValueError("p")
    if not training:
        return X
    if p == 1:
        return torch.zeros_like(X) * X
    u = torch.empty(X.shape, device=X.device).uniform_()
    scale = torch.tensor(1.0 / (1.0 - p), device=X.device)
    return torch.where(u >= p, X * scale, torch.zeros((), dtype=X.dtype, device=X.device))


class Dropout(nn.Module):
    def __init__(self, p):
        super().__init__()
        if not 0.0 <= p <= 1.0:
            raise ValueError("p")
        self.p = p

    def forward(self, X):
        return dropout_layer(X, self.p, self.training)
