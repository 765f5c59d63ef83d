# expect: failed only module_output_has_x_dtype
"""Converts the stored table to the dtype of the first X it sees and keeps it that way."""
import torch
from torch import nn


def positional_encoding(num_steps, num_hiddens):
    pos = torch.arange(num_steps, dtype=torch.float64)[:, None]
    col = torch.arange(num_hiddens)
    ang = pos / 10000 ** (2 * (col // 2) / num_hiddens)
    return torch.where(col % 2 == 0, ang.sin(), ang.cos()).float()


class PositionalEncoding(nn.Module):
    def __init__(self, num_hiddens, dropout, max_len=1000):
        super().__init__()
        self.max_len = max_len
        self.dropout = nn.Dropout(dropout)
        self.P = None
        self.d = num_hiddens

    def forward(self, X):
        if X.shape[1] > self.max_len:
            raise ValueError("too long")
        if self.P is None:
            self.P = positional_encoding(self.max_len, self.d).to(X.device, X.dtype)
        return self.dropout(X + self.P[: X.shape[1]])
