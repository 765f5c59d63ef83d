# expect: failed only p_one_stays_in_autograd_graph
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
        return torch.zeros_like(X)
    mask = (torch.rand(X.shape, device=X.device) > p).to(X.dtype)
    return X * mask / (1 - p)

class Dropout(nn.Module):
    def __init__(self, p):
        super().__init__()
        _check(p)
        self.p = p

    def forward(self, X):
        return dropout_layer(X, self.p, self.training)
