# expect: failed only module_follows_training_flag
"""forward tests self.train (the method, always truthy) instead of self.training."""
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
    return X * keep / (1.0 - p)


class Dropout(nn.Module):
    def __init__(self, p):
        super().__init__()
        if not 0.0 <= p <= 1.0:
            raise ValueError("p")
        self.p = p

    def forward(self, X):
        if self.train:
            return dropout_layer(X, self.p)
        return X
