# expect: passed
"""Correct, written differently: rand_like, masked_fill on a clone, p checked before super().__init__() and stored under another name."""
import torch
from torch import nn


def dropout_layer(X, p, training=True):
    if p < 0 or p > 1:
        raise ValueError(f"bad p {p}")
    if training and p > 0:
        if p == 1:
            return X.mul(0)
        drop = torch.rand_like(X, dtype=torch.float32) < p
        out = X.clone()
        out = out.masked_fill(drop, 0)
        return out / (1 - p)
    return X


class Dropout(nn.Module):
    def __init__(self, p):
        if p < 0 or p > 1:
            raise ValueError("bad p")
        super().__init__()
        self.rate = float(p)

    def forward(self, X):
        if not self.training:
            return X
        return dropout_layer(X, self.rate, True)
