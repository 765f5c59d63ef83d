# expect: failed only shape_and_dtype, module_output_has_x_dtype
"""Builds and returns the table in float64 (and adds it without casting)."""
import math

import torch
from torch import nn


def positional_encoding(num_steps, num_hiddens):
    P = torch.zeros(num_steps, num_hiddens, dtype=torch.float64)
    pos = torch.arange(num_steps, dtype=torch.float64).reshape(-1, 1)
    expo = torch.arange(0, num_hiddens, 2, dtype=torch.float64) / num_hiddens
    angles = pos / torch.pow(10000, expo)
    P[:, 0::2] = torch.sin(angles)
    P[:, 1::2] = torch.cos(angles[:, : num_hiddens // 2])
    return P


class PositionalEncoding(nn.Module):
    def __init__(self, num_hiddens, dropout, max_len=1000):
        super().__init__()
        self.max_len = max_len
        self.dropout = nn.Dropout(dropout)
        self.register_buffer("P", positional_encoding(max_len, num_hiddens))

    def forward(self, X):
        if X.shape[1] > self.max_len:
            raise ValueError("sequence longer than max_len")
        return self.dropout(X + self.P[: X.shape[1]])
