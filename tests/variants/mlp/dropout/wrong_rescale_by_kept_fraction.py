# expect: failed survivors_are_scaled_by_one_over_one_minus_p, gradient_flows_through_kept_elements_only
"""Divides by the fraction actually kept (keep.mean()) instead of 1 - p."""
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
    return X * keep / keep.mean()


class Dropout(nn.Module):
    def __init__(self, p):
        super().__init__()
        if not 0.0 <= p <= 1.0:
            raise ValueError("p")
        self.p = p

    def forward(self, X):
        return dropout_layer(X, self.p, self.training)
