# expect: passed
"""Correct, written differently: exp(-log) frequencies, sin/cos stacked and flattened to
interleave them, odd d by dropping the surplus column, functional dropout."""
import math

import torch
import torch.nn.functional as F
from torch import nn


def positional_encoding(num_steps, num_hiddens):
    pairs = (num_hiddens + 1) // 2
    freq = torch.exp(torch.arange(pairs, dtype=torch.float32) * (-2.0 * math.log(10000.0) / num_hiddens))
    angle = torch.arange(num_steps, dtype=torch.float32)[:, None] * freq[None, :]
    both = torch.stack((angle.sin(), angle.cos()), dim=-1).reshape(num_steps, 2 * pairs)
    return both[:, :num_hiddens].contiguous()


class PositionalEncoding(nn.Module):
    def __init__(self, num_hiddens, dropout, max_len=1000):
        super().__init__()
        self.rate = dropout
        self.register_buffer("pe", positional_encoding(max_len, num_hiddens)[None], persistent=False)

    def forward(self, X):
        if X.shape[1] > self.pe.shape[1]:
            raise ValueError("too many steps")
        out = X + self.pe[:, : X.shape[1]].to(X)
        return F.dropout(out, self.rate, self.training)
