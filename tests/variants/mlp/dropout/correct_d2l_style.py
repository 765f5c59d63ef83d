# expect: passed
"""d2l's dropout_layer(X, dropout) with only the departures the stub states: ValueError for a
bad probability, a `training` argument, a mask drawn on X's device and cast to X's dtype,
and p = 1 zeros computed from X. d2l-zh's shortcut for dropout == 0 is kept; the layer tests
self.training in forward, as d2l's DropoutMLPScratch does."""
import torch
from torch import nn


def dropout_layer(X, dropout, training=True):
    if not 0 <= dropout <= 1:
        raise ValueError(f"dropout must lie in [0, 1], got {dropout}")
    if not training:
        return X
    # Every element is dropped.
    if dropout == 1:
        return X * 0
    # Every element is kept.
    if dropout == 0:
        return X
    mask = (torch.rand(X.shape, device=X.device) > dropout).to(X.dtype)
    return mask * X / (1.0 - dropout)


class Dropout(nn.Module):
    def __init__(self, dropout):
        super().__init__()
        if not 0 <= dropout <= 1:
            raise ValueError(f"dropout must lie in [0, 1], got {dropout}")
        self.dropout = dropout

    def forward(self, X):
        if self.training:
            X = dropout_layer(X, self.dropout)
        return X
