# expect: failed only keeps_shape_dtype_and_device[float32], keeps_shape_dtype_and_device[float16], keeps_shape_dtype_and_device[bfloat16]
"""Scales with a float64 tensor of X's shape: every dtype but float64 is promoted."""
import torch
from torch import nn


def dropout_layer(X, p, training=True):
    if not 0.0 <= p <= 1.0:
        raise ValueError("p")
    if not training or p == 0.0:
        return X
    if p == 1.0:
        return X * 0.0
    keep = torch.rand(X.shape, device=X.device) > p
    scale = torch.full(X.shape, 1.0 / (1.0 - p), dtype=torch.float64, device=X.device)
    return X * keep * scale


class Dropout(nn.Module):
    def __init__(self, p):
        super().__init__()
        if not 0.0 <= p <= 1.0:
            raise ValueError("p")
        self.p = p

    def forward(self, X):
        return dropout_layer(X, self.p, self.training)
