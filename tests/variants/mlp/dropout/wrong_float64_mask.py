# expect: failed only keeps_shape_dtype_and_device[float32], keeps_shape_dtype_and_device[float16], keeps_shape_dtype_and_device[bfloat16]
"""A float64 mask: mask * X promotes float32 and half X to float64. Only the dtype is wrong;
the values and the gradient routing are right."""
import torch
from torch import nn


def dropout_layer(X, p, training=True):
    if not 0 <= p <= 1:
        raise ValueError(p)
    if not training:
        return X
    if p == 1:
        return X * torch.zeros((), dtype=torch.float64)
    mask = (torch.rand(X.shape, dtype=torch.float64, device=X.device) > p).double()
    return mask * X / (1 - p)


class Dropout(nn.Module):
    def __init__(self, p):
        super().__init__()
        if not 0 <= p <= 1:
            raise ValueError(p)
        self.p = p

    def forward(self, X):
        return dropout_layer(X, self.p, self.training)
