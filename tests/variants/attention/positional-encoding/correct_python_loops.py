# expect: passed
"""Correct, written differently: Python loops with math.sin/cos, a plain attribute moved in
forward, a hand-written dropout mask."""
import math

import torch
from torch import nn


def positional_encoding(num_steps: int, num_hiddens: int) -> torch.Tensor:
    rows = []
    for i in range(num_steps):
        row = []
        for col in range(num_hiddens):
            j = col // 2
            angle = i / (10000 ** (2 * j / num_hiddens))
            row.append(math.sin(angle) if col % 2 == 0 else math.cos(angle))
        rows.append(row)
    return torch.tensor(rows, dtype=torch.float32).reshape(num_steps, num_hiddens)


class PositionalEncoding(nn.Module):
    def __init__(self, num_hiddens: int, dropout: float, max_len: int = 1000):
        super().__init__()
        self.p = dropout
        self.max_len = max_len
        self.table = positional_encoding(max_len, num_hiddens).unsqueeze(0)

    def forward(self, X):
        steps = X.size(1)
        if steps > self.max_len:
            raise ValueError(f"{steps} > {self.max_len}")
        Y = X + self.table[:, :steps, :].to(X.device).type_as(X)
        if self.training and self.p > 0:
            keep = (torch.rand(Y.shape, device=Y.device) >= self.p).type_as(Y)
            Y = Y * keep / (1 - self.p)
        return Y
