# expect: passed
"""d2l's own PositionalEncoding with only the stub's departures: the (1, max_len, d) float32
table P filled by slicing, angles i / 10000^(2j/d) formed in float32 as d2l does, a plain
attribute moved to X's device in forward. Departures: the table also comes from a function
of its own (2-D), the cosine slice is one column short for odd d, the table is cast to X's
dtype too, and a too long X raises ValueError."""
import torch
from torch import nn


def positional_encoding(num_steps, num_hiddens):
    P = torch.zeros((1, num_steps, num_hiddens))
    X = torch.arange(num_steps, dtype=torch.float32).reshape(-1, 1) / torch.pow(
        10000, torch.arange(0, num_hiddens, 2, dtype=torch.float32) / num_hiddens)
    P[:, :, 0::2] = torch.sin(X)
    # For odd d there is one cosine column fewer than sine columns.
    P[:, :, 1::2] = torch.cos(X[:, :num_hiddens // 2])
    return P[0]


class PositionalEncoding(nn.Module):
    """Positional encoding."""

    def __init__(self, num_hiddens, dropout, max_len=1000):
        super().__init__()
        self.dropout = nn.Dropout(dropout)
        # Create a long enough P
        self.P = positional_encoding(max_len, num_hiddens).unsqueeze(0)

    def forward(self, X):
        if X.shape[1] > self.P.shape[1]:
            raise ValueError(f"X has {X.shape[1]} steps, the table only {self.P.shape[1]}")
        X = X + self.P[:, :X.shape[1], :].to(X.device, X.dtype)
        return self.dropout(X)
