# expect: failed only eval_mode_returns_input_unchanged, module_follows_training_flag
"""Tests p == 1 before training: dropout_layer(X, 1.0, training=False) and an eval-mode Dropout(1.0) return zeros."""
import torch
from torch import nn


def dropout_layer(X, p, training=True):
    if not 0.0 <= p <= 1.0:
        raise ValueError("p")
    if p == 1.0:
        return X * 0.0
    if not training or p == 0.0:
        return X
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
