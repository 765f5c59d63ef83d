"""Reference solution for exercises/mlp/dropout.py."""

import torch
from torch import nn


def _check_p(p: float) -> None:
    if not 0.0 <= p <= 1.0:
        raise ValueError(f"dropout probability must be in [0, 1], got {p}")


def dropout_layer(X: torch.Tensor, p: float, training: bool = True) -> torch.Tensor:
    _check_p(p)
    if not training or p == 0.0:
        return X
    if p == 1.0:
        # Multiplying by zero (not building zeros_like) keeps X in the autograd graph and
        # avoids 0 / 0 = NaN.
        return X * 0.0
    # The mask is drawn on X's device, so this works for CUDA inputs too.
    keep = (torch.rand(X.shape, device=X.device) > p).to(X.dtype)
    return X * keep / (1.0 - p)


class Dropout(nn.Module):
    def __init__(self, p: float):
        super().__init__()
        _check_p(p)
        self.p = p

    def forward(self, X: torch.Tensor) -> torch.Tensor:
        return dropout_layer(X, self.p, self.training)
