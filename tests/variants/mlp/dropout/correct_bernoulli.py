# expect: passed
"""Correct, written differently: torch.bernoulli keep-mask, torch.where, a module flag check."""
import torch
from torch import nn


def dropout_layer(X, p, training=True):
    if p < 0 or p > 1:
        raise ValueError("p must be a probability")
    if training is False:
        return X.clone()
    if p == 1:
        return torch.where(torch.zeros_like(X, dtype=torch.bool), X, X * 0)
    keep = torch.bernoulli(torch.full_like(X, 1 - p))
    return torch.where(keep.bool(), X * (1.0 / (1 - p)), torch.zeros_like(X))


class Dropout(nn.Module):
    def __init__(self, p):
        super().__init__()
        if not (0 <= p <= 1):
            raise ValueError(p)
        self.rate = p

    def forward(self, X):
        return dropout_layer(X, self.rate, training=self.training)
