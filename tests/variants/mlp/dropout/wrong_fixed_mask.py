# expect: failed fresh_mask_on_every_call
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
    gen = torch.Generator().manual_seed(0)
    mask = (torch.rand(X.shape, generator=gen) > p).to(X.dtype).to(X.device)
    return X * mask / (1 - p)

class Dropout(nn.Module):
    def __init__(self, p):
        super().__init__()
        _check(p)
        self.p = p

    def forward(self, X):
        return dropout_layer(X, self.p, self.training)
