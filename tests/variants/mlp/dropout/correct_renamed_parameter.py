# expect: passed
"""Correct, with the parameters the checks pass by position renamed: the input is H and the
probability drop_prob (the stub says X and p)."""
import torch
from torch import nn


def _validate(drop_prob):
    if drop_prob < 0 or drop_prob > 1:
        raise ValueError("drop_prob is a probability")


def dropout_layer(H, drop_prob, training=True):
    _validate(drop_prob)
    if not training or drop_prob == 0:
        return H
    if drop_prob == 1:
        return H.mul(0)
    keep = torch.rand_like(H, dtype=torch.float32) >= drop_prob
    return H * keep.to(H.dtype) * (1.0 / (1.0 - drop_prob))


class Dropout(nn.Module):
    def __init__(self, drop_prob):
        super().__init__()
        _validate(drop_prob)
        self.drop_prob = drop_prob

    def forward(self, H):
        return dropout_layer(H, self.drop_prob, training=self.training)
