# expect: passed
"""Correct, with defaults the stub does not have: dropout=0.1 in the module (the checks
always pass it) and an extra `base` parameter of the table function (never passed)."""
import torch
from torch import nn


def positional_encoding(num_steps, num_hiddens, base=10000.0):
    i = torch.arange(num_steps, dtype=torch.float64)[:, None]
    c = torch.arange(num_hiddens, dtype=torch.float64)[None, :]
    angle = i * base ** (-2 * torch.floor(c / 2) / num_hiddens)
    odd = torch.arange(num_hiddens) % 2 == 1
    return torch.where(odd, torch.cos(angle), torch.sin(angle)).float()


class PositionalEncoding(nn.Module):
    def __init__(self, num_hiddens, dropout=0.1, max_len=1000):
        super().__init__()
        self.max_len = max_len
        self.drop = nn.Dropout(dropout)
        self.register_buffer("table", positional_encoding(max_len, num_hiddens))

    def forward(self, X):
        steps = X.shape[1]
        if steps > self.max_len:
            raise ValueError(f"{steps} steps but max_len is {self.max_len}")
        return self.drop(X + self.table[:steps].to(X))
