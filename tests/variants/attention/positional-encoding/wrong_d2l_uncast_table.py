# expect: failed only module_output_has_x_dtype
"""d2l's forward as it is, X + self.P[...].to(X.device): the float32 table is not cast to X's
dtype, so float16 and bfloat16 X come out float32 (float64 X happens to stay float64)."""
import torch
from torch import nn


def positional_encoding(num_steps, num_hiddens):
    P = torch.zeros((1, num_steps, num_hiddens))
    X = torch.arange(num_steps, dtype=torch.float32).reshape(-1, 1) / torch.pow(
        10000, torch.arange(0, num_hiddens, 2, dtype=torch.float32) / num_hiddens)
    P[:, :, 0::2] = torch.sin(X)
    P[:, :, 1::2] = torch.cos(X[:, :num_hiddens // 2])
    return P[0]


class PositionalEncoding(nn.Module):
    def __init__(self, num_hiddens, dropout, max_len=1000):
        super().__init__()
        self.dropout = nn.Dropout(dropout)
        self.P = positional_encoding(max_len, num_hiddens).unsqueeze(0)

    def forward(self, X):
        if X.shape[1] > self.P.shape[1]:
            raise ValueError("sequence longer than max_len")
        X = X + self.P[:, :X.shape[1], :].to(X.device)
        return self.dropout(X)
