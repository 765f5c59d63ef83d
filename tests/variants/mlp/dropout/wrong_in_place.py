# expect: failed does_not_modify_input
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
        return X * 0
    mask = (torch.rand(X.shape, device=X.device) > p).to(X.dtype)
    X.mul_(mask).div_(1 - p)
    return X

class Dropout(nn.Module):
    def __init__(self, p):
        super().__init__()
        _check(p)
        self.p = p

    def forward(self, X):
        return dropout_layer(X, self.p, self.training)
