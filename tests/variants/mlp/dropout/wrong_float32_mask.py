# expect: failed only keeps_shape_dtype_and_device[float64], keeps_shape_dtype_and_device[float16], keeps_shape_dtype_and_device[bfloat16]
import torch
from torch import nn


def _check(p):
    if not 0 <= p <= 1:
        raise ValueError(p)


def dropout_layer(X, p, training=True):
    _check(p)
    if not training:
        return X
    if p == 1:
        return (X * 0).float()
    mask = (torch.rand(X.shape, device=X.device) > p).float()
    return (X * mask / (1 - p)).float()

class Dropout(nn.Module):
    def __init__(self, p):
        super().__init__()
        _check(p)
        self.p = p

    def forward(self, X):
        return dropout_layer(X, self.p, self.training)
