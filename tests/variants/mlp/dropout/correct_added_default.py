# expect: passed
"""Correct, with an extra parameter that has a default: an optional torch.Generator for the
mask (in dropout_layer and in the layer)."""
import torch
from torch import nn


def dropout_layer(X, p, training=True, generator=None):
    if not 0.0 <= p <= 1.0:
        raise ValueError(f"p = {p} is not a probability")
    if not training:
        return X
    if p == 1.0:
        return X * 0.0
    u = torch.rand(X.shape, generator=generator, device=X.device)
    return torch.where(u < p, torch.zeros_like(X), X / (1.0 - p))


class Dropout(nn.Module):
    def __init__(self, p, generator=None):
        super().__init__()
        if not 0.0 <= p <= 1.0:
            raise ValueError(f"p = {p} is not a probability")
        self.p = p
        self.generator = generator

    def forward(self, X):
        return dropout_layer(X, self.p, self.training, generator=self.generator)
